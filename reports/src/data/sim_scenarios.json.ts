// Data loader: staffing scenarios side by side — every simulation run (sim_run) with its queues' and
// groups' summary metrics (sim_summary: mean and 95% interval over replications), each queue's
// attainment target, and per shift the scenario's agents beside the Erlang baseline (simulator/erlang.ts
// through the staffing search's Erlang start, grossed up for shrinkage). Empty when nothing was simulated.
import { erlangStart } from "../../../simulator/staffing-search.ts";
import { dataLoader } from "./read-mart.ts";
import { type SimRunRow, scenarioOfRun } from "./sim-scenario.ts";

type SummaryRow = {
  run_id: string;
  scope: "queue" | "group";
  name: string;
  metric: string;
  mean: number | null;
  half_width: number | null;
};

export default dataLoader(import.meta.url, async (mart) => {
  if (!(await mart.hasTable("sim_run"))) return { runs: [], queues: [], groups: [], shifts: [] };
  const runs = await mart.all<SimRunRow & Record<string, unknown>>(
    `SELECT run_id, scenario, scenario_file, seed, replications, start_at, horizon_s, interval_s, warmup_s,
            routing, events, meets_all_targets
     FROM sim_run ORDER BY start_at, scenario, run_id`,
  );
  const summary = await mart.all<SummaryRow>(
    "SELECT run_id, scope, name, metric, mean, half_width FROM sim_summary ORDER BY run_id, scope, name, metric",
  );
  const metricsOf = (runIdValue: string, scope: string, name: string) =>
    Object.fromEntries(
      summary
        .filter((s) => s.run_id === runIdValue && s.scope === scope && s.name === name)
        .flatMap((s) => [
          [s.metric, s.mean],
          [`${s.metric}_half_width`, s.half_width],
        ]),
    );
  const queues: Record<string, unknown>[] = [];
  const groups: Record<string, unknown>[] = [];
  const shifts: Record<string, unknown>[] = [];
  const runRows: Record<string, unknown>[] = [];
  for (const run of runs) {
    const scenario = scenarioOfRun(run);
    const { scenario_file: _file, ...shown } = run;
    runRows.push({ ...shown, erlang_note: scenario.note });
    const queueNames = [
      ...new Set(summary.filter((s) => s.run_id === run.run_id && s.scope === "queue").map((s) => s.name)),
    ];
    for (const queue of queueNames) {
      const plan = "plan" in scenario ? scenario.plan.queues.find((q) => q.name === queue) : undefined;
      const metrics = metricsOf(run.run_id, "queue", queue);
      const target = plan?.sla.attainment_target ?? null;
      queues.push({
        run_id: run.run_id,
        scenario: run.scenario,
        queue,
        attainment_target: target,
        meets_target:
          target === null || typeof metrics.sla_attainment !== "number"
            ? null
            : metrics.sla_attainment >= target,
        ...metrics,
      });
    }
    const groupNames = [
      ...new Set(summary.filter((s) => s.run_id === run.run_id && s.scope === "group").map((s) => s.name)),
    ];
    for (const group of groupNames) {
      groups.push({
        run_id: run.run_id,
        scenario: run.scenario,
        group,
        ...metricsOf(run.run_id, "group", group),
      });
    }
    if ("plan" in scenario) {
      const start = erlangStart(scenario.spec, scenario.plan);
      for (const groupSpec of scenario.spec.staff) {
        const erlang = start[groupSpec.group];
        const roster = groupSpec.shifts
          ? groupSpec.shifts.map((s) => ({ shift: s.name ?? `${s.start}–${s.end}`, agents: s.agents }))
          : [{ shift: "around the clock", agents: groupSpec.agents ?? null }];
        roster.forEach((r, i) => {
          shifts.push({
            run_id: run.run_id,
            scenario: run.scenario,
            group: groupSpec.group,
            shift: r.shift,
            scenario_agents: r.agents,
            erlang_agents: erlang?.[i] ?? null,
            shrinkage: groupSpec.shrinkage,
          });
        });
      }
    }
  }
  return { runs: runRows, queues, groups, shifts };
});
