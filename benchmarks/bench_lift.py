"""Reinforcement capacity: airlift answer and deploy plan times after the air graph is loaded.

Baseline measured in the same run: the one-time air-graph build (``build_air_graph``)
that every air answer depends on; the ratios say how small an answer is against it.

Targets: an airlift answer < 50 ms after the air graph is loaded (routes not memoised:
the route memo is cleared before each timed call); a deploy plan < 0.5 s (warm: network,
graph and routes loaded once, as in a notebook or a server).

Run: ``.venv/bin/python benchmarks/bench_lift.py``
"""

from __future__ import annotations

import statistics
import time

from corridor import airspace, borders, lift, load_scenario, make_scenario
from corridor.lift import _airlift
from corridor.network import load_network

FLEET = "Il-76MD=70,An-124-100=5"


def main() -> None:
    borders.load_airspace("open")
    load_network()
    lift.aircraft_catalogue()
    t0 = time.perf_counter()
    airspace.build_air_graph()
    graph_s = time.perf_counter() - t0
    print(f"air graph load (baseline; from the disk cache when present): {graph_s:.2f} s")

    closed = make_scenario(stances={"GEO": "hostile", "AZE": "hostile", "TUR": "hostile"})
    lift.airlift("UUMU", "UDYZ", FLEET, troops=2000, scenario=closed)  # warm imports
    cases = [
        ("UUMU -> UAAA, nothing closed", "UUMU", "UAAA", None),
        ("UUMU -> UDYZ, GEO/AZE/TUR closed", "UUMU", "UDYZ", closed),
    ]
    for label, o, d, scen in cases:
        times = []
        for _ in range(15):
            _airlift._air.cache_clear()
            t0 = time.perf_counter()
            a = lift.airlift(o, d, FLEET, troops=2000, scenario=scen)
            times.append(time.perf_counter() - t0)
        ms = statistics.median(times) * 1000
        print(
            f"airlift {label}: {ms:.1f} ms median (target < 50 ms; "
            f"{ms / 1000 / graph_s:.4f} x graph load): {a.sorties} sorties, "
            f"{a.closure_days:.2f} days"
        )

    scen = load_scenario("armenia-reinforcement")
    t0 = time.perf_counter()
    lift.deploy(scen)
    cold = time.perf_counter() - t0
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        d = lift.deploy(scen)
        times.append(time.perf_counter() - t0)
    warm = statistics.median(times)
    print(
        f"deploy armenia-reinforcement: first {cold:.2f} s (routes, stops and throughput "
        f"computed), then {warm:.3f} s median (target < 0.5 s; {warm / graph_s:.3f} x graph "
        f"load): closure {d.closure_days:.2f} days over {len(d.corridors)} corridors"
    )


if __name__ == "__main__":
    main()
