"""The what-if explorer for 10 states on armenia-2020: page size, write time, load time.

Run: ``.venv/bin/python benchmarks/bench_explore.py``. Targets: <= 3 MB, written in
<= 10 s (after the network and air graph are loaded, as in a session), loaded in
Chromium in <= 2 s. Baselines measured in the same run: the sweep alone (what the page
adds on top of it) and the plain armenia-2020 map (write and load).
Loading uses headless Chromium through the DevTools client of the browser tests.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from corridor import airspace, analysis, maps, network, routing
from corridor.scenario import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from cdp_client import CHROMIUM, Browser

STATES = ("GEO", "AZE", "TUR", "IRN", "TKM", "KAZ", "UZB", "UKR", "BLR", "AFG")


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def main() -> None:
    net = network.load_network()
    airspace.build_air_graph()
    base = load_scenario("armenia-2020")
    routing.plan(base, network=net)  # warm
    folder = Path(tempfile.mkdtemp(prefix="bench-explore-"))
    page, plain = folder / "explore.html", folder / "armenia-2020.html"

    t_sweep = _timed(lambda: analysis.sweep(base, STATES, network=net))
    t_plain = _timed(lambda: maps.save(maps.render(routing.plan(base, network=net)), plain))
    t_write = _timed(lambda: maps.save(maps.explore(base, STATES, network=net), page))
    size = page.stat().st_size
    print(
        f"explorer, {len(STATES)} states ({1 << len(STATES)} combinations x 8 pairs): "
        f"{size / 1e6:.2f} MB (target <= 3 MB: {'OK' if size <= 3e6 else 'MISSED'}), "
        f"plain map {plain.stat().st_size / 1e6:.2f} MB"
    )
    print(
        f"write: {t_write:.2f} s (target <= 10 s: {'OK' if t_write <= 10 else 'MISSED'}); "
        f"sweep alone {t_sweep:.2f} s ({t_write / t_sweep:.1f}x), "
        f"plain map {t_plain:.2f} s ({t_write / t_plain:.1f}x)"
    )
    if CHROMIUM is None:
        print("load: skipped (no Chromium)")
        return
    with Browser() as browser:
        browser.viewport(1400, 1000)
        loads = {p: [browser.open(p.as_uri()) for _ in range(5)] for p in (page, plain)}
        assert browser.errors() == [], browser.errors()
        summary = browser.js("document.getElementById('summary').textContent")
    t_load, t_base = statistics.median(loads[page]), statistics.median(loads[plain])
    print(
        f"load in Chromium (median of 5, to the load event): {t_load:.2f} s "
        f"(target <= 2 s: {'OK' if t_load <= 2 else 'MISSED'}); plain map {t_base:.2f} s "
        f"({t_load / t_base:.1f}x); page says: {summary}"
    )


if __name__ == "__main__":
    main()
