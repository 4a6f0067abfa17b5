"""Air routing: build, single-query time, length accuracy, and a 1,024-combination sweep.

Baselines measured in the same run:
* a visibility graph rebuilt for each query over only the closed states
  (the "lazy" approach), at the default tolerance and at a fine 0.5 km tolerance;
  the fine one is the "best found" reference for length error;
* a naive loop of 1,024 ``air_route`` calls against ``air_sweep``.

Targets: single route < 15 ms after the one-time build, within 0.5% of the best
found; 1,024 combinations of 10 states for one pair < 1.5 s after a build < 10 s.

Run: ``.venv/bin/python benchmarks/bench_air.py``
"""

from __future__ import annotations

import contextlib
import statistics
import time
from itertools import combinations

from corridor import airspace, borders, settings

ORIG, DEST = "UUMU", "UDYZ"  # Chkalovsky -> Zvartnots
CLOSED = ("GEO", "AZE", "TUR")
SWEEP_STATES = ("GEO", "AZE", "TUR", "IRN", "TKM", "KAZ", "UZB", "UKR", "BLR", "AFG")


def main() -> None:
    borders.load_airspace("open")  # geography is loaded before the clock starts
    # Time the graph builds themselves, not loads of the on-disk air-graph cache
    # (benchmarks/bench_cli.py measures the cached path).
    settings.use_cache = False
    t0 = time.perf_counter()
    graph = airspace.build_air_graph()
    build_s = time.perf_counter() - t0
    print(
        f"build: {build_s:.2f} s, {len(graph.xy)} vertices, {len(graph.edge_u)} edges "
        f"(target < 10 s)"
    )

    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        route = airspace.air_route(ORIG, DEST, closed=CLOSED)
        times.append(time.perf_counter() - t0)
    query_ms = statistics.median(times) * 1000
    print(
        f"query {ORIG}->{DEST} closed {','.join(CLOSED)}: {query_ms:.1f} ms median "
        f"(target < 15 ms), {route.km:.1f} km, +{route.detour_pct:.1f}% vs great circle"
    )

    # Baseline: rebuild a graph per query over the closed states only.
    rebuild = []
    for tol in (3.0, 0.5):
        airspace._build_cached.cache_clear()
        t0 = time.perf_counter()
        g = airspace.build_air_graph(states=CLOSED, tolerance_km=tol)
        o, d = airspace._resolve(ORIG), airspace._resolve(DEST)
        z_o = borders.airspace_at(o.lon, o.lat)
        z_d = borders.airspace_at(d.lon, d.lat)
        r = airspace._route_on(g, o, d, z_o, z_d, set(CLOSED))
        rebuild.append((tol, time.perf_counter() - t0, r.km))
    best_km = min(km for _, _, km in rebuild)
    for tol, secs, km in rebuild:
        print(
            f"baseline: graph rebuilt per query (tolerance {tol} km): {secs * 1000:.0f} ms, "
            f"{km:.1f} km"
        )
    err = 100 * (route.km - best_km) / best_km
    print(
        f"speed-up vs rebuild-per-query: {rebuild[0][1] * 1000 / query_ms:.0f}x; "
        f"length error vs best found: {err:+.3f}% (target within 0.5%)"
    )

    airspace._build_cached.cache_clear()
    graph = airspace.build_air_graph()
    t0 = time.perf_counter()
    swept = airspace.air_sweep(ORIG, DEST, SWEEP_STATES)
    sweep_s = time.perf_counter() - t0
    print(
        f"sweep of {len(swept)} combinations of {len(SWEEP_STATES)} states: {sweep_s:.3f} s "
        f"(target < 1.5 s), {sum(r is None for r in swept.values())} without a route"
    )
    t0 = time.perf_counter()
    n_naive = 0
    for k in range(len(SWEEP_STATES) + 1):
        for subset in combinations(SWEEP_STATES, k):
            with contextlib.suppress(airspace.NoRouteError):
                airspace.air_route(ORIG, DEST, closed=subset)
            n_naive += 1
    naive_s = time.perf_counter() - t0
    print(
        f"naive loop of {n_naive} air_route calls: {naive_s:.2f} s; "
        f"sweep speed-up {naive_s / sweep_s:.0f}x"
    )


if __name__ == "__main__":
    main()
