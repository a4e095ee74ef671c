// Receipts and completions per day or week (bars) with the end-of-period backlog (line), one panel per
// queue.
import * as Plot from "@observablehq/plot";
import { weekInterval } from "./charts.js";

export function queueFlowChart(rows, { width, interval = "day", dayKey = "day" } = {}) {
  const flows = rows.flatMap((d) => [
    { queue: d.queue, day: new Date(d[dayKey]), measure: "receipts", value: d.receipts },
    { queue: d.queue, day: new Date(d[dayKey]), measure: "completions", value: -d.completions },
  ]);
  const backlog = rows.map((d) => ({ queue: d.queue, day: new Date(d[dayKey]), value: d.carryover }));
  return Plot.plot({
    width,
    height: 160 * Math.max(1, new Set(rows.map((d) => d.queue)).size) + 40,
    marginLeft: 50,
    marginRight: 140,
    x: { type: "utc", label: interval === "week" ? "Week" : "Day" },
    y: { label: "Cases (completions below zero)", grid: true },
    fy: { label: null },
    color: { legend: true, domain: ["receipts", "completions"], range: ["#4269d0", "#3ca951"] },
    ariaLabel: `Receipts, completions and backlog per queue per ${interval}`,
    ariaDescription: `Bars above zero are cases that entered each queue per ${interval}, bars below zero the cases completed; the red line is the backlog open at the end of each ${interval}.`,
    marks: [
      Plot.rectY(flows, {
        x: "day",
        interval: interval === "week" ? weekInterval(rows, dayKey) : "day",
        y: "value",
        fy: "queue",
        fill: "measure",
        tip: true,
      }),
      Plot.lineY(backlog, {
        x: "day",
        y: "value",
        fy: "queue",
        stroke: "#ff725c",
        strokeWidth: 2,
        tip: true,
      }),
      Plot.ruleY([0]),
    ],
  });
}
