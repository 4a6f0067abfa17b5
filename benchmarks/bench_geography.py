"""Geography layer timings: border load, airspace build (cold, disk-cached, in memory), look-ups.

Prints figures and ratios against baselines measured in the same run:
* cold build vs cached load (targets: cached load < 0.5 s);
* 10,000 ``locate_airspace`` look-ups (STRtree, prepared) vs a naive loop testing every
  zone polygon for every point (target: at least 20x faster).

Run: ``.venv/bin/python benchmarks/bench_geography.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from corridor import borders, settings


def _clear_memory_caches() -> None:
    for fn in (
        borders._load_borders_cached,
        borders._zones_cached,
        borders._airspace,
        borders._airspace_tree,
        borders._country_tree,
        borders._neighbour_table,
    ):
        fn.cache_clear()


def timed(label: str, fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    dt = time.perf_counter() - t0
    print(f"{label:<52} {dt * 1000:9.1f} ms")
    return dt


def main() -> None:
    settings.cache_folder = Path(tempfile.mkdtemp(prefix="corridor-bench-"))

    def both() -> None:
        borders.load_borders()
        borders.load_airspace("open")
        borders.load_airspace("partitioned")

    _clear_memory_caches()
    cold = timed("cold: load borders + build both airspace variants", both)
    _clear_memory_caches()
    disk = timed("cached on disk (new process equivalent)", both)
    mem = timed("cached in memory (second call)", both)
    print(
        f"cold / disk-cached = {cold / disk:.1f}x   target disk-cached < 0.5 s: "
        f"{'OK' if disk < 0.5 else 'MISSED'}"
    )

    rng = np.random.default_rng(42)
    n = 10_000
    lons = rng.uniform(25.0, 85.0, n)
    lats = rng.uniform(32.0, 60.0, n)
    borders.locate_airspace(lons[:10], lats[:10])  # build the tree outside the timing
    t0 = time.perf_counter()
    fast = borders.locate_airspace(lons, lats)
    t_fast = time.perf_counter() - t0

    airspace = borders.load_airspace("open")
    zones = list(zip(airspace.index, airspace.geometry.values, strict=True))
    m = 1_000  # the naive loop is slow: time 1,000 points and scale
    t0 = time.perf_counter()
    naive = []
    for x, y in zip(lons[:m], lats[:m], strict=True):
        p = shapely.Point(x, y)
        naive.append(next((z for z, g in zones if g.intersects(p)), None))
    t_naive = (time.perf_counter() - t0) * n / m
    agree = float(np.mean(np.asarray(naive, dtype=object) == fast[:m]))
    print(f"{n} look-ups, STRtree (locate_airspace)               {t_fast * 1000:9.1f} ms")
    print(f"{n} look-ups, naive loop over zones (from {m})        {t_naive * 1000:9.1f} ms")
    print(f"speed-up = {t_naive / t_fast:.0f}x (target >= 20x); answers agree on {agree:.1%}")
    single = timed("one airspace_at call", lambda: borders.airspace_at(44.5, 40.2))
    del mem, single


if __name__ == "__main__":
    main()
