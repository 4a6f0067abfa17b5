"""Country polygons, territorial airspace, international sea zones and the Caspian rule.

The borders layer is Natural Earth 10m admin-0 (see ``corridor/data/borders/PROVENANCE.md``),
loaded once at full resolution and validated. From it this module derives:

* **land borders**: ``neighbours(iso3)``, ``shared_border(a, b)``, ``country_at(lon, lat)``;
* **sea zones**: the water inside the modelled region (Black Sea with the
  Mediterranean, the Caspian, the Baltic, the head of the Persian Gulf);
* **territorial airspace**: land plus 12 nautical miles of adjacent sea, the
  belts of neighbouring coasts split by the equidistance (median) line; the
  rest of the sea is international airspace, ``"INTL"``. The Caspian follows a
  rule chosen per call: ``"open"`` (beyond 12 nm it is international) or
  ``"partitioned"`` (all of it divided among the five littoral states by
  equidistance from their coasts).

Buffers and median lines are computed per sea in an azimuthal equidistant
projection centred on that sea (scale error under 0.5% across it), never in
degrees. The median line is the boundary of the Voronoi cells of coastline
points sampled every kilometre, dissolved per country.
"""

from __future__ import annotations

import difflib
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from corridor import _cache, geo, settings
from corridor._errors import DataError, RegionError, UnknownPlaceError

if TYPE_CHECKING:  # geopandas is imported where frames are built (light warm routes)
    import geopandas as gpd
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CASPIAN_RULES",
    "INTL",
    "REGION_BBOX",
    "CaspianRule",
    "airspace_at",
    "border_length_km",
    "country_at",
    "load_airspace",
    "load_borders",
    "load_sea_zones",
    "load_territorial_seas",
    "locate_airspace",
    "locate_countries",
    "neighbours",
    "shared_border",
    "validate_iso3",
]

logger = logging.getLogger("corridor")

CaspianRule = Literal["open", "partitioned"]
#: The Caspian rules ``load_airspace`` and ``airspace_at`` accept.
CASPIAN_RULES: tuple[CaspianRule, ...] = ("open", "partitioned")
#: Zone code of international airspace.
INTL = "INTL"
#: The modelled region, (lon_min, lat_min, lon_max, lat_max); the borders file is clipped to it.
REGION_BBOX: tuple[float, float, float, float] = (20.0, 30.0, 90.0, 63.0)
#: One point inside each sea the region holds; water elsewhere is a land gap.
SEA_SEEDS: dict[str, tuple[float, float]] = {
    "black_sea_mediterranean": (34.0, 43.0),
    "caspian": (50.5, 42.0),
    "baltic": (21.0, 59.0),
    "persian_gulf": (49.0, 30.26),
}
_CACHE_VERSION = 1
_MIN_SHARED_BORDER_KM = 0.1


def _borders_path() -> Path:
    return settings.data_folder / "borders" / "countries.geojson"


# --------------------------------------------------------------------------- loading


