/**
 * Reads policy.yaml: YAML → zod-validated Policy, with errors that name the file, the key path and the
 * line, so a wrong value is found in the file without reading the schema.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { formatYamlIssue, parseYamlDocument, type YamlIssue } from "../../ingest/yaml-document.ts";
import { Policy } from "./schema.ts";

/** The policy shipped at the repository root: the demo and a build with no --policy use it. */
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL("../../policy.yaml", import.meta.url));

export type PolicyIssue = YamlIssue;
export { formatPath } from "../../ingest/yaml-document.ts";

/** The policy file is unreadable, not YAML, or breaks the schema; the message has one line per issue. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    super(issues.map((issue) => formatYamlIssue(file, issue)).join("\n"));
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
  // The shipped policy shares calendars and hours through anchors; allow generous reuse.
  const result = parseYamlDocument(text, Policy, { maxAliasCount: 1000 });
  if (!result.ok) throw new PolicyError(file, result.issues);
  return { file, policy: result.data, version: policyVersion(result.data) };
}

export function policyVersion(policy: Policy): PolicyVersion {
  const hash = createHash("sha256").update(canonicalJson(policy)).digest("hex");
  const declared = policy.version ?? null;
  const short = `sha256 ${hash.slice(0, 12)}`;
  return { declared, hash, label: declared ? `${declared} (${short})` : short };
}

/** JSON with object keys sorted, so equal policies hash equal whatever their key order in the file. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
