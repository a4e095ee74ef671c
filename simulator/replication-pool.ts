/**
 * Replications in parallel on worker threads (node:worker_threads), with outputs handed on in
 * replication order.
 *
 * Replications are independent by construction (replication r has its own random stream, and its own
 * copy of every calendar), so running them on other threads changes nothing in what they compute: the
 * results are those of the sequential run, byte for byte, and they are merged in the same order. The
 * pool stays alive between runs (the staffing search runs hundreds of scenarios) and holds the process
 * open only while it has work.
 *
 * The workers load TypeScript the way the command does: each registers tsx before importing its
 * entry (replication-worker.ts), which works whether the parent runs under bin/orderops.js,
 * bin/run-ts.js or vitest (whose transforms do not reach worker threads).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ReplicationOutput } from "./engine.ts";
import type { ReplicationJob, ReplicationReply } from "./replication-worker.ts";
import type { ScenarioPlan } from "./scenario-plan.ts";

/**
 * The default number of workers: one (replications one after another in this process). On the
 * shared 2-core machine measured so far, two threads took longer than one (docs/benchmarks.md), so
 * threads are opt-in with --workers until they are shown to pay; `availableCores()` says how many.
 */
export function defaultWorkers(): number {
  return 1;
}

/** The cores this process may use, for choosing --workers. */
export function availableCores(): number {
  return availableParallelism();
}

// Runs as a CommonJS script in the new thread: register tsx, then load the TypeScript entry.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx)
  .then((tsx) => {
    tsx.register();
    return import(workerData.entry);
  })
  .catch((error) => {
    process.nextTick(() => {
      throw error;
    });
  });
`;

/**
 * The URL of tsx's ESM API (`register`), from the package's own exports map. Its CommonJS build
 * cannot register from a worker, and neither a worker's eval'd script nor vitest resolves a bare
 * "import" specifier from here.
 */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports["./esm/api"]?.import.default;
  if (!entry) throw new Error(`${manifestPath} exports no "./esm/api"`);
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}

class PoolWorker {
  private readonly worker: Worker;
  /** The plan this worker has compiled. */
  planKey = -1;
  busy = false;
  dead = false;
  private pending:
    | { resolve: (output: ReplicationOutput) => void; reject: (error: unknown) => void }
    | undefined;

  constructor(onDeath: (worker: PoolWorker) => void) {
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: {
        tsx: tsxApiUrl(),
        entry: new URL("./replication-worker.ts", import.meta.url).href,
      },
    });
    this.worker.unref();
    this.worker.on("message", (reply: ReplicationReply) => this.settle(reply));
    const die = (error: unknown) => {
      if (this.dead) return;
      this.dead = true;
      onDeath(this);
      this.settle({ error });
    };
    this.worker.on("error", die);
    this.worker.on("exit", (code) => die(new Error(`replication worker exited with code ${code}`)));
  }

  run(job: ReplicationJob): Promise<ReplicationOutput> {
    this.busy = true;
    this.worker.ref(); // a run in flight keeps the process alive
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(job);
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }

  private settle(reply: ReplicationReply): void {
    const pending = this.pending;
    this.pending = undefined;
    this.busy = false;
    if (!this.dead) this.worker.unref();
    if (!pending) return;
    if ("output" in reply) pending.resolve(reply.output);
    else pending.reject(reply.error);
  }
}

const pool: PoolWorker[] = [];

function workersFor(count: number): PoolWorker[] {
  while (pool.length < count) {
    pool.push(
      new PoolWorker((dead) => {
        const i = pool.indexOf(dead);
        if (i >= 0) pool.splice(i, 1);
      }),
    );
  }
  return pool.slice(0, count);
}

/**
 * Starts `count` workers now, so that they load while this thread still reads and compiles the
 * scenario (a worker takes a second or so to start).
 */
export function startReplicationPool(count: number): void {
  if (count > 1) workersFor(count);
}

/** Stops the pool's workers (they are started again when needed). */
export async function closeReplicationPool(): Promise<void> {
  await Promise.all(pool.splice(0).map((worker) => worker.terminate()));
}

const planKeys = new WeakMap<ScenarioPlan, number>();
let nextPlanKey = 0;

export interface ParallelRun {
  plan: ScenarioPlan;
  seed: number;
  replications: number;
  recordCases: (replication: number) => boolean;
  workers: number;
  /** Receives each output in replication order, one at a time. */
  consume: (replication: number, output: ReplicationOutput) => Promise<void>;
}

/**
 * Runs the replications on `workers` threads. At most twice as many outputs as workers wait to be
 * consumed, so a slow consumer (the warehouse writer) holds a bounded number in memory.
 */
export function runReplicationsInWorkers(run: ParallelRun): Promise<void> {
  const { plan, seed, replications } = run;
  let planKey = planKeys.get(plan);
  if (planKey === undefined) {
    planKey = nextPlanKey++;
    planKeys.set(plan, planKey);
  }
  const key = planKey;
  const workers = workersFor(Math.min(run.workers, replications));
  const ahead = 2 * workers.length;
  const outputs = new Map<number, ReplicationOutput>();
  let started = 0;
  let consumed = 0;
  let consuming = false;
  let failed = false;
  return new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const dispatch = () => {
      for (const worker of workers) {
        if (failed || started >= replications || started >= consumed + ahead) return;
        if (worker.busy || worker.dead) continue;
        const replication = started++;
        const job: ReplicationJob = {
          planKey: key,
          seed,
          replication,
          recordCases: run.recordCases(replication),
        };
        if (worker.planKey !== key) {
          job.spec = plan.spec;
          worker.planKey = key;
        }
        worker.run(job).then((output) => {
          outputs.set(replication, output);
          drain();
          dispatch();
        }, fail);
      }
      if (!failed && started < replications && workers.every((worker) => worker.dead)) {
        fail(new Error("every replication worker has stopped"));
      }
    };
    const drain = () => {
      if (consuming || failed) return;
      const output = outputs.get(consumed);
      if (!output) return;
      outputs.delete(consumed);
      consuming = true;
      run.consume(consumed, output).then(() => {
        consuming = false;
        consumed++;
        if (consumed === replications) resolve();
        else {
          dispatch();
          drain();
        }
      }, fail);
    };
    dispatch();
  });
}
