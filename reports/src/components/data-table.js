// A table readers can search and sort (click a column header), with its rows downloadable as CSV.
// Values are rendered as text by Inputs.table, never as HTML, so free text from the exports cannot run.
import * as Inputs from "@observablehq/inputs";
import { downloadButton } from "./csv.js";

export function dataTable(
  rows,
  { filename, columns, header, format, label = "Search", rowsShown = 12 } = {},
) {
  const search = Inputs.search(rows, { placeholder: `${label}…`, label });
  const container = document.createElement("div");
  container.className = "data-table";
  const controls = document.createElement("div");
  controls.className = "data-table-controls";
  controls.append(search, downloadButton(rows, filename));
  const tableSlot = document.createElement("div");
  const render = () => {
    tableSlot.replaceChildren(
      Inputs.table(search.value, { columns, header, format, rows: rowsShown, layout: "auto" }),
    );
  };
  search.addEventListener("input", render);
  render();
  container.append(controls, tableSlot);
  return container;
}
