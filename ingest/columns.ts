/**
 * Column specs derived from a zod contract through its JSON Schema (zod's public `toJSONSchema`), so
 * that the DuckDB types, the SQL checks and the docs can never drift from the contract itself.
 */
import { z } from "zod";

export type ColumnKind =
  | "string"
  | "timestamp"
  | "date"
  | "integer"
  | "number"
  | "boolean"
  | "enum"
  | "enum_list";

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  required: boolean;
  personal: boolean;
  /** Timestamps that are planned rather than observed may lie in the future. */
  mayBeFuture: boolean;
  /** A check JSON Schema cannot express, named by the contract (e.g. iana_time_zone). */
  check?: string;
  description?: string;
  enumValues?: readonly string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  /** The DuckDB type of the column in the raw table. */
  duckdbType: string;
}

interface JsonSchemaProperty {
  type?: string | string[];
  enum?: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
  personal?: boolean;
  may_be_future?: boolean;
  check?: string;
  anyOf?: JsonSchemaProperty[];
  items?: JsonSchemaProperty;
}

const DUCKDB_TYPES: Record<ColumnKind, string> = {
  string: "VARCHAR",
  enum: "VARCHAR",
  timestamp: "TIMESTAMPTZ",
  date: "DATE",
  integer: "BIGINT",
  number: "DOUBLE",
  boolean: "BOOLEAN",
  enum_list: "VARCHAR[]",
};

// zod writes Number.MAX_SAFE_INTEGER as the maximum of every .int(); it is not a business rule.
const IMPLICIT_INT_BOUND = Number.MAX_SAFE_INTEGER;

export function columnsOf(schema: z.ZodObject): ColumnSpec[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties).map(([name, property]) => {
    // Optional fields are `T | null`: the metadata sits on the outer schema, the type on the non-null branch.
    const branch = property.anyOf?.find((p) => p.type !== "null") ?? property;
    const merged: JsonSchemaProperty = { ...branch, ...pickMeta(property) };
    // `T | null` of a simple type is written as `type: [T, "null"]`.
    if (Array.isArray(merged.type)) merged.type = merged.type.find((t) => t !== "null");
    const kind = kindOf(name, merged);
    const spec: ColumnSpec = {
      name,
      kind,
      required: required.has(name),
      personal: merged.personal === true,
      mayBeFuture: merged.may_be_future === true,
      duckdbType: DUCKDB_TYPES[kind],
    };
    if (merged.check) spec.check = merged.check;
    if (merged.description) spec.description = merged.description;
    if (merged.enum) spec.enumValues = merged.enum;
    if (kind === "enum_list") spec.enumValues = merged.items?.enum ?? [];
    if (merged.minimum !== undefined && merged.minimum > -IMPLICIT_INT_BOUND) spec.minimum = merged.minimum;
    if (merged.maximum !== undefined && merged.maximum < IMPLICIT_INT_BOUND) spec.maximum = merged.maximum;
    if (merged.exclusiveMinimum !== undefined) spec.exclusiveMinimum = merged.exclusiveMinimum;
    if (merged.minLength !== undefined) spec.minLength = merged.minLength;
    if (merged.pattern !== undefined && kind === "string") spec.pattern = merged.pattern;
    return spec;
  });
}

function pickMeta(property: JsonSchemaProperty): JsonSchemaProperty {
  const meta: JsonSchemaProperty = {};
  if (property.description) meta.description = property.description;
  if (property.personal) meta.personal = property.personal;
  if (property.may_be_future) meta.may_be_future = property.may_be_future;
  if (property.check) meta.check = property.check;
  return meta;
}

function kindOf(name: string, p: JsonSchemaProperty): ColumnKind {
  if (p.enum) return "enum";
  if (p.type === "array" && p.items?.enum) return "enum_list";
  if (p.type === "string" && p.format === "date-time") return "timestamp";
  if (p.type === "string" && p.format === "date") return "date";
  if (p.type === "string") return "string";
  if (p.type === "integer") return "integer";
  if (p.type === "number") return "number";
  if (p.type === "boolean") return "boolean";
  throw new Error(`contract field ${name}: no column type for JSON Schema ${JSON.stringify(p)}`);
}
