import { existsSync } from "node:fs";
import { Command } from "commander";
import { CliError } from "../errors.ts";
import { dbOption } from "../options.ts";

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
  // Loaded here, not at the top: the site builder brings esbuild, which only this command needs.
  const { buildSite } = await import("../../reports/build-site.ts");
  await buildSite({
    db: options.db,
    out: options.out,
    log: options.verbose ? (line) => process.stderr.write(`  ${line}\n`) : () => {},
  });
  process.stderr.write(
    `site built in ${options.out}/ (open ${options.out}/index.html through any static file server)\n`,
  );
}

export function siteCommand(): Command {
  return new Command("site")
    .description("Build the static dashboard site from the warehouse's marts (no network needed).")
    .addOption(dbOption())
    .option("--out <dir>", "output folder", "dist")
    .option("--verbose", "show Observable Framework's build log")
    .action(async (options) => {
      await runSite(options);
    });
}
