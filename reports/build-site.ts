/**
 * Builds the static site with Observable Framework from a warehouse: runs `observable build` with the
 * warehouse path in ORDEROPS_DB, after clearing the data loaders' cache (Framework only re-runs a loader
 * when the loader file changes, not when the warehouse does). One build at a time per checkout, since
 * Framework keeps its cache inside the source folder.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_ROOT = join(PROJECT_ROOT, "reports", "src");
const DATA_CACHE = join(SOURCE_ROOT, ".observablehq", "cache", "data");
const LOCK = join(SOURCE_ROOT, ".observablehq", "build.lock");
const NPM_VERSION_CACHE = join(SOURCE_ROOT, ".observablehq", "cache", "_npm");

/**
 * Framework's client bundle names the libraries its standard library can load on demand, and resolves
 * each name's latest version on the npm registry at build time. The site imports none of them (every
 * library comes from node_modules), so the versions only need to be valid: pinning them in Framework's
 * version cache (one empty folder per name@version) lets the build run with no network at all.
 */
const PINNED_LAZY_LIBRARIES = [
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3@7.9.2",
  "d3-dsv@3.0.2",
  "echarts@6.1.0",
  "htl@1.0.0",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react@19.3.1",
  "react-dom@19.3.1",
  "topojson-client@3.1.0",
];

/** A line of Framework's build log that means it went to the network (version lookup or CDN download). */
export const NETWORK_FETCH_LINE = /^npm:\S+ →/;

export interface SiteBuildOptions {
  db: string;
  out: string;
  /** Receives Framework's own progress lines. */
  log?: (line: string) => void;
}

export class SiteBuildError extends Error {
  override name = "SiteBuildError";
}

export async function buildSite(options: SiteBuildOptions): Promise<void> {
  mkdirSync(dirname(LOCK), { recursive: true });
  let lock: number;
  try {
    lock = openSync(LOCK, "wx");
  } catch {
    throw new SiteBuildError(
      `another site build is running (lock ${LOCK}); wait for it, or remove the lock if it is stale`,
    );
  }
  try {
    clearOutput(resolve(options.out));
    rmSync(DATA_CACHE, { recursive: true, force: true });
    for (const pinned of PINNED_LAZY_LIBRARIES)
      mkdirSync(join(NPM_VERSION_CACHE, pinned), { recursive: true });
    const require = createRequire(import.meta.url);
    const observable = join(
      dirname(require.resolve("@observablehq/framework/package.json")),
      "dist",
      "bin",
      "observable.js",
    );
    await run(process.execPath, [observable, "build"], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        ORDEROPS_DB: resolve(options.db),
        ORDEROPS_SITE_OUT: resolve(options.out),
        OBSERVABLE_TELEMETRY_DISABLE: "true",
        // Framework asks before overwriting an output folder unless it is not a terminal.
        CI: "true",
      },
      log: options.log ?? (() => {}),
    });
  } finally {
    closeSync(lock);
    unlinkSync(LOCK);
  }
}

/** Empties the output folder when it holds an earlier build; refuses to touch a folder of anything else. */
function clearOutput(out: string): void {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  if (!entries.includes("_observablehq")) {
    throw new SiteBuildError(
      `output folder ${out} is not empty and holds no earlier site build; choose another --out`,
    );
  }
  rmSync(out, { recursive: true, force: true });
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: (line: string) => void },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colour codes
        const clean = line.replace(/\u001b\[[0-9;]*m/g, "").trimEnd();
        if (!clean) continue;
        tail.push(clean);
        if (tail.length > 30) tail.shift();
        options.log(clean);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else reject(new SiteBuildError(`observable build exited with code ${code}:\n${tail.join("\n")}`));
    });
  });
}
