/** Printing results: aligned text tables for people, CSV and JSON for programs. */

export type OutputFormat = "table" | "csv" | "json";

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  return value;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}

export function formatTable(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const names = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (names.length === 0) return "(no rows)";
  const cells = rows.map((row) => names.map((n) => cellText(row[n]).replace(/\s+/g, " ")));
  const widths = names.map((n, i) =>
    Math.min(60, Math.max(n.length, ...cells.map((r) => (r[i] ?? "").length))),
  );
  const truncate = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  const numeric = names.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every((r) => typeof r[names[i] as string] === "number" || r[names[i] as string] == null),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : truncate(v, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(names as string[]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join(
    "\n",
  );
}

/** RFC 4180 CSV: quote fields holding a delimiter, a quote or a line break. */
export function formatCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const names = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  const field = (value: unknown) => {
    const text = cellText(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [names.map(field).join(","), ...rows.map((row) => names.map((n) => field(row[n])).join(","))].join(
    "\n",
  );
}

export function formatRows(
  rows: readonly Record<string, unknown>[],
  format: OutputFormat,
  columns?: readonly string[],
): string {
  switch (format) {
    case "json":
      return JSON.stringify(rows, jsonReplacer, 2);
    case "csv":
      return formatCsv(rows, columns);
    case "table":
      return formatTable(rows, columns);
  }
}
