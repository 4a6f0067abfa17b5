"""Exact air legs (issue 13, goal 2): close to independent optima, never in closed airspace."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from corridor import _airexact, airspace, borders, geo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from air_reference import reference_route

WGS84 = Geod(ellps="WGS84")
CAUCASUS = ("GEO", "AZE", "TUR")


def _geod_km(coords: tuple[tuple[float, float], ...]) -> float:
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return float(WGS84.line_length(lons, lats)) / 1000.0


@pytest.mark.parametrize(
    ("orig", "dest", "closed"),
    [("URMF", "UDYZ", CAUCASUS), ("URMF", "UDYZ", ("GEO", "TUR")), ("URMM", "UDSG", CAUCASUS)],
)
def test_route_within_0_3_percent_of_the_independent_reference(
    orig: str, dest: str, closed: tuple[str, ...]
) -> None:
    route = airspace.air_route(orig, dest, closed=closed)
    o, d = airspace._resolve(orig), airspace._resolve(dest)
    ref = reference_route((o.lon, o.lat), (d.lon, d.lat), set(closed), upper_km=1.02 * route.km)
    assert ref is not None
    # the reference bends around the same zones, so it really is a detour
    assert ref.km > _geod_km(((o.lon, o.lat), (d.lon, d.lat))) + 50
    assert abs(route.km / ref.km - 1) <= 0.003
    # the reported length is the pyproj geodesic length of the reported turning points
    assert route.km == pytest.approx(_geod_km(route.coords), rel=1e-9)


def test_meghri_corridor_stays_open_and_the_route_uses_it() -> None:
    route = airspace.air_route("URMF", "UDYZ", closed=CAUCASUS)
    assert route.airspaces == ("RUS", "INTL", "IRN", "ARM")


@pytest.mark.parametrize(
    ("orig", "dest", "closed", "caspian"),
    [
        ("URMF", "UDYE", CAUCASUS, "open"),
        ("UUMU", "UDSG", CAUCASUS, "partitioned"),
        ("UMMS", "UAAA", ("RUS",), "open"),
        ("URMF", "UAAA", ("UZB", "TKM", "KGZ"), "open"),
    ],
)
def test_refined_route_never_enters_closed_airspace(
    orig: str, dest: str, closed: tuple[str, ...], caspian: borders.CaspianRule
) -> None:
    route = airspace.air_route(orig, dest, closed=closed, caspian=caspian)
    assert route.closed == frozenset(closed)
    zones = borders.load_airspace(caspian)
    for (x1, y1), (x2, y2) in zip(route.coords[:-1], route.coords[1:], strict=True):
        n = max(int(geo.distance_km(x1, y1, x2, y2) / 0.25), 1)  # every 250 m
        line = WGS84.inv_intermediate(
            x1, y1, x2, y2, npts=n, initial_idx=0, terminus_idx=0, return_back_azimuth=True
        )
        pts = shapely.points(np.asarray(line.lons), np.asarray(line.lats))
        for state in closed:
            assert not shapely.intersects(zones.geometry[state], pts).any(), state


def test_refinement_shortens_and_never_lengthens(monkeypatch: pytest.MonkeyPatch) -> None:
    tight = airspace.air_route("URMF", "UDYZ", closed=CAUCASUS)
    monkeypatch.setattr(_airexact, "refine", lambda *args: None)
    coarse = airspace.air_route("URMF", "UDYZ", closed=CAUCASUS)
    assert tight.km < coarse.km
    assert coarse.km - tight.km > 5.0  # the coarse path bends several km out


def test_astar_around_one_convex_obstacle_matches_tangents_plus_arc() -> None:
    """Analytic optimum: two tangent segments and the arc between them (planar)."""
    graph = airspace.build_air_graph()
    back = geo._transformer(graph.crs, airspace._wgs84())
    r, half = 100_000.0, 300_000.0  # obstacle radius and half the end-point distance, m
    ring = shapely.Point(0.0, 0.0).buffer(r, quad_segs=256)
    xy, _, prev, nxt = airspace._convex_vertices([ring])
    lonlat = np.column_stack(back.transform(xy[:, 0], xy[:, 1]))
    o_xy, d_xy = np.array([-half, 0.0]), np.array([half, 0.0])
    ends = [tuple(map(float, back.transform(*p))) for p in (o_xy, d_xy)]
    area = shapely.box(-2 * half, -2 * half, 2 * half, 2 * half)
    shrunk = shapely.buffer(ring, -1.0)
    shapely.prepare(shrunk)
    found = _airexact._astar(xy, prev, nxt, lonlat, (o_xy, d_xy), ends, [shrunk], area)
    assert found is not None and len(found) >= 2
    fwd = geo._transformer(airspace._wgs84(), graph.crs)
    pts = np.array([fwd.transform(*p) for p in [ends[0], *found, ends[1]]])
    planar = float(np.hypot(*np.diff(pts, axis=0).T).sum())
    tangent = math.sqrt(half**2 - r**2)
    arc = r * (math.pi - 2 * math.acos(r / half))
    assert planar == pytest.approx(2 * tangent + arc, rel=5e-4)
    assert not shapely.intersects(shrunk, shapely.LineString(pts))
