import { describe, expect, test } from "vitest";
import { CONTRACTS, rowValidator } from "../../ingest/contracts/index.ts";
import { landingValue, orderingProblems, problemExpression } from "../../ingest/validation-sql.ts";
import { quoteIdent, quoteLiteral, Warehouse } from "../../ingest/warehouse.ts";

describe("column specs derived from the zod contracts", () => {
  const orders = Object.fromEntries(CONTRACTS.orders.columns.map((c) => [c.name, c]));

  test("types, requiredness and bounds come from the schema", () => {
    expect(orders.order_id).toMatchObject({
      kind: "string",
      required: true,
      duckdbType: "VARCHAR",
      minLength: 1,
    });
    expect(orders.placed_at).toMatchObject({ kind: "timestamp", required: true, duckdbType: "TIMESTAMPTZ" });
    expect(orders.order_value).toMatchObject({ kind: "number", required: true, minimum: 0 });
    expect(orders.fraud_score).toMatchObject({ kind: "number", required: false, minimum: 0, maximum: 1 });
    expect(orders.item_count).toMatchObject({
      kind: "integer",
      required: false,
      minimum: 1,
      duckdbType: "BIGINT",
    });
    expect(orders.item_count?.maximum).toBeUndefined();
    expect(orders.channel?.enumValues).toEqual(["web", "app", "marketplace", "store", "phone"]);
  });

  test("personal fields are exactly the ones the contract marks †", () => {
    expect(CONTRACTS.orders.columns.filter((c) => c.personal).map((c) => c.name)).toEqual([
      "customer_name",
      "customer_email",
      "customer_phone",
      "ship_address",
    ]);
    expect(CONTRACTS.cases.columns.some((c) => c.personal)).toBe(false);
  });
});

/**
 * The bulk checks are SQL generated from the contract; the contract itself is a zod schema. Both must
 * give the same verdict on every row: here, field by field, on valid and invalid values.
 */
describe("SQL checks agree with the zod contract", () => {
  const validCase: Record<string, string | null> = {
    case_id: "C-1",
    order_id: "SO-1",
    queue: "payment_hold",
    work_type: "exception",
    category: "fraud_flag",
    priority: "p2",
    opened_at: "2026-03-01T09:30:00+01:00",
    resolved_at: "2026-03-01T11:00:00Z",
    closed_at: null,
    status: "resolved",
    disposition_code: 'refund "partial", =HYPERLINK("x")',
    root_cause: "customer",
    source_system: "payments",
    defect_ref: null,
    owner_team: "payments-ops",
    assignee_id: "AG-1",
    escalation_level: "2",
    updated_at: "2026-03-01T11:00:00Z",
  };

  const cases: [string, Record<string, string | null>][] = [
    ["a valid row", {}],
    ["a missing required key", { case_id: null }],
    ["an empty required key", { case_id: "" }],
    ["an unknown queue", { queue: "returns" }],
    ["a timestamp without offset", { opened_at: "2026-03-01T09:30:00" }],
    ["an impossible date", { opened_at: "2026-02-30T09:30:00Z" }],
    ["not a timestamp", { opened_at: "yesterday" }],
    ["a fractional escalation level", { escalation_level: "1.5" }],
    ["an escalation level above 3", { escalation_level: "4" }],
    ["a negative escalation level", { escalation_level: "-1" }],
    ["resolved before opened", { resolved_at: "2026-03-01T08:00:00Z" }],
    ["an unknown root cause", { root_cause: "gremlins" }],
  ];

  test.for(cases)("%s", async ([, changes]) => {
    const row = { ...validCase, ...changes };
    const contract = CONTRACTS.cases;
    // zod sees typed values, as a JSON export would carry them.
    const typed: Record<string, unknown> = {};
    for (const column of contract.columns) {
      const value = row[column.name] ?? null;
      typed[column.name] =
        value === null || value === ""
          ? column.required
            ? value
            : null
          : column.kind === "integer"
            ? Number(value)
            : value;
      if (!column.required && (value === null || value === "")) typed[column.name] = null;
    }
    const zodValid = rowValidator(contract).safeParse(typed).success;

    const warehouse = await Warehouse.open(":memory:");
    try {
      const selectList = contract.columns
        .map(
          (c) =>
            `${row[c.name] === null ? "CAST(NULL AS VARCHAR)" : quoteLiteral(row[c.name] as string)} AS ${quoteIdent(c.name)}`,
        )
        .join(", ");
      await warehouse.run(`CREATE TABLE l AS SELECT ${selectList}`);
      const problems = contract.columns.map((c) =>
        problemExpression(c, landingValue(c, true), { now: "2026-06-01T00:00:00Z", futureToleranceS: 0 }),
      );
      const ordering = orderingProblems(contract).map((o) => o.sql.replaceAll("t.", "l."));
      const typedCols = contract.columns
        .filter((c) => c.kind === "timestamp")
        .map((c) => `TRY_CAST(${landingValue(c, true)} AS TIMESTAMPTZ) AS ${quoteIdent(c.name)}`);
      const result = await warehouse.one<{ problems: string[] }>(
        `SELECT list_filter([${[...problems].join(", ")}, ${ordering.map((o) => `(SELECT ${o} FROM (SELECT ${typedCols.join(", ")} FROM l) l)`).join(", ")}], p -> p IS NOT NULL) AS problems FROM l`,
      );
      const sqlValid = (result?.problems ?? []).length === 0;
      expect(sqlValid).toBe(zodValid);
    } finally {
      warehouse.close();
    }
  });
});
