/**
 * mergeModules (reports/build-site.ts) on a small built site written here: Framework's client as three
 * modules, components that import no library, one that imports a library, one with a default export,
 * one imported lazily. The merged modules are imported in Node, as a browser would import them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { mergeModules } from "../../reports/build-site.ts";
import { tempDir } from "../helpers/temp.ts";

const root = tempDir("merge-modules");
let sites = 0;

function site(files: Record<string, string>): string {
  const out = join(root, `site-${++sites}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  return out;
}

const page = (preloads: string[], script: string) =>
  `<!DOCTYPE html>\n<html>\n<head>\n${preloads.map((p) => `<link rel="modulepreload" href="${p}">\n`).join("")}<script type="module">\n${script}\n</script>\n</head>\n<body></body>\n</html>\n`;

const FRAMEWORK = {
  "_observablehq/client.aaaaaaaa.js":
    'import {Runtime} from "./runtime.bbbbbbbb.js";import {files} from "./stdlib.cccccccc.js";export function define(name){return new Runtime().name+":"+files.get(name)}',
  "_observablehq/runtime.bbbbbbbb.js": 'export class Runtime{name="runtime"}',
  "_observablehq/stdlib.cccccccc.js":
    "export const files=new Map();export function registerFile(name,path){files.set(name,path)}",
};

const modulesIn = (out: string, folder: string) => readdirSync(join(out, folder)).sort();

describe("mergeModules", () => {
  test("merges each folder's modules by the libraries they import, and points the pages at them", async () => {
    const out = site({
      ...FRAMEWORK,
      "_node/lib@1.0.0/index.dddddddd.js": 'export const chart=()=>"chart"',
      "_import/components/a.11111111.js": 'export const a=()=>"a";export const calls={count:0}',
      "_import/components/b.22222222.js":
        'import {a,calls} from "./a.11111111.js";export const b=()=>{calls.count++;return a()+"b"};export const later=()=>import("./lazy.55555555.js")',
      "_import/components/c.33333333.js":
        'import {chart} from "../../_node/lib@1.0.0/index.dddddddd.js";import {calls} from "./a.11111111.js";export const c=()=>{calls.count++;return chart()}',
      "_import/components/c2.66666666.js":
        'import {chart} from "../../_node/lib@1.0.0/index.dddddddd.js";export const c2=()=>chart()+"2"',
      "_import/components/d.44444444.js": "export default 1",
      "_import/components/lazy.55555555.js": 'export const lazy="lazy"',
      "index.html": page(
        [
          "./_observablehq/client.aaaaaaaa.js",
          "./_observablehq/runtime.bbbbbbbb.js",
          "./_observablehq/stdlib.cccccccc.js",
          "./_import/components/a.11111111.js",
          "./_import/components/b.22222222.js",
          "./_import/components/c.33333333.js",
          "./_node/lib@1.0.0/index.dddddddd.js",
        ],
        [
          'import {define} from "./_observablehq/client.aaaaaaaa.js";',
          'import {registerFile} from "./_observablehq/stdlib.cccccccc.js";',
          'const [{b}, {c}] = await Promise.all([import("./_import/components/b.22222222.js"), import("./_import/components/c.33333333.js")]);',
        ].join("\n"),
      ),
      "sub/page.html": page([], 'const {a} = await import("../_import/components/a.11111111.js");'),
    });

    expect(await mergeModules(out)).toEqual({ modules: 7, groups: 3 });
    // Framework's client is one module; the components that import nothing are one, those that import
    // the library another. The module with a default export and the one imported lazily stay.
    const framework = modulesIn(out, "_observablehq");
    expect(framework).toEqual([expect.stringMatching(/^merged\.[0-9a-f]{8}\.js$/)]);
    const components = modulesIn(out, "_import/components");
    const plain = components.find((f) => /^merged\.[0-9a-f]{8}\.js$/.test(f));
    const withLibrary = components.find((f) => /^merged-lib\.[0-9a-f]{8}\.js$/.test(f));
    expect(components).toEqual(["d.44444444.js", "lazy.55555555.js", plain, withLibrary].sort());

    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain(`import {define} from "./_observablehq/${framework[0]}";`);
    expect(html).toContain(`import {registerFile} from "./_observablehq/${framework[0]}";`);
    expect(html).toContain(
      `import("./_import/components/${plain}"), import("./_import/components/${withLibrary}")`,
    );
    const preloads = html.match(/<link rel="modulepreload" href="[^"]+">/g) ?? [];
    expect(preloads).toEqual([
      `<link rel="modulepreload" href="./_observablehq/${framework[0]}">`,
      `<link rel="modulepreload" href="./_import/components/${plain}">`,
      `<link rel="modulepreload" href="./_import/components/${withLibrary}">`,
      '<link rel="modulepreload" href="./_node/lib@1.0.0/index.dddddddd.js">',
    ]);
    // A page in a folder imports by its own relative path.
    expect(readFileSync(join(out, "sub/page.html"), "utf8")).toContain(
      `import("../_import/components/${plain}")`,
    );

    // The merged modules work as the modules did, and share what they import.
    const load = (path: string) => import(pathToFileURL(join(out, path)).href);
    const client = await load(`_observablehq/${framework[0]}`);
    client.registerFile("x", "./_file/x.json");
    expect(client.define("x")).toBe("runtime:./_file/x.json");
    const { b, later, calls } = await load(`_import/components/${plain}`);
    const { c, c2 } = await load(`_import/components/${withLibrary}`);
    expect([b(), c(), c2(), calls.count]).toEqual(["ab", "chart", "chart2", 2]);
    expect((await later()).lazy).toBe("lazy");
  });

  test("leaves modules whose names clash, and what a module left as it is imports, as they are", async () => {
    const out = site({
      ...FRAMEWORK,
      "_import/components/one.11111111.js": "export const format=1",
      "_import/components/two.22222222.js": "export const format=2",
      "_import/components/kept.33333333.js": 'import {x} from "./shared.44444444.js";export default x',
      "_import/components/shared.44444444.js": "export const x=1",
      "_import/components/other.55555555.js": "export const y=1",
      "index.html": page(
        ["./_import/components/one.11111111.js", "./_observablehq/client.aaaaaaaa.js"],
        'const [{format}] = await Promise.all([import("./_import/components/one.11111111.js")]);',
      ),
    });
    expect(await mergeModules(out)).toEqual({ modules: 3, groups: 1 });
    expect(modulesIn(out, "_import/components")).toEqual([
      "kept.33333333.js",
      "one.11111111.js",
      "other.55555555.js",
      "shared.44444444.js",
      "two.22222222.js",
    ]);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain('import("./_import/components/one.11111111.js")');
    expect(html).not.toContain("client.aaaaaaaa.js");
    expect(existsSync(join(out, "_observablehq/client.aaaaaaaa.js"))).toBe(false);
  });
});
