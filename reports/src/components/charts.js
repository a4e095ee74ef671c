// The site's charts: functions of (data, {width}) returning a Plot figure with an accessible label and
// description. Colours come from Plot's defaults and the theme's foreground, so they read in light and
// dark themes alike.
import * as Plot from "@observablehq/plot";
import { int } from "./format.js";

/**
 * Plot's interval for report weeks: "week" in Plot starts on Sunday, report weeks on the policy's day,
 * so the interval is named for the weekday the rows' week starts fall on.
 */
export function weekInterval(rows, key = "week_start") {
  const first = rows.find((d) => d[key])?.[key];
  if (!first) return "monday";
  return ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][
    new Date(`${first}T00:00:00Z`).getUTCDay()
  ];
}

const STATE_COLORS = { domain: ["green", "amber", "red"], range: ["#2ca02c", "#e8a33d", "#d62728"] };

/** Lines over time, one per series (`z`), with an optional goal line (`goal`, a constant or a key). */
export function trendChart(
  rows,
  { width, x, y, z, yLabel, percent = false, goal, ariaLabel, ariaDescription, height = 280, marker = false },
) {
  const data = rows.filter((d) => d[y] !== null && d[y] !== undefined);
  const marks = [
    percent ? null : Plot.ruleY([0]),
    Plot.lineY(data, { x: (d) => new Date(d[x]), y, z: z ?? null, stroke: z, tip: true, marker }),
  ];
  if (typeof goal === "number")
    marks.push(Plot.ruleY([goal], { stroke: "currentColor", strokeDasharray: "4 3" }));
  else if (goal)
    marks.push(
      Plot.lineY(data, {
        x: (d) => new Date(d[x]),
        y: goal,
        z: z ?? null,
        stroke: "currentColor",
        strokeDasharray: "4 3",
        strokeOpacity: 0.6,
      }),
    );
  return Plot.plot({
    width,
    height,
    marginLeft: 55,
    x: { type: "utc", label: null },
    y: { label: yLabel, grid: true, percent, zero: !percent },
    color: z ? { legend: true } : undefined,
    ariaLabel,
    ariaDescription,
    marks,
  });
}

