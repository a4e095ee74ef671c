// The metric definitions the site's glossary and labels come from (models/metrics.ts). That every source
// column exists in a built warehouse is checked by test/e2e/site-pages.test.ts.
import { describe, expect, test } from "vitest";
import { kpiTrends } from "../../models/marts/kpi_trends.ts";
import { KPI_NAMES, KPIS, METRIC_TOPICS, METRICS, metric } from "../../models/metrics.ts";

describe("metric definitions", () => {
  test("ids are unique snake_case, and every entry is complete", () => {
    const ids = METRICS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of METRICS) {
      expect(m.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(METRIC_TOPICS).toContain(m.topic);
      expect(m.name.length).toBeGreaterThan(2);
      expect(m.definition).toMatch(/\.$/);
      expect(m.source.length).toBeGreaterThan(0);
      for (const source of m.source) expect(source).toMatch(/^[a-z_]+\.[a-z0-9_]+$/);
    }
  });

  test("every KPI of kpi_trends is a metric, with its unit and direction", () => {
    for (const kpi of KPI_NAMES) {
      const m = metric(kpi);
      expect(m.unit).toBe(KPIS[kpi].unit);
      expect(m.better).toBe(KPIS[kpi].better);
    }
  });

  test("kpi_trends depends on every model its KPIs read", () => {
    for (const kpi of KPI_NAMES) expect(kpiTrends.dependsOn).toContain(KPIS[kpi].observations.from);
  });

  test("every topic has definitions", () => {
    for (const topic of METRIC_TOPICS) expect(METRICS.some((m) => m.topic === topic)).toBe(true);
  });

  test("an unknown metric is an error naming the module", () => {
    expect(() => metric("no_such_metric")).toThrow(/models\/metrics\.ts/);
  });
});
