/**
 * Data tests: each is a query returning the rows that break a rule (none = pass). They run after every
 * model is built; `orderops build` fails naming the model, the test and a sample of the failing rows.
 */
import { quoteIdent, quoteLiteral } from "../ingest/warehouse.ts";

export interface DataTest {
  name: string;
  /** SQL selecting the failing rows of `table`. */
  failingRows(table: string): string;
  /**
   * Whether a row can fail only because of itself (and of rows of other tables that builds only add
   * to), so that after an incremental build it is enough to test the rows that were rebuilt.
   */
  rowLocal?: boolean;
  /** For uniqueness tests: the key columns (rows rebuilt by one of them can be tested alone). */
  uniqueColumns?: readonly string[];
}

const cols = (columns: readonly string[]) => columns.map(quoteIdent).join(", ");

export function notNull(...columns: string[]): DataTest {
  return {
    name: `not_null(${columns.join(", ")})`,
    rowLocal: true,
    failingRows: (t) =>
      `SELECT * FROM ${t} WHERE ${columns.map((c) => `${quoteIdent(c)} IS NULL`).join(" OR ")}`,
  };
}

export function unique(...columns: string[]): DataTest {
  return {
    name: `unique(${columns.join(", ")})`,
    uniqueColumns: columns,
    failingRows: (t) =>
      `SELECT ${cols(columns)}, count(*) AS copies FROM ${t} GROUP BY ALL HAVING count(*) > 1`,
  };
}

export function acceptedValues(column: string, values: readonly string[]): DataTest {
  return {
    name: `accepted_values(${column})`,
    rowLocal: true,
    failingRows: (t) =>
      `SELECT * FROM ${t} WHERE ${quoteIdent(column)} NOT IN (${values.map(quoteLiteral).join(", ")})`,
  };
}

export function relationship(column: string, parentTable: string, parentColumn: string): DataTest {
  return {
    name: `relationship(${column} → ${parentTable}.${parentColumn})`,
    rowLocal: true,
    failingRows: (t) => `SELECT c.* FROM ${t} c WHERE c.${quoteIdent(column)} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${parentTable} p WHERE p.${quoteIdent(parentColumn)} = c.${quoteIdent(column)})`,
  };
}

/** A condition every row must satisfy, written over the model's columns. */
export function invariant(name: string, condition: string): DataTest {
  // IS NOT TRUE: a row where the condition is unknown (NULL) fails too.
  return { name, rowLocal: true, failingRows: (t) => `SELECT * FROM ${t} WHERE (${condition}) IS NOT TRUE` };
}

/** A test written as a whole query (for rules that compare the model with its sources). */
export function custom(name: string, failingRows: (table: string) => string): DataTest {
  return { name, failingRows };
}
