import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { contractMarkdown, entityJsonSchema } from "../../ingest/contract-docs.ts";
import { CONTRACTS } from "../../ingest/contracts/index.ts";

const REGENERATE = "stale: run `node bin/run-ts.js ingest/write-contract-docs.ts` and commit the result";
const read = (path: string) => readFileSync(new URL(`../../docs/${path}`, import.meta.url), "utf8");

describe("generated contract docs", () => {
  test("docs/contract.md matches the contracts", () => {
    expect(read("contract.md"), REGENERATE).toBe(contractMarkdown());
  });

  test.for(Object.keys(CONTRACTS))("docs/schemas/%s.schema.json matches its contract", (name) => {
    const contract = CONTRACTS[name as keyof typeof CONTRACTS];
    expect(JSON.parse(read(`schemas/${name}.schema.json`)), REGENERATE).toEqual(entityJsonSchema(contract));
  });

  test("the published schema marks personal fields and requires the contract's required fields", () => {
    const schema = entityJsonSchema(CONTRACTS.orders) as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toContain("order_id");
    expect(schema.required).not.toContain("customer_email");
    expect(JSON.stringify(schema.properties.customer_email)).toContain('"personal":true');
  });
});
