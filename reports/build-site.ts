/**
 * Builds the static site with Observable Framework from a warehouse: runs `observable build` with the
 * warehouse path in ORDEROPS_DB, after clearing the data loaders' cache (Framework only re-runs a loader
 * when the loader file changes, not when the warehouse does). One build at a time per checkout, since
 * Framework keeps its cache inside the source folder: a second build waits for the first (a lock file
 * holding the builder's process id; a lock whose process is gone is stale and taken over). The data
 * loaders' artefacts are built in this process before the build, into Framework's cache, and the charting and input
 * libraries are bundled into one module each (see bundleLibraries). After the build, each page's first
 * artefacts are preloaded with its scripts (see preloadFirstArtefacts).
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import { withWarehouse } from "../ingest/warehouse.ts";
import { type ArtefactBuilder, artefactJson, martReader } from "./src/data/read-mart.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_ROOT = join(PROJECT_ROOT, "reports", "src");
const DATA_LOADERS = join(SOURCE_ROOT, "data");
const DATA_CACHE = join(SOURCE_ROOT, ".observablehq", "cache", "data");
const LOCK = join(SOURCE_ROOT, ".observablehq", "build.lock");
const NPM_VERSION_CACHE = join(SOURCE_ROOT, ".observablehq", "cache", "_npm");
const NODE_MODULE_CACHE = join(SOURCE_ROOT, ".observablehq", "cache", "_node");

/**
 * The libraries the pages import by bare specifier that bring many modules with them: Plot imports d3,
 * which Framework serves as some thirty modules (d3-array, d3-geo, d3-delaunay, …), each a request the
 * page waits for before its first chart. bundleLibraries makes each of these one module.
 */
export const BUNDLED_LIBRARIES = ["@observablehq/plot", "@observablehq/inputs"] as const;

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
  /** How long to wait for another build of this checkout to finish (default 10 minutes). */
  lockTimeoutMs?: number;
}

export class SiteBuildError extends Error {
  override name = "SiteBuildError";
}

export async function buildSite(options: SiteBuildOptions): Promise<void> {
  mkdirSync(dirname(LOCK), { recursive: true });
  const lock = await acquireLock(options.lockTimeoutMs ?? 600_000, options.log ?? (() => {}));
  try {
    clearOutput(resolve(options.out));
    rmSync(DATA_CACHE, { recursive: true, force: true });
    for (const pinned of PINNED_LAZY_LIBRARIES)
      mkdirSync(join(NPM_VERSION_CACHE, pinned), { recursive: true });
    const env = {
      ...process.env,
      ORDEROPS_DB: resolve(options.db),
      ORDEROPS_SITE_OUT: resolve(options.out),
      OBSERVABLE_TELEMETRY_DISABLE: "true",
      // Framework asks before overwriting an output folder unless it is not a terminal.
      CI: "true",
    };
    await Promise.all([prerunLoaders(env.ORDEROPS_DB), bundleLibraries()]);
    const require = createRequire(import.meta.url);
    const observable = join(
      dirname(require.resolve("@observablehq/framework/package.json")),
      "dist",
      "bin",
      "observable.js",
    );
    await run(process.execPath, [observable, "build"], {
      cwd: PROJECT_ROOT,
      env,
      log: options.log ?? (() => {}),
    });
    preloadFirstArtefacts(resolve(options.out));
  } finally {
    closeSync(lock);
    unlinkSync(LOCK);
  }
}

/**
 * Builds every data loader's artefact into Framework's cache before its build, which would otherwise
 * run the loaders one after another as it renders each page, each in a Node process of its own that
 * opens the warehouse again. Here they run in this process, one after another, on one read-only
 * connection (each loader file's default export builds its artefact: reports/src/data/read-mart.ts).
 * Framework takes a cached output that is newer than its loader as fresh. A loader that fails here
 * leaves no output, so Framework runs it again itself and reports its error as usual.
 */
async function prerunLoaders(db: string): Promise<void> {
  const names = readdirSync(DATA_LOADERS).filter((name) => /\.json\.ts$/.test(name));
  mkdirSync(DATA_CACHE, { recursive: true });
  await withWarehouse(
    db,
    async (warehouse) => {
      const mart = martReader(warehouse);
      for (const name of names) {
        const target = join(DATA_CACHE, name.replace(/\.ts$/, ""));
        const temporary = `${target}.${process.pid}.prerun`;
        try {
          const loader = (await import(pathToFileURL(join(DATA_LOADERS, name)).href)) as {
            default?: ArtefactBuilder;
          };
          if (typeof loader.default !== "function") continue;
          writeFileSync(temporary, artefactJson(await loader.default(mart)));
          renameSync(temporary, target);
        } catch {
          rmSync(temporary, { force: true });
        }
      }
    },
    { readOnly: true },
  );
}

