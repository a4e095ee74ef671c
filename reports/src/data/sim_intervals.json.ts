// Data loader: simulated SLA by interval against staffing, for each simulation run, in hourly buckets
// (daily for runs over three weeks): per queue the mean arrivals and the attainment of the cycles due
// (Σ met ÷ Σ due over the replications); per staff group the mean agents on duty (productive + overtime)
// beside the Erlang baseline's agents for the same bucket (simulator/erlang.ts, before shrinkage).
import { erlangNeeds } from "../../../simulator/staffing-search.ts";
import { columnar, dataLoader } from "./read-mart.ts";
import { bucketSeconds, type SimRunRow, scenarioOfRun } from "./sim-scenario.ts";

interface BucketRow {
  run_id: string;
  name: string;
  bucket: number;
  [column: string]: unknown;
}

/** The mean of each bucket's intervals of a per-interval series. */
function bucketMeans(series: Float64Array, interval_s: number, bucket_s: number): Map<number, number> {
  const sums = new Map<number, [number, number]>();
  series.forEach((value, k) => {
    const bucket = Math.floor((k * interval_s) / bucket_s);
    const sum = sums.get(bucket) ?? [0, 0];
    sum[0] += value;
    sum[1] += 1;
    sums.set(bucket, sum);
  });
  return new Map([...sums].map(([bucket, [sum, n]]) => [bucket, sum / n]));
}

export default dataLoader(import.meta.url, async (mart) => {
  const empty = { queues: columnar([]), groups: columnar([]) };
  if (!(await mart.hasTable("sim_run"))) return empty;
  const runs = await mart.all<SimRunRow>(
    `SELECT run_id, scenario, scenario_file, seed, replications, start_at, horizon_s, interval_s, warmup_s,
            routing, meets_all_targets FROM sim_run ORDER BY start_at, scenario, run_id`,
  );
  const queues: Record<string, unknown>[] = [];
  const groups: Record<string, unknown>[] = [];
  for (const run of runs) {
    const bucket_s = bucketSeconds(run);
    const bucketOf = `CAST(floor(date_diff('second', r.start_at, i.interval_start) / ${bucket_s}) AS INTEGER)`;
    const queueRows = await mart.all<BucketRow>(
      `SELECT i.run_id, i.queue AS name, ${bucketOf} AS bucket,
              sum(i.arrivals) / any_value(r.replications) AS arrivals,
              sum(i.sla_due) AS sla_due, sum(i.sla_met) AS sla_met,
              sum(i.sla_met) / nullif(sum(i.sla_due), 0) AS sla_attainment,
              avg(i.open_end) AS open_cases
       FROM sim_interval i JOIN sim_run r USING (run_id)
       WHERE i.run_id = $1 GROUP BY ALL ORDER BY name, bucket`,
      [run.run_id],
    );
    // Agents are time averages per interval: a bucket's mean over its intervals and the replications.
    const groupRows = await mart.all<BucketRow>(
      `SELECT i.run_id, i.staff_group AS name, ${bucketOf} AS bucket,
              avg(i.productive_agents + i.overtime_agents) AS agents_on_duty,
              avg(i.overtime_agents) AS overtime_agents, avg(i.occupancy) AS occupancy
       FROM sim_staff_interval i JOIN sim_run r USING (run_id)
       WHERE i.run_id = $1 GROUP BY ALL ORDER BY name, bucket`,
      [run.run_id],
    );
    const scenario = scenarioOfRun(run);
    const needs = "plan" in scenario ? erlangNeeds(scenario.spec, scenario.plan) : null;
    const plan = "plan" in scenario ? scenario.plan : null;
    const startMs = new Date(run.start_at).getTime();
    const label = (bucket: number) => new Date(startMs + bucket * bucket_s * 1000).toISOString();
    const erlangFor = (names: string[], series: Float64Array[] | undefined) => {
      const means = new Map<string, Map<number, number>>();
      names.forEach((name, index) => {
        const values = series?.[index];
        if (values) means.set(name, bucketMeans(values, run.interval_s, bucket_s));
      });
      return means;
    };
    const queueErlang = erlangFor(plan?.queues.map((q) => q.name) ?? [], needs?.queues);
    const groupErlang = erlangFor(plan?.groups.map((g) => g.name) ?? [], needs?.groups);
    for (const row of queueRows) {
      queues.push({
        ...row,
        bucket_start: label(row.bucket),
        erlang_agents: queueErlang.get(row.name)?.get(row.bucket) ?? null,
      });
    }
    for (const row of groupRows) {
      groups.push({
        ...row,
        bucket_start: label(row.bucket),
        erlang_agents: groupErlang.get(row.name)?.get(row.bucket) ?? null,
      });
    }
  }
  return { queues: columnar(queues), groups: columnar(groups) };
});
