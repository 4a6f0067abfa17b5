"""Geography layer against independent facts (known places, known borders, pyproj)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import shapely
from pyproj import Geod

import corridor
from corridor import borders

GEOD = Geod(ellps="WGS84")
CASPIAN_LITTORAL = {"RUS", "KAZ", "TKM", "IRN", "AZE"}


@pytest.mark.parametrize(
    ("lat", "lon", "iso3"),
    [
        (39.20, 45.40, "AZE"),  # Nakhchivan exclave
        (38.90, 46.24, "ARM"),  # Meghri
        (40.18, 44.51, "ARM"),  # Yerevan
        (40.79, 43.85, "ARM"),  # Gyumri
        (41.72, 44.79, "GEO"),  # Tbilisi
        (43.24, 76.89, "KAZ"),  # Almaty
        (45.62, 63.31, "KAZ"),  # Baikonur
        (53.90, 27.56, "BLR"),  # Minsk
    ],
)
def test_country_at_known_places(lat: float, lon: float, iso3: str) -> None:
    assert corridor.country_at(lon, lat) == iso3


def test_country_at_sea_is_none() -> None:
    assert corridor.country_at(34.0, 43.0) is None


def test_neighbours_of_the_two_theatres() -> None:
    assert corridor.neighbours("ARM") == {"AZE", "GEO", "IRN", "TUR"}
    assert corridor.neighbours("KAZ") == {"CHN", "KGZ", "RUS", "TKM", "UZB"}
    assert "ARM" in corridor.neighbours("irn")  # case-insensitive


def test_nakhchivan_is_separate_from_azerbaijan_proper() -> None:
    aze = corridor.load_borders().geometry["AZE"]
    parts = sorted(shapely.get_parts(aze), key=lambda p: -p.area)
    nakhchivan = [p for p in parts if p.contains(shapely.Point(45.40, 39.20))]
    assert len(nakhchivan) == 1
    assert not nakhchivan[0].contains(shapely.Point(49.87, 40.41))  # Baku elsewhere
    assert nakhchivan[0] is not parts[0]  # the exclave is not Azerbaijan proper ...
    assert not nakhchivan[0].intersects(parts[0])  # ... and does not touch it


def test_border_lengths_are_geodesic_and_plausible() -> None:
    assert 35.0 <= corridor.border_length_km("ARM", "IRN") <= 45.0
    assert 150.0 <= corridor.border_length_km("ARM", "GEO") <= 250.0
    # the shared line really is a line on both polygons' boundaries
    line = corridor.shared_border("ARM", "IRN")
    assert line.geom_type in ("LineString", "MultiLineString")
    assert corridor.border_length_km("ARM", "KAZ") == 0.0


def _offshore(lat: float, lon: float, azimuth: float, km: float) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, km * 1000.0)
    return float(lon2), float(lat2)


def test_territorial_sea_off_batumi_is_georgian() -> None:
    lon, lat = _offshore(41.6417, 41.6367, 270.0, 10.0)  # 10 km west of Batumi
    assert corridor.country_at(lon, lat) is None  # at sea ...
    assert corridor.airspace_at(lon, lat) == "GEO"  # ... inside Georgia's 12 nm belt


def test_territorial_sea_off_sochi_is_russian() -> None:
    lon, lat = _offshore(43.5855, 39.7303, 225.0, 5.0)  # 5 km off Sochi
    assert corridor.country_at(lon, lat) is None
    assert corridor.airspace_at(lon, lat) == "RUS"


def test_beyond_twelve_miles_is_international() -> None:
    assert corridor.airspace_at(34.0, 43.0) == "INTL"  # mid Black Sea
    lon, lat = _offshore(41.6417, 41.6367, 270.0, 40.0)  # 40 km off Batumi
    assert corridor.airspace_at(lon, lat) == "INTL"


@functools.lru_cache(maxsize=1)
def _land() -> shapely.Geometry:
    return shapely.union_all(corridor.load_borders().geometry.values)


def _distance_to_land_km(lon: float, lat: float) -> float:
    """Exact geodesic distance to land, in an azimuthal projection centred on the point."""
    from corridor import geo

    nearby = shapely.intersection(_land(), shapely.box(lon - 1.5, lat - 1.0, lon + 1.5, lat + 1.0))
    projected = geo.to_crs(shapely.segmentize(nearby, 0.005), "EPSG:4326", geo.aeqd_crs(lon, lat))
    return float(projected.distance(shapely.Point(0.0, 0.0))) / 1000.0


@pytest.mark.parametrize(("lon0", "lat0"), [(41.3, 41.9), (39.2, 43.7), (36.2, 41.6), (50.2, 40.6)])
def test_belt_width_is_twelve_nautical_miles(lon0: float, lat0: float) -> None:
    # Sea points around Batumi, Sochi, Samsun and Baku: inside 21.7 km of land they are
    # territorial, beyond 22.8 km international (independent distance, 2% tolerance).
    checked = {"territorial": 0, "intl": 0}
    for dx in (-0.4, -0.2, 0.0, 0.2, 0.4):
        for dy in (-0.3, -0.15, 0.0, 0.15, 0.3):
            lon, lat = lon0 + dx, lat0 + dy
            if corridor.country_at(lon, lat) is not None:
                continue
            d_km = _distance_to_land_km(lon, lat)
            zone = corridor.airspace_at(lon, lat)
            if d_km < 21.7:
                assert zone != "INTL", (lon, lat, d_km)
                checked["territorial"] += 1
            elif d_km > 22.8:
                assert zone == "INTL", (lon, lat, d_km, zone)
                checked["intl"] += 1
    assert checked["territorial"] >= 3 and checked["intl"] >= 1, checked


def test_caspian_rules() -> None:
    assert corridor.airspace_at(50.5, 42.0, caspian="open") == "INTL"
    owner = corridor.airspace_at(50.5, 42.0, caspian="partitioned")
    assert owner in CASPIAN_LITTORAL
    zones = corridor.load_airspace("partitioned")
    containing = [z for z, g in zones.geometry.items() if g.covers(shapely.Point(50.5, 42.0))]
    assert containing == [owner]
    # The Black Sea does not change with the Caspian rule.
    assert corridor.airspace_at(34.0, 43.0, caspian="partitioned") == "INTL"


def test_partitioned_caspian_has_no_international_airspace() -> None:
    intl = corridor.load_airspace("partitioned").geometry["INTL"]
    caspian = corridor.load_sea_zones().geometry["caspian"]
    leftover_km2 = abs(GEOD.geometry_area_perimeter(shapely.intersection(intl, caspian))[0]) / 1e6
    assert leftover_km2 < 1.0


def test_georgian_and_russian_belts_do_not_overlap_at_the_psou() -> None:
    seas = corridor.load_territorial_seas()
    overlap = shapely.intersection(seas.geometry["GEO"], seas.geometry["RUS"])
    assert abs(GEOD.geometry_area_perimeter(overlap)[0]) / 1e6 < 0.01
    # both belts reach the sea off the Psou mouth (43.39 N, 39.99 E)
    near_psou = shapely.Point(39.99, 43.39).buffer(0.3)
    assert seas.geometry["GEO"].intersects(near_psou)
    assert seas.geometry["RUS"].intersects(near_psou)


def test_kerch_strait_is_covered_by_territorial_seas() -> None:
    # mid-strait (45.30 N, 36.55 E): no international gap through the Kerch Strait
    assert corridor.airspace_at(36.55, 45.30) in {"RUS", "UKR"}


def test_airspace_zones_cover_land_and_are_valid() -> None:
    airspace = corridor.load_airspace()
    assert airspace.crs.to_epsg() == 4326
    assert set(airspace.geom_type) <= {"Polygon", "MultiPolygon"}
    assert airspace.geometry.is_valid.all()
    assert "INTL" in airspace.index
    assert corridor.airspace_at(44.51, 40.18) == "ARM"


def test_locate_airspace_vectorised_matches_scalar() -> None:
    lons, lats = [44.51, 34.0, 50.5, 41.5], [40.18, 43.0, 42.0, 41.64]
    many = list(corridor.locate_airspace(lons, lats))
    assert many == [corridor.airspace_at(x, y) for x, y in zip(lons, lats, strict=True)]


def test_points_outside_the_region_are_refused() -> None:
    with pytest.raises(corridor.RegionError, match="outside the modelled region"):
        corridor.airspace_at(10.0, 10.0)


def test_unknown_caspian_rule() -> None:
    with pytest.raises(ValueError, match="open, partitioned"):
        corridor.load_airspace("shared")  # type: ignore[arg-type]


def test_unknown_country_lists_close_matches() -> None:
    with pytest.raises(corridor.UnknownPlaceError) as info:
        corridor.neighbours("ARN")
    assert "ARM" in str(info.value)
    assert isinstance(info.value, KeyError)


# ----------------------------------------------------------------------------- bad data


def _write(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _square(code: str, x: float = 0.0) -> dict[str, object]:
    ring = [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]
    return {
        "type": "Feature",
        "properties": {"iso3": code, "name": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_missing_borders_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.geojson"
    with pytest.raises(corridor.DataError, match=r"nope\.geojson"):
        corridor.load_borders(missing)


def test_corrupt_borders_file_names_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(corridor.DataError, match=r"bad\.geojson"):
        corridor.load_borders(bad)


def test_invalid_geometry_is_refused(tmp_path: Path) -> None:
    bowtie = _square("AAA")
    bowtie["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
    }
    path = _write(tmp_path / "bowtie.geojson", [bowtie, _square("BBB", 2)])
    with pytest.raises(corridor.DataError, match="invalid geometry for \\['AAA'\\]"):
        corridor.load_borders(path)


def test_duplicate_codes_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "dupes.geojson", [_square("AAA"), _square("AAA", 2)])
    with pytest.raises(corridor.DataError, match="duplicate iso3"):
        corridor.load_borders(path)


def test_missing_column_is_refused(tmp_path: Path) -> None:
    feature = _square("AAA")
    feature["properties"] = {"name": "x"}
    path = _write(tmp_path / "nocode.geojson", [feature])
    with pytest.raises(corridor.DataError, match="lacks column"):
        corridor.load_borders(path)


def test_good_custom_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.geojson", [_square("AAA"), _square("BBB", 1)])
    gdf = corridor.load_borders(path)
    assert list(gdf.index) == ["AAA", "BBB"]
    assert borders.load_borders(path) is gdf  # cached
