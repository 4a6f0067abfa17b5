"""Air routing against independent geodesy (pyproj) and the closed airspace itself."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

import corridor
from corridor import airspace

GEOD = Geod(ellps="WGS84")
MOSCOW, YEREVAN = "55.75,37.62", "40.15,44.40"
MINSK, ALMATY = "53.90,27.56", "43.24,76.89"
WEST_OF_ARMENIA = ("GEO", "AZE", "TUR")


def _geodesic_km(a: str, b: str) -> float:
    (lat1, lon1), (lat2, lon2) = (map(float, p.split(",")) for p in (a, b))
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def _assert_no_intrusion(route: airspace.AirRoute, closed: set[str], caspian: str = "open") -> None:
    """Sample every 2 km along each geodesic leg; no sample may lie in closed airspace."""
    zones = corridor.load_airspace(caspian)  # type: ignore[arg-type]
    closed_area = shapely.union_all([zones.geometry[c] for c in closed])
    shapely.prepare(closed_area)
    samples = []
    for (x1, y1), (x2, y2) in zip(route.coords[:-1], route.coords[1:], strict=True):
        dist_km = GEOD.inv(x1, y1, x2, y2)[2] / 1000.0
        n = max(int(dist_km // 2.0), 1)
        samples.extend(GEOD.npts(x1, y1, x2, y2, n))
    pts = shapely.points(np.asarray(samples))
    assert not shapely.intersects(closed_area, pts).any()
    # and the polyline's length is what the route reports
    total = sum(
        GEOD.inv(x1, y1, x2, y2)[2] / 1000.0
        for (x1, y1), (x2, y2) in zip(route.coords[:-1], route.coords[1:], strict=True)
    )
    assert route.km == pytest.approx(total, rel=1e-9)


@pytest.mark.parametrize(("orig", "dest"), [(MOSCOW, YEREVAN), (MINSK, ALMATY)])
def test_unconstrained_route_is_the_geodesic(orig: str, dest: str) -> None:
    route = airspace.air_route(orig, dest)
    assert route.km == pytest.approx(_geodesic_km(orig, dest), rel=0.001)
    assert route.detour_pct == pytest.approx(0.0, abs=0.1)


def test_moscow_yerevan_around_georgia_azerbaijan_turkey() -> None:
    route = airspace.air_route(MOSCOW, YEREVAN, closed=WEST_OF_ARMENIA)
    assert "IRN" in route.airspaces and "INTL" in route.airspaces
    assert not set(WEST_OF_ARMENIA) & set(route.airspaces)
    assert route.km >= 1.4 * _geodesic_km(MOSCOW, YEREVAN)
    _assert_no_intrusion(route, set(WEST_OF_ARMENIA))
    # never over Nakhchivan: no sample of the route falls in Azerbaijan's exclave
    nakhchivan = shapely.box(44.7, 38.8, 46.2, 39.8)
    assert (
        not route.line(step_km=2.0)
        .intersection(nakhchivan)
        .intersects(corridor.load_borders().geometry["AZE"])
    )


def test_armenia_enclosed_when_iran_closes_too() -> None:
    closed = (*WEST_OF_ARMENIA, "IRN")
    with pytest.raises(corridor.NoRouteError) as info:
        airspace.air_route(MOSCOW, YEREVAN, closed=closed)
    for iso in ("AZE", "GEO", "IRN", "TUR"):
        assert iso in info.value.reason
    assert "enclosed" in info.value.reason


def test_partitioned_caspian_is_longer_and_uses_the_eastern_sectors() -> None:
    open_route = airspace.air_route(MOSCOW, YEREVAN, closed=WEST_OF_ARMENIA, caspian="open")
    parted = airspace.air_route(MOSCOW, YEREVAN, closed=WEST_OF_ARMENIA, caspian="partitioned")
    assert parted.km > open_route.km
    assert {"KAZ", "TKM"} & set(parted.airspaces)
    assert "INTL" not in parted.airspaces
    _assert_no_intrusion(parted, set(WEST_OF_ARMENIA), caspian="partitioned")


def test_minsk_almaty_avoids_russia_including_the_kerch_belt() -> None:
    route = airspace.air_route(MINSK, ALMATY, closed=("RUS",))
    assert "RUS" not in route.airspaces
    _assert_no_intrusion(route, {"RUS"})
    kerch = shapely.box(36.3, 45.0, 36.8, 45.5)
    belt = corridor.load_territorial_seas().geometry["RUS"].intersection(kerch)
    assert not route.line(step_km=1.0).intersects(belt)


def test_range_needs_a_stop_in_a_permitting_state_with_a_long_runway() -> None:
    route = airspace.air_route(MOSCOW, ALMATY, range_km=2000.0)
    assert len(route.stops) >= 1
    legs = [route.coords[0], *((s.lon, s.lat) for s in route.stops), route.coords[-1]]
    for stop in route.stops:
        assert stop.runway_m >= 2400
        assert corridor.country_at(stop.lon, stop.lat) == stop.country
    for (x1, y1), (x2, y2) in zip(legs[:-1], legs[1:], strict=True):
        assert GEOD.inv(x1, y1, x2, y2)[2] / 1000.0 <= 2000.0


def test_range_with_closures_stops_only_in_open_states() -> None:
    route = airspace.air_route(MOSCOW, ALMATY, range_km=2000.0, no_landing=("RUS",))
    assert all(s.country != "RUS" for s in route.stops)


def test_range_too_short_is_explained() -> None:
    with pytest.raises(corridor.NoRouteError, match="within a range of 100 km"):
        airspace.air_route(MOSCOW, ALMATY, range_km=100.0)


def test_dushanbe_almaty_chain_of_closures() -> None:
    via_kgz = airspace.air_route("UTDD", "UAAA", closed=("UZB",))
    assert "UZB" not in via_kgz.airspaces
    around = airspace.air_route("UTDD", "UAAA", closed=("UZB", "KGZ", "CHN"))
    assert "AFG" in around.airspaces and "TKM" in around.airspaces
    _assert_no_intrusion(around, {"UZB", "KGZ", "CHN"})
    with pytest.raises(corridor.NoRouteError) as info:
        airspace.air_route("UTDD", "UAAA", closed=("UZB", "KGZ", "CHN", "AFG"))
    assert all(iso in info.value.reason for iso in ("UZB", "KGZ", "CHN", "AFG"))


def test_origin_country_may_be_closed_for_its_own_leg() -> None:
    route = airspace.air_route("UUMU", "UAAA", closed=("RUS", "KAZ"))
    assert route.airspaces[0] == "RUS" and route.airspaces[-1] == "KAZ"


def test_sweep_matches_individual_queries() -> None:
    states = ["GEO", "AZE", "TUR", "IRN", "TKM"]
    swept = airspace.air_sweep(MOSCOW, YEREVAN, states)
    assert len(swept) == 32
    for subset in (frozenset(), frozenset({"GEO"}), frozenset(WEST_OF_ARMENIA), frozenset(states)):
        try:
            expected: float | None = airspace.air_route(MOSCOW, YEREVAN, closed=subset).km
        except corridor.NoRouteError:
            expected = None
        got = swept[subset]
        assert (got.km if got else None) == (pytest.approx(expected) if expected else None)


def test_unknown_places_and_codes() -> None:
    with pytest.raises(corridor.UnknownPlaceError, match="UDYZ"):
        airspace.air_route("UDYX", YEREVAN)
    with pytest.raises(corridor.UnknownPlaceError, match="unknown country code"):
        airspace.air_route(MOSCOW, YEREVAN, closed=("XXX",))
    with pytest.raises(corridor.RegionError):
        airspace.air_route("10.0,10.0", YEREVAN)
