"""Geodesic helpers against independent references."""

from __future__ import annotations

import math

import pytest
import shapely

from corridor import geo


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    r = 6371.0088  # mean Earth radius (IUGG)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def test_distance_agrees_with_spherical_formula_within_half_percent() -> None:
    # Moscow -> Yerevan; the sphere differs from the ellipsoid by well under 0.5%
    ellipsoid = float(geo.distance_km(37.62, 55.75, 44.40, 40.15))
    sphere = _haversine_km(37.62, 55.75, 44.40, 40.15)
    assert ellipsoid == pytest.approx(sphere, rel=0.005)
    assert 1790 < ellipsoid < 1820


def test_one_degree_of_latitude_at_the_equator() -> None:
    # 110.574 km per degree of latitude at the equator on WGS84 (standard table value)
    assert float(geo.distance_km(0.0, 0.0, 0.0, 1.0)) == pytest.approx(110.574, abs=0.01)


def test_geodesic_line_is_dense_and_has_the_geodesic_length() -> None:
    line = geo.geodesic_line(27.56, 53.90, 76.89, 43.24, step_km=5.0)
    total = float(geo.distance_km(27.56, 53.90, 76.89, 43.24))
    assert geo.line_length_km(line) == pytest.approx(total, rel=1e-6)
    coords = shapely.get_coordinates(line)
    steps = geo.distance_km(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    assert steps.max() <= 5.0 + 1e-6
    assert tuple(coords[0]) == (27.56, 53.90)
    assert tuple(coords[-1]) == (76.89, 43.24)


def test_geodesic_line_rejects_bad_step() -> None:
    with pytest.raises(ValueError, match="positive"):
        geo.geodesic_line(0, 0, 1, 1, step_km=0)


def test_gnomonic_maps_great_circles_to_straight_lines() -> None:
    crs = geo.gnomonic_crs(50.0, 45.0)
    line = geo.geodesic_line(37.62, 55.75, 76.89, 43.24, step_km=50.0)
    projected = geo.to_crs(line, "EPSG:4326", crs)
    coords = shapely.get_coordinates(projected)
    chord = shapely.LineString([coords[0], coords[-1]])
    # on the sphere every intermediate point is on the chord; the ellipsoid bends it by < 1 km
    assert max(chord.distance(shapely.Point(p)) for p in coords) < 1000.0


def test_aeqd_preserves_distance_from_centre() -> None:
    crs = geo.aeqd_crs(44.40, 40.15)
    moscow = geo.to_crs(shapely.Point(37.62, 55.75), "EPSG:4326", crs)
    expected_m = float(geo.distance_km(44.40, 40.15, 37.62, 55.75)) * 1000
    assert math.hypot(moscow.x, moscow.y) == pytest.approx(expected_m, rel=1e-4)
