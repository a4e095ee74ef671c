/**
 * Regenerates docs/schemas/policy.schema.json from the zod schema:
 *   node bin/run-ts.js models/policy/write-schema.ts
 * A test fails when the committed file is stale. The file is then formatted by Biome, as the linter
 * expects every JSON file in the repository to be.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { policyJsonSchema } from "./schema.ts";

const POLICY_JSON_SCHEMA_FILE = fileURLToPath(
  new URL("../../docs/schemas/policy.schema.json", import.meta.url),
);

await mkdir(dirname(POLICY_JSON_SCHEMA_FILE), { recursive: true });
await writeFile(POLICY_JSON_SCHEMA_FILE, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
const biome = fileURLToPath(new URL("../../node_modules/@biomejs/biome/bin/biome", import.meta.url));
execFileSync(process.execPath, [biome, "format", "--write", POLICY_JSON_SCHEMA_FILE], { stdio: "inherit" });
console.error(`wrote ${POLICY_JSON_SCHEMA_FILE}`);