/** Horizontal bars: one per `y` category, length `x`, optionally stacked by `fill`. */
export function barChart(
  rows,
  { width, x, y, fill, xLabel, ariaLabel, ariaDescription, percent = false, sort = true },
) {
  const categories = new Set(rows.map((d) => d[y])).size;
  return Plot.plot({
    width,
    height: Math.max(120, 28 * categories + 60),
    marginLeft: 180,
    x: { label: xLabel, grid: true, percent },
    y: { label: null },
    color: fill ? { legend: true } : undefined,
    ariaLabel,
    ariaDescription,
    marks: [
      Plot.barX(rows, {
        x,
        y,
        fill: fill ?? "#4269d0",
        sort: sort ? { y: "-x" } : undefined,
        tip: true,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** A Pareto chart: bars of cases by category, most first, and the cumulative share as a line. */
export function paretoChart(rows, { width, ariaLabel, ariaDescription }) {
  const total = rows.reduce((s, d) => s + d.cases, 0);
  const max = Math.max(1, ...rows.map((d) => d.cases));
  return Plot.plot({
    width,
    height: 320,
    marginBottom: 90,
    marginLeft: 55,
    marginRight: 55,
    x: { label: null, domain: rows.map((d) => d.category), tickRotate: -40 },
    y: { label: `Cases (of ${int(total)})`, grid: true },
    ariaLabel,
    ariaDescription,
    marks: [
      Plot.axisY({ anchor: "left" }),
      // The cumulative share shares the plot: its axis on the right, 0–100% over the tallest bar.
      Plot.axisY(
        [0, 0.25, 0.5, 0.75, 1].map((t) => t * max),
        { anchor: "right", label: "Cumulative share", tickFormat: (v) => `${Math.round((v / max) * 100)}%` },
      ),
      Plot.barY(rows, { x: "category", y: "cases", fill: "#4269d0", tip: true }),
      Plot.lineY(rows, {
        x: "category",
        y: (d) => d.cumulative_share * max,
        stroke: "#ff725c",
        marker: true,
        tip: true,
        title: (d) => `${d.category}: ${Math.round(d.cumulative_share * 100)}% cumulative`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** Open cases per day stacked by aging band (oldest on top), one panel per queue. */
export function agingChart(rows, { width, ariaLabel, ariaDescription }) {
  const queues = new Set(rows.map((d) => d.queue)).size;
  return Plot.plot({
    width,
    height: 150 * queues + 50,
    marginLeft: 50,
    marginRight: 140,
    x: { type: "utc", label: null },
    y: { label: "Open cases", grid: true },
    fy: { label: null },
    color: {
      legend: true,
      scheme: "YlOrRd",
      type: "ordinal",
      domain: [1, 2, 3, 4, 5],
      tickFormat: (d) => `band ${d}`,
    },
    ariaLabel,
    ariaDescription,
    marks: [
      Plot.areaY(rows, {
        x: (d) => new Date(d.day),
        y: "cases",
        fill: "band_order",
        fy: "queue",
        order: "band_order",
        tip: true,
        title: (d) => `${d.queue} ${d.day}\n${d.band}: ${d.cases}`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** Consecutive days of a queue in the same state as one span (a year is a few dozen spans, not 365 cells). */
export function stateSpans(rows) {
  const spans = [];
  for (const d of [...rows].sort((a, b) => a.queue.localeCompare(b.queue) || a.day.localeCompare(b.day))) {
    const last = spans.at(-1);
    if (last && last.queue === d.queue && last.backlog_state === d.backlog_state && last.next === d.day) {
      last.to = d.day;
      last.days += 1;
    } else {
      spans.push({ queue: d.queue, backlog_state: d.backlog_state, from: d.day, to: d.day, days: 1 });
    }
    const after = new Date(`${d.day}T00:00:00Z`);
    after.setUTCDate(after.getUTCDate() + 1);
    spans.at(-1).next = after.toISOString().slice(0, 10);
  }
  return spans.map(({ next, ...span }) => span);
}

/** Control state per queue per day as coloured spans. */
export function stateStrip(rows, { width, ariaLabel, ariaDescription }) {
  const queues = new Set(rows.map((d) => d.queue)).size;
  const spans = stateSpans(rows);
  const day = (text, offset = 0) => new Date(Date.parse(`${text}T00:00:00Z`) + offset * 86_400_000);
  return Plot.plot({
    width,
    height: 26 * queues + 60,
    marginLeft: 150,
    x: { type: "utc", label: null },
    y: { label: null },
    color: { ...STATE_COLORS, legend: true },
    ariaLabel,
    ariaDescription,
    marks: [
      Plot.barX(spans, {
        x1: (d) => day(d.from),
        x2: (d) => day(d.to, 1),
        y: "queue",
        fill: "backlog_state",
        insetTop: 1,
        insetBottom: 1,
        tip: true,
        title: (d) => `${d.queue}: ${d.backlog_state} ${d.from} to ${d.to} (${d.days} days)`,
      }),
    ],
  });
}

const MEASURES = {
  sla_attainment: { label: "SLA attainment (%)", percent: true, scale: 1 },
  backlog: { label: "Backlog at the day's end (cases)", percent: false, scale: 1 },
  wait_s: { label: "Mean wait to first handling (hours)", percent: false, scale: 1 / 3600 },
};

/** Predicted against actual per day: one small chart per measure, each on its own scale. */
export function predictedActualChart(rows, { width, ariaLabel, ariaDescription }) {
  const figure = document.createElement("div");
  let legend = true;
  for (const [measure, spec] of Object.entries(MEASURES)) {
    const own = rows.filter((d) => d.measure === measure);
    if (!own.length) continue;
    const long = own.flatMap((d) => [
      {
        day: new Date(`${d.day}T00:00:00Z`),
        series: "actual",
        value: d.actual === null ? null : d.actual * spec.scale,
      },
      {
        day: new Date(`${d.day}T00:00:00Z`),
        series: "predicted",
        value: d.predicted === null ? null : d.predicted * spec.scale,
      },
    ]);
    figure.append(
      Plot.plot({
        width,
        height: 170,
        marginLeft: 60,
        x: { type: "utc", label: null, tickFormat: "%b %-d" },
        y: { grid: true, label: spec.label, percent: spec.percent },
        color: {
          legend,
          domain: ["actual", "predicted"],
          range: ["#4269d0", "#ff725c"],
        },
        ariaLabel: `${ariaLabel}: ${measure}`,
        ariaDescription,
        marks: [Plot.lineY(long, { x: "day", y: "value", stroke: "series", marker: true, tip: true })],
      }),
    );
    legend = false;
  }
  return figure;
}

/** Simulated attainment per bucket (top) and agents on duty against the Erlang baseline (bottom). */
export function staffingChart(queues, groups, { width, ariaLabel, ariaDescription }) {
  const attainment = Plot.plot({
    width,
    height: 220,
    marginLeft: 55,
    x: { type: "utc", label: null },
    y: { label: "Simulated attainment (cycles due)", percent: true, grid: true, domain: [0, 100] },
    color: { legend: true },
    ariaLabel: `${ariaLabel}: attainment`,
    ariaDescription,
    marks: [
      Plot.lineY(
        queues.filter((d) => d.sla_attainment !== null),
        { x: (d) => new Date(d.bucket_start), y: "sla_attainment", stroke: "name", tip: true },
      ),
    ],
  });
  const staffing = Plot.plot({
    width,
    height: 120 * Math.max(1, new Set(groups.map((d) => d.name)).size) + 40,
    marginLeft: 55,
    marginRight: 140,
    x: { type: "utc", label: null },
    y: { label: "Agents (line: on duty; dashed: Erlang baseline)", grid: true },
    fy: { label: null },
    ariaLabel: `${ariaLabel}: staffing`,
    ariaDescription,
    marks: [
      Plot.areaY(groups, {
        x: (d) => new Date(d.bucket_start),
        y: "agents_on_duty",
        fy: "name",
        fill: "#4269d0",
        fillOpacity: 0.25,
      }),
      Plot.lineY(groups, {
        x: (d) => new Date(d.bucket_start),
        y: "agents_on_duty",
        fy: "name",
        stroke: "#4269d0",
        tip: true,
      }),
      Plot.lineY(
        groups.filter((d) => d.erlang_agents !== null),
        {
          x: (d) => new Date(d.bucket_start),
          y: "erlang_agents",
          fy: "name",
          stroke: "#ff725c",
          strokeDasharray: "4 3",
          tip: true,
        },
      ),
      Plot.ruleY([0]),
    ],
  });
  const figure = document.createElement("div");
  figure.append(attainment, staffing);
  return figure;
}
