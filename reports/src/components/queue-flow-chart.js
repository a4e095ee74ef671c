// Receipts and completions per day (bars) with the end-of-day backlog (line), one panel per queue.
import * as Plot from "@observablehq/plot";

export function queueFlowChart(rows, { width } = {}) {
  const flows = rows.flatMap((d) => [
    { queue: d.queue, day: new Date(d.day), measure: "receipts", value: d.receipts },
    { queue: d.queue, day: new Date(d.day), measure: "completions", value: -d.completions },
  ]);
  const backlog = rows.map((d) => ({ queue: d.queue, day: new Date(d.day), value: d.carryover }));
  return Plot.plot({
    width,
    height: 160 * new Set(rows.map((d) => d.queue)).size + 40,
    marginLeft: 50,
    x: { type: "utc", label: "Day" },
    y: { label: "Cases (completions below zero)", grid: true },
    fy: { label: null },
    color: { legend: true, domain: ["receipts", "completions"], range: ["#4269d0", "#3ca951"] },
    ariaLabel: "Receipts, completions and backlog per queue per day",
    marks: [
      Plot.rectY(flows, { x: "day", interval: "day", y: "value", fy: "queue", fill: "measure", tip: true }),
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
