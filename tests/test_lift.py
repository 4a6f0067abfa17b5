"""Reinforcement capacity: checked against independent arithmetic, not the code's own output.

Expected values come from the catalogue's published figures read here with the csv
module, geodesic distances from pyproj, and closed-form rate formulas.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pyproj import Geod

from corridor import lift, settings
from corridor._errors import NoRouteError, ScenarioError
from corridor.cli import main
from corridor.network import find_place
from corridor.scenario import load_scenario, make_scenario

GEOD = Geod(ellps="WGS84")
CATALOGUE = Path(lift.__file__).resolve().parent.parent / "data" / "lift" / "aircraft.csv"


def curve(name: str) -> list[tuple[float, float]]:
    """Payload-range points of a type straight from the CSV."""
    with CATALOGUE.open(encoding="utf-8") as fh:
        rows = [
            r for r in csv.DictReader(fh) if r["type"] == name and r["field"] == "payload_range"
        ]
    return sorted(tuple(float(x) for x in r["value"].split(":")) for r in rows)  # type: ignore[misc]


def geodesic_km(a: str, b: str) -> float:
    pa, pb = find_place(a), find_place(b)
    return float(GEOD.inv(pa.lon, pa.lat, pb.lon, pb.lat)[2]) / 1000.0


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


# --------------------------------------------------------------------------- catalogue


def test_catalogue_has_the_required_types_each_row_sourced() -> None:
    cat = lift.aircraft_catalogue()
    required = {
        "Il-76MD", "Il-76MD-90A", "An-124-100", "An-22", "An-12", "An-26", "Y-20",
        "A400M", "C-130J", "C-17", "C-295",
    }  # fmt: skip
    assert required <= set(cat)
    with CATALOGUE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["source"].strip() for r in rows)
    assert {r["basis"] for r in rows} == {"published", "assumption"}
    for name in required:
        assert len(curve(name)) >= 2, name


def test_type_names_are_case_and_punctuation_insensitive() -> None:
    assert lift.find_aircraft("il-76md").name == "Il-76MD"
    assert lift.find_aircraft("IL76MD").name == "Il-76MD"
    assert lift.find_aircraft("an124-100").name == "An-124-100"
    with pytest.raises(ScenarioError, match="did you mean"):
        lift.find_aircraft("Il-67MD")


def test_payload_interpolates_the_published_curve() -> None:
    ac = lift.find_aircraft("C-295")
    (k1, t1), (k2, t2) = curve("C-295")
    mid = (k1 + k2) / 2
    assert ac.payload_at(mid) == pytest.approx((t1 + t2) / 2)
    assert ac.payload_at(k1 / 2) == pytest.approx(t1)
    assert ac.payload_at(k2 + 1) == 0.0


@pytest.mark.parametrize(
    "spec", ["Il-76MD=0", "Il-76MD=-3", "Il-76MD=2.5", "Il-76MD=nan", "Il-76MD"]
)
def test_bad_fleets_are_refused(spec: str) -> None:
    with pytest.raises(ScenarioError):
        lift.parse_fleet(spec)


@pytest.mark.parametrize("force", [{"tonnes": 0.0}, {"tonnes": -1.0}, {"tonnes": math.nan}, {}])
def test_bad_forces_are_refused(force: dict[str, float]) -> None:
    with pytest.raises(ScenarioError):
        lift.airlift("UUMU", "UAAA", "Il-76MD=5", **force)


# --------------------------------------------------------------------------- airlift


def test_sorties_are_force_over_payload_at_the_flown_range_rounded_up() -> None:
    # Nothing closed: the route is the geodesic, within the full-payload range.
    km = geodesic_km("UUMU", "UAAA")
    pts = curve("Il-76MD")
    assert km < pts[0][0]
    a = lift.airlift("UUMU", "UAAA", "Il-76MD=10", tonnes=1234.0)
    assert a.plans[0].km == pytest.approx(km, rel=0.005)
    assert a.by_aircraft == {"Il-76MD": math.ceil(1234.0 / pts[0][1])}
    assert a.sorties == math.ceil(1234.0 / pts[0][1])


def test_sorties_use_the_reduced_payload_beyond_the_full_payload_range() -> None:
    km = geodesic_km("UUMU", "UDYZ")
    (k1, t1), (k2, t2) = curve("C-295")[:2]
    assert k1 < km < k2
    payload = t1 + (t2 - t1) * (km - k1) / (k2 - k1)
    a = lift.airlift("UUMU", "UDYZ", "C-295=20", tonnes=300.0)
    (p,) = [p for p in a.plans if p.sorties]
    assert p.stops == ()
    assert p.payload_t == pytest.approx(payload, rel=0.01)
    assert a.by_aircraft["C-295"] == math.ceil(300.0 / p.payload_t)


def test_load_factor_scales_the_payload_per_sortie() -> None:
    payload = curve("Il-76MD")[0][1]
    half = lift.airlift("UUMU", "UAAA", "Il-76MD=10", tonnes=1000.0, load_factor=0.5)
    assert half.sorties == math.ceil(1000.0 / (0.5 * payload))
    assert any("load factor 0.5" in a for a in half.assumptions)
    for bad in (0.0, 1.5, math.nan, -0.2):
        with pytest.raises(ScenarioError, match="load_factor"):
            lift.airlift("UUMU", "UAAA", "Il-76MD=10", tonnes=1000.0, load_factor=bad)


def test_troops_convert_with_the_named_planning_factor() -> None:
    f = lift.PLANNING_FACTORS
    a = lift.airlift("UUMU", "UAAA", "Il-76MD=10", troops=1000)
    assert a.force_tonnes == pytest.approx(1000 * (f["troop_t"] + f["equipment_t_per_troop"]))
    assert a.troops == 1000
    assert any("A9" in s for s in a.assumptions)
    pax = lift.airlift("UUMU", "UAAA", "Il-76MD=10", troops=1000, pax_only=True)
    seats = lift.find_aircraft("Il-76MD").troop_seats
    assert pax.sorties == math.ceil(1000 / seats)


def test_fleet_rate_matches_the_cycle_formula() -> None:
    f = lift.PLANNING_FACTORS
    ac = lift.find_aircraft("Il-76MD")
    km = geodesic_km("UUMU", "UAAA")
    block = km / ac.cruise_kmh + f["leg_allowance_h"]
    cycle = 2 * block + 2 * ac.ground_time_h
    a = lift.airlift("UUMU", "UAAA", "Il-76MD=3", tonnes=500.0)
    assert a.binding == "fleet:Il-76MD"
    assert a.plans[0].cycle_h == pytest.approx(cycle, rel=0.005)
    expected = 3 * 24.0 * f["utilisation"] / cycle * ac.payload_at(km)
    assert a.tonnes_per_day == pytest.approx(expected, rel=0.005)
    assert "fleet" in a.bottleneck and "Il-76MD" in a.bottleneck


def test_halving_the_destination_mog_never_raises_the_rate_and_halves_it_when_it_binds() -> None:
    r4 = lift.airlift("UUMU", "UAAA", "Il-76MD=70", tonnes=3000.0, mog=4)
    r2 = lift.airlift("UUMU", "UAAA", "Il-76MD=70", tonnes=3000.0, mog=2)
    assert r4.binding == "dest:UAAA"
    assert r2.tonnes_per_day <= r4.tonnes_per_day
    assert r2.tonnes_per_day == pytest.approx(r4.tonnes_per_day / 2, rel=0.05)
    assert "UAAA" in r4.bottleneck and "MOG" in r4.bottleneck
    # a mixed fleet shifts slots to the type that lands more per ground hour: never more
    mixed4 = lift.airlift("UUMU", "UAAA", "Il-76MD=70,An-124-100=5", tonnes=3000.0, mog=4)
    mixed2 = lift.airlift("UUMU", "UAAA", "Il-76MD=70,An-124-100=5", tonnes=3000.0, mog=2)
    assert mixed2.tonnes_per_day <= mixed4.tonnes_per_day
    assert mixed2.tonnes_per_day >= mixed4.tonnes_per_day / 2 - 1e-6
    small4 = lift.airlift("UUMU", "UAAA", "Il-76MD=2", tonnes=300.0, mog=4)
    small2 = lift.airlift("UUMU", "UAAA", "Il-76MD=2", tonnes=300.0, mog=2)
    assert small2.tonnes_per_day <= small4.tonnes_per_day + 1e-9


def test_an124s_need_fewer_sorties_than_il76s_for_the_same_tonnes() -> None:
    il = lift.airlift("UUMU", "UAAA", "Il-76MD=10", tonnes=1500.0)
    an = lift.airlift("UUMU", "UAAA", "An-124-100=10", tonnes=1500.0)
    assert an.sorties < il.sorties


def test_closing_georgia_azerbaijan_turkey_lengthens_the_armenian_cycle() -> None:
    open_ = lift.airlift("UUMU", "UDYZ", "Il-76MD=5", tonnes=1000.0)
    shut = make_scenario(stances={"GEO": "hostile", "AZE": "hostile", "TUR": "hostile"})
    closed = lift.airlift("UUMU", "UDYZ", "Il-76MD=5", tonnes=1000.0, scenario=shut)
    assert closed.plans[0].km > open_.plans[0].km + 300
    assert closed.plans[0].cycle_h > open_.plans[0].cycle_h
    assert closed.tonnes_per_day / 5 < open_.tonnes_per_day / 5
    assert closed.closure_days > open_.closure_days


def test_range_limited_stops_keep_each_leg_within_the_full_payload_range() -> None:
    shut = make_scenario(stances={"GEO": "hostile", "AZE": "hostile", "TUR": "hostile"})
    a = lift.airlift("UUMU", "UDYZ", "An-26=10", tonnes=100.0, scenario=shut)
    (p,) = a.plans
    full_km, full_t = curve("An-26")[0]
    assert len(p.stops) >= 2
    assert len(p.legs_km) == len(p.stops) + 1
    assert max(p.legs_km) <= full_km
    assert sum(p.legs_km) == pytest.approx(p.km, rel=1e-6)
    assert p.payload_t == pytest.approx(full_t)
    assert a.sorties == math.ceil(100.0 / full_t)
    assert "stops" in a.bottleneck and "GEO" in a.bottleneck


def test_an_airfield_too_short_excludes_the_type_and_says_so() -> None:
    a = lift.airlift("UUMU", "UDYE", "An-124-100=2,Il-76MD=2", tonnes=200.0)
    assert "An-124-100" not in a.by_aircraft
    assert any("An-124-100" in why and "runway" in why for why in a.excluded)
    with pytest.raises(ScenarioError, match="no listed aircraft type"):
        lift.airlift("UUMU", "KZ-0011", "Il-76MD=2", tonnes=200.0)


def test_an_enclosed_destination_cannot_arrive() -> None:
    shut = make_scenario(stances={c: "hostile" for c in ("GEO", "AZE", "TUR", "IRN")})
    with pytest.raises(NoRouteError, match="enclosed"):
        lift.airlift("UUMU", "UDYZ", "Il-76MD=2", tonnes=100.0, scenario=shut)


def test_arrival_curve_adds_up_to_the_force() -> None:
    a = lift.airlift("UUMU", "UAAA", "Il-76MD=5", troops=500)
    cum = [x.cum_tonnes for x in a.arrivals]
    assert cum == sorted(cum)
    assert cum[-1] == pytest.approx(a.force_tonnes)
    assert sum(x.tonnes for x in a.arrivals) == pytest.approx(a.force_tonnes)
    assert a.arrivals[-1].cum_troops == 500
    assert len(a.arrivals) == math.ceil(a.closure_days)


def test_scenario_airfield_override_sets_the_mog() -> None:
    scen = make_scenario(airfields={"UAAA": {"working": 1, "parking": 2}})
    big = "Il-76MD=70"
    one = lift.airlift("UUMU", "UAAA", big, tonnes=3000.0, scenario=scen)
    af = lift.airfield_capacity("UAAA", mog={"working": 1})
    assert af.working_mog == 1 and af.basis == "override"
    ac = lift.find_aircraft("Il-76MD")
    assert one.tonnes_per_day == pytest.approx(24.0 / ac.ground_time_h * ac.max_payload_t)


# --------------------------------------------------------------------------- scenarios


def test_scenario_tables_load_and_validate() -> None:
    k = load_scenario("kazakhstan-2022")
    assert dict(k.fleet) == {"Il-76MD": 70, "An-124-100": 5}
    assert k.force["troops"] == 2000
    arm = load_scenario("armenia-reinforcement")
    assert arm.stance("GEO", "overflight").value == "hostile"
    assert arm.stance("IRN", "overflight").value == "conditional"
    with pytest.raises(ScenarioError, match="unknown aircraft type"):
        make_scenario(fleet={"Il-67": 3})
    with pytest.raises(ScenarioError, match=r"force\.soldiers"):
        make_scenario(force={"soldiers": 3})
    with pytest.raises(ScenarioError):
        make_scenario(force={"troops": -3})
    with pytest.raises(ScenarioError):
        make_scenario(airfields={"UAAA": {"working": 0}})


# --------------------------------------------------------------------------- deploy


def _corridor(rate: float, lead: float) -> lift.Corridor:
    return lift.Corridor("c", "road", "a", "b", rate, lead, 0.0, 0.0, 0.0, "test", "test")


def test_fastest_split_matches_the_closed_form() -> None:
    from corridor.lift._deploy import _fastest_split

    # slow-but-early (100 t/day from day 0) and fast-but-late (1000 t/day from day 5):
    # both used, 100 C + 1000 (C - 5) = 1000  ->  C = 6000 / 1100
    x, c = _fastest_split([_corridor(100.0, 0.0), _corridor(1000.0, 5.0)], 1000.0)
    assert c == pytest.approx(6000 / 1100)
    assert x.sum() == pytest.approx(1000.0)
    # a late corridor that would not help is left out: 100 t in 1 day from the first
    x, c = _fastest_split([_corridor(100.0, 0.0), _corridor(1000.0, 5.0)], 100.0)
    assert c == pytest.approx(1.0)
    assert x[1] == 0.0


def test_deploy_combines_air_and_ground_and_never_beats_physics() -> None:
    d = lift.deploy(load_scenario("armenia-reinforcement"))
    assert sum(c.share for c in d.corridors) == pytest.approx(1.0)
    assert d.airlift is not None
    # no faster than the air corridor alone if it carried everything at its rate
    air = next(c for c in d.corridors if c.mode == "air")
    alone = air.lead_days + d.force_tonnes / air.tonnes_per_day
    assert d.closure_days <= alone + 1e-6
    assert d.closure_days >= min(c.lead_days for c in d.corridors)
    assert d.bottleneck
    doc = d.to_dict()
    for key in ("closure_days", "corridors", "bottleneck", "assumptions"):
        assert key in doc
    assert all({"mode", "share", "tonnes_per_day"} <= set(c) for c in doc["corridors"])


def test_deploy_closure_is_the_closed_form_over_the_corridors_used() -> None:
    # a force large enough that the slower rail corridor still helps before road alone closes
    d = lift.deploy(load_scenario("armenia-baseline"), tonnes=200000.0, fleet="Il-76MD=5")
    used = [c for c in d.corridors if c.tonnes > 0]
    assert {c.mode for c in used} == {"air", "road", "rail"}
    # every used corridor runs from its lead time to the common closure C:
    # sum r_i (C - L_i) = T  ->  C = (T + sum r_i L_i) / sum r_i
    rates = sum(c.tonnes_per_day for c in used)
    closed_form = (d.force_tonnes + sum(c.tonnes_per_day * c.lead_days for c in used)) / rates
    assert d.closure_days == pytest.approx(closed_form, rel=1e-6)
    assert all(c.days == pytest.approx(d.closure_days, rel=1e-6) for c in used)
    # corridors that share links are counted once, and the answer says so
    assert any("counted once" in u for u in d.unavailable)
    # the ground corridors' capacities are the network's sourced ones (t/day), not the
    # A13 default, and they are read as tonnes, not multiplied by a truck load
    for c in used:
        if c.mode != "air":
            assert c.capacity_basis.startswith("sourced capacity"), c.capacity_basis
            assert "A13" not in c.capacity_basis
            # each binding element is named with its figure and what the figure is
            assert ", bound by " in c.capacity_basis
            for element in c.limit.split(", "):
                assert element.split(" (")[0] in c.capacity_basis


def test_deploy_lists_a_binding_capacity_that_is_a_named_assumption() -> None:
    # Moscow - Almaty by rail is bound, among others, by capacity rows that are assumptions
    # or published figures; whichever they are, the answer's assumptions say which are assumed
    from corridor import analysis
    from corridor.scenario import make_scenario

    scen = make_scenario(origins=["moscow"], destinations=["almaty"], modes=["rail"])
    (tp,) = analysis.throughput(scen, modes=("rail",))
    d = lift.deploy(scen, tonnes=50000.0)
    listed = [a for a in d.assumptions if "named assumption, not a published figure" in a]
    if tp.assumed:
        assert listed and all(e in listed[0] for e in tp.assumed)
    else:
        assert not listed


def test_corridor_layer_draws_width_by_rate() -> None:
    a = lift.airlift(["UUMU", "UWLW"], "UAAA", "Il-76MD=70,An-124-100=5", tonnes=2000.0)
    layer = lift.corridor_layer(a)
    import folium

    lines = [c for c in layer._children.values() if isinstance(c, folium.PolyLine)]
    assert lines
    html = folium.Map().add_child(layer).get_root().render()
    assert "closure" in html and "MOG" in html


# --------------------------------------------------------------------------- CLI


def test_cli_airlift_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "airlift", "--from", "UUMU", "--to", "UAAA", "--tonnes", "800",
        "--aircraft", "il-76md=6,AN124-100=1", "--json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert isinstance(doc["sorties"], int)
    assert set(doc["by_aircraft"]) == {"Il-76MD", "An-124-100"}
    assert doc["sorties"] == sum(doc["by_aircraft"].values())
    for key in ("closure_days", "tonnes_per_day", "bottleneck", "assumptions", "arrivals"):
        assert key in doc
    assert all({"day", "tonnes", "troops"} <= set(a) for a in doc["arrivals"])
    assert doc["assumptions"]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--tonnes", "10", "--aircraft", "Il-67=3"], 2, "did you mean"),
        (["--tonnes", "-1", "--aircraft", "Il-76MD=3"], 2, "positive"),
        (["--tonnes", "inf", "--aircraft", "Il-76MD=3"], 2, "finite"),
        (["--tonnes", "10", "--aircraft", "Il-76MD=0"], 2, "positive whole"),
        (["--tonnes", "10", "--aircraft", "Il-76MD=3", "--mog", "0"], 2, "positive"),
        (["--aircraft", "Il-76MD=3"], 2, "--troops"),
        (
            ["--tonnes", "10", "--aircraft", "Il-76MD=3", "--close", "GEO,AZE,TUR,IRN"],
            1,
            "enclosed",
        ),
    ],
)
def test_cli_airlift_exit_codes(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, needle: str
) -> None:
    got, _, err = run(capsys, "airlift", "--from", "UUMU", "--to", "UDYZ", *args)
    assert got == code
    assert needle in err
    assert err.count("\n") == 1


def test_cli_unusable_destination_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "airlift", "--from", "UUMU", "--to", "KZ-0011", "--tonnes", "10",
        "--aircraft", "Il-76MD=3",
    )  # fmt: skip
    assert code == 2
    assert "runway" in err


def test_cli_data_error_is_exit_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for sub in ("borders", "network"):
        (tmp_path / sub).symlink_to(settings.data_folder / sub)
    (tmp_path / "lift").mkdir()
    shutil.copy(settings.data_folder / "lift" / "airfields.csv", tmp_path / "lift")
    (tmp_path / "lift" / "aircraft.csv").write_text(
        "type,aliases,field,value,basis,source\nIl-76MD,,max_payload_t,heavy,published,x\n"
    )
    monkeypatch.setattr(settings, "data_folder", tmp_path)
    code, _, err = run(
        capsys, "airlift", "--from", "UUMU", "--to", "UAAA", "--tonnes", "10",
        "--aircraft", "Il-76MD=3",
    )  # fmt: skip
    assert code == 3
    assert "aircraft.csv" in err


def test_cli_deploy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "deploy", "-s", "armenia-reinforcement", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["closure_days"] > 0
    assert {c["mode"] for c in doc["corridors"]} >= {"air"}
    code, out, _ = run(capsys, "deploy", "-s", "armenia-reinforcement", "--tonnes", "500")
    assert code == 0 and "closure" in out
    code, _, _ = run(capsys, "deploy", "-s", "armenia-reinforcement", "--tonnes", "0")
    assert code == 2


# --------------------------------------------------------------------------- properties


@hsettings(max_examples=25, deadline=None)
@given(
    tonnes=st.floats(min_value=1.0, max_value=20000.0, allow_nan=False),
    il76=st.integers(min_value=1, max_value=80),
    an124=st.integers(min_value=0, max_value=6),
    mog=st.integers(min_value=1, max_value=8),
)
def test_every_answer_carries_the_force_and_more_mog_never_slows_it(
    tonnes: float, il76: int, an124: int, mog: int
) -> None:
    fleet = f"Il-76MD={il76}" + (f",An-124-100={an124}" if an124 else "")
    a = lift.airlift("UUMU", "UAAA", fleet, tonnes=tonnes, mog=mog)
    capacity = sum(p.sorties * p.payload_t for p in a.plans)
    assert capacity >= tonnes - 1e-6
    assert all(p.sorties == math.ceil(p.tonnes / p.payload_t - 1e-9) for p in a.plans if p.tonnes)
    assert a.arrivals[-1].cum_tonnes == pytest.approx(tonnes)
    more = lift.airlift("UUMU", "UAAA", fleet, tonnes=tonnes, mog=mog + 1)
    assert more.tonnes_per_day >= a.tonnes_per_day - 1e-6
