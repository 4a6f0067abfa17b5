"""Warm command-line latency: import floor, ``import corridor``, a ground and an air route.

Each command runs as a fresh subprocess (what a user or a script pays), after one
priming run that fills the on-disk caches (zones, network, air graph). The import
floor is a bare ``import numpy, scipy.sparse.csgraph, shapely``: the libraries any
route needs. Medians of ``--repeat`` runs; the ratios come from the same run.

Both wall-clock and CPU time (user + system, from ``getrusage``) are reported;
on a shared machine the CPU ratios are the stable ones.

Targets (issue 13, goal 1): warm air route <= 1.5x warm ground route; warm ground
route <= 2x the import floor. Run on ``main`` to get the before-numbers.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one subprocess."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    secs, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if done.returncode != 0:
        msg = f"{' '.join(cmd[1:])} failed ({done.returncode}): {done.stderr.strip()[-300:]}"
        raise SystemExit(msg)
    return secs, cpu


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
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # interleaved, so load changes hit every command alike
        for name, cmd in cases.items():
            w, c = _run(cmd, env)
            wall[name].append(w)
            cpu[name].append(c)
    print(f"cache folder: {cache}; {args.repeat} warm runs per command (medians)")
    print(f"  {'command':<16} {'wall s':>7} {'cpu s':>7}   wall range")
    for name in cases:
        spread = f"{min(wall[name]):.3f}-{max(wall[name]):.3f}"
        print(
            f"  {name:<16} {statistics.median(wall[name]):7.3f} "
            f"{statistics.median(cpu[name]):7.3f}   {spread}"
        )
    for label, table in (("wall", wall), ("cpu", cpu)):
        med = {name: statistics.median(t) for name, t in table.items()}
        print(
            f"{label:>4}: air / ground {med['air route'] / med['ground route']:.2f}x "
            f"(target <= 1.5x); ground / floor {med['ground route'] / med['import floor']:.2f}x "
            f"(target <= 2x)"
        )
    print("cpu = user + system time of the process: stable when other jobs share the cores")


if __name__ == "__main__":
    main()
