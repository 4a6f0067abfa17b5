"""Sweep all 1,024 combinations of 10 states for armenia-2020, against a naive plan() loop.

Run: ``.venv/bin/python benchmarks/bench_sweep.py``. Target: < 5 s after the world is
loaded on a 2-core machine. The naive loop (one ``plan`` per combination) is timed on
a random sample of combinations and scaled, so the run stays short.
"""

from __future__ import annotations

import random
import time

from corridor import airspace, analysis, network, routing
from corridor.scenario import load_scenario

STATES = ("GEO", "AZE", "TUR", "IRN", "TKM", "KAZ", "UZB", "UKR", "BLR", "AFG")


def main() -> None:
    net = network.load_network()
    airspace.build_air_graph()
    base = load_scenario("armenia-2020")
    routing.plan(base, network=net)  # warm
    routing._cached_air.cache_clear()
    t0 = time.perf_counter()
    table = analysis.sweep(base, STATES, network=net)
    t_sweep = time.perf_counter() - t0
    pairs = len(base.origins) * len(base.destinations)
    print(
        f"sweep: {1 << len(STATES)} combinations x {pairs} pairs = {len(table)} answers "
        f"in {t_sweep:.2f} s (target < 5 s: {'OK' if t_sweep < 5 else 'MISSED'})"
    )

    rng = random.Random(7)
    sample = rng.sample(range(1 << len(STATES)), 16)
    routing._cached_air.cache_clear()
    t0 = time.perf_counter()
    for bits in sample:
        closed = [STATES[k] for k in range(len(STATES)) if bits >> k & 1]
        routing.plan(base.with_closures(close=closed), network=net, k=1, explain=False)
    t_naive = (time.perf_counter() - t0) / len(sample) * (1 << len(STATES))
    print(
        f"naive loop of plan() calls: {t_naive:.1f} s (scaled from {len(sample)} combinations)"
        f" -> sweep is {t_naive / t_sweep:.0f}x faster"
    )
    summary = analysis.sweep_summary(table)
    iran = summary[summary["closed"] == "IRN"].iloc[0]
    print(f"closing IRN on top of armenia-2020 cuts {iran['cut_off']} of {iran['pairs']} pairs")


if __name__ == "__main__":
    main()
