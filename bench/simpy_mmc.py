"""The M/M/c model of bench/simulator.ts in SimPy 3, for the events-per-second comparison.

Usage: python3 bench/simpy_mmc.py ARRIVALS_PER_HOUR AHT_S AGENTS HORIZON_S SEED
Prints one JSON line: arrivals, departures, model_events (arrivals + departures, the count our
engines report for the same model), simpy_events (every event SimPy itself scheduled), wall_s, and
cpu_s (the process's CPU time over the run, which a busy machine stretches less than the wall clock).
"""

import json
import random
import sys
import time

import simpy


def main() -> None:
    arrivals_per_hour, aht_s, agents, horizon_s, seed = (
        float(sys.argv[1]),
        float(sys.argv[2]),
        int(sys.argv[3]),
        float(sys.argv[4]),
        int(sys.argv[5]),
    )
    rng = random.Random(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=agents)
    counts = {"arrivals": 0, "departures": 0}
    arrival_rate = arrivals_per_hour / 3600.0
    service_rate = 1.0 / aht_s

    def case(env):
        with staff.request() as request:
            yield request
            yield env.timeout(rng.expovariate(service_rate))
        counts["departures"] += 1

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(arrival_rate))
            counts["arrivals"] += 1
            env.process(case(env))

    env.process(source(env))
    # SimPy numbers every event it schedules from one counter (Environment._eid); reading the next
    # number after the run counts them without slowing the run down.
    first_id = next(env._eid)
    started = time.perf_counter()
    cpu_started = time.process_time()
    env.run(until=horizon_s)
    cpu_s = time.process_time() - cpu_started
    wall_s = time.perf_counter() - started
    scheduled = next(env._eid) - first_id - 1
    print(
        json.dumps(
            {
                "simpy_version": simpy.__version__,
                "arrivals": counts["arrivals"],
                "departures": counts["departures"],
                "model_events": counts["arrivals"] + counts["departures"],
                "simpy_events": scheduled,
                "wall_s": wall_s,
                "cpu_s": cpu_s,
            }
        )
    )


if __name__ == "__main__":
    main()
