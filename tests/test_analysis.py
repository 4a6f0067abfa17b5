"""What-if, sweep, chokepoints and throughput, checked against planning and sourced data."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corridor import analysis, network, routing
from corridor.scenario import load_scenario, make_scenario

GROUND = make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["ground"])


def test_whatif_georgia_corridor_lost_in_armenia_2020_closures() -> None:
    result = analysis.whatif(load_scenario("armenia-baseline"), close=["GEO", "AZE", "TUR"])
    vlad = next(c for c in result.changes if c.origin == "vladikavkaz")
    assert any("x-upper-lars" in r.via for r in vlad.lost)
    assert all("x-upper-lars" not in r.via for r in vlad.gained)
    assert vlad.km_added is not None and vlad.km_added > 0
    assert vlad.after is not None and "x-agarak-norduz" in vlad.after.via
    # the deltas are the difference of two independent plans
    other = routing.plan(
        load_scenario("armenia-baseline").with_closures(close=["GEO", "AZE", "TUR"])
    )
    after = next(p for p in other.pairs if p.origin == "vladikavkaz").best
    assert after is not None and vlad.after.km == pytest.approx(after.km)


def test_whatif_newly_infeasible_pairs_carry_the_why_not() -> None:
    result = analysis.whatif(GROUND, close=["GEO", "IRN"])
    change = result.changes[0]
    assert change.newly_infeasible
    assert change.why_not is not None and ("GEO",) in change.why_not.restore


def test_sweep_reuses_work_but_matches_direct_plans() -> None:
    states = ["GEO", "AZE", "IRN", "TUR"]
    table = analysis.sweep(load_scenario("armenia-2020"), states)
    assert len(table) == 16 * 8
    for closed in ("", "GEO", "AZE+IRN", "AZE+GEO+TUR"):
        rows = table[table["closed"] == closed]
        scen = load_scenario("armenia-2020").with_closures(
            close=[c for c in closed.split("+") if c]
        )
        direct = routing.plan(scen, k=1, explain=False)
        for pair in direct.pairs:
            row = rows[
                (rows["origin"] == pair.origin) & (rows["destination"] == pair.destination)
            ].iloc[0]
            assert bool(row["feasible"]) == pair.feasible
            if pair.best is not None:
                assert row["km"] == pytest.approx(pair.best.km)


def test_sweep_closing_iran_cuts_every_armenia_2020_corridor() -> None:
    table = analysis.sweep(load_scenario("armenia-2020"), ["IRN", "TKM", "KAZ"])
    summary = analysis.sweep_summary(table)
    iran = summary[summary["closed"] == "IRN"].iloc[0]
    assert iran["cut_off"] == iran["pairs"] == 8
    assert summary.iloc[0]["cut_off"] == 8  # the most harmful closures come first
    assert (table[table["closed"] == "TKM"]["feasible"]).all()


def test_sweep_rejects_bad_input() -> None:
    import corridor

    with pytest.raises(corridor.UnknownPlaceError):
        analysis.sweep(GROUND, ["XXX"])
    with pytest.raises(corridor.ScenarioError, match="at most 20"):
        analysis.sweep(GROUND, sorted(corridor.load_borders().index)[:21])


def test_upper_lars_is_a_ground_chokepoint_into_armenia() -> None:
    found, corridors = analysis.chokepoints(
        load_scenario("armenia-baseline").replace(modes=["ground"])
    )
    lars = [c for c in found if c.element == "x-upper-lars" and c.origin == "vladikavkaz"]
    assert lars and lars[0].cost_increase_pct > 25
    assert lars[0].alternative is not None and "x-upper-lars" not in lars[0].alternative.via
    row = corridors[corridors["origin"] == "vladikavkaz"].iloc[0]
    assert row["disjoint_ground_corridors"] >= 1


def test_throughput_names_the_binding_bottleneck_from_sourced_capacity() -> None:
    net = network.load_network()
    (t,) = analysis.throughput(GROUND.with_closures(close=["GEO"]), modes=("road",))
    assert t.bottlenecks == ("x-agarak-norduz",)
    assert t.per_day == pytest.approx(float(net.nodes.at["x-agarak-norduz", "capacity_per_day"]))
    assert "trucks" in t.unit


def test_throughput_says_when_capacity_data_is_missing() -> None:
    (t,) = analysis.throughput(GROUND, modes=("road",))
    assert t.per_day is None
    assert "unbounded" in t.note and t.missing_capacity
    net = network.load_network()
    for element in t.missing_capacity:
        if element in net.nodes.index:
            assert not math.isfinite(net.nodes.at[element, "capacity_per_day"])


def test_compare_plans_marks_pairs_present_in_one_plan_only() -> None:
    base = routing.plan(load_scenario("armenia-baseline"), k=1)
    other = routing.plan(load_scenario("armenia-2020"), k=1)
    result = analysis.compare_plans(base, other)
    moscow = next(c for c in result.pairs if c.origin == "moscow")
    assert moscow.in_base and not moscow.in_other and not moscow.newly_infeasible
    gyumri = next(c for c in result.pairs if c.destination == "UDSG" and c.origin == "vladikavkaz")
    assert gyumri.in_other and not gyumri.in_base
    vlad = next(c for c in result.pairs if c.origin == "vladikavkaz" and c.destination == "yerevan")
    assert vlad.in_base and vlad.in_other and any("x-upper-lars" in r.via for r in vlad.lost)


def test_sweep_table_round_trips_through_csv_and_parquet(tmp_path: Path) -> None:
    import pandas as pd

    from corridor.export import write_table

    table = analysis.sweep(GROUND, ["GEO", "IRN"])
    for suffix, reader in ((".csv", pd.read_csv), (".parquet", pd.read_parquet)):
        path = write_table(table, tmp_path / f"sweep{suffix}")
        back = reader(path)
        assert list(back.columns) == list(table.columns)
        assert back["feasible"].tolist() == table["feasible"].tolist()
        assert back["km"].fillna(-1).round(6).tolist() == table["km"].fillna(-1).round(6).tolist()
