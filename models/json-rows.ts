/**
 * A small table of values from JavaScript (policy thresholds, a code's classification) as a bound JSON
 * parameter that DuckDB unnests into typed rows: one parameter whatever the number of rows, never values
 * pasted into SQL, and an empty list is still a valid (empty) table.
 */
import { type RawBuilder, sql } from "kysely";
import type { ColumnDefinition } from "./model.ts";

export function jsonRows<Row extends object>(
  columns: readonly ColumnDefinition[],
  rows: readonly Row[],
): RawBuilder<Row> {
  const struct = `STRUCT(${columns.map(([name, type]) => `"${name}" ${type}`).join(", ")})[]`;
  const selected = columns.map(([name]) => `r."${name}"`).join(", ");
  // Only the declared keys: DuckDB refuses JSON objects with keys the struct does not have.
  const json = JSON.stringify(
    rows.map((row) =>
      Object.fromEntries(columns.map(([name]) => [name, (row as Record<string, unknown>)[name] ?? null])),
    ),
  );
  // Parenthesised: kysely places a raw CTE body as it is, and DuckDB wants `name AS (query)`.
  return sql<Row>`(SELECT ${sql.raw(selected)} FROM (SELECT unnest(CAST(CAST(${json} AS JSON) AS ${sql.raw(struct)})) AS r))`;
}
