"""Planning under scenarios, checked against geography and pyproj, not against itself."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from pyproj import Geod

import corridor
from corridor import network, routing
from corridor.scenario import load_scenario, make_scenario

GEOD = Geod(ellps="WGS84")


def ground(**kwargs: object) -> routing.Plan:
    scen = make_scenario(
        origins=["vladikavkaz"], destinations=["yerevan"], modes=["ground"], **kwargs
    )
    return routing.plan(scen)


def test_permissive_ground_route_uses_upper_lars_and_a_georgian_crossing() -> None:
    best = ground().pairs[0].best
    assert best is not None
    assert "x-upper-lars" in best.via
    net = network.load_network()
    crossings = [v for v in best.via if net.nodes.at[v, "kind"] == "crossing"]
    assert {
        frozenset({net.nodes.at[c, "country"], net.nodes.at[c, "country_b"]}) for c in crossings
    } == {
        frozenset({"RUS", "GEO"}),
        frozenset({"GEO", "ARM"}),
    }
    assert best.countries == ("RUS", "GEO", "ARM")
    # the road is longer than the geodesic, and the legs add up
    v, y = net.nodes.at["vladikavkaz", "geometry"], net.nodes.at["yerevan", "geometry"]
    assert best.km > GEOD.inv(v.x, v.y, y.x, y.y)[2] / 1000.0
    assert best.km == pytest.approx(sum(leg.km for leg in best.legs))


def test_georgia_hostile_goes_through_iran_and_enters_at_agarak() -> None:
    best = ground(stances={"GEO": "hostile"}).pairs[0].best
    assert best is not None
    assert "GEO" not in best.countries
    assert "IRN" in best.countries
    assert "x-agarak-norduz" in best.via


def test_georgia_and_azerbaijan_hostile_uses_the_caspian_or_the_kti_railway() -> None:
    best = ground(stances={"GEO": "hostile", "AZE": "hostile"}).pairs[0].best
    assert best is not None
    assert "x-agarak-norduz" in best.via
    # around the Caspian's east shore (road or the KTI railway) or across it
    east = {"KAZ", "TKM"} <= set(best.countries)
    water = bool({"ferry", "sea", "waterway"} & set(best.modes))
    assert east or water


def test_georgia_and_iran_hostile_no_ground_route_and_single_fixes() -> None:
    pair = ground(stances={"GEO": "hostile", "IRN": "hostile"}).pairs[0]
    assert not pair.feasible
    assert pair.why_not is not None
    assert ("GEO",) in pair.why_not.restore and ("IRN",) in pair.why_not.restore
    for fix, route in zip(pair.why_not.restore, pair.why_not.restored_routes, strict=True):
        assert set(fix) & set(route.countries)


def test_a_line_closed_to_one_traffic_class_is_named_in_the_why_not() -> None:
    # Azerbaijan's southern line has carried no passenger train since the COVID-19
    # suspension of 19 Mar 2020 (ADY; AzerNews 2020-04-22) but runs freight: no state
    # closes the way, so the explanation must name the links and what reopening them gives.
    def plan(traffic: str, date: str) -> routing.PairPlan:
        scen = make_scenario(
            origins=["alat"], destinations=["astara-az"], modes=["rail"], traffic=traffic,
            date=date,
        )  # fmt: skip
        return routing.plan(scen).pairs[0]

    assert plan("freight", "2025-06-01").feasible
    assert plan("passenger", "2019-06-01").feasible
    pair = plan("passenger", "2025-06-01")
    assert not pair.feasible and pair.why_not is not None
    assert pair.why_not.blocking == ()
    assert pair.why_not.restore == (("rl-alat-osmanli", "rl-osmanli-astara-az"),)
    assert "rl-alat-osmanli (closed for passenger traffic)" in pair.why_not.reason
    assert "on 2025-06-01" in pair.why_not.reason
    (route,) = pair.why_not.restored_routes
    assert {e for leg in route.legs for e in leg.edges} >= {"rl-alat-osmanli"}


def test_alternatives_are_genuinely_different() -> None:
    pair = ground().pairs[0]
    assert len(pair.routes) == 3
    signatures = {r.signature for r in pair.routes}
    assert len(signatures) == 3
    assert [r.rank for r in pair.routes] == [1, 2, 3]
    # ranked by the scenario's objective: hours (elapsed, daily rest included) by default,
    # km when asked for
    elapsed = [r.transit_hours for r in pair.routes]
    assert elapsed == sorted(elapsed)
    by_km = ground(objective="km").pairs[0].routes
    assert by_km[0].km <= by_km[1].km <= by_km[2].km


def test_kazakhstan_2022_every_contingent_has_an_air_route() -> None:
    result = routing.plan(load_scenario("kazakhstan-2022"))
    assert result.feasible
    assert {p.origin for p in result.pairs} >= {"UUMU", "UMLI", "UDYE", "UTDD", "UAFW"}
    for pair in result.pairs:
        assert pair.best is not None and pair.best.modes == ("air",)


def _chkalovsky_almaty(**closures: object) -> routing.Route:
    scen = load_scenario("kazakhstan-2022").replace(
        origins=["UUMU"], destinations=["UAAA"], **closures
    )
    best = routing.plan(scen).pairs[0].best
    assert best is not None
    return best


def test_chkalovsky_almaty_over_russia_and_kazakhstan_on_the_geodesic() -> None:
    best = _chkalovsky_almaty()
    air = next(leg for leg in best.legs if leg.mode == "air")
    assert air.countries == ("RUS", "KAZ")
    a, b = network.find_place("UUMU"), network.find_place("UAAA")
    assert air.km == pytest.approx(GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2] / 1000.0, rel=0.01)
    closed = _chkalovsky_almaty(stances={c: "hostile" for c in ("GEO", "AZE", "TUR", "UZB")})
    assert closed.km == pytest.approx(best.km)


def _dushanbe_almaty(*closed: str) -> routing.PairPlan:
    scen = make_scenario(
        origins=["UTDD"],
        destinations=["UAAA"],
        modes=["air"],
        stances={c: "hostile" for c in closed},
    )
    return routing.plan(scen).pairs[0]


def test_dushanbe_almaty_by_air_under_closures() -> None:
    via_kgz = _dushanbe_almaty("UZB").best
    assert via_kgz is not None and "KGZ" in via_kgz.countries and "UZB" not in via_kgz.countries
    around = _dushanbe_almaty("UZB", "KGZ", "CHN").best
    assert around is not None and {"AFG", "TKM"} <= set(around.countries)
    enclosed = _dushanbe_almaty("UZB", "KGZ", "CHN", "AFG")
    assert not enclosed.feasible and enclosed.why_not is not None
    for iso in ("UZB", "KGZ", "CHN", "AFG"):
        assert iso in enclosed.why_not.reason


def test_armenia_isolated_has_no_route_and_names_the_four_neighbours() -> None:
    result = routing.plan(load_scenario("armenia-isolated"))
    assert not result.feasible
    for pair in result.pairs:
        assert pair.why_not is not None
        assert set(pair.why_not.blocking[:4]) == {"AZE", "GEO", "IRN", "TUR"}


def test_armenia_2020_uses_iran_and_flags_it_conditional() -> None:
    result = routing.plan(load_scenario("armenia-2020"))
    assert result.feasible
    for route in result.routes:
        assert not {"GEO", "AZE", "TUR"} & set(route.countries)
    best = next(p.best for p in result.pairs if p.origin == "UUMU" and p.destination == "yerevan")
    assert best is not None and "IRN" in best.conditional


def test_conditional_delay_applies_with_the_hours_objective() -> None:
    free = ground(stances={"GEO": "hostile"}, objective="hours").pairs[0].best
    flagged = (
        ground(stances={"GEO": "hostile", "IRN": "conditional"}, objective="hours").pairs[0].best
    )
    assert free is not None and flagged is not None
    assert "IRN" in flagged.conditional
    assert flagged.hours >= free.hours + 6.0 - 1e-6


def test_closed_crossing_is_never_used() -> None:
    best = ground(closed_nodes=["x-upper-lars"]).pairs[0].best
    assert best is not None and "x-upper-lars" not in best.via


def test_plan_json_contract() -> None:
    data = json.loads(json.dumps(ground().to_dict()))
    assert data["feasible"] is True and data["why_not"] is None
    route = data["routes"][0]
    assert {"rank", "origin", "destination", "km", "hours", "modes", "countries", "legs"} <= set(
        route
    )
    leg = route["legs"][0]
    assert {"mode", "from", "to", "km", "hours", "countries", "via", "geometry"} <= set(leg)
    assert leg["geometry"]["type"] == "LineString"


def test_bad_scenarios() -> None:
    with pytest.raises(corridor.ScenarioError, match="at least one origin"):
        routing.plan(make_scenario(destinations=["yerevan"]))
    with pytest.raises(corridor.ScenarioError, match="unknown place 'atlantis'"):
        routing.plan(make_scenario(origins=["atlantis"], destinations=["yerevan"]))
    with pytest.raises(corridor.ScenarioError, match="same place"):
        routing.plan(make_scenario(origins=["yerevan"], destinations=["Yerevan"]))


# ----------------------------------------------------------------------------- scenarios


def test_scenario_files_load_and_validate(tmp_path: Path) -> None:
    scen = load_scenario("armenia-2020")
    assert scen.stance("GEO", "overflight").value == "hostile"
    assert scen.stance("IRN", "road").value == "conditional"
    assert scen.stance("KAZ", "rail").value == "permissive"
    bad = tmp_path / "bad.toml"
    bad.write_text('origins = ["yerevan"\n')
    with pytest.raises(corridor.ScenarioError, match=r"bad\.toml: malformed TOML"):
        load_scenario(bad)
    bad.write_text('[stances]\nARN = "hostile"\n')
    with pytest.raises(
        corridor.ScenarioError,
        match=r"bad\.toml: stances\.ARN: unknown country code 'ARN'; did you mean: .*ARM",
    ):
        load_scenario(bad)
    bad.write_text('[stances]\nARM = "friendly"\n')
    with pytest.raises(
        corridor.ScenarioError, match="unknown stance 'friendly'; valid: permissive"
    ):
        load_scenario(bad)
    bad.write_text('k = "three"\n')
    with pytest.raises(corridor.ScenarioError, match="k: expected a whole number"):
        load_scenario(bad)
    bad.write_text('orgins = ["yerevan"]\n')
    with pytest.raises(corridor.ScenarioError, match="did you mean: origins"):
        load_scenario(bad)


def test_per_mode_overrides_and_territories() -> None:
    scen = make_scenario(
        stances={"GEO": {"default": "hostile", "overflight": "permissive"}, "abk": "hostile"}
    )
    assert scen.stance("GEO", "road").value == "hostile"
    assert scen.stance("GEO", "overflight").value == "permissive"
    assert scen.stance("ABK", "road").value == "hostile"


def test_published_schema_matches_the_loader() -> None:
    from corridor._resources import schema_path
    from corridor.scenario import scenario_schema

    schema = scenario_schema()
    shipped = json.loads(schema_path().read_text())
    assert shipped == schema
    import dataclasses

    from corridor.scenario import Scenario

    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(Scenario)}


def test_osm_refinement_feeds_routing_and_osm_closures_close_legs() -> None:
    from pathlib import Path

    from corridor import osm

    net = network.load_network()
    roads = osm.load_roads(Path(__file__).parent / "data" / "osm" / "pass.osm")
    scen = make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"], k=1)
    leg = "r-x-upper-lars-stepantsminda"
    refined = osm.refine(net.edges.reset_index(), roads, max_snap_km=5.0)
    assert leg in refined.refined
    real_km = GEOD.geometry_length(refined.routes[leg].geometry) / 1000.0  # independent length
    net_refined = network.refined_network(net, refined)
    assert net_refined.edges.at[leg, "km"] == pytest.approx(real_km, rel=0.01)
    assert net.edges.at[leg, "km"] != pytest.approx(real_km, rel=0.01)  # the input is untouched
    before = routing.plan(scen, network=net).pairs[0].best
    after = routing.plan(scen, network=net_refined).pairs[0].best
    assert before is not None and after is not None
    assert after.km - before.km == pytest.approx(real_km - net.edges.at[leg, "km"], abs=0.01)
    # closing the border post (OSM node 20) cuts the leg: the route leaves Upper Lars behind.
    # (Not the pass, node 10: since x-upper-lars sits at the Verkhny Lars checkpoint, the leg
    # starts north of the Valley Road junction, and the detour bypasses the pass.)
    cut = osm.refine(net.edges.reset_index(), roads, max_snap_km=5.0, closed_nodes=[20])
    net_cut = network.refined_network(net, cut)
    assert net_cut.edges.at[leg, "status"] == "closed"
    detour = routing.plan(scen, network=net_cut).pairs[0].best
    assert detour is not None and "x-upper-lars" not in detour.via
    # the same through the scenario: closed_osm_nodes
    via_scenario = routing.plan(scen.replace(closed_osm_nodes=[20]), roads=roads, snap_km=5.0)
    assert via_scenario.pairs[0].best is not None
    assert via_scenario.pairs[0].best.km == pytest.approx(detour.km)


def test_range_stops_respect_closures_even_in_the_origin_country() -> None:
    scen = make_scenario(
        origins=["UUMU"],
        destinations=["UAAA"],
        modes=["air"],
        closed_airspace=["RUS"],
        range_km=3000,
        k=1,
    )
    best = routing.plan(scen).pairs[0].best
    assert best is not None
    stops = best.legs[0].via[1:-1]
    assert stops, "3,090 km with a 3,000 km range needs a stop"
    net = network.load_network()
    assert all(net.nodes.at[s, "country"] != "RUS" for s in stops)


def test_alternatives_are_not_near_copies_of_each_other() -> None:
    scen = make_scenario(
        origins=["UMLI"], destinations=["UAAA"], modes=["air"], stances={"RUS": "hostile"}
    )
    routes = routing.plan(scen).pairs[0].routes
    for a, b in itertools.combinations(routes, 2):
        assert a.via != b.via or abs(a.km - b.km) > 0.01 * min(a.km, b.km)


def test_a_ban_dodged_by_the_next_port_still_finds_a_different_route() -> None:
    """Banning one Caspian port only moves the load to the next one on the same sea.

    Such a twin (same transit states and crossings) is no alternative; the search bans its
    port too and reaches a route that is genuinely different, here one round the Caspian.
    """
    scen = make_scenario(
        origins=["vladikavkaz"], destinations=["yerevan"], k=2, traffic="freight",
        stances={"GEO": "hostile", "AZE": "hostile", "TUR": "hostile"},
    )  # fmt: skip
    routes = routing.plan(scen, explain=False).pairs[0].routes
    assert len(routes) == 2
    best, other = routes
    assert any(v.startswith("port-") for v in best.via)  # across the Caspian
    assert best.signature != other.signature
    assert set(other.countries) - set(best.countries)  # other transit states
