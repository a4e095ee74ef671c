import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { PRIORITIES, QUEUES, WORK_TYPES } from "../../../ingest/contracts/cases.ts";
import {
  DEFAULT_POLICY_FILE,
  formatPath,
  loadPolicy,
  PolicyError,
  type PolicyIssue,
  parsePolicy,
} from "../../../models/policy/load.ts";
import { parseDuration, policyJsonSchema, slaTargetRows } from "../../../models/policy/schema.ts";

const DEFAULT_TEXT = readFileSync(DEFAULT_POLICY_FILE, "utf8");

/** The issues a policy text raises (fails the test if it loads). */
function issuesOf(text: string): PolicyIssue[] {
  try {
    parsePolicy(text, "policy.yaml");
  } catch (error) {
    if (error instanceof PolicyError) return [...error.issues];
    throw error;
  }
  throw new Error("expected the policy to be rejected");
}

/** The default policy as a plain object, changed by `edit`, written back as YAML. */
// biome-ignore lint/suspicious/noExplicitAny: the edits reach deep into an untyped YAML tree on purpose
function editedDefault(edit: (policy: Record<string, any>) => void): string {
  const policy = parse(DEFAULT_TEXT, { merge: false });
  edit(policy);
  return stringify(policy);
}

/** 1-based number of the first line of `text` matching `pattern` at or after line `after`. */
function lineOf(text: string, pattern: RegExp, after = 1): number {
  const lines = text.split("\n");
  const index = lines.findIndex((line, i) => i + 1 >= after && pattern.test(line));
  if (index < 0) throw new Error(`no line matches ${pattern}`);
  return index + 1;
}

describe("the shipped policy", () => {
  test("loads, with every queue, work type and priority given a complete target", async () => {
    const { policy, version } = await loadPolicy();
    expect(Object.keys(policy.queues).sort()).toEqual([...QUEUES].sort());
    const rows = slaTargetRows(policy);
    expect(rows).toHaveLength(QUEUES.length * WORK_TYPES.length * (PRIORITIES.length + 1));
    for (const row of rows) {
      expect(row.resolve_within).toBeGreaterThan(0);
      expect(row.first_touch_within).toBeLessThanOrEqual(row.resolve_within);
      expect(row.goal).toBeGreaterThan(0);
      expect(row.goal).toBeLessThanOrEqual(1);
      expect(Object.keys(policy.calendars)).toContain(row.calendar);
    }
    expect(version.declared).toBe("2026.1");
    expect(version.label).toMatch(/^2026\.1 \(sha256 [0-9a-f]{12}\)$/);
  });

  test("reads durations, shares and tiers as written: a p2 override keeps the default's other fields", async () => {
    const { policy } = await loadPolicy();
    const standard = policy.queues.new_order_review.sla.standard;
    expect(standard.default).toEqual({
      resolve_within: 4 * 3600,
      first_touch_within: 3600,
      goal: 0.95,
      first_touch_goal: 0.95,
    });
    expect(standard.p2).toEqual({
      resolve_within: 7200,
      first_touch_within: 1800,
      goal: 0.95,
      first_touch_goal: 0.95,
    });
    expect(standard.p4).toEqual(standard.default);
    expect(policy.queues.new_order_review.aging.bands.map((band) => band.label)).toEqual([
      "<4h",
      "4h–8h",
      "8h–1d",
      "1d–3d",
      "≥3d",
    ]);
    expect(policy.calendars.berlin_warehouse?.hours.mon).toEqual([
      { start_min: 8 * 60, end_min: 12 * 60 },
      { start_min: 13 * 60, end_min: 17 * 60 },
    ]);
    expect(policy.calendars.us_east_extended?.holidays).toContainEqual({
      from: "2026-07-03",
      to: "2026-07-04",
      name: "Independence Day",
    });
    expect(policy.dependencies.customer.pauses_sla).toBe(true);
    expect(policy.dependencies.warehouse.pauses_sla).toBe(false);
  });

  test("the content hash ignores comments and layout but not values", () => {
    const original = parsePolicy(DEFAULT_TEXT, "a").version.hash;
    expect(parsePolicy(`# a new comment\n${DEFAULT_TEXT}`, "b").version.hash).toBe(original);
    expect(parsePolicy(stringify(parse(DEFAULT_TEXT)), "c").version.hash).toBe(original);
    const changed = editedDefault((p) => {
      p.qa.pass_mark = 80;
    });
    expect(parsePolicy(changed, "d").version.hash).not.toBe(original);
  });
});

