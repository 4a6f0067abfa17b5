"""Sweeps and Monte Carlo odds on Dask give exactly the in-process answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from corridor import analysis, odds
from corridor.cli import main
from corridor.scenario import load_scenario, make_scenario

distributed = pytest.importorskip("distributed")

GROUND = make_scenario(
    origins=["vladikavkaz", "moscow"], destinations=["yerevan"], modes=["ground"]
)
STATES = ["GEO", "IRN", "TKM", "AZE"]


@pytest.fixture(scope="module")
def threads() -> Iterator[str]:
    """A 2-worker in-process cluster (threads), shared by the fast tests."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",
    ) as cluster:
        yield cluster.scheduler_address


def test_sweep_on_two_workers_equals_in_process(threads: str) -> None:
    base = load_scenario("armenia-2020")
    here = analysis.sweep(base, STATES)  # first: warms the loaders the worker threads share
    pd.testing.assert_frame_equal(analysis.sweep(base, STATES, dask=threads), here)


def test_sweep_splits_into_combination_ranges(
    threads: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from corridor import _dask

    monkeypatch.setattr(_dask, "RANGE", 3)  # 16 combinations -> 6 ranges, 6 partitions
    seen: list[tuple[int, int]] = []
    table = analysis.sweep(GROUND, STATES, dask=threads, progress=lambda d, t: seen.append((d, t)))
    pd.testing.assert_frame_equal(table, analysis.sweep(GROUND, STATES))
    assert seen[-1] == (16, 16) and len(seen) == 6
    out = analysis.sweep_to_parquet(GROUND, STATES, tmp_path / "parts", dask=threads)
    parts = sorted(out.glob("part-*.parquet"))
    assert len(parts) == 6
    pd.testing.assert_frame_equal(
        pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True), table
    )


def test_monte_carlo_odds_on_dask_equal_in_process(threads: str) -> None:
    scen = GROUND.replace(
        stances={"AZE": "hostile", "TUR": "hostile"}, probabilities={"GEO": 0.6, "IRN": 0.5}
    )
    here = odds.odds(scen, method="monte-carlo", draws=120_000, seed=5)
    there = odds.odds(scen, method="monte-carlo", draws=120_000, seed=5, dask=threads)
    assert there.to_dict() == here.to_dict()
    assert here.combinations == 120_000  # three chunks of draws


def test_exact_odds_on_dask_equal_in_process(threads: str) -> None:
    scen = GROUND.replace(
        stances={"AZE": "hostile", "TUR": "hostile"}, probabilities={"GEO": 0.6, "IRN": 0.5}
    )
    there = odds.odds(scen, dask=threads)
    assert there.method == "exact"
    assert there.to_dict() == odds.odds(scen).to_dict()


def test_multiprocess_local_cluster_equals_in_process() -> None:
    here = analysis.sweep(GROUND, ["GEO", "IRN"])
    pd.testing.assert_frame_equal(
        analysis.sweep(GROUND, ["GEO", "IRN"], dask="local", workers=2), here
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sweep_on_a_scheduler_and_worker_started_from_the_command_line() -> None:
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    procs = [
        subprocess.Popen(
            [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            **quiet,  # type: ignore[call-overload]
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [
                    str(dask),
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                ],
                **quiet,  # type: ignore[call-overload]
            )
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                with distributed.Client(address, timeout="5s") as client:
                    client.wait_for_workers(1, timeout=60)
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        table = analysis.sweep(GROUND, ["GEO", "IRN"], dask=address)
        pd.testing.assert_frame_equal(table, analysis.sweep(GROUND, ["GEO", "IRN"]))
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=20)


def _code(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0), capsys.readouterr().err


def test_cli_dask_errors_are_bad_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["sweep", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "road"]
    code, err = _code([*args, "--countries", "GEO", "--dask", "nowhere"], capsys)
    assert code == 2 and "tcp://HOST:PORT" in err
    code, err = _code(
        [*args, "--countries", "GEO", "--dask", "tcp://x:1", "--workers", "2"], capsys
    )
    assert code == 2 and "--workers applies to --dask local" in err
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, err = _code([*args, "--countries", "GEO", "--dask", "local"], capsys)
    assert code == 2 and "corridor[dask]" in err


def test_cli_out_dir_writes_partitions_equal_to_the_in_process_table(
    threads: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from corridor import _dask

    monkeypatch.setattr(_dask, "RANGE", 3)  # 16 combinations -> 6 partitions
    args = ["sweep", "--from", "vladikavkaz", "--from", "moscow", "--to", "yerevan"]
    args += ["--mode", "ground"]
    args += ["--countries", ",".join(STATES)]
    expected = analysis.sweep(GROUND, STATES)
    for name, extra in (("here", []), ("dask", ["--dask", threads])):
        folder = tmp_path / name
        code, err = _code([*args, "--out-dir", str(folder), *extra], capsys)
        assert code == 0, err
        parts = sorted(folder.glob("part-*.parquet"))
        assert len(parts) == (1 if name == "here" else 6)
        got = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        pd.testing.assert_frame_equal(got, expected)
    code, err = _code([*args, "--out-dir", str(tmp_path / "x"), "--out", "t.csv"], capsys)
    assert code == 2 and "not both" in err
