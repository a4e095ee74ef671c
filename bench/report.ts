/**
 * Benchmarks write their figures into docs/benchmarks.md, each inside its own marked section
 * (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`), with the machine and the date, so that re-running
 * one benchmark replaces its own figures and leaves the others alone.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const FILE = new URL("../docs/benchmarks.md", import.meta.url);
const HEADER = `# Benchmarks

Measured by the scripts in \`bench/\` (\`npm run bench\`, or \`node bin/run-ts.js bench/NAME.ts\`). Each section
says the machine and the date it was measured on. Speed is compared as ratios measured in the same run
(for example against DuckDB doing the bare read), since these machines are shared and noisy.
`;

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function writeSection(name: string, markdown: string): void {
  const current = existsSync(FILE) ? readFileSync(FILE, "utf8") : HEADER;
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  const next = pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, next);
}

export function table(rows: Record<string, string | number>[]): string {
  const names = Object.keys(rows[0] ?? {});
  return [
    `| ${names.join(" | ")} |`,
    `|${names.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${names.map((n) => String(r[n])).join(" | ")} |`),
  ].join("\n");
}

/** Peak resident memory of this process so far, MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