describe("the published JSON Schema", () => {
  test("docs/schemas/policy.schema.json is the schema's current JSON Schema", () => {
    const published = readFileSync(
      new URL("../../../docs/schemas/policy.schema.json", import.meta.url),
      "utf8",
    );
    expect(
      JSON.parse(published),
      "stale: run `node bin/run-ts.js models/policy/write-schema.ts` and commit the result",
    ).toEqual(policyJsonSchema());
  });

  test("it describes the file as written: durations and shares are text, tiers are partial", () => {
    const schema = policyJsonSchema() as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(
      expect.arrayContaining(["reporting", "calendars", "queues", "dependencies", "qa", "controls"]),
    );
    expect(schema.additionalProperties).toBe(false);
    const text = JSON.stringify(schema);
    expect(text).toContain(
      '"resolve_within":{"description":"Business time from opening to resolution","type":"string"',
    );
    expect(text).toContain('"required":["new_order_review","payment_hold"');
  });
});

describe("docs/policy.md", () => {
  const docs = readFileSync(new URL("../../../docs/policy.md", import.meta.url), "utf8");

  test("explains every key of the schema", () => {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== "object") return;
      const properties = (node as { properties?: unknown }).properties;
      if (properties && typeof properties === "object")
        for (const key of Object.keys(properties)) keys.add(key);
      for (const child of Object.values(node)) walk(child);
    };
    walk(policyJsonSchema());
    expect([...keys].filter((key) => !docs.includes(`\`${key}\``))).toEqual([]);
    expect(keys.size).toBeGreaterThan(40);
  });

  test("its examples are the shipped file's own lines", () => {
    const shipped = new Set(DEFAULT_TEXT.split("\n").map((line) => line.trim()));
    const examples = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((match) =>
      (match[1] ?? "").split("\n").map((line) => line.trim()),
    );
    expect(examples.length).toBeGreaterThan(40);
    expect(examples.filter((line) => line !== "" && !shipped.has(line))).toEqual([]);
  });
});

describe("durations", () => {
  test.for([
    ["8h", 28_800],
    ["30m", 1_800],
    ["2d", 172_800],
    ["1h30m", 5_400],
    ["90s", 90],
    ["1d12h", 129_600],
    ["1.5h", 5_400],
    ["2w", 1_209_600],
    ["0.5s", null],
  ] as const)("%s is %s seconds", ([text, seconds]) => {
    if (seconds === null) expect(() => parseDuration(text)).toThrow("not a whole number of seconds");
    else expect(parseDuration(text)).toBe(seconds);
  });

  test.for(["8 hours", "", "h", "1.5h30m", "30m1h", "-1h", "8"])("%j is not a duration", (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
  });
});

