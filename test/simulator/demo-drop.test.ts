import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CONTRACTS, rowValidator } from "../../ingest/contracts/index.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { DEFAULT_DEMO_DROP, generateDemoDrop } from "../../simulator/demo-drop.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("drop");

describe("demo drop", () => {
  test("same seed, same files byte for byte; another seed, other files", async () => {
    const a = await generateDemoDrop({ ...DEFAULT_DEMO_DROP, outDir: join(dir, "a"), days: 7 });
    const b = await generateDemoDrop({ ...DEFAULT_DEMO_DROP, outDir: join(dir, "b"), days: 7 });
    const c = await generateDemoDrop({ ...DEFAULT_DEMO_DROP, outDir: join(dir, "c"), days: 7, seed: 43 });
    for (const [i, file] of a.files.entries()) {
      expect(readFileSync(b.files[i]?.path ?? "")).toEqual(readFileSync(file.path));
      expect(readFileSync(c.files[i]?.path ?? "")).not.toEqual(readFileSync(file.path));
    }
  });

  test("every row satisfies its contract, and every case points at an order of the drop", async () => {
    const drop = await generateDemoDrop({
      ...DEFAULT_DEMO_DROP,
      outDir: join(dir, "v"),
      days: 10,
      format: "ndjson",
    });
    const w = await Warehouse.open(":memory:");
    try {
      for (const entity of ["orders", "cases"] as const) {
        const rows = await w.all(
          `select * from read_json('${join(dir, "v", `${entity}.ndjson`)}', format = 'newline_delimited', columns = ${`{${CONTRACTS[entity].columns.map((c) => `'${c.name}': 'VARCHAR'`).join(", ")}}`})`,
        );
        expect(rows.length).toBe(drop.files.find((f) => f.entity === entity)?.rows);
        const validator = rowValidator(CONTRACTS[entity]);
        for (const row of rows) {
          const typed = Object.fromEntries(
            CONTRACTS[entity].columns.map((c) => {
              const v = row[c.name] as string | null;
              return [
                c.name,
                v === null ? null : c.kind === "integer" || c.kind === "number" ? Number(v) : v,
              ];
            }),
          );
          const parsed = validator.safeParse(typed);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }
      }
      const orphans = await w.one<{ n: number }>(
        `select count(*) as n from read_json('${join(dir, "v", "cases.ndjson")}') c
         where c.order_id not in (select order_id from read_json('${join(dir, "v", "orders.ndjson")}'))`,
      );
      expect(orphans?.n).toBe(0);
    } finally {
      w.close();
    }
  });

  test("work backs up: some days end with a backlog, and some cases are still open at the cut", async () => {
    const drop = await generateDemoDrop({ ...DEFAULT_DEMO_DROP, outDir: join(dir, "q") });
    const w = await Warehouse.open(":memory:");
    try {
      const [stats] = await w.all<{ open: number; waited_overnight: number; cases: number }>(
        `select count(*) filter (where status in ('open', 'pending')) as open,
                count(*) filter (where resolved_at::timestamptz::date > opened_at::timestamptz::date) as waited_overnight,
                count(*) as cases
         from read_csv('${drop.files[1]?.path}', all_varchar = true)`,
      );
      expect(stats?.open).toBeGreaterThan(0);
      expect(stats?.waited_overnight).toBeGreaterThan((stats?.cases ?? 0) * 0.1);
    } finally {
      w.close();
    }
  });
});
