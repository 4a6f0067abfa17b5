"""OSM road-graph timings on a synthetic grid city of about 100,000 nodes.

Builds a 316 x 316 grid (0.2 km spacing, near Tbilisi) as an osmnx-style
MultiDiGraph with mixed highway classes, saves it as GraphML in a temporary
folder, then measures in the same run:

* load without the array cache (GraphML parse + preparation + array build) vs
  load with the array cache (target: cached reload under 1 s);
* one single-source Dijkstra on the arrays (``scipy.sparse.csgraph``) vs
  ``networkx.single_source_dijkstra_path_length`` on the networkx graph
  (target: at least 10x faster), and a corner-to-corner ``shortest_path`` vs
  ``osmnx.shortest_path`` / ``networkx.shortest_path`` (bidirectional Dijkstra);
* the same route with a closed node (a mask and a CSR rebuild per call).

Run: ``.venv/bin/python benchmarks/bench_osm.py`` (about a minute).
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import osmnx as ox
from scipy.sparse.csgraph import dijkstra

from corridor import osm

SIDE = 316
SPACING_KM = 0.2
LON0, LAT0 = 44.70, 41.60


def timed(label: str, fn: Callable[[], Any], *, repeat: int = 1) -> tuple[float, Any]:
    best = math.inf
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58} {best * 1000:10.1f} ms")
    return best, result


def grid_city() -> nx.MultiDiGraph:
    """A SIDE x SIDE grid: every 50th line trunk, every 10th primary, others residential."""
    dlat = SPACING_KM / 111.2
    dlon = SPACING_KM / (111.32 * math.cos(math.radians(LAT0)))
    G = nx.MultiDiGraph(crs="epsg:4326", created_with="corridor benchmarks/bench_osm.py")

    def nid(i: int, j: int) -> int:
        return 1_000_000 + i * SIDE + j

    for i in range(SIDE):
        for j in range(SIDE):
            G.add_node(nid(i, j), x=LON0 + j * dlon, y=LAT0 + i * dlat)

    def klass(line: int) -> str:
        return "trunk" if line % 50 == 0 else "primary" if line % 10 == 0 else "residential"

    way = 10_000_000
    for i in range(SIDE):  # east-west streets, one OSM way per row
        way += 1
        hw = klass(i)
        for j in range(SIDE - 1):
            for a, b, rev in ((nid(i, j), nid(i, j + 1), False), (nid(i, j + 1), nid(i, j), True)):
                G.add_edge(a, b, osmid=way, highway=hw, oneway=False, reversed=rev, length=200.0)
    for j in range(SIDE):  # north-south streets
        way += 1
        hw = klass(j)
        extra = {"maxspeed": "40"} if j % 7 == 3 else {}
        for i in range(SIDE - 1):
            for a, b, rev in ((nid(i, j), nid(i + 1, j), False), (nid(i + 1, j), nid(i, j), True)):
                G.add_edge(
                    a, b, osmid=way, highway=hw, oneway=False, reversed=rev, length=200.0, **extra
                )
    G.graph["simplified"] = True  # every grid point is a junction already
    return G


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="corridor-bench-osm-") as folder:
        run(Path(folder) / "grid.graphml")


def run(path: Path) -> None:
    t0 = time.perf_counter()
    G0 = grid_city()
    ox.save_graphml(G0, path)
    print(
        f"grid city: {G0.number_of_nodes():,} nodes, {G0.number_of_edges():,} edges, "
        f"GraphML {path.stat().st_size / 1e6:.0f} MB (built and written in "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    del G0

    t_cold, roads = timed("load_roads, no array cache (parse + arrays + write npz)",
                          lambda: osm.load_roads(path))  # fmt: skip
    assert not roads.from_cache
    t_warm, cached = timed("load_roads, with array cache", lambda: osm.load_roads(path), repeat=3)
    assert cached.from_cache and cached.n_edges == roads.n_edges
    print(f"{'  -> cached reload speed-up':<58} {t_cold / t_warm:10.0f} x  (target: < 1 s)")

    G = roads.G  # the graph parsed by the cold load (no second parse)
    orig_i = int(np.argmin(roads.lon + roads.lat))  # south-west corner
    dest_i = int(np.argmax(roads.lon + roads.lat))  # north-east corner
    orig, dest = int(roads.node_ids[orig_i]), int(roads.node_ids[dest_i])
    a = (float(roads.lon[orig_i]), float(roads.lat[orig_i]))
    b = (float(roads.lon[dest_i]), float(roads.lat[dest_i]))

    timed("build CSR travel-time matrix (first search only)", lambda: cached.time_csr)
    csr = cached.time_csr
    t_cs, dist = timed(
        "single-source dijkstra, scipy csgraph (arrays)",
        lambda: dijkstra(csr, directed=True, indices=orig_i, return_predecessors=True)[0],
        repeat=3,
    )
    t_nx, lengths = timed(
        "single-source dijkstra, networkx",
        lambda: nx.single_source_dijkstra_path_length(G, orig, weight="travel_time"),
    )
    assert math.isclose(dist[dest_i], lengths[dest], rel_tol=1e-9)
    print(f"{'  -> single-source speed-up (target >= 10x)':<58} {t_nx / t_cs:10.1f} x")

    t_sp, route = timed("corridor osm.shortest_path corner to corner (snap+search)",
                        lambda: osm.shortest_path(cached, a, b), repeat=3)  # fmt: skip
    t_ox, ox_path = timed(
        "osmnx.shortest_path corner to corner",
        lambda: ox.shortest_path(G, orig, dest, weight="travel_time"),
    )
    t_nxp, nx_path = timed(
        "networkx.shortest_path corner to corner (bidirectional)",
        lambda: nx.shortest_path(G, orig, dest, weight="travel_time"),
    )
    nx_time = nx.path_weight(nx.DiGraph(G.subgraph(nx_path)), nx_path, weight="travel_time")
    assert math.isclose(route.hours * 3600, nx_time, rel_tol=1e-9), (route.hours * 3600, nx_time)
    assert ox_path is not None
    print(f"{'  -> vs osmnx.shortest_path':<58} {t_ox / t_sp:10.1f} x")
    print(f"{'  -> vs networkx.shortest_path':<58} {t_nxp / t_sp:10.1f} x")

    middle = int(roads.node_ids[np.argmin(np.hypot(roads.lon - roads.lon.mean(),
                                                   roads.lat - roads.lat.mean()))])  # fmt: skip
    timed("shortest_path with one closed node (mask + CSR rebuild)",
          lambda: osm.shortest_path(cached, a, b, closed_nodes=[middle]), repeat=3)  # fmt: skip
    print(f"route: {route.length_km:.1f} km, {route.hours:.2f} h, {len(route.nodes)} nodes")


if __name__ == "__main__":
    main()
