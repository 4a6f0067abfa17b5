"""What-if, sweep, chokepoints and throughput, checked against planning and sourced data."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from corridor import _ground, analysis, network, routing
from corridor._resources import package_data_folder
from corridor.cli import main
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
    # by distance: in hours the Azerbaijan-Georgia detour (freight transit allowed since
    # 2025) costs only a few hours more than Upper Lars' queue of about 14 h
    found, corridors = analysis.chokepoints(
        load_scenario("armenia-baseline").replace(modes=["ground"], objective="km")
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
    cap = net.ground.capacities["x-agarak-norduz"][0]
    factor = net.ground.conversions[cap.unit]
    assert cap.unit == "trucks/day" and factor.per == "day"
    assert t.per_day == pytest.approx(cap.capacity * factor.tonnes_per_unit)
    assert t.unit == "t/day" and "trucks/day" in t.note


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> network.TransitNetwork:
    """The shipped network with a small capacity table of round numbers."""
    import shutil

    from corridor._resources import package_data_folder

    folder = tmp_path_factory.mktemp("caps") / "network"
    shutil.copytree(package_data_folder() / "network", folder)
    (folder / "unit_conversions.csv").write_text(
        "unit,tonnes_per_unit,per,basis,source,mode\n"
        "trucks/day,20,day,assumption,test,road\n"
        "t/year,1,year,assumption,test,\n",
        encoding="utf-8",
    )
    (folder / "capacities.csv").write_text(
        "element,element_type,capacity,unit,traffic,date,source,notes,mode\n"
        "x-upper-lars,node,100,trucks/day,freight,2025,test,,\n"
        "x-bagratashen,node,30,trucks/day,freight,2025,test,,\n"
        "x-gogavan-guguti,node,20,trucks/day,all,2025,test,,\n"
        "x-bavra,node,10,trucks/day,freight,2025,test,,\n"
        "r-vladikavkaz-x-upper-lars,link,36525,t/year,passenger,2025,test,,\n",
        encoding="utf-8",
    )
    return network.load_network(folder)


def test_throughput_is_the_minimum_cut_of_a_small_capacity_table(
    capped: network.TransitNetwork,
) -> None:
    # Georgia open, the other neighbours closed: trucks must pass Upper Lars (100/day),
    # then one of Bagratashen, Gogavan or Bavra (30 + 20 + 10 = 60/day): 60 x 20 t
    scen = GROUND.with_closures(close=["AZE", "IRN", "TUR"])
    (t,) = analysis.throughput(scen, network=capped, modes=("road",))
    assert t.per_day == pytest.approx(60 * 20)
    assert set(t.bottlenecks) == {"x-bagratashen", "x-gogavan-guguti", "x-bavra"}
    # passenger traffic: the link row (36,525 t/year = 100 t/day) binds, and only the
    # "all" row of Gogavan applies to that class besides it
    (m,) = analysis.throughput(scen.replace(traffic="passenger"), network=capped, modes=("road",))
    assert m.per_day == pytest.approx(36525 / 365.25)
    assert m.bottlenecks == ("r-vladikavkaz-x-upper-lars",)


def test_throughput_says_when_capacity_data_is_missing(capped: network.TransitNetwork) -> None:
    scen = make_scenario(origins=["vladikavkaz"], destinations=["baku"], modes=["road"])
    (t,) = analysis.throughput(scen, network=capped, modes=("road",))
    assert t.per_day is None
    assert "unbounded" in t.note and t.missing_capacity
    for element in t.missing_capacity:
        assert element not in capped.ground.capacities


@pytest.mark.parametrize(
    ("origin", "destination", "modes", "closed"),
    [
        ("vladikavkaz", "yerevan", ("road",), ()),
        ("vladikavkaz", "yerevan", ("rail",), ()),
        ("vladikavkaz", "yerevan", ("road",), ("GEO",)),
        ("moscow", "almaty", ("road",), ()),
        ("moscow", "almaty", ("rail",), ()),
        ("port-aktau", "port-poti", ("road", "rail", "ferry"), ("RUS", "IRN", "TUR", "ARM")),
    ],
)
def test_reference_pairs_have_a_finite_throughput(
    origin: str, destination: str, modes: tuple[str, ...], closed: tuple[str, ...]
) -> None:
    scen = make_scenario(origins=[origin], destinations=[destination], modes=list(modes))
    (t,) = analysis.throughput(scen.with_closures(close=closed), modes=modes)
    assert t.per_day is not None and 0 < t.per_day < math.inf, t.note
    assert t.bottlenecks
    net = network.load_network()
    # the binding elements' capacities add up to the flow (a minimum cut)
    # (one mode: each element's row for that mode, else its empty-mode row)
    mode = modes[0] if len(modes) == 1 else None
    total = sum(net.ground.capacity_for(b, mode=mode).tonnes_per_day for b in t.bottlenecks)  # type: ignore[union-attr]
    assert total == pytest.approx(t.per_day)


def test_vladikavkaz_yerevan_by_rail_without_georgia_is_infeasible() -> None:
    scen = make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["rail"])
    (t,) = analysis.throughput(scen.with_closures(close=["GEO"]), modes=("rail",))
    assert t.per_day == 0.0 and t.note == "no ground route"


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


def test_capacity_basis_reads_the_source_and_the_notes() -> None:
    assert _ground.capacity_basis("assumption: median of the posts", "") == "assumption"
    assert _ground.capacity_basis(" Assumption", "line-type capacity") == "assumption"
    assert _ground.capacity_basis("https://x", "line-type capacity: single track") == "line-type"
    assert _ground.capacity_basis("https://x", "lower bound: observed 66/day") == "lower bound"
    assert _ground.capacity_basis("https://x", "design capacity; not a lower bound") == "published"
    assert _ground.capacity_basis("https://x", "share of a published total (even split)") == "share"


def _csv_basis() -> dict[tuple[str, str, str], str]:
    """The documented rule applied to ``capacities.csv`` read with :mod:`csv`."""
    path = package_data_folder() / "network" / "capacities.csv"
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            notes = r["notes"].strip().lower()
            if r["source"].strip().lower().startswith("assumption"):
                basis = "assumption"
            elif notes.startswith("line-type"):
                basis = "line-type"
            elif notes.startswith("lower bound"):
                basis = "lower bound"
            elif notes.startswith("share of a published total"):
                basis = "share"
            else:
                basis = "published"
            out[(r["element"], r["mode"], r["traffic"])] = basis
    return out


@pytest.mark.parametrize(
    ("origin", "destination", "mode"),
    [
        ("moscow", "almaty", "rail"),
        ("vladikavkaz", "yerevan", "road"),
        ("moscow", "astana", "rail"),
    ],
)
def test_throughput_gives_every_binding_capacity_with_its_figure_and_basis(
    capsys: pytest.CaptureFixture[str], origin: str, destination: str, mode: str
) -> None:
    scen = make_scenario(origins=[origin], destinations=[destination], modes=[mode])
    (t,) = analysis.throughput(scen, modes=(mode,))
    assert t.per_day
    bases = _csv_basis()
    assert {r.element for r in t.binding} == {b.split(" (")[0] for b in t.bottlenecks}
    for r in t.binding:
        assert r.basis == bases[(r.element, r.mode, r.traffic)], r.element
    assert t.assumed == tuple(sorted({r.element for r in t.binding if r.basis == "assumption"}))
    # the command line prints each figure and its basis, and warns when one is assumed
    with pytest.raises(SystemExit):
        main(["throughput", "--from", origin, "--to", destination, "--mode", mode])
    out = capsys.readouterr().out
    for r in t.binding:
        assert f"{r.element} (" in out and r.unit in out and r.basis in out
    assert ("caution: binding capacities that are named assumptions" in out) == bool(t.assumed)
    shares = any(r.basis == "share" for r in t.binding)
    assert ("caution: binding capacities that are even shares of a total" in out) == shares
    with pytest.raises(SystemExit):
        main(["throughput", "--from", origin, "--to", destination, "--mode", mode, "--json"])
    (row,) = json.loads(capsys.readouterr().out)
    assert [b["element"] for b in row["binding"]] == [r.element for r in t.binding]
    assert {b["basis"] for b in row["binding"]} <= set(_ground.CAPACITY_BASES)