def load_borders(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load and validate the country polygons.

    Parameters
    ----------
    path
        A GeoJSON (or any file pyogrio reads) with ``iso3`` and ``name``
        columns; default: the shipped ``corridor/data/borders/countries.geojson``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ISO3 code, columns ``name`` and ``geometry`` (Polygon or
        MultiPolygon, EPSG:4326, valid). Cached: the same path returns the
        same object, which callers must not modify.

    Raises
    ------
    DataError
        If the file is missing, unreadable, or its rows are not valid
        polygons with unique ISO3 codes; the message names the file.
    """
    resolved = Path(path) if path is not None else _borders_path()
    return _load_borders_cached(str(resolved.resolve()), _mtime(resolved))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@lru_cache(maxsize=8)
def _load_borders_cached(path: str, mtime: float) -> gpd.GeoDataFrame:
    if mtime < 0:
        msg = f"borders file {path} does not exist; rebuild it with scripts/build_borders.py"
        raise DataError(msg)
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:
        msg = (
            f"borders file {path} could not be read ({type(exc).__name__}); expected a GeoJSON "
            "FeatureCollection of (Multi)Polygons with properties iso3 and name"
        )
        raise DataError(msg) from exc
    return _validate_borders(gdf, path)


def _validate_borders(gdf: gpd.GeoDataFrame, path: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    missing = {"iso3", "name"} - set(gdf.columns)
    if missing:
        msg = f"borders file {path} lacks column(s) {sorted(missing)}; needs iso3, name, geometry"
        raise DataError(msg)
    if len(gdf) == 0:
        msg = f"borders file {path} has no rows"
        raise DataError(msg)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        msg = f"borders file {path} must be in EPSG:4326, found {gdf.crs}"
        raise DataError(msg)
    codes = gdf["iso3"].astype(str)
    bad = [c for c in codes if len(c) != 3 or not c.isalpha() or not c.isupper()]
    if bad:
        msg = f"borders file {path}: malformed iso3 code(s) {sorted(set(bad))[:5]}"
        raise DataError(msg)
    dupes = sorted(codes[codes.duplicated()].unique())
    if dupes:
        msg = f"borders file {path}: duplicate iso3 code(s) {dupes}"
        raise DataError(msg)
    geoms = gdf.geometry.values
    if gdf.geometry.isna().any() or shapely.is_empty(geoms).any():
        msg = f"borders file {path}: empty geometry in row(s) {list(codes[gdf.geometry.isna()])}"
        raise DataError(msg)
    types = set(shapely.get_type_id(geoms))
    if not types <= {3, 6}:  # Polygon, MultiPolygon
        found = sorted(set(gdf.geom_type))
        msg = f"borders file {path}: only Polygon/MultiPolygon allowed, found {found}"
        raise DataError(msg)
    invalid = codes[~shapely.is_valid(geoms)]
    if len(invalid):
        msg = f"borders file {path}: invalid geometry for {list(invalid)}; run make_valid"
        raise DataError(msg)
    out = gpd.GeoDataFrame(
        {"name": gdf["name"].astype(str).to_numpy()},
        geometry=np.asarray(geoms),
        index=codes.rename("iso3").to_numpy(),
        crs="EPSG:4326",
    )
    out.index.name = "iso3"
    return out


def validate_iso3(code: str, *, allow_intl: bool = False) -> str:
    """Return the canonical ISO3 code, or raise with close matches.

    Parameters
    ----------
    code
        A country code, any case (``"arm"``).
    allow_intl
        Also accept ``"INTL"`` (international airspace).

    Returns
    -------
    str
        The upper-case code, known to the borders layer.

    Raises
    ------
    UnknownPlaceError
        If the code is not a country of the borders layer.
    """
    canon = str(code).strip().upper()
    if canon in _known_codes() or (allow_intl and canon == INTL):
        return canon
    known = sorted(_known_codes())
    close = difflib.get_close_matches(canon, known, n=5, cutoff=0.3)
    hint = f"did you mean: {', '.join(close)}" if close else f"known: {', '.join(sorted(known))}"
    msg = f"unknown country code {code!r}; {hint}"
    raise UnknownPlaceError(msg)


# --------------------------------------------------------------------------- land borders


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    """ISO3 codes of the borders file, kept on disk too: checking a code reads no polygons."""
    path = _codes_file() if settings.use_cache else None
    if path is not None:
        got = _cache.load_arrays(path, {"key": path.stem})
        codes = got.get("codes") if got is not None else None
        if codes is not None and codes.dtype.kind == "U" and codes.ndim == 1 and len(codes):
            return frozenset(codes.tolist())
        if got is not None:
            warnings.warn(
                f"ignoring inconsistent border code cache {path}; rebuilding it",
                _cache.CacheWarning,
                stacklevel=2,
            )
    known = frozenset(str(c) for c in load_borders().index)
    if path is not None:
        _cache.save_arrays(
            path, {"codes": np.asarray(sorted(known), dtype=str)}, {"key": path.stem}
        )
    return known


def _codes_file() -> Path:
    key = _cache.data_key(_CACHE_VERSION, _borders_path())
    return _cache.cache_path("border-codes", key, ".npz")


@lru_cache(maxsize=1)
def _country_tree() -> tuple[shapely.STRtree, NDArray[np.object_]]:
    borders = load_borders()
    return shapely.STRtree(borders.geometry.values), borders.index.to_numpy()


def shared_border(a: str, b: str) -> BaseGeometry:
    """Land border shared by two countries, as (multi)lines in EPSG:4326.

    Parameters
    ----------
    a, b
        ISO3 codes.

    Returns
    -------
    BaseGeometry
        The common boundary; empty if they do not touch.
    """
    a, b = sorted((validate_iso3(a), validate_iso3(b)))
    return _pair_border(a, b)


@lru_cache(maxsize=512)
def _pair_border(a: str, b: str) -> BaseGeometry:
    return _shared_border(load_borders(), a, b)


def _shared_border(borders: gpd.GeoDataFrame, a: str, b: str) -> BaseGeometry:
    ga, gb = borders.geometry[a], borders.geometry[b]
    line = shapely.intersection(ga.boundary, gb.boundary)
    lines = [p for p in shapely.get_parts(line) if p.geom_type in ("LineString", "LinearRing")]
    return shapely.line_merge(shapely.multilinestrings(lines)) if lines else shapely.LineString()


def border_length_km(a: str, b: str) -> float:
    """Geodesic length of the land border between two countries, in km.

    Parameters
    ----------
    a, b
        ISO3 codes.

    Returns
    -------
    float
    """
    return geo.line_length_km(shared_border(a, b))


@lru_cache(maxsize=1)
def _neighbour_table() -> dict[str, frozenset[str]]:
    borders = load_borders()
    tree, codes = _country_tree()
    table: dict[str, set[str]] = {c: set() for c in codes}
    left, right = tree.query(borders.geometry.values, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = str(codes[i]), str(codes[j])
        if geo.line_length_km(_shared_border(borders, a, b)) >= _MIN_SHARED_BORDER_KM:
            table[a].add(b)
            table[b].add(a)
    return {k: frozenset(v) for k, v in table.items()}


def neighbours(iso3: str) -> set[str]:
    """Countries sharing a land border with ``iso3``.

    Parameters
    ----------
    iso3
        ISO3 code (any case).

    Returns
    -------
    set of str

    Raises
    ------
    UnknownPlaceError
        If the code is unknown; the message lists close matches.

    Examples
    --------
    >>> sorted(neighbours("ARM"))
    ['AZE', 'GEO', 'IRN', 'TUR']
    """
    return set(_neighbour_table()[validate_iso3(iso3)])


@lru_cache(maxsize=1)
def _country_part_tree() -> tuple[shapely.STRtree, NDArray[np.object_]]:
    borders = load_borders()
    parts, index = shapely.get_parts(borders.geometry.values, return_index=True)
    shapely.prepare(parts)
    return shapely.STRtree(parts), borders.index.to_numpy()[index]


def locate_countries(lons: ArrayLike, lats: ArrayLike) -> NDArray[np.object_]:
    """Country whose land contains each point (vectorised ``country_at``).

    Parameters
    ----------
    lons, lats
        Equal-length arrays of degrees.

    Returns
    -------
    numpy.ndarray
        ISO3 code per point, or None at sea / outside every country.
    """
    tree, code_of_part = _country_part_tree()
    points = np.asarray(
        shapely.points(
            np.atleast_1d(np.asarray(lons, dtype=float)),
            np.atleast_1d(np.asarray(lats, dtype=float)),
        ),
        dtype=object,
    )
    out = np.full(len(points), None, dtype=object)
    pt_idx, part_idx = tree.query(points)
    hit = shapely.intersects(tree.geometries[part_idx], points[pt_idx])
    pt_idx, part_idx = pt_idx[hit], part_idx[hit]
    out[pt_idx[::-1]] = code_of_part[part_idx[::-1]]
    return out


def country_at(lon: float, lat: float) -> str | None:
    """ISO3 code of the country whose land contains the point, or None at sea.

    Parameters
    ----------
    lon, lat
        Degrees.

    Returns
    -------
    str or None
    """
    tree, codes = _country_tree()
    hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
    return str(codes[hits.min()]) if len(hits) else None


# --------------------------------------------------------------------------- sea and airspace


@dataclass(frozen=True)
class _Zones:
    """Derived zones of one borders file (both Caspian rules)."""

    seas: dict[str, BaseGeometry]
    belts_open: dict[str, BaseGeometry]
    belts_partitioned: dict[str, BaseGeometry]
    gaps: dict[str, BaseGeometry]
    airspace_open: dict[str, BaseGeometry]
    airspace_partitioned: dict[str, BaseGeometry]


def _check_rule(caspian: str) -> CaspianRule:
    if caspian not in CASPIAN_RULES:
        msg = f"unknown Caspian rule {caspian!r}; valid: {', '.join(CASPIAN_RULES)}"
        raise ValueError(msg)
    return caspian


def _cache_file() -> Path:
    key = _cache.data_key(_CACHE_VERSION, _borders_path(), float(settings.territorial_sea_m))
    return _cache.cache_path("zones", key, ".npz")


def _zones() -> _Zones:
    return _zones_cached(str(_borders_path().resolve()), settings.territorial_sea_m)


_ZONE_FIELDS = tuple(_Zones.__dataclass_fields__)


@lru_cache(maxsize=2)
def _zones_cached(path: str, width_m: float) -> _Zones:
    cache = _cache_file() if settings.use_cache else None
    if cache is not None:
        zones = _read_zones(cache)
        if zones is not None:
            return zones
    zones = _build_zones(load_borders(path), width_m)
    if cache is not None:
        rows = [
            (field, zone, geom)
            for field in _ZONE_FIELDS
            for zone, geom in getattr(zones, field).items()
        ]
        blobs = [shapely.to_wkb(r[2]) for r in rows]
        offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in blobs], out=offsets[1:])
        arrays = {
            "field": np.asarray([r[0] for r in rows], dtype=str),
            "zone": np.asarray([r[1] for r in rows], dtype=str),
            "wkb": np.frombuffer(b"".join(blobs), dtype=np.uint8),
            "offsets": offsets,
        }
        _cache.save_arrays(cache, arrays, {"key": cache.stem})
    return zones


def _read_zones(cache: Path) -> _Zones | None:
    """Zones from the npz cache (WKB, no pandas), or None (missing, stale or invalid: rebuilt)."""
    arrays = _cache.load_arrays(cache, {"key": cache.stem})
    if arrays is None:
        return None
    fields: dict[str, dict[str, BaseGeometry]] = {f: {} for f in _ZONE_FIELDS}
    ok = {"field", "zone", "wkb", "offsets"} <= set(arrays)
    if ok:
        names, zones, offsets = arrays["field"], arrays["zone"], arrays["offsets"]
        raw = arrays["wkb"].tobytes()
        ok = (
            names.shape == zones.shape == (len(offsets) - 1,)
            and offsets[0] == 0
            and offsets[-1] == len(raw)
            and bool((np.diff(offsets) > 0).all())
        )
    if ok:
        try:
            for field, zone, a, b in zip(
                names.tolist(), zones.tolist(), offsets[:-1], offsets[1:], strict=True
            ):
                geom = shapely.from_wkb(raw[a:b])
                if field not in fields or geom is None:
                    ok = False
                    break
                fields[field][str(zone)] = geom
        except GEOSException:
            ok = False
    if not ok or not all(fields[f] for f in ("seas", "airspace_open", "airspace_partitioned")):
        warnings.warn(
            f"ignoring inconsistent zone cache {cache}; rebuilding it",
            _cache.CacheWarning,
            stacklevel=2,
        )
        return None
    return _Zones(**fields)


def _zone_geoms(caspian: CaspianRule) -> dict[str, BaseGeometry]:
    """Airspace zone geometries by code (ISO3 or ``INTL``) under a Caspian rule, no frames."""
    zones = _zones()
    return zones.airspace_open if caspian == "open" else zones.airspace_partitioned


def _build_zones(borders: gpd.GeoDataFrame, width_m: float) -> _Zones:
    logger.info("building sea zones and territorial airspace (one-time)")
    region = shapely.box(*REGION_BBOX)
    land = shapely.union_all(borders.geometry.values)
    water_parts = list(shapely.get_parts(shapely.difference(region, land)))
    seas: dict[str, BaseGeometry] = {}
    for name, (x, y) in SEA_SEEDS.items():
        seed = shapely.Point(x, y)
        found = [w for w in water_parts if w.contains(seed)]
        if not found:
            msg = (
                f"borders file: no sea found at {name} seed ({x}, {y}); is the file clipped right?"
            )
            raise DataError(msg)
        seas[name] = found[0]
    gaps = _assign_gaps(borders, [w for w in water_parts if not any(w is s for s in seas.values())])
    tree, codes = _country_tree()
    belts_open: dict[str, list[BaseGeometry]] = {}
    belts_part: dict[str, list[BaseGeometry]] = {}
    for name, sea in seas.items():
        belts, sectors = _split_sea(sea, borders, tree, codes, width_m)
        for iso, belt in belts.items():
            belts_open.setdefault(iso, []).append(belt)
            belts_part.setdefault(iso, []).append(sectors[iso] if name == "caspian" else belt)
    merged_open = {k: shapely.union_all(v) for k, v in belts_open.items()}
    merged_part = {k: shapely.union_all(v) for k, v in belts_part.items()}
    return _Zones(
        seas=seas,
        belts_open=merged_open,
        belts_partitioned=merged_part,
        gaps=gaps,
        airspace_open=_assemble_airspace(borders, seas, merged_open, gaps),
        airspace_partitioned=_assemble_airspace(borders, seas, merged_part, gaps),
    )


def _assemble_airspace(
    borders: gpd.GeoDataFrame,
    seas: dict[str, BaseGeometry],
    belts: dict[str, BaseGeometry],
    gaps: dict[str, BaseGeometry],
) -> dict[str, BaseGeometry]:
    """Land plus territorial sea (plus claimed gaps) per country, and INTL for the rest."""
    out: dict[str, BaseGeometry] = {}
    for iso, land in borders.geometry.items():
        extra = [g for g in (belts.get(str(iso)), gaps.get(str(iso))) if g is not None]
        out[str(iso)] = _polygonal(shapely.union_all([land, *extra])) if extra else land
    all_seas = shapely.union_all(list(seas.values()))
    out[INTL] = _polygonal(shapely.difference(all_seas, shapely.union_all(list(belts.values()))))
    return out


def _assign_gaps(borders: gpd.GeoDataFrame, gaps: list[BaseGeometry]) -> dict[str, BaseGeometry]:
    """Give land gaps (areas no feature claims) to the neighbour with the longest contact."""
    out: dict[str, list[BaseGeometry]] = {}
    for gap in gaps:
        contact = {
            iso: shapely.intersection(gap.boundary, geom.boundary).length
            for iso, geom in borders.geometry.items()
            if geom.intersects(gap)
        }
        contact = {k: v for k, v in contact.items() if v > 0}
        if contact:
            out.setdefault(max(contact, key=lambda k: contact[k]), []).append(gap)
    return {k: shapely.union_all(v) for k, v in out.items()}


def _split_sea(
    sea: BaseGeometry,
    borders: gpd.GeoDataFrame,
    tree: shapely.STRtree,
    codes: NDArray[np.object_],
    width_m: float,
) -> tuple[dict[str, BaseGeometry], dict[str, BaseGeometry]]:
    """Territorial belts and equidistance sectors of one sea, in EPSG:4326."""
    centre = shapely.centroid(sea)
    crs = geo.aeqd_crs(round(centre.x, 2), round(centre.y, 2))
    sea_m = geo.to_crs(sea, "EPSG:4326", crs)
    near = sea_m.buffer(100.0)
    coasts: dict[str, BaseGeometry] = {}
    for i in tree.query(sea.buffer(0.01), predicate="intersects"):
        iso = str(codes[i])
        land_m = geo.to_crs(borders.geometry[iso], "EPSG:4326", crs)
        coast = shapely.intersection(land_m.boundary, near)
        if not coast.is_empty and coast.length >= 1.0:
            coasts[iso] = coast
    if not coasts:
        return {}, {}
    regions = _equidistance_regions(coasts, sea_m)
    belts: dict[str, BaseGeometry] = {}
    sectors: dict[str, BaseGeometry] = {}
    for iso, coast in coasts.items():
        sector_m = shapely.intersection(sea_m, regions[iso])
        belt_m = shapely.intersection(sector_m, coast.buffer(width_m, quad_segs=16))
        belts[iso] = _polygonal(geo.to_crs(belt_m, crs, "EPSG:4326"))
        sectors[iso] = _polygonal(geo.to_crs(sector_m, crs, "EPSG:4326"))
    return belts, sectors


def _equidistance_regions(
    coasts: dict[str, BaseGeometry], sea_m: BaseGeometry
) -> dict[str, BaseGeometry]:
    """Part of the plane nearer to each country's coast than to any other's."""
    extent = sea_m.buffer(100_000.0).envelope
    if len(coasts) == 1:
        return {next(iter(coasts)): extent}
    xy_parts, labels = [], []
    for iso, coast in coasts.items():
        xy = shapely.get_coordinates(shapely.segmentize(coast, 1000.0))
        xy_parts.append(xy)
        labels.extend([iso] * len(xy))
    xy_all = np.round(np.vstack(xy_parts), 1)
    xy_all, first = np.unique(xy_all, axis=0, return_index=True)
    label_arr = np.asarray(labels, dtype=object)[first]
    cells = shapely.voronoi_polygons(shapely.multipoints(xy_all), extend_to=extent, ordered=True)
    cell_arr = np.asarray(shapely.get_parts(cells))
    return {iso: shapely.coverage_union_all(cell_arr[label_arr == iso]) for iso in coasts}


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def load_sea_zones() -> gpd.GeoDataFrame:
    """Return the seas of the modelled region.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by sea name (``caspian``, ``black_sea_mediterranean``,
        ``baltic``, ``persian_gulf``), EPSG:4326.
    """
    import geopandas as gpd
    import pandas as pd

    zones = _zones()
    return gpd.GeoDataFrame(
        geometry=list(zones.seas.values()),
        index=pd.Index(list(zones.seas), name="sea"),
        crs="EPSG:4326",
    )


def load_territorial_seas(caspian: CaspianRule = "open") -> gpd.GeoDataFrame:
    """Each coastal state's territorial sea (or Caspian sector), without land.

    Parameters
    ----------
    caspian
        ``"open"`` or ``"partitioned"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ISO3, EPSG:4326; the belts of neighbours do not overlap.
    """
    import geopandas as gpd
    import pandas as pd

    rule = _check_rule(caspian)
    zones = _zones()
    belts = zones.belts_open if rule == "open" else zones.belts_partitioned
    return gpd.GeoDataFrame(
        geometry=list(belts.values()), index=pd.Index(list(belts), name="iso3"), crs="EPSG:4326"
    )


def load_airspace(caspian: CaspianRule = "open") -> gpd.GeoDataFrame:
    """Territorial airspace of every country, plus international airspace.

    Parameters
    ----------
    caspian
        ``"open"``: the Caspian beyond 12 nm is international;
        ``"partitioned"``: the Caspian is divided among its five littoral
        states by equidistance.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by zone code (ISO3, or ``"INTL"``), column ``name``, EPSG:4326.
        Together the zones cover the region; they do not overlap.

    Raises
    ------
    ValueError
        If ``caspian`` is not one of :data:`CASPIAN_RULES`.
    """
    return _airspace(_check_rule(caspian))


@lru_cache(maxsize=2)
def _airspace(caspian: CaspianRule) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    borders = load_borders()
    zones = _zones()
    geoms = zones.airspace_open if caspian == "open" else zones.airspace_partitioned
    names = [str(borders["name"].get(z, "International airspace")) for z in geoms]
    return gpd.GeoDataFrame(
        {"name": names},
        geometry=list(geoms.values()),
        index=pd.Index(list(geoms), name="zone"),
        crs="EPSG:4326",
    )


@lru_cache(maxsize=2)
def _airspace_tree(caspian: CaspianRule) -> tuple[shapely.STRtree, NDArray[np.object_]]:
    geoms = _zone_geoms(caspian)  # the zones in load_airspace's order, without the frame
    parts, index = shapely.get_parts(list(geoms.values()), return_index=True)
    shapely.prepare(parts)  # point-in-polygon tests on prepared parts are O(log n)
    return shapely.STRtree(parts), np.asarray(list(geoms), dtype=object)[index]


def locate_airspace(
    lons: ArrayLike, lats: ArrayLike, *, caspian: CaspianRule = "open"
) -> NDArray[np.object_]:
    """Airspace zone of many points at once (vectorised ``airspace_at``).

    Parameters
    ----------
    lons, lats
        Equal-length arrays of degrees.
    caspian
        ``"open"`` or ``"partitioned"``.

    Returns
    -------
    numpy.ndarray of str
        Zone code per point (ISO3 or ``"INTL"``).

    Raises
    ------
    RegionError
        If a point lies outside :data:`REGION_BBOX`.
    """
    rule = _check_rule(caspian)
    x = np.atleast_1d(np.asarray(lons, dtype=float))
    y = np.atleast_1d(np.asarray(lats, dtype=float))
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    outside = ~((x >= lon_min) & (x <= lon_max) & (y >= lat_min) & (y <= lat_max))
    if outside.any():
        i = int(np.argmax(outside))
        msg = (
            f"point (lon {x[i]}, lat {y[i]}) lies outside the modelled region "
            f"lon {lon_min}..{lon_max}, lat {lat_min}..{lat_max}"
        )
        raise RegionError(msg)
    tree, zone_of_part = _airspace_tree(rule)
    points = np.asarray(shapely.points(x, y), dtype=object)
    out = np.full(len(x), None, dtype=object)
    pt_idx, part_idx = tree.query(points)  # bounding-box candidates
    hit = shapely.intersects(tree.geometries[part_idx], points[pt_idx])  # prepared parts
    pt_idx, part_idx = pt_idx[hit], part_idx[hit]
    # Reverse so the first hit (lowest part index) wins on shared edges.
    out[pt_idx[::-1]] = zone_of_part[part_idx[::-1]]
    missing = np.flatnonzero(out == None)  # noqa: E711 (element-wise on object array)
    if len(missing):  # slivers from reprojection: take the nearest zone
        near = tree.nearest(points[missing])
        out[missing] = zone_of_part[near]
    return out


def airspace_at(lon: float, lat: float, *, caspian: CaspianRule = "open") -> str:
    """Airspace zone containing a point: an ISO3 code or ``"INTL"``.

    Parameters
    ----------
    lon, lat
        Degrees.
    caspian
        ``"open"`` or ``"partitioned"``.

    Returns
    -------
    str

    Examples
    --------
    >>> airspace_at(34.0, 43.0)  # the middle of the Black Sea
    'INTL'
    """
    return str(locate_airspace([lon], [lat], caspian=caspian)[0])
