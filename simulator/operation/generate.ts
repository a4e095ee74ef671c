/**
 * Simulates an operation and writes its exports: every contract entity, one file each, as CSV, NDJSON
 * or Parquet, deterministic by seed. With `defectRate`, a share of rows is made messy on purpose (each
 * kind of damage the contract must catch) and `_expected-quarantine.json` says how many per entity, so a
 * test can hold the ingest's quarantine to it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONTRACTS, type EntityName } from "../../ingest/contracts/index.ts";
import type { LoadedPolicy } from "../../models/policy/load.ts";
import { type ExportFileFormat, type ExportWriter, openExportWriter } from "../export-writer.ts";
import { createRng, type Rng } from "../rng.ts";
import { seededFaker } from "../seeded-faker.ts";
import { ZoneClock } from "./clock.ts";
import type { OperationConfig } from "./config.ts";
import { buildRoster, buildShifts, type Queue } from "./roster.ts";
import { type Row, type SimulationSummary, simulateOperation } from "./simulate.ts";

export interface GenerateOptions {
  outDir: string;
  config: OperationConfig;
  policy: LoadedPolicy;
  seed: number;
  /** Multiplies order volume and headcount together (1 = the configured operation). */
  scale: number;
  /** Shortens the period (smoke runs); default: the configuration's weeks. */
  weeks?: number;
  format: ExportFileFormat;
  /** Share of rows to damage on purpose (0 = clean exports). */
  defectRate?: number;
  onProgress?: (message: string) => void;
}

export interface GeneratedDrop {
  files: { entity: EntityName; path: string; rows: number }[];
  summary: SimulationSummary;
  /** Rows damaged on purpose, per entity: the quarantine must hold exactly these. */
  injectedDefects: Partial<Record<EntityName, number>>;
}

const EXTENSION: Record<ExportFileFormat, string> = { csv: "csv", ndjson: "ndjson", parquet: "parquet" };

export async function generateOperation(options: GenerateOptions): Promise<GeneratedDrop> {
  if (!(options.scale > 0)) throw new RangeError(`scale must be positive, got ${options.scale}`);
  const config: OperationConfig = { ...options.config, weeks: options.weeks ?? options.config.weeks };
  const rng = createRng(options.seed);
  const faker = seededFaker(rng.fork("faker"));
  await mkdir(options.outDir, { recursive: true });

  const writers = new Map<EntityName, { writer: ExportWriter; path: string; columns: string[] }>();
  for (const contract of Object.values(CONTRACTS)) {
    const path = join(options.outDir, `${contract.name}.${EXTENSION[options.format]}`);
    const columns = contract.columns.map((c) => c.name);
    writers.set(contract.name, {
      writer: await openExportWriter(path, columns, options.format),
      path,
      columns,
    });
  }
  const damage = new Damage(rng.fork("defects"), options.defectRate ?? 0);
  const write = (entity: EntityName, row: Row) => {
    const target = writers.get(entity);
    if (!target) throw new Error(`no writer for ${entity}`);
    const values = target.columns.map((c) => row[c] ?? null);
    target.writer.append(damage.maybe(entity, target.columns, values));
  };

  options.onProgress?.("building the roster");
  const people = buildRoster(config, options.scale, rng.fork("roster"), faker);
  const shifts = buildShifts(config, people, rng.fork("shifts"));
  const clock = new ZoneClock(config.time_zone);
  for (const p of people) {
    write("agents", {
      agent_id: p.agentId,
      name: p.name,
      role: p.role,
      team: p.team,
      site: p.site,
      time_zone: p.timeZone,
      skills: p.skills.length > 0 ? p.skills.join("|") : "new_order_review",
      active_from: p.activeFrom ?? config.start,
      active_to: p.activeTo ?? null,
    });
  }
  for (const s of shifts) {
    write("shifts", {
      shift_id: s.shiftId,
      agent_id: s.agentId,
      starts_at: clock.iso(s.startsAt),
      ends_at: clock.iso(s.endsAt),
      activity: s.activity,
    });
  }

  options.onProgress?.(`simulating ${config.weeks} weeks of orders and cases`);
  const escalateAfterS = Object.fromEntries(
    Object.entries(options.policy.policy.queues).map(([queue, q]) => [queue, q.aging.escalate_after[0] ?? 0]),
  ) as Record<Queue, number>;
  const summary = simulateOperation({
    config,
    scale: options.scale,
    people,
    shifts,
    escalateAfterS,
    rng: rng.fork("operation"),
    faker,
    sink: { emit: (entity, row) => write(entity, row) },
    onProgress: options.onProgress,
  });

  options.onProgress?.("writing the export files");
  const files: GeneratedDrop["files"] = [];
  for (const [entity, { writer, path }] of writers) files.push({ entity, path, rows: await writer.finish() });
  if (damage.rate > 0) {
    await writeFile(
      join(options.outDir, "_expected-quarantine.json"),
      `${JSON.stringify(damage.counts, null, 2)}\n`,
    );
  }
  return { files, summary, injectedDefects: damage.counts };
}

/**
 * Messy rows on purpose: a required field emptied, a closed-list value nobody knows, a timestamp
 * without its offset. Keys are never damaged, so no damaged row collides with a good one, and every
 * damaged row must end in the quarantine.
 */
class Damage {
  readonly counts: Partial<Record<EntityName, number>> = {};
  constructor(
    private readonly rng: Rng,
    readonly rate: number,
  ) {}

  maybe(entity: EntityName, columns: readonly string[], values: (string | null)[]): (string | null)[] {
    if (this.rate <= 0 || this.rng.next() >= this.rate) return values;
    const contract = CONTRACTS[entity];
    const candidates = contract.columns.filter(
      (c) => c.name !== contract.key && (c.required || c.kind === "enum"),
    );
    const column = candidates[this.rng.nextInt(candidates.length)];
    if (!column) return values;
    const index = columns.indexOf(column.name);
    const damaged = [...values];
    if (column.kind === "enum") damaged[index] = "not_a_known_value";
    else if (column.kind === "timestamp" && values[index])
      damaged[index] = (values[index] as string).slice(0, 19);
    else if (column.kind === "number" || column.kind === "integer") damaged[index] = "n/a";
    else damaged[index] = null;
    if (damaged[index] === values[index]) return values;
    this.counts[entity] = (this.counts[entity] ?? 0) + 1;
    return damaged;
  }
}
