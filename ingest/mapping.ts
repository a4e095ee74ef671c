/**
 * Mapping files: how a foreign export (another platform's column names, status values, time formats)
 * maps onto the contract. A mapping turns the landed file into contract-shaped text columns before the
 * contract's checks run, so a mapped file is validated, quarantined and counted like any other.
 *
 *   entity: orders                    # the entity the file's rows become
 *   time_zone: America/Sao_Paulo      # timestamps without an offset are local time there
 *   columns:
 *     order_id: order_id              # from a source column
 *     status: { from: order_status, values: { canceled: cancelled, invoiced: placed } }
 *     placed_at: { from: order_purchase_timestamp, format: "%Y-%m-%d %H:%M:%S" }
 *     channel: { constant: marketplace }
 *     updated_at: { latest_of: [order_purchase_timestamp, order_delivered_customer_date] }
 *   events:                           # further entities derived from each row
 *     - entity: order_events
 *       id: "{order_id}:{event_type}"
 *       columns: { order_id: order_id, source_system: { constant: commerce } }
 *       milestones: { placed: order_purchase_timestamp, delivered: order_delivered_customer_date }
 */

import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CONTRACTS, ENTITY_NAMES, type EntityContract, type EntityName } from "./contracts/index.ts";
import { IngestInputError } from "./load-file.ts";
import { isIanaTimeZone } from "./time-zone.ts";
import { quoteIdent, quoteLiteral } from "./warehouse.ts";
import { formatYamlIssue, parseYamlDocument, type YamlIssue } from "./yaml-document.ts";

const sourceColumn = z.string().min(1);
const timeFormat = z.string().min(1).describe("strptime format, e.g. %d/%m/%Y %H:%M");

const ColumnRule = z.union([
  sourceColumn,
  z.strictObject({
    from: sourceColumn,
    values: z.record(z.string(), z.string()).optional(),
    format: timeFormat.optional(),
  }),
  z.strictObject({ constant: z.union([z.string(), z.number(), z.boolean()]) }),
  z.strictObject({ first_of: z.array(sourceColumn).min(1), format: timeFormat.optional() }),
  z.strictObject({ latest_of: z.array(sourceColumn).min(1), format: timeFormat.optional() }),
]);
type ColumnRule = z.infer<typeof ColumnRule>;

const entityName = z.enum(ENTITY_NAMES);

const DerivedEvents = z.strictObject({
  entity: entityName,
  /** Template for the event key; {column} is a mapped column of the event, {event_type} the milestone. */
  id: z.string().min(1),
  columns: z.record(z.string(), ColumnRule).default({}),
  /** event_type → the source column holding when it happened. */
  milestones: z.record(z.string(), sourceColumn),
  format: timeFormat.optional(),
});

export const MappingFile = z.strictObject({
  entity: entityName,
  time_zone: z.string().refine(isIanaTimeZone, "not an IANA time zone").optional(),
  columns: z.record(z.string(), ColumnRule),
  events: z.array(DerivedEvents).default([]),
});
export type Mapping = z.infer<typeof MappingFile>;

/** MappingFile, plus what needs the contracts: every target is a field of its entity, and derived events can be. */
const CheckedMappingFile = MappingFile.superRefine((mapping, ctx) => {
  const checkTargets = (entity: EntityName, columns: Record<string, unknown>, at: (string | number)[]) => {
    const known = new Set(CONTRACTS[entity].columns.map((c) => c.name));
    for (const target of Object.keys(columns)) {
      if (!known.has(target)) {
        ctx.addIssue({ code: "custom", path: [...at, target], message: `${entity} has no field ${target}` });
      }
    }
  };
  checkTargets(mapping.entity, mapping.columns, ["columns"]);
  mapping.events.forEach((derived, i) => {
    checkTargets(derived.entity, derived.columns, ["events", i, "columns"]);
    const contract = CONTRACTS[derived.entity];
    for (const needed of ["event_type", "occurred_at", contract.key]) {
      if (!contract.columns.some((c) => c.name === needed)) {
        ctx.addIssue({
          code: "custom",
          path: ["events", i, "entity"],
          message: `${derived.entity} has no ${needed} column to derive`,
        });
      }
    }
  });
});

/** A mapping file that is not valid YAML or breaks the rules: one `file:line: key: message` line per issue. */
export class MappingError extends IngestInputError {
  constructor(
    file: string,
    readonly issues: YamlIssue[],
  ) {
    super(file, "invalid mapping");
    this.message = issues.map((issue) => formatYamlIssue(file, issue)).join("\n");
    this.name = "MappingError";
  }
}

/** One entity a mapped file produces: the file's own rows, or events derived from them. */
export interface MappedTarget {
  entity: EntityName;
  /** SQL (a parenthesised query) over the landing table with `_record` and contract-named text columns. */
  select(landing: string): string;
  /** Contract columns the select provides. */
  columns: ReadonlySet<string>;
}

export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new IngestInputError(path, "cannot read the mapping file");
  }
  const result = parseYamlDocument(text, CheckedMappingFile);
  if (!result.ok) throw new MappingError(path, result.issues);
  return result.data;
}

