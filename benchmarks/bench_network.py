"""Transit network: cold load, cached load, and the array form against networkx conversion.

Run: ``.venv/bin/python benchmarks/bench_network.py``. Target: cached load < 0.3 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import networkx as nx

from corridor import borders, network, settings


def timed(label: str, fn: object) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()  # type: ignore[operator]
    dt = time.perf_counter() - t0
    print(f"{label:<58} {dt * 1000:9.1f} ms")
    return dt, out


def main() -> None:
    settings.cache_folder = Path(tempfile.mkdtemp(prefix="corridor-bench-"))
    borders.load_airspace("open")  # geography is not what we measure here
    network._load_cached.cache_clear()
    cold, net = timed("cold load (read, validate, annotate, write cache)", network.load_network)
    network._load_cached.cache_clear()
    disk, _ = timed("cached load from disk (a new process)", network.load_network)
    mem, _ = timed("cached load in memory (second call)", network.load_network)
    print(
        f"cold / disk-cached = {cold / disk:.0f}x; disk-cached < 0.3 s: "
        f"{'OK' if disk < 0.3 else 'MISSED'}"
    )
    assert isinstance(net, network.TransitNetwork)
    t_arr, _ = timed("array form: CSR adjacency from edge arrays", lambda: net.adjacency())
    t_nx, G = timed("networkx: to_networkx() MultiDiGraph", net.to_networkx)
    t_conv, _ = timed(
        "networkx -> scipy: nx.to_scipy_sparse_array(G)",
        lambda: nx.to_scipy_sparse_array(nx.DiGraph(G), weight="length"),
    )
    print(f"CSR from arrays vs via networkx: {(t_nx + t_conv) / t_arr:.0f}x faster")
    print(f"{len(net.nodes)} nodes, {len(net.edges)} edges; memory-cache hit {mem * 1e6:.0f} us")


if __name__ == "__main__":
    main()
