"""Sweep speed and memory: the armenia-2020 2^14 sweep, before and after, CLI, Dask, RSS.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--quick] [--no-dask] [--no-rss]``.

Printed, all measured in this run:

* per-combination cost of the 2^14 sweep (16,384 what-ifs x 8 pairs) with the
  previous algorithm (kept below as ``old_sweep``: one context and a pyproj transform
  per combination and pair) and with :func:`corridor.analysis.sweep`; both tables
  must be identical (goal: <= 50 us per combination, >= 10x);
* ``corridor sweep`` for 2^14 against three ``corridor route`` calls, as warm
  subprocesses (goal: the sweep costs less than the three routes);
* the same sweep on a 2-worker ``dask.distributed`` LocalCluster (processes), the
  cluster started before the clock runs, and its start-up separately;
* peak RSS of a fresh process running the 2^14 sweep in memory and the 2^20 sweep
  streamed to Parquet (goal: <= 1 GB for 2^20).

``--quick`` uses 2^12 for the old algorithm (scaled per combination).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from corridor import airspace, analysis, geo, network, routing
from corridor.routing import Route, _context
from corridor.routing._search import _best_route
from corridor.scenario import load_scenario

#: The 14 closable states of the default air graph other than the pairs' own (RUS, ARM).
STATES = (
    "AFG", "AZE", "BLR", "CHN", "GEO", "IRN", "KAZ",
    "KGZ", "MNG", "TJK", "TKM", "TUR", "UKR", "UZB",
)  # fmt: skip
#: Six more for the 2^20 sweep.
MORE = ("IRQ", "SYR", "PAK", "IND", "SAU", "ROU")
PYTHON = sys.executable


# --------------------------------------------------------------------------- the old algorithm


def _old_touches(ctx: Any, route: Route, state: str) -> bool:
    net = ctx.net
    bit = net.country_mask(frozenset({state}))
    positions = net.derived(
        "edge_positions", lambda n: {str(e): i for i, e in enumerate(n.edges.index)}
    )
    for leg in route.legs:
        if leg.mode == "air":
            if state in leg.countries:
                return True
            graph = airspace.build_air_graph(
                caspian=ctx.scenario.caspian,
                states=tuple(sorted(set(airspace.DEFAULT_CANDIDATES) | {state})),
            )
            if state in graph.states:
                line = geo.to_crs(leg.geometry, "EPSG:4326", graph.crs)
                if graph.obstacles[graph.states.index(state)].intersects(line):
                    return True
            continue
        for eid in leg.edges:
            if net.edge_mask[positions[eid]] & bit:
                return True
        if state in leg.countries:
            return True
    return False


def old_sweep(base: Any, countries: Any, net: Any) -> pd.DataFrame:
    """The sweep as it was before issue 13 (row by row, a context per combination)."""
    from corridor import borders
    from corridor.network import find_place

    states = sorted({borders.validate_iso3(c) for c in countries})
    pairs = [
        (find_place(o, net), find_place(d, net))
        for o, d in itertools.product(base.origins, base.destinations)
    ]
    n = len(states)
    rows: list[dict[str, Any]] = []
    best: dict[tuple[int, int], Route | None] = {}
    for bits in sorted(range(1 << n), key=int.bit_count):
        closed = [states[k] for k in range(n) if bits >> k & 1]
        for p_idx, (o, d) in enumerate(pairs):
            ctx = _context(net, base, o, d, extra_hostile=frozenset(closed))
            route: Route | bool | None = False
            for k in range(n):
                if not bits >> k & 1:
                    continue
                parent = best[(bits & ~(1 << k), p_idx)]
                if parent is None:
                    route = None
                    break
                if states[k] in ctx.own or not _old_touches(ctx, parent, states[k]):
                    route = parent
                    break
            if route is False:
                route = _best_route(ctx)
            found = route if isinstance(route, Route) else None
            best[(bits, p_idx)] = found
            rows.append(
                {
                    "closed": "+".join(closed),
                    "n_closed": len(closed),
                    "origin": o.label,
                    "destination": d.label,
                    "feasible": found is not None,
                    "km": found.km if found else math.nan,
                    "hours": found.hours if found else math.nan,
                    "corridor": " > ".join(found.countries) if found else "",
                    "modes": "+".join(found.modes) if found else "",
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- helpers


def _cli(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([PYTHON, "-m", "corridor", *args], check=True, capture_output=True)
    return time.perf_counter() - t0


_RSS = """
import sys, time
from corridor import analysis, routing
from corridor.scenario import load_scenario
states, out = [s for s in sys.argv[1].split(",") if s], sys.argv[2]
base = load_scenario("armenia-2020")
routing.plan(base, k=1, explain=False)  # load the network and the air graph first
t0 = time.perf_counter()
if not states:
    rows = 0
elif out == "-":
    table = analysis.sweep(base, states)
    rows = len(table)
else:
    import pyarrow.parquet as pq
    analysis.sweep_to_parquet(base, states, out)
    rows = pq.ParquetFile(out).metadata.num_rows