/** Every source column the mapping reads, so a file can be checked before anything loads. */
export function sourceColumnsUsed(mapping: Mapping): string[] {
  const used = new Set<string>();
  const add = (rule: ColumnRule) => {
    if (typeof rule === "string") used.add(rule);
    else if ("from" in rule) used.add(rule.from);
    else if ("first_of" in rule) for (const c of rule.first_of) used.add(c);
    else if ("latest_of" in rule) for (const c of rule.latest_of) used.add(c);
  };
  for (const rule of Object.values(mapping.columns)) add(rule);
  for (const derived of mapping.events) {
    for (const rule of Object.values(derived.columns)) add(rule);
    for (const column of Object.values(derived.milestones)) used.add(column);
  }
  return [...used].sort();
}

/** A parsed timestamp written back as ISO 8601 with an offset; unparseable text passes through to fail the check. */
function reformatTime(
  expression: string,
  format: string | undefined,
  contract: EntityContract,
  target: string,
): string {
  const column = contract.columns.find((c) => c.name === target);
  if (!format || column?.kind !== "timestamp") return expression;
  const parsed = `try_strptime(${expression}, ${quoteLiteral(format)})`;
  // strptime without %z gives local wall-clock time; it stays naive here and takes the mapping's zone later.
  return `CASE WHEN ${parsed} IS NULL THEN ${expression} ELSE strftime(${parsed}, '%Y-%m-%dT%H:%M:%S') END`;
}

function ruleExpression(rule: ColumnRule, contract: EntityContract, target: string, alias: string): string {
  const col = (name: string) => `${alias}.${quoteIdent(name)}`;
  if (typeof rule === "string") return col(rule);
  if ("constant" in rule) return `CAST(${quoteLiteral(String(rule.constant))} AS VARCHAR)`;
  if ("from" in rule) {
    let expression = col(rule.from);
    if (rule.values && Object.keys(rule.values).length > 0) {
      // Unlisted values pass through unchanged, so the contract's check names them in the quarantine.
      const cases = Object.entries(rule.values).map(
        ([from, to]) => `WHEN ${quoteLiteral(from)} THEN ${quoteLiteral(to)}`,
      );
      expression = `CASE ${expression} ${cases.join(" ")} ELSE ${expression} END`;
    }
    return reformatTime(expression, rule.format, contract, target);
  }
  const columns = ("first_of" in rule ? rule.first_of : rule.latest_of).map((c) =>
    reformatTime(col(c), rule.format, contract, target),
  );
  if ("first_of" in rule) return `coalesce(${columns.join(", ")})`;
  // greatest() ignores NULLs; as text, ISO-shaped timestamps order correctly.
  return `greatest(${columns.join(", ")})`;
}

/** SQL building a key from a template such as "{order_id}:{event_type}". */
function keyTemplate(template: string, placeholder: (name: string) => string): string {
  const parts = template.split(/(\{\w+\})/).filter((p) => p !== "");
  return parts
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name ? `coalesce(CAST(${placeholder(name)} AS VARCHAR), '')` : quoteLiteral(part);
    })
    .join(" || ");
}

export function mappedTargets(mapping: Mapping): MappedTarget[] {
  const main = CONTRACTS[mapping.entity];
  const targets: MappedTarget[] = [
    {
      entity: mapping.entity,
      columns: new Set(Object.keys(mapping.columns)),
      select: (landing) => {
        const list = Object.entries(mapping.columns).map(
          ([target, rule]) => `${ruleExpression(rule, main, target, "l")} AS ${quoteIdent(target)}`,
        );
        return `(SELECT l._record, ${list.join(", ")} FROM ${landing} l)`;
      },
    },
  ];
  for (const derived of mapping.events) {
    const contract = CONTRACTS[derived.entity];
    const columns = new Set([...Object.keys(derived.columns), "event_type", "occurred_at", contract.key]);
    targets.push({
      entity: derived.entity,
      columns,
      select: (landing) => {
        const parts = Object.entries(derived.milestones).map(([eventType, source], index) => {
          const fields = Object.entries(derived.columns).map(
            ([target, rule]) => `${ruleExpression(rule, contract, target, "l")} AS ${quoteIdent(target)}`,
          );
          const occurred = reformatTime(`l.${quoteIdent(source)}`, derived.format, contract, "occurred_at");
          const key = keyTemplate(derived.id, (name) =>
            name === "event_type"
              ? quoteLiteral(eventType)
              : derived.columns[name]
                ? ruleExpression(derived.columns[name], contract, name, "l")
                : `l.${quoteIdent(name)}`,
          );
          // Each derived event keeps its source row's position, offset so records stay distinct and ordered.
          return `SELECT l._record * ${Object.keys(derived.milestones).length} + ${index} AS _record, ${fields.join(", ")},
              ${quoteLiteral(eventType)} AS event_type, ${occurred} AS occurred_at, ${key} AS ${quoteIdent(contract.key)}
            FROM ${landing} l WHERE l.${quoteIdent(source)} IS NOT NULL AND trim(l.${quoteIdent(source)}) <> ''`;
        });
        return `(${parts.join(" UNION ALL ")})`;
      },
    });
  }
  return targets;
}