describe("errors name the file, the key and the line", () => {
  test("a bad duration deep in the SLA tiers", () => {
    const text = DEFAULT_TEXT.replace(
      "p1: { resolve_within: 2h, first_touch_within: 15m, goal: 95% }",
      'p1: { resolve_within: "2 hours", first_touch_within: 15m, goal: 95% }',
    );
    expect(text).not.toBe(DEFAULT_TEXT);
    const [issue, ...rest] = issuesOf(text);
    expect(rest).toEqual([]);
    expect(issue).toEqual({
      path: "queues.payment_hold.sla.exception.p1.resolve_within",
      line: lineOf(text, /2 hours/),
      message: 'expected a duration such as 8h, 30m, 2d, 1.5h or 1h30m, got "2 hours"',
    });
    expect(() => parsePolicy(text, "ops/policy.yaml")).toThrow(
      new RegExp(
        `^ops/policy\\.yaml:${issue?.line}: queues\\.payment_hold\\.sla\\.exception\\.p1\\.resolve_within: `,
      ),
    );
  });

  test("a missing queue is named, at its parent's line", () => {
    const text = editedDefault((p) => {
      delete p.queues.refund_validation;
    });
    expect(issuesOf(text)).toEqual([
      {
        path: "queues.refund_validation",
        line: lineOf(text, /^queues:/),
        message: "missing: this key is required",
      },
    ]);
  });

  test("a missing required field inside a queue", () => {
    const text = editedDefault((p) => {
      delete p.queues.shipment_exception.sla.exception.default.goal;
    });
    const [issue] = issuesOf(text);
    expect(issue?.path).toBe("queues.shipment_exception.sla.exception.default.goal");
    expect(issue?.message).toBe("missing: this key is required");
  });

  test("an unknown key, at its own line", () => {
    const text = DEFAULT_TEXT.replace("  payment_hold:\n", "  payment_hold:\n    owner: someone\n");
    expect(issuesOf(text)).toEqual([
      { path: "queues.payment_hold.owner", line: lineOf(text, /owner: someone/), message: "unknown key" },
    ]);
  });

  test("an unknown queue", () => {
    const text = editedDefault((p) => {
      p.queues.gift_wrapping = p.queues.payment_hold;
    });
    expect(issuesOf(text).map((issue) => [issue.path, issue.message])).toEqual([
      ["queues.gift_wrapping", "unknown key"],
    ]);
  });

  test("a queue on a calendar that does not exist", () => {
    const text = DEFAULT_TEXT.replace("calendar: us_east_office", "calendar: us_east_offise");
    const [issue] = issuesOf(text);
    expect(issue).toEqual({
      path: "queues.refund_validation.calendar",
      line: lineOf(text, /calendar: us_east_offise/),
      message: expect.stringMatching(/^unknown calendar "us_east_offise" \(calendars: us_east_extended, /),
    });
  });

  test("a time zone the runtime does not know, and an offset instead of a zone", () => {
    for (const zone of ["America/Nowhere", "+01:00"]) {
      const text = DEFAULT_TEXT.replace("time_zone: Europe/Berlin", `time_zone: "${zone}"`);
      const [issue] = issuesOf(text);
      expect(issue?.path).toBe("calendars.berlin_warehouse.time_zone");
      expect(issue?.message).toContain("is not an IANA time zone");
    }
  });

  test("overlapping business hours, also across midnight and from Sunday night into Monday", () => {
    const withHours = (hours: Record<string, string[]>) =>
      editedDefault((p) => {
        p.calendars.berlin_warehouse.hours = hours;
      });
    expect(issuesOf(withHours({ mon: ["08:00-12:00", "11:00-13:00"] }))).toEqual([
      {
        path: "calendars.berlin_warehouse.hours.mon[1]",
        line: expect.any(Number),
        message: "11:00-13:00 overlaps mon 08:00-12:00",
      },
    ]);
    expect(issuesOf(withHours({ mon: ["22:00-06:00"], tue: ["05:00-09:00"] }))[0]).toMatchObject({
      path: "calendars.berlin_warehouse.hours.tue[0]",
      message: "05:00-09:00 overlaps mon 22:00-06:00",
    });
    expect(issuesOf(withHours({ mon: ["05:00-09:00"], sun: ["22:00-06:00"] }))[0]).toMatchObject({
      path: "calendars.berlin_warehouse.hours.mon[0]",
      message: "05:00-09:00 overlaps sun 22:00-06:00",
    });
    // Touching is not overlapping.
    expect(() => parsePolicy(withHours({ mon: ["22:00-06:00"], tue: ["06:00-09:00"] }), "p")).not.toThrow();
  });

  test("malformed hours and holidays", () => {
    const hours = editedDefault((p) => {
      p.calendars.berlin_warehouse.hours.tue = ["8:00-12:00"];
      p.calendars.berlin_warehouse.holidays[0] = { from: "2026-01-02", to: "2026-01-01" };
      p.calendars.berlin_warehouse.holidays[1] = "2026-02-30";
    });
    expect(issuesOf(hours).map((issue) => [issue.path, issue.message])).toEqual([
      [
        "calendars.berlin_warehouse.hours.tue[0]",
        'expected business hours as HH:MM-HH:MM (e.g. 08:00-20:00), got "8:00-12:00"',
      ],
      ["calendars.berlin_warehouse.holidays[0]", "holiday ends (2026-01-01) before it starts"],
      ["calendars.berlin_warehouse.holidays[1]", 'expected a date as YYYY-MM-DD, got "2026-02-30"'],
    ]);
  });

  test("QA weights that do not add up to 100%", () => {
    const text = DEFAULT_TEXT.replace("data_handling: 15%", "data_handling: 25%");
    expect(issuesOf(text)).toEqual([
      {
        path: "qa.weights",
        line: lineOf(text, /^ {2}weights:/),
        message: "weights must add up to 100%, they add up to 110%",
      },
    ]);
  });

  test("a share written as a whole number, and red below amber", () => {
    const text = editedDefault((p) => {
      p.qa.sampling.standard = 2;
      p.queues.payment_hold.backlog.red.open_cases = 10;
    });
    expect(issuesOf(text).map((issue) => [issue.path, issue.message])).toEqual([
      ["queues.payment_hold.backlog.red.open_cases", "red is below amber"],
      ["qa.sampling.standard", "expected a percentage such as 95% (or a fraction 0.95), got 2"],
    ]);
  });

  test("first touch longer than resolution, within a merged tier", () => {
    const text = editedDefault((p) => {
      p.queues.payment_hold.sla.standard.p2 = { first_touch_within: "5h" };
    });
    expect(issuesOf(text).map((issue) => [issue.path, issue.message])).toEqual([
      [
        "queues.payment_hold.sla.standard.p2.first_touch_within",
        "first_touch_within is longer than resolve_within",
      ],
    ]);
  });

  test("not YAML at all: the parser's line", () => {
    const text = DEFAULT_TEXT.replace("reporting:\n", "reporting:\n  time_zone: [unclosed\n");
    const [issue] = issuesOf(text);
    expect(issue?.path).toBe("");
    expect(issue?.line).toBeGreaterThanOrEqual(lineOf(text, /unclosed/));
    expect(issue?.message).toMatch(/^not valid YAML: /);
  });

  test("a file that is not there", async () => {
    await expect(loadPolicy("/nonexistent/policy.yaml")).rejects.toThrow(
      "/nonexistent/policy.yaml: cannot read the policy file: no such file",
    );
  });

  test("paths: keys dotted, list positions bracketed", () => {
    expect(formatPath(["calendars", "us", "hours", "mon", 0])).toBe("calendars.us.hours.mon[0]");
    expect(formatPath([])).toBe("");
  });
});
