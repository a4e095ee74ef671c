// Shared by the data loaders: run one read-only query against the warehouse and print it as JSON.
import { DEFAULT_WAREHOUSE, withWarehouse } from "../../../ingest/warehouse.ts";

export async function readMart(sql: string, options: { single?: boolean } = {}): Promise<void> {
  const path = process.env.ORDEROPS_DB ?? DEFAULT_WAREHOUSE;
  try {
    const rows = await withWarehouse(path, (w) => w.all(sql), { readOnly: true });
    process.stdout.write(JSON.stringify(options.single ? (rows[0] ?? null) : rows));
  } catch (error) {
    console.error(`data loader: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
