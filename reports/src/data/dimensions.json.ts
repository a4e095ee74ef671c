// Data loader: what the filters offer on every page — the policy's queues (with their RACI owners and
// time zones), the work types, and the first and last day the marts cover.
import { dataLoader } from "./read-mart.ts";

export interface Dimensions {
  queues: { queue: string; time_zone: string; responsible: string | null; accountable: string | null }[];
  work_types: string[];
  first_day: string | null;
  last_day: string | null;
}

export default dataLoader(import.meta.url, async (mart): Promise<Dimensions> => {
  const queues = await mart.all<Dimensions["queues"][number]>(
    "SELECT queue, time_zone, responsible, accountable FROM policy_queues ORDER BY queue",
  );
  const workTypes = await mart.all<{ work_type: string }>(
    "SELECT DISTINCT work_type FROM policy_sla_targets ORDER BY work_type",
  );
  const [range] = await mart.all<{ first_day: string | null; last_day: string | null }>(
    "SELECT min(day) AS first_day, max(day) AS last_day FROM queue_day",
  );
  return {
    queues,
    work_types: workTypes.map((w) => w.work_type),
    first_day: range?.first_day ?? null,
    last_day: range?.last_day ?? null,
  };
});
