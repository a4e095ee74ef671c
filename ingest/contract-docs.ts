/**
 * The contract's documentation and JSON Schemas, generated from the zod contracts so that they cannot
 * drift: `docs/contract.md` and `docs/schemas/<entity>.schema.json`. A test fails when the committed
 * files are stale; regenerate with `node bin/run-ts.js ingest/write-contract-docs.ts`.
 */
import { z } from "zod";
import type { ColumnSpec } from "./columns.ts";
import { CONTRACTS, ENTITY_NAMES, type EntityContract } from "./contracts/index.ts";

export function entityJsonSchema(contract: EntityContract): Record<string, unknown> {
  const schema = z.toJSONSchema(contract.schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: `https://orderops.dev/schemas/${contract.name}.schema.json`,
    title: contract.name,
    description: `${contract.description} Key: ${contract.key}.`,
  };
}

function typeText(c: ColumnSpec): string {
  switch (c.kind) {
    case "enum":
      return `one of ${(c.enumValues ?? []).map((v) => `\`${v}\``).join(", ")}`;
    case "enum_list":
      return `list of ${(c.enumValues ?? []).map((v) => `\`${v}\``).join(", ")} (CSV: separated by \`|\` or \`;\`)`;
    case "timestamp":
      return c.mayBeFuture ? "timestamp with offset (may be in the future)" : "timestamp with offset";
    case "date":
      return "date (YYYY-MM-DD)";
    case "integer":
      return "whole number";
    case "number":
      return "number";
    case "boolean":
      return "true/false";
    case "string":
      return c.check === "iana_time_zone"
        ? "IANA time zone"
        : c.pattern
          ? `text matching \`${c.pattern}\``
          : "text";
  }
}

function rangeText(c: ColumnSpec): string {
  const parts: string[] = [];
  if (c.minimum !== undefined) parts.push(`≥ ${c.minimum}`);
  if (c.exclusiveMinimum !== undefined) parts.push(`> ${c.exclusiveMinimum}`);
  if (c.maximum !== undefined) parts.push(`≤ ${c.maximum}`);
  return parts.join(", ");
}

export function contractMarkdown(): string {
  const lines: string[] = [
    "# Source contract",
    "",
    "<!-- Generated from ingest/contracts by ingest/write-contract-docs.ts; do not edit by hand. -->",
    "",
    "Each export file holds one entity, named by the file: `<entity>[-anything].<csv|tsv|ndjson|jsonl|parquet>[.gz]`.",
    "Files of a drop load parents first, in this order: " +
      ENTITY_NAMES.map((n) => `\`${n}\``).join(" → ") +
      ".",
    "Required fields are **bold**; † marks personal data, which is hashed (or dropped, or kept, as the policy says)",
    "before it is stored and never reaches a mart or the site. JSON Schemas: `docs/schemas/<entity>.schema.json`.",
    "",
  ];
  for (const name of ENTITY_NAMES) {
    const c = CONTRACTS[name];
    lines.push(`## \`${name}\``, "", c.description, "");
    const kind =
      c.kind === "events"
        ? "append-only events, de-duplicated by key"
        : c.versionField
          ? `snapshot: a row with the same key replaces the stored one when its \`${c.versionField}\` is newer`
          : "snapshot: a row with the same key and different values replaces the stored one";
    lines.push(`- Key: \`${c.key}\`; ${kind}.`);
    if (c.references.length > 0) {
      lines.push(
        `- References: ${c.references.map((r) => `\`${r.field}\` → \`${r.entity}\``).join(", ")} (a row whose parent has not arrived waits in \`pending.${name}\`).`,
      );
    }
    if (c.ordered.length > 0) {
      lines.push(`- Order: ${c.ordered.map(([a, b]) => `\`${b}\` is not before \`${a}\``).join("; ")}.`);
    }
    lines.push("", "| field | type | range | notes |", "|---|---|---|---|");
    for (const col of c.columns) {
      const field = `${col.required ? `**${col.name}**` : col.name}${col.personal ? " †" : ""}`;
      const cells = [field, typeText(col), rangeText(col), col.description ?? ""].map((cell) =>
        cell.replaceAll("|", "\\|"),
      );
      lines.push(`| ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