/**
 * Bundles each of BUNDLED_LIBRARIES with everything it imports into one minified ES module, in the place
 * of Framework's node-module cache where Framework keeps its own bundle of the package (one module per
 * package, its dependencies left as further modules). Framework takes a cached bundle as it is, so the
 * pages' `import * as Plot from "@observablehq/plot"` then loads one file. Every export is kept: a page
 * may use any of Plot's marks. Should Framework ever look elsewhere, it bundles the package itself as
 * before, and the site works as before, only with more requests.
 */
async function bundleLibraries(): Promise<void> {
  const require = createRequire(join(SOURCE_ROOT, "/"));
  for (const name of BUNDLED_LIBRARIES) {
    // The version as Framework reads it: from the package.json of the folder the entry point resolves in.
    let folder = dirname(require.resolve(name));
    while (!existsSync(join(folder, "package.json")) && dirname(folder) !== folder) folder = dirname(folder);
    const { version } = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version: string };
    const result = await esbuild({
      stdin: { contents: `export * from ${JSON.stringify(name)};`, resolveDir: SOURCE_ROOT, loader: "js" },
      bundle: true,
      format: "esm",
      platform: "browser",
      // Framework's own targets and definitions for the modules it bundles.
      target: ["es2022", "chrome96", "firefox96", "safari16"],
      define: { "process.env.NODE_ENV": JSON.stringify("production") },
      minify: true,
      write: false,
      logLevel: "silent",
    });
    const [bundle] = result.outputFiles;
    if (!bundle) throw new SiteBuildError(`bundling ${name} produced no output`);
    const target = join(NODE_MODULE_CACHE, `${name}@${version}`, "index.js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bundle.text);
  }
}

/**
 * Lets each built page request its first artefacts together with its scripts. Framework requests a file
 * only when the cell reading it runs, and no cell runs before Framework's client has loaded, the page has
 * been parsed and a frame has passed; the artefacts the headline numbers and the main chart need would
 * wait for all of that. A page's first cell only calls `FileAttachment(…).json()` (docs/site.md, "Loading
 * fast"): for each file such a cell (one whose only input is FileAttachment) reads, a
 * `<link rel="preload" as="fetch" crossorigin>` goes in the page's head, which the browser requests at
 * once alongside the modules; the cell's `fetch` of the same URL then takes that response rather than
 * requesting it again. Files read in later cells (below the fold) are left to load when they are read.
 * A page whose code does not have this shape is left as Framework wrote it.
 */
export function preloadFirstArtefacts(out: string): void {
  const pages = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name.startsWith("_") ? [] : pages(path);
      return entry.name.endsWith(".html") ? [path] : [];
    });
  const attribute = (text: string) => text.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
  for (const page of pages(out)) {
    const html = readFileSync(page, "utf8");
    // registerFile("./data/x.json", {"name":…,"path":"./_file/data/x.0123abcd.json",…}): the built file.
    const built = new Map<string, string>();
    for (const [, name, path] of html.matchAll(/registerFile\(("[^"]+"), \{[^\n]*?"path":("[^"]+")/g))
      built.set(JSON.parse(name as string), JSON.parse(path as string));
    const first = new Set<string>();
    const cells =
      /define\(\{id: "[^"]+", inputs: \["FileAttachment"\], outputs: \[[^\]]*\], body: \(FileAttachment\) => \{\n([\s\S]*?)\n\}\}\);/g;
    for (const [, body] of html.matchAll(cells))
      for (const [, name] of (body as string).matchAll(/FileAttachment\(("[^"]+")\)/g)) {
        const path = built.get(JSON.parse(name as string));
        if (path) first.add(path);
      }
    const script = html.indexOf('<script type="module">');
    if (!first.size || script < 0) continue;
    const links = [...first].map(
      (path) => `<link rel="preload" as="fetch" crossorigin href="${attribute(path)}">\n`,
    );
    writeFileSync(page, `${html.slice(0, script)}${links.join("")}${html.slice(script)}`);
  }
}

/**
 * Takes the checkout's build lock: creates the lock file exclusively and writes this process's id in
 * it. While another live process holds it, waits (polling); a lock left by a process that has exited
 * is removed and taken.
 */
async function acquireLock(timeoutMs: number, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, String(process.pid));
      return fd;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = lockHolder();
    if (holder !== null && !processAlive(holder)) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new SiteBuildError(
        `another site build is running (lock ${LOCK}${holder ? `, process ${holder}` : ""}); wait for it, or remove the lock if it is stale`,
      );
    }
    if (!announced) {
      log(`waiting for another site build of this checkout to finish (lock ${LOCK})`);
      announced = true;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
}

/** The process id written in the lock; null while the holder has not written it yet. */
function lockHolder(): number | null {
  try {
    const pid = Number.parseInt(readFileSync(LOCK, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
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