secs = time.perf_counter() - t0
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
print(rows, hwm, secs)
"""


def _peak_rss(states: tuple[str, ...], out: str) -> tuple[int, float, float]:
    """Rows, peak resident MB of a fresh process, and seconds its sweep took."""
    done = subprocess.run(
        [PYTHON, "-c", _RSS, ",".join(states), out], check=True, capture_output=True, text=True
    )
    rows, kb, secs = done.stdout.split()
    return int(rows), int(kb) / 1024.0, float(secs)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="old algorithm on 2^12 only")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--no-rss", action="store_true")
    args = parser.parse_args()

    net = network.load_network()
    airspace.build_air_graph()
    base = load_scenario("armenia-2020")
    routing.plan(base, network=net)  # warm the loaders
    n_pairs = len(base.origins) * len(base.destinations)
    total = 1 << len(STATES)

    old_states = STATES[:12] if args.quick else STATES
    routing._air._cached_air.cache_clear()
    t0 = time.perf_counter()
    old = old_sweep(base, old_states, net)
    t_old = time.perf_counter() - t0
    us_old = t_old / (1 << len(old_states)) * 1e6

    routing._air._cached_air.cache_clear()
    t0 = time.perf_counter()
    table = analysis.sweep(base, STATES, network=net)
    t_new = time.perf_counter() - t0
    us_new = t_new / total * 1e6
    if not args.quick:
        pd.testing.assert_frame_equal(table, old)
    same = "identical tables" if not args.quick else "tables not compared (--quick)"
    print(f"sweep 2^{len(STATES)} = {total:,} combinations x {n_pairs} pairs = {len(table):,} rows")
    print(
        f"  before: {us_old:,.0f} us/combination (2^{len(old_states)} in {t_old:.2f} s)\n"
        f"  after:  {us_new:,.1f} us/combination ({t_new:.2f} s): {us_old / us_new:.1f}x faster, "
        f"{same}; goal <= 50 us: {'OK' if us_new <= 50 else 'MISSED'}"
    )

    # CLI: one 2^14 sweep against three single routes, warm (after a priming run each)
    countries = ",".join(STATES)
    sweep_args = ("sweep", "-s", "armenia-2020", "--countries", countries)
    route_args = ("route", "-s", "armenia-2020")
    _cli(*sweep_args)
    _cli(*route_args)
    t_cli_sweep = statistics.median(_cli(*sweep_args) for _ in range(3))
    t_cli_route = statistics.median(_cli(*route_args) for _ in range(3))
    print(
        f"CLI (warm, median of 3): corridor sweep 2^14 {t_cli_sweep:.2f} s; corridor route "
        f"{t_cli_route:.2f} s, three routes {3 * t_cli_route:.2f} s -> sweep/3 routes = "
        f"{t_cli_sweep / (3 * t_cli_route):.2f} (goal < 1: "
        f"{'OK' if t_cli_sweep < 3 * t_cli_route else 'MISSED'})"
    )

    if not args.no_dask:
        _bench_dask(base, net, table)

    if not args.no_rss:
        _, floor, _ = _peak_rss((), "-")
        print(f"peak RSS of a process that plans armenia-2020 once, no sweep: {floor:,.0f} MB")
        rows, mb, secs = _peak_rss(STATES, "-")
        print(f"peak RSS 2^14 in memory: {mb:,.0f} MB ({rows:,} rows, sweep {secs:.2f} s)")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "sweep20.parquet")
            rows, mb, secs = _peak_rss(STATES + MORE, out)
            size = Path(out).stat().st_size / 1e6
        print(
            f"peak RSS 2^20 streamed to Parquet: {mb:,.0f} MB ({rows:,} rows, {size:.0f} MB file, "
            f"sweep {secs:.1f} s = {secs / (1 << 20) * 1e6:.1f} us/combination; "
            f"goal <= 1024 MB: {'OK' if mb <= 1024 else 'MISSED'})"
        )
        rows, mb, secs = _peak_rss(STATES + MORE, "-")
        print(f"peak RSS 2^20 as one DataFrame: {mb:,.0f} MB ({rows:,} rows, sweep {secs:.1f} s)")


def _warm_worker() -> None:
    network.load_network()
    airspace.build_air_graph()


def _bench_dask(base: Any, net: Any, table: pd.DataFrame) -> None:
    try:
        import distributed
    except ImportError:
        print("dask: distributed not installed, skipped")
        return
    big = STATES + MORE[:4]  # 2^18
    routing._air._cached_air.cache_clear()
    t0 = time.perf_counter()
    local = analysis.sweep(base, big, network=net)
    t_local = time.perf_counter() - t0
    t0 = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(_warm_worker)
        t_start = time.perf_counter() - t0
        address = cluster.scheduler_address
        t0 = time.perf_counter()
        small = analysis.sweep(base, STATES, network=net, dask=address)
        t_small = time.perf_counter() - t0
        t0 = time.perf_counter()
        remote = analysis.sweep(base, big, network=net, dask=address)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()  # again, with the workers' route caches warm like ours
        remote = analysis.sweep(base, big, network=net, dask=address)
        t_big = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            analysis.sweep_to_parquet(base, STATES + MORE, Path(tmp) / "one.parquet", network=net)
            t_pq_local = time.perf_counter() - t0
            t0 = time.perf_counter()
            parts = analysis.sweep_to_parquet(
                base, STATES + MORE, Path(tmp) / "parts", network=net, dask=address
            )
            t_pq_dask = time.perf_counter() - t0
            n_parts = len(list(parts.glob("part-*.parquet")))
            rows = sum(len(pd.read_parquet(p)) for p in parts.glob("part-*.parquet"))
    pd.testing.assert_frame_equal(small, table)
    pd.testing.assert_frame_equal(remote, local)
    print(
        f"dask, 2 local worker processes (start-up and warm-up {t_start:.1f} s, not counted):\n"
        f"  2^14: {t_small:.2f} s, identical to in-process\n"
        f"  2^{len(big)}: in-process {t_local:.2f} s; dask first run {t_first:.2f} s, second "
        f"{t_big:.2f} s -> speed-up {t_local / t_big:.2f}x, identical\n"
        f"  2^20 to Parquet: in-process one file {t_pq_local:.2f} s; dask {n_parts} partitions "
        f"({rows:,} rows) {t_pq_dask:.2f} s -> speed-up {t_pq_local / t_pq_dask:.2f}x"
    )


if __name__ == "__main__":
    main()
