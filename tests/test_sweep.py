"""The fast sweep against a slow reference: every combination planned on its own."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pandas as pd
import pytest

from corridor import _sweep, analysis, network, routing
from corridor.scenario import load_scenario, make_scenario

STATES = ["AZE", "GEO", "IRN", "TKM", "TUR"]


def _reference(base: object, states: list[str]) -> dict[tuple[str, str, str], float | None]:
    """Plan each closure set independently with routing.plan (no reuse at all)."""
    out: dict[tuple[str, str, str], float | None] = {}
    for size in range(len(states) + 1):
        for combo in itertools.combinations(sorted(states), size):
            scen = base.with_closures(close=list(combo))  # type: ignore[attr-defined]
            for pair in routing.plan(scen, k=1, explain=False).pairs:
                best = pair.best
                out["+".join(combo), pair.origin, pair.destination] = best.km if best else None
    return out


def test_fast_sweep_equals_independent_plans_for_every_combination() -> None:
    base = load_scenario("armenia-2020")
    table = analysis.sweep(base, STATES)
    assert len(table) == 2 ** len(STATES) * 8
    expected = _reference(base, STATES)
    assert len(expected) == len(table)
    for row in table.itertuples(index=False):
        want = expected[row.closed, row.origin, row.destination]
        assert row.feasible == (want is not None), row
        if want is None:
            assert math.isnan(row.km) and row.corridor == ""
        else:
            assert row.km == pytest.approx(want, rel=1e-12)


def test_rows_come_by_number_of_closures_then_combination_then_pair() -> None:
    table = analysis.sweep(make_scenario(
        origins=["vladikavkaz", "moscow"], destinations=["yerevan"], modes=["ground"]
    ), ["TKM", "GEO", "IRN"])  # fmt: skip
    closed = list(dict.fromkeys(table["closed"]))
    assert closed == ["", "GEO", "IRN", "TKM", "GEO+IRN", "GEO+TKM", "IRN+TKM", "GEO+IRN+TKM"]
    assert table["origin"].tolist()[:4] == ["vladikavkaz", "moscow"] * 2
    assert table["n_closed"].tolist() == [c.count("+") + 1 if c else 0 for c in table["closed"]]


def test_only_the_sets_no_parent_decides_are_searched() -> None:
    net = network.load_network()
    prepared = _sweep.setup(load_scenario("armenia-2020"), STATES, net)
    levels = _sweep.Levels.of(len(STATES))
    # far fewer searches than closure sets, and each distinct route is stored once
    for engine in prepared.engines():
        res = _sweep.resolve_pair(engine, levels)
        assert res.searches < 2 ** len(STATES) / 4
        assert len(res.routes) <= res.searches


def test_progress_reports_combinations_per_chunk() -> None:
    calls: list[tuple[int, int]] = []
    analysis.sweep(
        make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"]),
        ["GEO", "IRN", "AZE"], progress=lambda d, t: calls.append((d, t)),
    )  # fmt: skip
    assert calls == [(1, 8), (4, 8), (7, 8), (8, 8)]


def test_parquet_stream_equals_the_in_memory_table(tmp_path: Path) -> None:
    base = load_scenario("armenia-2020")
    table = analysis.sweep(base, ["GEO", "IRN", "TKM"])
    out = analysis.sweep_to_parquet(base, ["GEO", "IRN", "TKM"], tmp_path / "s.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_parquet_stream_writes_one_row_group_per_chunk(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    net = network.load_network()
    scen = make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"])
    prepared = _sweep.setup(scen, ["GEO", "IRN", "AZE", "TUR"], net)
    results = _sweep.run(prepared)
    path = tmp_path / "chunks.parquet"
    rows = _sweep.write_parquet(prepared, results, path, chunk=5)
    meta = pq.ParquetFile(path).metadata
    assert rows == meta.num_rows == 16
    assert meta.num_row_groups == 4  # 5 + 5 + 5 + 1 combinations
