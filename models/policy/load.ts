/**
 * Reads policy.yaml: YAML → zod-validated Policy, with errors that name the file, the key path and the
 * line, so a wrong value is found in the file without reading the schema.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { Policy } from "./schema.ts";

/** The policy shipped at the repository root: the demo and a build with no --policy use it. */
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL("../../policy.yaml", import.meta.url));

export interface PolicyIssue {
  /** Dotted key path, e.g. `queues.payment_hold.sla.exception.p1.resolve_within`; "" for the file itself. */
  path: string;
  /** 1-based line in the file, when the key (or its nearest written parent) is there. */
  line: number | null;
  message: string;
}

/** The policy file is unreadable, not YAML, or breaks the schema; the message has one line per issue. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join("\n"));
    this.name = "PolicyError";
  }
}

export interface PolicyVersion {
  /** The file's own `version:` label, if it has one. */
  declared: string | null;
  /** SHA-256 of the parsed policy in canonical JSON: comments and layout do not change it. */
  hash: string;
  /** What the site's footer shows: "2026.1 (sha256 1a2b3c4d5e6f)". */
  label: string;
}

export interface LoadedPolicy {
  file: string;
  policy: Policy;
  version: PolicyVersion;
}

export async function loadPolicy(file: string = DEFAULT_POLICY_FILE): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new PolicyError(file, [
      { path: "", line: null, message: `cannot read the policy file: ${reason}` },
    ]);
  }
  return parsePolicy(text, file);
}

/** Parses and validates policy text; `file` only names the source in errors. */
export function parsePolicy(text: string, file: string): LoadedPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      file,
      doc.errors.map((error) => ({
        path: "",
        line: error.linePos?.[0]?.line ?? null,
        message: `not valid YAML: ${error.message.split("\n")[0]}`,
      })),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const result = Policy.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    const lineOf = (path: readonly PropertyKey[]) => {
      const offset = offsetOf(doc, path);
      return offset === null ? null : lineCounter.linePos(offset).line;
    };
    throw new PolicyError(
      file,
      result.error.issues.flatMap((issue) => describeIssue(issue, lineOf)),
    );
  }
  return { file, policy: result.data, version: policyVersion(result.data) };
}

export function policyVersion(policy: Policy): PolicyVersion {
  const hash = createHash("sha256").update(canonicalJson(policy)).digest("hex");
  const declared = policy.version ?? null;
  const short = `sha256 ${hash.slice(0, 12)}`;
  return { declared, hash, label: declared ? `${declared} (${short})` : short };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  lineOf: (path: readonly PropertyKey[]) => number | null,
): PolicyIssue[] {
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

/** `queues.payment_hold.sla` with list positions as `[0]`: `calendars.us.hours.mon[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function formatIssue(file: string, issue: PolicyIssue): string {
  const where = issue.line === null ? file : `${file}:${issue.line}`;
  return issue.path === "" ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
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

/** JSON with object keys sorted, so equal policies hash equal whatever their key order in the file. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
