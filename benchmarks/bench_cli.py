"""Warm command-line latency: import floor, ``import corridor``, a ground and an air route.

Each command runs as a fresh subprocess (what a user or a script pays), after one
priming run that fills the on-disk caches (zones, network, air graph). The import
floor is a bare ``import numpy, scipy.sparse.csgraph, shapely``: the libraries any
route needs. Medians of ``--repeat`` runs; the ratios come from the same run.

Targets (issue 13, goal 1): warm air route <= 1.5x warm ground route; warm ground
route <= 2x the import floor. Run on ``main`` to get the before-numbers.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

FLOOR = [sys.executable, "-c", "import numpy, scipy.sparse.csgraph, shapely"]
IMPORT = [sys.executable, "-c", "import corridor"]
GROUND = [sys.executable, "-m", "corridor", "route", "--from", "vladikavkaz", "--to", "yerevan",
          "--mode", "ground"]  # fmt: skip
AIR = [sys.executable, "-m", "corridor", "route", "--from", "UUMU", "--to", "UDYZ",
       "--close", "GEO,AZE,TUR", "--mode", "air"]  # fmt: skip


def _run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    secs = time.perf_counter() - t0
    if done.returncode != 0:
        msg = f"{' '.join(cmd[1:])} failed ({done.returncode}): {done.stderr.strip()[-300:]}"
        raise SystemExit(msg)
    return secs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument("--cache", help="cache folder (default: a fresh temporary folder)")
    args = parser.parse_args()
    env = dict(os.environ)
    cache = args.cache or tempfile.mkdtemp(prefix="corridor-bench-cli-")
    env["CORRIDOR_CACHE"] = cache
    cases = {"import floor": FLOOR, "import corridor": IMPORT, "ground route": GROUND,
             "air route": AIR}  # fmt: skip
    for cmd in (GROUND, AIR):  # priming: fill the on-disk caches
        _run(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # interleaved, so load changes hit every command alike
        for name, cmd in cases.items():
            times[name].append(_run(cmd, env))
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"cache folder: {cache}; {args.repeat} warm runs per command (medians)")
    for name, secs in med.items():
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        print(f"  {name:<16} {secs:6.3f} s   (range {spread} s)")
    air_ratio = med["air route"] / med["ground route"]
    ground_ratio = med["ground route"] / med["import floor"]
    print(f"air / ground:   {air_ratio:.2f}x (target <= 1.5x)")
    print(f"ground / floor: {ground_ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
