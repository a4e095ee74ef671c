/**
 * A worker thread of the replication pool (replication-pool.ts): runs the replications it is sent and
 * posts each output back, its typed arrays transferred rather than copied.
 *
 * A job carries the scenario spec the first time this worker sees the plan, and the worker compiles it
 * itself: a compiled plan holds functions and calendars, which cannot cross threads, and compiling the
 * same spec gives the same plan. Replication r runs on `createRng(seed).fork("replication-r")`, as in
 * the sequential run, so its output is the same wherever it runs.
 */
import { parentPort } from "node:worker_threads";
import { type ReplicationOutput, runReplication } from "./engine.ts";
import { createRng } from "./rng.ts";
import type { ScenarioSpec } from "./scenario.ts";
import { compileScenario, type ScenarioPlan } from "./scenario-plan.ts";

export interface ReplicationJob {
  planKey: number;
  /** Present when this worker has not compiled the plan yet. */
  spec?: ScenarioSpec;
  seed: number;
  replication: number;
  recordCases: boolean;
}

export type ReplicationReply = { output: ReplicationOutput } | { error: unknown };

/** The buffers of an output's columns, to transfer with it. */
export function outputBuffers(output: ReplicationOutput): ArrayBuffer[] {
  const columns: Float64Array[] = [
    ...Object.values(output.queueIntervals),
    ...Object.values(output.groupIntervals),
  ];
  if (output.cases) {
    for (const value of Object.values(output.cases)) if (value instanceof Float64Array) columns.push(value);
  }
  return columns.map((column) => column.buffer as ArrayBuffer);
}

const port = parentPort;
if (port) {
  let planKey = -1;
  let plan: ScenarioPlan | undefined;
  port.on("message", (job: ReplicationJob) => {
    try {
      if (job.spec) {
        plan = compileScenario(job.spec);
        planKey = job.planKey;
      }
      if (!plan || planKey !== job.planKey) throw new Error(`worker has no plan ${job.planKey}`);
      const rng = createRng(job.seed).fork(`replication-${job.replication}`);
      const output = runReplication(plan, rng, { recordCases: job.recordCases });
      port.postMessage({ output } satisfies ReplicationReply, outputBuffers(output));
    } catch (error) {
      port.postMessage({ error } satisfies ReplicationReply);
    }
  });
}
