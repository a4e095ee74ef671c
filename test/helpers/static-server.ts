/** A static file server on 127.0.0.1 for browser tests of the built site. */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".parquet": "application/octet-stream",
  ".arrow": "application/vnd.apache.arrow.file",
};

export interface StaticServer {
  origin: string;
  /** Paths requested, in order, with their status. */
  log: { path: string; status: number; bytes: number }[];
  close(): Promise<void>;
}

export async function serveStatic(root: string): Promise<StaticServer> {
  const base = resolve(root);
  const log: StaticServer["log"] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    let path = normalize(join(base, decodeURIComponent(url.pathname)));
    if (!path.startsWith(base)) path = base;
    // Framework's clean URLs: /page serves page.html; a folder serves its index.html.
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
    else if (!existsSync(path) && existsSync(`${path}.html`)) path = `${path}.html`;
    if (!existsSync(path)) {
      log.push({ path: url.pathname, status: 404, bytes: 0 });
      response.writeHead(404).end("not found");
      return;
    }
    const bytes = statSync(path).size;
    log.push({ path: url.pathname, status: 200, bytes });
    response.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream",
      "content-length": bytes,
      // Framework names its assets (/_observablehq, /_node, /_import, /_file) by content hash, so a
      // static host serves them as immutable, as this server does; pages themselves are revalidated.
      ...(url.pathname.startsWith("/_") ? { "cache-control": "public, max-age=31536000, immutable" } : {}),
    });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
