/**
 * Builds the static site with Observable Framework from a warehouse: runs `observable build` with the
 * warehouse path in ORDEROPS_DB, after clearing the data loaders' cache (Framework only re-runs a loader
 * when the loader file changes, not when the warehouse does). One build at a time per checkout, since
 * Framework keeps its cache inside the source folder: a second build waits for the first (a lock file
 * holding the builder's process id; a lock whose process is gone is stale and taken over). The data
 * loaders' artefacts are built in this process before the build, into Framework's cache, and the charting and input
 * libraries are bundled into one module each (see bundleLibraries). After the build, the site's own
 * modules are merged into a few (see mergeModules) and each page's first artefacts are preloaded with
 * its scripts (see preloadFirstArtefacts).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
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
import { dirname, isAbsolute, join, relative as relativePath, resolve } from "node:path";
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
    const merged = await mergeModules(resolve(options.out));
    if (merged.groups > 0)
      options.log?.(
        `merged ${merged.modules} modules into ${merged.groups} (reports/build-site.ts, mergeModules)`,
      );
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

/** The built site's own modules (Framework's client, the site's components), which mergeModules merges. */
const MODULE_FOLDERS = ["_observablehq", "_import"];

/**
 * Merges the built site's own modules into a few, so that a page loads a few modules besides the
 * libraries rather than a dozen. Framework serves every module as its own file: its client as three
 * (client, runtime, stdlib) and each of the site's components as one, and every page imports nine or
 * ten of those — each a request, queued behind the browser's six connections to the host, with its own
 * fetch, compile and instantiation. Here the modules of a folder that import the same libraries (the
 * `_node/` and `_npm/` modules they reach through their static imports) become one module: Framework's
 * client one, the components that import no library one, those that import Inputs one, those that
 * import Plot one. A page loads no library it did not load before, and the merged modules are shared
 * by every page, as the libraries are. Each merged module is named by its content's hash, as
 * Framework names its files; the pages' imports and `modulepreload` links are rewritten to it, and
 * the modules it replaces are removed. A page importing any part of a merged module runs every part's
 * top-level code: the components only define functions and formats, so nothing else changes.
 *
 * Left as Framework wrote them: a module with a default export or an `export *` (a merged module
 * re-exports its parts by name), a module another kept module imports (its importer's file, named by
 * its content, would change), a module a kept or merged module imports dynamically (it stays lazy),
 * and the modules of a group whose parts export the same name. If the groups would import each other
 * in a cycle, nothing is merged.
 */
