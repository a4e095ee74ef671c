/**
 * The operation file: the shipped default loads, and every mistake is reported with the file, the
 * line and the key, the way the policy's are.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  DEFAULT_OPERATION_FILE,
  loadOperationConfig,
  OperationConfigError,
} from "../../simulator/operation/config.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("operation-config");
const shipped = readFileSync(DEFAULT_OPERATION_FILE, "utf8");

/** The shipped file with one edit; returns the error message it gives. */
async function errorOf(name: string, edit: (text: string) => string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const text = edit(shipped);
  expect(text, "the edit applied").not.toBe(shipped);
  writeFileSync(file, text);
  const error = await loadOperationConfig(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OperationConfigError);
  return (error as Error).message;
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

describe("the operation file", () => {
  test("the shipped default loads, with its seasonal temps", async () => {
    const config = await loadOperationConfig();
    expect(config.orders_per_day).toBe(400);
    const seasonal = config.teams.flatMap((t) => t.seasonal.map((s) => [t.name, s.headcount]));
    expect(seasonal).toEqual([
      ["order-desk", 2],
      ["berlin-fulfilment", 1],
    ]);
  });

  test("a wrong value names the file, its line and the key", async () => {
    const message = await errorOf("rate", (t) => t.replace("payment_hold: 0.04", "payment_hold: 1.4"));
    expect(message).toBe(
      `${join(dir, "rate.yaml")}:${lineOf(shipped, "payment_hold: 0.04")}: rates.payment_hold: Too big: expected number to be <=1`,
    );
  });

  test("an unknown key is named where it is written", async () => {
    const message = await errorOf("unknown", (t) => t.replace("misroute_rate:", "misroute_rates:"));
    expect(message).toContain(`:${lineOf(shipped, "misroute_rate:")}: misroute_rates: unknown key`);
  });

  test("a seasonal window that ends before it starts", async () => {
    const message = await errorOf("seasonal", (t) =>
      t.replace(
        "seasonal: [{ from: 2025-12-01, to: 2025-12-23, headcount: 1 }]",
        "seasonal: [{ from: 2025-12-01, to: 2025-11-23, headcount: 1 }]",
      ),
    );
    expect(message).toMatch(/:\d+: teams\[2\]\.seasonal\[0\]\.to: is before from$/);
  });

  test("a queue no team works, and reviewers without biases", async () => {
    const queue = await errorOf("queue", (t) =>
      t.replace("skills: [refund_validation]", "skills: [return_authorization]"),
    );
    expect(queue).toContain("teams: no team has the skill refund_validation");
    const biases = await errorOf("biases", (t) => t.replace("{ count: 5,", "{ count: 4,"));
    expect(biases).toMatch(/:\d+: qa\.reviewers\.biases: one bias per reviewer \(4\)$/);
  });

  test("a file that is not YAML, and one that is not there", async () => {
    const yaml = await errorOf("broken", (t) => t.replace("weeks: 52", "weeks: [52"));
    expect(yaml).toMatch(/broken\.yaml:\d+: not valid YAML: /);
    await expect(loadOperationConfig(join(dir, "missing.yaml"))).rejects.toThrow(
      /missing\.yaml: cannot read the operation file: no such file/,
    );
  });
});
