// A chart in a card: its title, a sentence saying how to read it, the chart, and its data as CSV.
import { downloadButton } from "./csv.js";
import { el } from "./dom.js";

export function chartCard({ title, description, chart, rows, filename, id, main = false, columns }) {
  const card = el(
    "div",
    { role: "figure", "aria-label": title, className: `card chart-card${main ? " main-chart" : ""}`, id },
    el("h2", {}, title),
    description ? el("p", { className: "chart-description" }, description) : null,
    rows.length ? chart : el("p", { className: "muted" }, "No data in the filters' range."),
    rows.length
      ? el(
          "div",
          { className: "data-table-controls" },
          downloadButton(rows, filename, "Download chart data (CSV)", columns),
        )
      : null,
  );
  return card;
}
