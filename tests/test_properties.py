"""Property-based tests (hypothesis): what must hold for every closure set and every place.

For random sets of closed (hostile) states, random origin/destination cities of the
shipped network and ground or air mode:

* every returned route avoids every closed state that is not the origin's or the
  destination's own: each leg's geometry, densified along the geodesic every 5 km,
  is checked against independent shapes: Natural Earth land (the borders file)
  for ground legs, eroded by a few km so that a line touching a border at a
  crossing is not an intrusion; territorial airspace (land plus 12 nm) for air
  legs, eroded by 2 km for the precision of the written geometry;
* for a pair without a route, every restore set of its why-not really restores:
  re-planned with those states permissive, the pair has a route;
* every GeoJSON output is RFC 7946-valid.

The runs are derandomized and keep no example database, so CI sees the same cases
every time; ``max_examples`` keeps the file well under a minute on two cores.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from rfc7946 import assert_valid
from shapely.geometry.base import BaseGeometry

from corridor import borders, export, geo
from corridor.network import load_network
from corridor.routing import Leg, Plan, plan
from corridor.scenario import Scenario, make_scenario

WGS84 = Geod(ellps="WGS84")
STEP_KM = 5.0
#: Ground legs may run this close to (or this far into) a closed state's land at a border.
GROUND_TOLERANCE_KM = 5.0
#: Air legs may touch closed airspace within this distance (written precision, corners).
AIR_TOLERANCE_KM = 2.0
GROUND_LEG_MODES = ("road", "rail", "ferry", "waterway", "sea")

_NET = load_network()
CITIES = sorted(str(n) for n in _NET.nodes.index[_NET.nodes["kind"] == "city"])
#: Air-only plans start and end at airports (a city needs a ground leg to reach one).
AIRPORTS = sorted(str(n) for n in _NET.nodes.index[_NET.nodes["kind"] == "airport"])
#: Candidate closures: the states the network's cities and airports lie in.
STATES = sorted({str(c) for c in _NET.nodes["country"] if c} & set(borders.load_borders().index))

#: Ground plans take ~0.1 s; air plans ~0.5 s after the one-time air graph build (~15 s).
GROUND_EXAMPLES = 30
AIR_EXAMPLES = 12
PROFILE = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@lru_cache(maxsize=256)
def _core(kind: str, code: str, tolerance_km: float) -> BaseGeometry:
    """A state's land (``kind="land"``) or airspace shrunk by ``tolerance_km``."""
    if kind == "land":
        shape = borders.load_borders().geometry[code]
    else:
        shape = borders.load_airspace("open").geometry[code]
    c = shape.centroid
    local = geo.aeqd_crs(c.x, c.y)
    shrunk = geo.to_crs(shape, "EPSG:4326", local).buffer(-tolerance_km * 1000.0)
    core = geo.to_crs(shrunk, local, "EPSG:4326")
    shapely.prepare(core)
    return core


def _densified(line: BaseGeometry) -> np.ndarray:
    """Points along each segment's geodesic, at most ``STEP_KM`` apart."""
    xy = shapely.get_coordinates(line)
    out = [xy[:1]]
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
        _, _, dist = WGS84.inv(x0, y0, x1, y1)
        n = math.ceil(dist / 1000.0 / STEP_KM)
        if n > 1:
            out.append(np.asarray(WGS84.npts(x0, y0, x1, y1, n - 1)))
        out.append(np.asarray([[x1, y1]]))
    return np.vstack(out)


def _intrusions(leg: Leg, closed: set[str]) -> list[str]:
    """Closed states whose (shrunk) land or airspace a leg's densified geometry enters."""
    if leg.mode == "transfer" or leg.geometry.is_empty:
        return []
    kind, tol = ("air", AIR_TOLERANCE_KM) if leg.mode == "air" else ("land", GROUND_TOLERANCE_KM)
    pts = shapely.points(_densified(leg.geometry))
    found = []
    for code in sorted(closed):
        core = _core(kind, code, tol)
        if not core.is_empty and shapely.intersects(core, pts).any():
            found.append(code)
    return found


def _scenario(origin: str, destination: str, closed: frozenset[str], mode: str) -> Scenario:
    return make_scenario(
        name="property",
        origins=[origin],
        destinations=[destination],
        stances={c: "hostile" for c in sorted(closed)},
        modes=mode,
        k=2,
    )


def _check_geojson(result: Plan) -> None:
    assert_valid(json.loads(json.dumps(export.plan_to_geojson(result), allow_nan=False)))
    assert_valid(json.loads(export._dumps(export._frame_geojson(result.to_gdf(), result))))


def _own(origin: str, destination: str) -> set[str]:
    return {str(_NET.nodes.at[n, "country"]) for n in (origin, destination)}