export async function mergeModules(site: string): Promise<{ modules: number; groups: number }> {
  const out = resolve(site);
  const none = { modules: 0, groups: 0 };
  const candidates = new Set(
    MODULE_FOLDERS.flatMap((folder) => {
      const root = join(out, folder);
      return existsSync(root) ? filesUnder(root).filter((file) => file.endsWith(".js")) : [];
    }),
  );
  if (candidates.size < 2) return none;
  const pathOf = (importer: string, specifier: string): string | null => {
    if (/^\.{0,2}\//.test(specifier)) {
      const clean = specifier.replace(/[?#].*$/, "");
      return clean.startsWith("/") ? join(out, clean) : resolve(dirname(importer), clean);
    }
    return null;
  };

  // Each module's imports (every specifier left external, so each module is read on its own) and exports.
  const imports = new Map<string, { target: string; static: boolean }[]>();
  const graph = await esbuild({
    entryPoints: [...candidates],
    bundle: true,
    format: "esm",
    write: false,
    metafile: true,
    outdir: join(out, ".merge"),
    outbase: out,
    absWorkingDir: out,
    logLevel: "silent",
    plugins: [
      {
        name: "imports",
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === "entry-point") return undefined;
            const list = imports.get(args.importer) ?? [];
            list.push({
              target: pathOf(args.importer, args.path) ?? args.path,
              static: args.kind === "import-statement",
            });
            imports.set(args.importer, list);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const exportsOf = new Map<string, string[]>();
  for (const output of Object.values(graph.metafile.outputs))
    if (output.entryPoint) exportsOf.set(resolve(out, output.entryPoint), output.exports);

  // The libraries each module reaches through static imports; a static cycle between modules: no merge.
  const libraries = new Map<string, Set<string>>();
  const visiting = new Set<string>();
  const reach = (module: string): Set<string> | null => {
    const known = libraries.get(module);
    if (known) return known;
    if (visiting.has(module)) return null;
    visiting.add(module);
    const found = new Set<string>();
    for (const { target, static: isStatic } of imports.get(module) ?? []) {
      if (!isStatic) continue;
      if (!candidates.has(target)) {
        found.add(target);
        continue;
      }
      const further = reach(target);
      if (!further) return null;
      for (const library of further) found.add(library);
    }
    visiting.delete(module);
    libraries.set(module, found);
    return found;
  };
  for (const module of candidates) if (!reach(module)) return none;

  // Which modules stay as they are; whatever a kept module imports, or any module imports lazily, stays too.
  const kept = new Set<string>();
  for (const module of candidates) {
    const text = readFileSync(module, "utf8");
    if ((exportsOf.get(module) ?? ["default"]).includes("default") || /\bexport\s*\*/.test(text))
      kept.add(module);
    for (const { target, static: isStatic } of imports.get(module) ?? [])
      if (!isStatic && candidates.has(target)) kept.add(target);
  }
  const groupKey = (module: string) =>
    `${dirname(module)}\n${[...(libraries.get(module) ?? [])].sort().join("\n")}`;
  let groups = new Map<string, string[]>();
  for (;;) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const module of kept)
        for (const { target } of imports.get(module) ?? [])
          if (candidates.has(target) && !kept.has(target)) {
            kept.add(target);
            changed = true;
          }
    }
    groups = new Map();
    for (const module of [...candidates].sort()) {
      if (kept.has(module)) continue;
      const key = groupKey(module);
      groups.set(key, [...(groups.get(key) ?? []), module]);
    }
    // A group of one gains nothing; a group whose parts export one name twice cannot re-export both.
    let split = false;
    for (const members of groups.values()) {
      const names = members.flatMap((module) => exportsOf.get(module) ?? []);
      if (members.length < 2 || new Set(names).size !== names.length) {
        for (const module of members) kept.add(module);
        split = true;
      }
    }
    if (!split) break;
  }
  if (!groups.size) return none;

  // Merge the groups, each after the groups it imports (a cycle between groups: no merge).
  const groupOf = new Map<string, string>();
  for (const [key, members] of groups) for (const module of members) groupOf.set(module, key);
  const order: string[] = [];
  const placing = new Set<string>();
  const place = (key: string): boolean => {
    if (order.includes(key)) return true;
    if (placing.has(key)) return false;
    placing.add(key);
    for (const module of groups.get(key) ?? [])
      for (const { target } of imports.get(module) ?? []) {
        const other = groupOf.get(target);
        if (other && other !== key && !place(other)) return false;
      }
    order.push(key);
    return true;
  };
  for (const key of groups.keys()) if (!place(key)) return none;
  const mergedFile = new Map<string, string>();
  for (const key of order) {
    const members = groups.get(key) ?? [];
    const folder = dirname(members[0] as string);
    const relative = (target: string) => moduleSpecifier(folder, target);
    const result = await esbuild({
      stdin: {
        contents: members.map((module) => `export * from ${JSON.stringify(relative(module))};`).join("\n"),
        resolveDir: folder,
        sourcefile: "merged.js",
        loader: "js",
      },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["es2022", "chrome96", "firefox96", "safari16"],
      // Names are kept, so that stack traces and profiles still name the site's functions.
      minifyWhitespace: true,
      minifySyntax: true,
      write: false,
      logLevel: "silent",
      plugins: [
        {
          name: "merge",
          setup(build) {
            build.onResolve({ filter: /.*/ }, (args) => {
              const importer = isAbsolute(args.importer) ? args.importer : join(folder, "merged.js");
              const target = pathOf(importer, args.path);
              if (target && groupOf.get(target) === key) return { path: target };
              const other = target ? mergedFile.get(target) : undefined;
              // Another group's module: its merged module (the same folder or another); anything else
              // (a library, a kept module) as written — the merged module sits in its parts' folder.
              return { path: other ? relative(other) : args.path, external: true };
            });
          },
        },
      ],
    });
    const [bundle] = result.outputFiles;
    if (!bundle)
      throw new SiteBuildError(`merging ${members.length} modules in ${folder} produced no output`);
    const names = [...new Set([...(libraries.get(members[0] as string) ?? [])].map(libraryName))].sort();
    const hash = createHash("sha256").update(bundle.text).digest("hex").slice(0, 8);
    const file = join(folder, `${["merged", ...names].join("-")}.${hash}.js`);
    writeFileSync(file, bundle.text);
    for (const module of members) mergedFile.set(module, file);
  }

  // Point the pages at the merged modules, one modulepreload each, and remove the modules merged.
  for (const page of htmlPages(out)) {
    const html = readFileSync(page, "utf8");
    const rewritten = html.replace(
      /(["'])(\.{0,2}\/[^"'\s]+\.js)\1/g,
      (whole, quote: string, specifier: string) => {
        const target = pathOf(page, specifier);
        const file = target ? mergedFile.get(target) : undefined;
        if (!file) return whole;
        const path = specifier.startsWith("/")
          ? `/${relativePath(out, file)}`
          : moduleSpecifier(dirname(page), file);
        return `${quote}${path}${quote}`;
      },
    );
    const seen = new Set<string>();
    const lines = rewritten.split("\n").filter((line) => {
      if (!line.startsWith('<link rel="modulepreload"')) return true;
      if (seen.has(line)) return false;
      seen.add(line);
      return true;
    });
    writeFileSync(page, lines.join("\n"));
  }
  for (const module of mergedFile.keys()) rmSync(module);
  return { modules: mergedFile.size, groups: order.length };
}

/** The relative specifier of `file` in a module or page in `folder`: "./x.js", "../x.js". */
function moduleSpecifier(folder: string, file: string): string {
  const path = relativePath(folder, file).split("\\").join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

/** A short name for a library a merged module imports: `…/_node/@observablehq/plot@0.6.17/index.js` → plot. */
function libraryName(path: string): string {
  const parts = path.split(/[\\/]/);
  const at = parts.findIndex((part) => part === "_node" || part === "_npm");
  const scoped = at >= 0 && parts[at + 1]?.startsWith("@");
  const name = at >= 0 ? (parts[at + (scoped ? 2 : 1)] ?? "").replace(/@.*$/, "") : "";
  return name.toLowerCase().replace(/[^a-z0-9-]/g, "") || "lib";
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The built pages: every .html file, not in a folder of Framework's (`_observablehq`, `_file`, …). */
function htmlPages(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith("_") ? [] : htmlPages(path);
    return entry.name.endsWith(".html") ? [path] : [];
  });
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
  const attribute = (text: string) => text.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
  for (const page of htmlPages(out)) {
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
