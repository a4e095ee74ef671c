/**
 * SQL generated from a contract's column specs: one expression per field that yields a reason a person
 * understands (or NULL when the value is fine), and one that yields the typed value. Every row of a file
 * is checked by DuckDB in one statement; no row is validated in JavaScript.
 */
import type { ColumnSpec } from "./columns.ts";
import type { EntityContract } from "./contracts/index.ts";
import { quoteIdent, quoteLiteral } from "./warehouse.ts";

/** A value as it should appear inside a reason: quoted and cut short. */
function shown(value: string): string {
  return `'"' || left(${value}, 60) || CASE WHEN length(${value}) > 60 THEN '…' ELSE '' END || '"'`;
}

const WHOLE_NUMBER = "^[+-]?[0-9]+$";
// An ISO 8601 date-time that carries an offset (Z, +hh:mm, +hhmm or +hh). Without one the instant is ambiguous.
const ISO_WITH_OFFSET =
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$";
const BOOLEAN_WORDS = ["true", "false", "t", "f", "1", "0", "yes", "no", "y", "n"];
const TRUE_WORDS = ["true", "t", "1", "yes", "y"];

/** The landing value of a column: NULL when the file has no such column, trimmed unless it is free text. */
export function landingValue(column: ColumnSpec, present: boolean, alias = "l"): string {
  if (!present) return "CAST(NULL AS VARCHAR)";
  const raw = `${alias}.${quoteIdent(column.name)}`;
  return column.kind === "string" ? `nullif(${raw}, '')` : `nullif(trim(${raw}), '')`;
}

export interface CheckContext {
  /** The load's reference instant for "not in the future" (ISO 8601). */
  now: string;
  /** How far an observed timestamp may lie beyond `now` (clock skew between systems), seconds. */
  futureToleranceS: number;
}

/** A list field's text as a list: `a|b`, `a; b`, `a,b` or a JSON array `["a","b"]`. */
export function listValue(v: string): string {
  return `list_filter(list_transform(regexp_split_to_array(trim(${v}, '[] '), ' *[|;,] *'), x -> trim(x, '" ')), x -> x <> '')`;
}

/**
 * SQL yielding the problem with one field's value, or NULL. `v` is the value as text; `typed`, when
 * given, is the same value already cast (a column computed once), so the checks do not cast again.
 */
