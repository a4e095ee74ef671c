/**
 * YAML files validated by a zod schema, with every issue located: the key path and the line it is
 * on, so a wrong value is found in the file without reading the schema. The policy, the demo
 * operation file and other hand-written YAML share it, so their errors read alike.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";

export interface YamlIssue {
  /** Key path, e.g. `queues.payment_hold.sla.exception.p1.resolve_within`; "" for the file itself. */
  path: string;
  /** 1-based line in the file, when the key (or its nearest written parent) is there. */
  line: number | null;
  message: string;
}

export type YamlParseResult<T> = { ok: true; data: T } | { ok: false; issues: YamlIssue[] };

/**
 * Parses YAML text and validates it. Duplicate keys are errors (a second value silently winning is
 * how a wrong setting hides); aliases are resolved (up to `maxAliasCount` uses).
 */
export function parseYamlDocument<S extends z.ZodType>(
  text: string,
  schema: S,
  options: { maxAliasCount?: number } = {},
): YamlParseResult<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        path: "",
        line: error.linePos?.[0]?.line ?? null,
        message: `not valid YAML: ${(error.message.split("\n")[0] as string).replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
  const result = schema.safeParse(data ?? {}, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  const lineOf = (path: readonly PropertyKey[]) => {
    const offset = offsetOf(doc, path);
    return offset === null ? null : lineCounter.linePos(offset).line;
  };
  return { ok: false, issues: result.error.issues.flatMap((issue) => describeIssue(issue, lineOf)) };
}

/** `file:line: path: message`, one issue. */
export function formatYamlIssue(file: string, issue: YamlIssue): string {
  const where = issue.line === null ? file : `${file}:${issue.line}`;
  return issue.path === "" ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/** `queues.payment_hold.sla` with list positions as `[0]`: `calendars.us.hours.mon[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  lineOf: (path: readonly PropertyKey[]) => number | null,
): YamlIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { path: formatPath(path), line: lineOf(path), message: "unknown key" };
    });
  }
  if (issue.code === "invalid_key") {
    // A record key that breaks its pattern: say what the key's own schema said.
    const inner = issue.issues[0]?.message;
    return [
      {
        path: formatPath(issue.path),
        line: lineOf(issue.path),
        message: `bad key: ${inner ?? issue.message}`,
      },
    ];
  }
  // YAML has no undefined: an undefined input is a key the file leaves out.
  const missing =
    (issue.code === "invalid_type" || issue.code === "invalid_union") && issue.input === undefined;
  return [
    {
      path: formatPath(issue.path),
      line: lineOf(issue.path),
      message: missing ? "missing: this key is required" : issue.message,
    },
  ];
}

/**
 * Offset in the text of the node at `path`, following aliases; for a key that is not written (a missing
 * required key) the nearest written parent's key. A collection is reported at its key, a scalar at itself.
 */
function offsetOf(doc: ReturnType<typeof parseDocument>, path: readonly PropertyKey[]): number | null {
  let node: unknown = doc.contents;
  let keyOffset: number | null = null;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return keyOffset ?? rangeStart(node);
      keyOffset = rangeStart(pair.key as Node | null) ?? keyOffset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
      node = node.items[segment];
      keyOffset = rangeStart(node as Node) ?? keyOffset;
    } else {
      return keyOffset ?? rangeStart(node as Node | null);
    }
  }
  if (isAlias(node)) return keyOffset ?? rangeStart(node);
  return isScalar(node) ? rangeStart(node) : (keyOffset ?? rangeStart(node as Node | null));
}

function rangeStart(node: Node | null | undefined): number | null {
  return node?.range?.[0] ?? null;
}
