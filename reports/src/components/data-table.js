// A table readers can search and sort (click a column header), with a caption, and the rows it shows
// (after the search) downloadable as CSV. Values are rendered as text by Inputs.table, never as HTML,
// so free text from the exports cannot run.
import * as Inputs from "@observablehq/inputs";
import { downloadButton } from "./csv.js";
import { el } from "./dom.js";
import { words } from "./format.js";

export function dataTable(
  rows,
  {
    filename,
    caption,
    columns,
    header,
    format,
    sort,
    reverse = false,
    label = "Search",
    rowsShown = 12,
    testid,
    wrap = [],
  } = {},
) {
  const search = Inputs.search(rows, { placeholder: `${label}…`, label });
  const container = document.createElement("div");
  container.className = "data-table";
  if (testid) container.dataset.testid = testid;
  const controls = document.createElement("div");
  controls.className = "data-table-controls";
  const download = downloadButton(() => search.value, filename, "Download CSV", columns);
  controls.append(search, download);
  const tableSlot = document.createElement("div");
  const shownColumns = columns ?? Object.keys(rows[0] ?? {});
  const headers = Object.fromEntries(shownColumns.map((c) => [c, header?.[c] ?? words(c)]));
  // Free text (comments, notes) wraps within its column's width instead of ending in an ellipsis; the
  // value is still set as text (el), and downloads, search and sort see the value itself.
  const shownFormat = { ...format };
  for (const column of wrap) {
    const base = format?.[column];
    shownFormat[column] = (value, i, data) =>
      el("span", { className: "wrap-text" }, base ? base(value, i, data) : (value ?? ""));
  }
  const render = () => {
    const table = Inputs.table(search.value, {
      columns: shownColumns,
      header: headers,
      format: shownFormat,
      sort,
      reverse,
      rows: rowsShown,
      layout: "auto",
      select: false,
    });
    const element = table.querySelector("table");
    if (element && caption) element.createCaption().textContent = caption;
    tableSlot.replaceChildren(table);
  };
  search.addEventListener("input", render);
  render();
  container.append(controls, tableSlot);
  return container;
}