export function problemExpression(
  column: ColumnSpec,
  v: string,
  context: CheckContext,
  typed?: string,
): string {
  const cast = (type: string) => typed ?? `TRY_CAST(${v} AS ${type})`;
  const name = column.name;
  const checks: string[] = [];
  if (column.required)
    checks.push(`WHEN ${v} IS NULL THEN ${quoteLiteral(`${name}: required value is missing`)}`);
  const is = (condition: string, message: string) =>
    checks.push(`WHEN ${v} IS NOT NULL AND (${condition}) THEN ${message}`);
  const text = (s: string) => quoteLiteral(s);

  switch (column.kind) {
    case "timestamp":
      is(
        `NOT regexp_full_match(${v}, ${quoteLiteral(ISO_WITH_OFFSET)})`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(" is not an ISO 8601 timestamp with a UTC offset (e.g. 2026-03-01T09:30:00+01:00)")}`,
      );
      is(
        `${cast("TIMESTAMPTZ")} IS NULL`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(" is not a real date and time")}`,
      );
      if (!column.mayBeFuture) {
        const tolerance = Math.round(context.futureToleranceS);
        is(
          `${cast("TIMESTAMPTZ")} > CAST(${quoteLiteral(context.now)} AS TIMESTAMPTZ) + INTERVAL (${tolerance}) SECOND`,
          `${text(`${name}: `)} || ${shown(v)} || ${text(` is in the future (later than the load time ${context.now} plus ${tolerance} s tolerance)`)}`,
        );
      }
      break;
    case "date":
      is(
        `${cast("DATE")} IS NULL`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(" is not a date (YYYY-MM-DD)")}`,
      );
      break;
    case "integer":
      is(
        `NOT regexp_full_match(${v}, ${quoteLiteral(WHOLE_NUMBER)})`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(" is not a whole number")}`,
      );
      break;
    case "number":
      is(
        `${cast("DOUBLE")} IS NULL OR NOT isfinite(${cast("DOUBLE")})`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(" is not a number")}`,
      );
      break;
    case "boolean":
      is(
        `lower(${v}) NOT IN (${BOOLEAN_WORDS.map(quoteLiteral).join(", ")})`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(" is not true or false")}`,
      );
      break;
    case "enum": {
      const values = column.enumValues ?? [];
      is(
        `${v} NOT IN (${values.map(quoteLiteral).join(", ")})`,
        `${text(`${name}: `)} || ${shown(v)} || ${text(` is not one of ${values.join(", ")}`)}`,
      );
      break;
    }
    case "enum_list": {
      const values = column.enumValues ?? [];
      const list = listValue(v);
      is(`len(${list}) = 0`, text(`${name}: the list is empty`));
      is(
        `len(list_filter(${list}, x -> x NOT IN (${values.map(quoteLiteral).join(", ")}))) > 0`,
        `${text(`${name}: `)} || array_to_string(list_filter(${list}, x -> x NOT IN (${values.map(quoteLiteral).join(", ")})), ', ') || ${text(` is not one of ${values.join(", ")}`)}`,
      );
      break;
    }
    case "string":
      if (column.check === "iana_time_zone") {
        is(
          `${v} NOT IN (SELECT name FROM pg_timezone_names())`,
          `${text(`${name}: `)} || ${shown(v)} || ${text(" is not an IANA time zone (e.g. Europe/Berlin)")}`,
        );
      }
      if (column.minLength !== undefined && column.minLength > 0) {
        is(
          `length(${v}) < ${column.minLength}`,
          text(`${name}: shorter than ${column.minLength} characters`),
        );
      }
      if (column.pattern !== undefined) {
        is(
          `NOT regexp_full_match(${v}, ${quoteLiteral(column.pattern)})`,
          `${text(`${name}: `)} || ${shown(v)} || ${text(` does not match ${column.pattern}`)}`,
        );
      }
      break;
  }
  if (column.kind === "integer" || column.kind === "number") {
    const n = column.kind === "number" ? cast("DOUBLE") : `TRY_CAST(${v} AS DOUBLE)`;
    if (column.minimum !== undefined)
      is(
        `${n} < ${column.minimum}`,
        `${text(`${name}: `)} || ${v} || ${text(` is below the minimum ${column.minimum}`)}`,
      );
    if (column.exclusiveMinimum !== undefined) {
      is(
        `${n} <= ${column.exclusiveMinimum}`,
        `${text(`${name}: `)} || ${v} || ${text(` must be greater than ${column.exclusiveMinimum}`)}`,
      );
    }
    if (column.maximum !== undefined)
      is(
        `${n} > ${column.maximum}`,
        `${text(`${name}: `)} || ${v} || ${text(` is above the maximum ${column.maximum}`)}`,
      );
  }
  return checks.length === 0 ? "CAST(NULL AS VARCHAR)" : `CASE ${checks.join(" ")} END`;
}

/** SQL yielding the typed value of a field (NULL where the value is invalid; such rows never load). */
export function typedExpression(column: ColumnSpec, v: string): string {
  switch (column.kind) {
    case "string":
    case "enum":
      return v;
    case "integer":
      return `CASE WHEN regexp_full_match(${v}, ${quoteLiteral(WHOLE_NUMBER)}) THEN TRY_CAST(${v} AS BIGINT) END`;
    case "enum_list":
      return listValue(v);
    case "boolean":
      return `CASE WHEN ${v} IS NULL THEN NULL ELSE lower(${v}) IN (${TRUE_WORDS.map(quoteLiteral).join(", ")}) END`;
    default:
      return `TRY_CAST(${v} AS ${column.duckdbType})`;
  }
}

/** Cross-field rules of the contract, over the typed values. */
export function orderingProblems(contract: EntityContract): { field: string; sql: string }[] {
  return contract.ordered.map(([earlier, later]) => ({
    field: later,
    sql: `CASE WHEN t.${quoteIdent(later)} < t.${quoteIdent(earlier)} THEN ${quoteLiteral(`${later}: is before ${earlier}`)} END`,
  }));
}
