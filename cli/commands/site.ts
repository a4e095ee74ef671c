import { existsSync } from "node:fs";
import { buildSite } from "../../reports/build-site.ts";
import { CliError } from "../errors.ts";

export interface SiteCommandOptions {
  db: string;
  out: string;
  /** Show Framework's own build log. */
  verbose?: boolean;
}

export async function runSite(options: SiteCommandOptions): Promise<void> {
  if (!existsSync(options.db)) {
    throw new CliError(
      `warehouse ${options.db} does not exist: run \`orderops demo\` or \`orderops ingest\` first`,
    );
  }
  await buildSite({
    db: options.db,
    out: options.out,
    log: options.verbose ? (line) => process.stderr.write(`  ${line}\n`) : () => {},
  });
  process.stderr.write(
    `site built in ${options.out}/ (open ${options.out}/index.html through any static file server)\n`,
  );
}
