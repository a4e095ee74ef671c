import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { invariant } from "../../models/data-tests.ts";
import type { Database } from "../../models/database.ts";
import { defineComputedModel } from "../../models/model.ts";
import { buildModels } from "../../models/runner.ts";
import { stgOrders } from "../../models/staging/stg_orders.ts";
import { givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

/** A computed model: the currencies of the orders, with their order counts, tallied in JavaScript. */
const currencyTally = defineComputedModel({
  // Any table name will do for the runner; the test's model is not part of the Database interface.
  name: "currency_tally" as keyof Database & string,
  layer: "marts",
  grain: "one row per currency",
  dependsOn: ["stg_orders"],
  columns: [
    ["currency", "VARCHAR"],
    ["orders", "BIGINT"],
    ["order_ids", "VARCHAR[]"],
  ],
  compute: async ({ db }) => {
    const orders = await db
      .selectFrom("stg_orders")
      .select(["order_id", "currency"])
      .orderBy("order_id")
      .execute();
    const tally = new Map<string, string[]>();
    for (const { order_id, currency } of orders)
      tally.set(currency, [...(tally.get(currency) ?? []), order_id]);
    return [...tally].map(([currency, order_ids]) => ({ currency, orders: order_ids.length, order_ids }));
  },
  tests: [invariant("orders counted", "orders = len(order_ids)")],
});

describe("computed models", () => {
  test("the runner writes the rows the function returns, typed by its columns, and runs its data tests", async () => {
    await givenRows(warehouse, "orders", [
      { order_id: "O1", placed_at: "2026-03-02T10:00:00Z", currency: "EUR" },
      { order_id: "O2", placed_at: "2026-03-02T11:00:00Z", currency: "USD" },
      { order_id: "O3", placed_at: "2026-03-02T12:00:00Z", currency: "EUR" },
    ]);
    const result = await buildModels(warehouse, { models: [stgOrders, currencyTally] });
    expect(result.models.map((m) => [m.model, m.rows])).toEqual([
      ["stg_orders", 3],
      ["currency_tally", 2],
    ]);
    expect(result.tests.find((t) => t.model === "currency_tally")).toMatchObject({ failures: 0 });
    expect(await warehouse.all("SELECT * FROM currency_tally ORDER BY currency")).toEqual([
      { currency: "EUR", orders: 2, order_ids: ["O1", "O3"] },
      { currency: "USD", orders: 1, order_ids: ["O2"] },
    ]);
  });

  test("an empty result is an empty table that still has its columns", async () => {
    await givenRows(warehouse, "cases", [{ case_id: "C1", opened_at: "2026-03-02T10:00:00Z" }]);
    await buildModels(warehouse, { models: [stgOrders, currencyTally] });
    const { columns, rows } = await warehouse.query("SELECT * FROM currency_tally");
    expect(rows).toEqual([]);
    expect(columns).toEqual(["currency", "orders", "order_ids"]);
  });
});
