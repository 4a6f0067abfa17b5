"""Full plans of the reference scenarios on arrays, against a networkx subgraph-copy baseline.

The baseline does what a straightforward implementation would: for each
origin-destination pair, copy the networkx graph without the edges the scenario
forbids (``G.edge_subgraph``) and run ``nx.shortest_path`` on it. Both are timed
in the same run on the same ground question.

Run: ``.venv/bin/python benchmarks/bench_plan.py``. Target: each full plan < 0.5 s
after the world (borders, network, air graph) is loaded.
"""

from __future__ import annotations

import itertools
import statistics
import time

import networkx as nx
import numpy as np

from corridor import airspace, network, routing
from corridor.scenario import list_scenarios, load_scenario, make_scenario


def main() -> None:
    net = network.load_network()
    airspace.build_air_graph()
    airspace.build_air_graph(caspian="partitioned")
    for name in list_scenarios():  # warm every lazily built piece once
        routing.plan(load_scenario(name), network=net)
    print("full plan per reference scenario (air memo cleared before each run):")
    for name in list_scenarios():
        scen = load_scenario(name)
        times = []
        for _ in range(3):
            routing._air._cached_air.cache_clear()
            t0 = time.perf_counter()
            result = routing.plan(scen, network=net)
            times.append(time.perf_counter() - t0)
        t = statistics.median(times)
        n_routes = len(result.routes)
        print(
            f"  {name:<20} {t * 1000:7.0f} ms  {len(result.pairs)} pairs, {n_routes} routes "
            f"(target < 500 ms: {'OK' if t < 0.5 else 'MISSED'})"
        )

    # Ground search on arrays vs networkx subgraph copies, same question.
    scen = make_scenario(
        origins=["vladikavkaz", "moscow", "minsk", "tbilisi"],
        destinations=["yerevan", "almaty", "baku"],
        modes=["road", "rail"],
        stances={"GEO": "hostile"},
        k=1,
    )
    pairs = list(itertools.product(scen.origins, scen.destinations))
    G = net.to_networkx()
    t0 = time.perf_counter()
    arr_km = []
    for o, d in pairs:
        ctx = routing._context(net, scen, network.find_place(o, net), network.find_place(d, net))
        route = routing._ground_search._ground_route(ctx)
        arr_km.append(route.km if route else np.nan)
    t_arr = time.perf_counter() - t0
    t0 = time.perf_counter()
    nx_km = []
    for o, d in pairs:
        ctx = routing._context(net, scen, network.find_place(o, net), network.find_place(d, net))
        usable, _, _ = routing._state._ground_masks(ctx)
        keep = set(net.edges.index[usable])
        sub = G.edge_subgraph(
            [(u, v, k) for u, v, k, i in G.edges(keys=True, data="id") if i in keep]
        )
        sub = nx.MultiDiGraph(sub)  # the copy a naive implementation makes
        try:
            nx_km.append(nx.shortest_path_length(sub, o, d, weight="length") / 1000.0)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            nx_km.append(np.nan)
    t_nx = time.perf_counter() - t0
    print(
        f"{len(pairs)} ground searches: arrays {t_arr * 1000:.0f} ms, networkx subgraph copies "
        f"{t_nx * 1000:.0f} ms -> {t_nx / t_arr:.1f}x"
    )
    print(
        "  (arrays search a layered road/rail/water graph with costed mode changes, so their "
        "km can exceed networkx's free-switching km)"
    )
    for (o, d), a, b in zip(pairs, arr_km, nx_km, strict=True):
        print(f"  {o:>11} -> {d:<8} arrays {a:8.0f} km   networkx {b:8.0f} km")


if __name__ == "__main__":
    main()