@st.composite
def _case(
    draw: st.DrawFn, places: list[str], destinations: list[str], *, open_near: int
) -> tuple[list[str], frozenset[str]]:
    """Two places, and closures biased toward the destination's neighbours (so some cut).

    At most ``open_near`` of the destination country's neighbours stay open.
    """
    dest = draw(st.sampled_from(destinations))
    origin = draw(st.sampled_from(places).filter(lambda p: p != dest))
    around = sorted(borders.neighbours(str(_NET.nodes.at[dest, "country"])) & set(STATES))
    least = max(0, len(around) - open_near)
    near = draw(st.frozensets(st.sampled_from(around), min_size=least)) if around else frozenset()
    anywhere = draw(st.frozensets(st.sampled_from(STATES), max_size=3))
    return [origin, dest], near | anywhere


def _cases(places: list[str]) -> st.SearchStrategy[tuple[list[str], frozenset[str]]]:
    if places is CITIES:
        return _case(places, places, open_near=99)
    # air: half the destinations in Armenia, whose four neighbours can cut its airspace
    armenian = [a for a in places if _NET.nodes.at[a, "country"] == "ARM"]
    return st.one_of(_case(places, places, open_near=99), _case(places, armenian, open_near=1))


def _check(pair: list[str], closed: frozenset[str], mode: str) -> str:
    """Plan one case, check every property; return a label for hypothesis' statistics."""
    origin, destination = pair
    result = plan(_scenario(origin, destination, closed, mode))
    _check_geojson(result)
    forbidden = set(closed) - _own(origin, destination)
    (pp,) = result.pairs
    for route in pp.routes:
        for leg in route.legs:
            assert leg.mode == "transfer" or leg.mode in (
                ("air",) if mode == "air" else GROUND_LEG_MODES
            )
            assert not set(leg.countries) & forbidden, (leg.mode, leg.orig, leg.dest)
            hit = _intrusions(leg, forbidden)
            assert not hit, f"{leg.mode} leg {leg.orig} -> {leg.dest} enters {hit}"
    if pp.feasible:
        return f"{mode}: {len(pp.routes)} route(s) checked"
    assert pp.why_not is not None
    checked = 0
    for restore in pp.why_not.restore:
        states = set(restore) & set(STATES)
        if states != set(restore):  # a closed facility (node id) cannot be re-opened by stance
            continue
        fixed = plan(_scenario(origin, destination, closed - frozenset(states), mode))
        assert fixed.feasible, f"restoring {restore} did not restore {origin} -> {destination}"
        checked += 1
    return f"{mode}: no route, {checked} restore set(s) re-planned"


@settings(PROFILE, max_examples=GROUND_EXAMPLES)
@given(_cases(CITIES))
def test_ground_routes_avoid_closed_states(case: tuple[list[str], frozenset[str]]) -> None:
    event(_check(case[0], case[1], "ground"))


@settings(PROFILE, max_examples=AIR_EXAMPLES)
@given(_cases(AIRPORTS))
def test_air_routes_avoid_closed_airspace(case: tuple[list[str], frozenset[str]]) -> None:
    event(_check(case[0], case[1], "air"))


# ------------------------------------------------------------------ the checker itself


def test_intrusion_check_catches_a_crossing_and_allows_a_border_touch() -> None:
    """Control: the geometric check is not vacuous."""
    through_armenia = Leg(
        "road", "a", "b", 0.0, 0.0, (), (), shapely.LineString([(43.5, 40.9), (46.0, 39.3)])
    )
    assert _intrusions(through_armenia, {"ARM"}) == ["ARM"]
    assert _intrusions(through_armenia, {"KAZ"}) == []
    # along Georgia's side of Upper Lars (the GEO-RUS crossing), within the tolerance
    at_border = Leg(
        "road", "a", "b", 0.0, 0.0, (), (), shapely.LineString([(44.64, 42.70), (44.63, 42.74)])
    )
    assert _intrusions(at_border, {"RUS"}) == []
    air = Leg("air", "a", "b", 0.0, 0.0, (), (), shapely.LineString([(44.0, 42.0), (44.0, 42.5)]))
    assert _intrusions(air, {"GEO"}) == ["GEO"]


@pytest.mark.parametrize("mode", ["ground", "air"])
def test_known_cut_and_restore(mode: str) -> None:
    """A fixed case: Armenia with every neighbour hostile has no route, and restores work."""
    closed = frozenset({"GEO", "AZE", "TUR", "IRN"})
    pair = ["vladikavkaz", "yerevan"] if mode == "ground" else ["URMO", "UDYZ"]
    result = plan(_scenario(*pair, closed, mode))
    assert not result.feasible
    (pp,) = result.pairs
    assert pp.why_not is not None and {"GEO"} in [set(r) for r in pp.why_not.restore]
    _check(pair, closed, mode)
