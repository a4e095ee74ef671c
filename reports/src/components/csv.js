// CSV for the site's downloads. Cells that a spreadsheet would run as a formula (starting with = + - @,
// a tab or a carriage return) are prefixed with a single quote, so a case note such as
// "=HYPERLINK(...)" opens as text (OWASP's CSV injection guidance).
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value) {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows, columns = rows.length ? Object.keys(rows[0]) : []) {
  return [
    columns.map(csvCell).join(","),
    ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(",")),
  ].join("\r\n");
}

/** A button that downloads `rows` (an array, or a function giving one when clicked) as a CSV file. */
export function downloadButton(rows, filename, label = "Download CSV", columns) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "download";
  button.textContent = label;
  button.setAttribute("aria-label", `${label}: ${filename}`);
  button.addEventListener("click", () => {
    const data = typeof rows === "function" ? rows() : rows;
    const blob = new Blob([toCsv(data, columns ?? (data.length ? Object.keys(data[0]) : []))], {
      type: "text/csv;charset=utf-8",
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
  return button;
}
