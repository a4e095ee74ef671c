/**
 * `npm run bench`: every benchmark in turn, each in its own process (so one's memory and JIT state do
 * not colour the next), each writing its own section of docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("../bin/run-ts.js", import.meta.url));
const benchmarks = ["ingest.ts", "build.ts", "simulator.ts", "site.ts"];

for (const name of benchmarks) {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (!existsSync(file)) continue;
  console.error(`\n=== bench/${name}`);
  const result = spawnSync(process.execPath, [runner, file], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`bench/${name} failed (exit ${result.status})`);
    process.exitCode = 1;
  }
}
