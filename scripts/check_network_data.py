"""Self-check for the hand-curated ground network (``corridor/data/network/*.csv``).

Run from the repository root::

    .venv/bin/python scripts/check_network_data.py            # check only
    .venv/bin/python scripts/check_network_data.py --fill-km  # rewrite geodesic km, then check

What it checks (errors make the exit status 1, warnings do not):

* exact column order of both files, unique ids (nodes, links, and no clash with port ids);
* allowed values of ``kind``, ``modes``, ``mode``, ``status``, ``territory``, capacity units,
  ISO ``status_date``; a non-empty ``source`` on every row;
* a city lies inside its ``country`` polygon of ``src/corridor/data/borders/countries.geojson``;
* a crossing lies within 5 km of the shared border line of ``country`` and ``country_b``
  (distance measured in an azimuthal equidistant projection centred on the crossing);
* links reference known nodes (``port-*`` ids from ``ports.csv`` when it exists, else the
  fallback coordinates below), a link's mode is served by both ends, ``km > 0``;
* a link's polyline (from, via..., to) enters no country other than those of its ends (both
  countries of a crossing end are allowed; up to 2 km inside a foreign polygon is tolerated);
* only crossings join different countries, and no *open* link joins different de facto
  territories (e.g. Georgia proper and Abkhazia);
* ``km_basis=geodesic`` rows carry the WGS84 geodesic length of their polyline (within 1 %),
  ``km_basis=sourced`` rows (a published length of that link) and ``km_basis=apportioned``
  rows (a published length of a road or line over several links, shared among them in
  proportion to their traced polylines: the total is sourced, the split is a stated
  assumption) are compared with it (ratio outside 1.0-1.8 is a warning);
* ``capacities.csv`` per-mode rules (as ``corridor._ground`` applies them at load): ``mode``
  is the last column and is empty or one of the element's modes (``road``, ``rail``, ``sea``:
  a node's ``modes`` plus its links' modes; ferries and waterways are ``sea``); a
  mode-specific unit (``unit_conversions.csv`` ``mode``) agrees with the row's mode; an
  element with several modes and a mode-specific unit says its mode; at most one row per
  element, mode and traffic;
* coverage report: share of links by ``km_basis``, links with a published length or a
  traced alignment (issue 11's length rule) and the untraced rest, links without a source, crossings
  without a dwell row (``crossing_times.csv``) or a capacity (``capacities.csv``), capacity
  rows with a published figure (counting those whose notes say they are a line-type capacity
  or a lower bound) against even shares of a total published for several elements and those
  whose ``source`` is a named assumption; speed limits (``speed_limits.csv``: known links, a
  source, whether they bind); links that a path of other links matches in km (a row left
  behind by a split) and long straight road links citing a waypoint file; dwell
  rows sourced/assumed per traffic class and crossings without a passenger row, and
  statuses whose newest evidence (``status_date``, or a dated start or end in
  ``status_history.csv``) is older than two years;
* graph sanity with networkx: the road path Vladikavkaz -> Yerevan through Upper Lars, and
  that the Roki crossing leads only to South Ossetian nodes and Psou only to Abkhaz nodes
  over open links.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point
from shapely.ops import nearest_points

ROOT = Path(__file__).resolve().parent.parent
BORDERS = ROOT / "src" / "corridor" / "data" / "borders" / "countries.geojson"
NETWORK = ROOT / "src" / "corridor" / "data" / "network"
with (NETWORK / "speeds.csv").open(encoding="utf-8", newline="") as _fh:
    _SPEED_ROWS = list(csv.DictReader(_fh))
# a link type needs a passenger (or all) row; freight/military fall back as in _ground
SPEED_KEYS = {
    (r["class"], r["terrain"], r["mode"])
    for r in _SPEED_ROWS
    if r["traffic"] in ("passenger", "all")
}
#: the fastest speed any traffic class has on a link type (a limit at or above it binds nothing)
SPEED_MAX: dict[tuple[str, str, str], float] = {}
for _r in _SPEED_ROWS:
    _k = (_r["class"], _r["terrain"], _r["mode"])
    SPEED_MAX[_k] = max(SPEED_MAX.get(_k, 0.0), float(_r["kmh"]))

#: Links that cross a state border with no border post of their own (documented exceptions).
UNMARKED_BORDER_LINKS = {
    "r-goris-stepanakert": "Lachin corridor: ARM to Nagorno-Karabakh (AZE in Natural Earth); no "
    "international post 1994-2023, an Azerbaijani checkpoint at the Hakari bridge from April 2023; "
    "its dated statuses are in status_history.csv",
}

NODE_COLUMNS = [
    "id",
    "name",
    "kind",
    "country",
    "country_b",
    "territory",
    "lat",
    "lon",
    "modes",
    "status",
    "status_date",
    "capacity_per_day",
    "capacity_unit",
    "source",
    "notes",
]
LINK_COLUMNS = [
    "id",
    "from",
    "to",
    "mode",
    "km",
    "km_basis",
    "class",
    "terrain",
    "capacity_per_day",
    "capacity_unit",
    "status",
    "status_date",
    "via",
    "source",
    "notes",
]
KINDS = {"city", "crossing"}
MODES = {"road", "rail"}
STATUSES = {"open", "closed", "restricted"}
TERRITORIES = {"", "ABK", "SOS"}
UNITS = {"trucks", "trains", "vehicles"}
KM_BASES = {"sourced", "apportioned", "geodesic"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")

CROSSING_MAX_KM = 5.0
FOREIGN_TOLERANCE_KM = 2.0
SAMPLE_STEP_KM = 1.0
GEODESIC_REL_TOL = 0.01
SOURCED_RATIO = (1.0, 1.8)
DETOUR_WARN = 1.6  # polyline / straight-line length; larger hints at via points in the wrong order

# Seaports are curated elsewhere (ports.csv). Without that file, these ids are known with
# these approximate coordinates (lat, lon, ISO3 of the land they serve).
FALLBACK_PORTS: dict[str, tuple[float, float, str]] = {
    "port-poti": (42.155, 41.653, "GEO"),
    "port-batumi": (41.649, 41.651, "GEO"),
    "port-kulevi": (42.27, 41.65, "GEO"),
    "port-novorossiysk": (44.72, 37.79, "RUS"),
    "port-kavkaz": (45.34, 36.67, "RUS"),
    "port-rostov": (47.21, 39.66, "RUS"),
    "port-samsun": (41.29, 36.34, "TUR"),
    "port-trabzon": (41.01, 39.75, "TUR"),
    "port-constanta": (44.17, 28.66, "ROU"),
    "port-astrakhan": (46.35, 48.04, "RUS"),
    "port-olya": (45.78, 47.55, "RUS"),
    "port-makhachkala": (42.98, 47.52, "RUS"),
    "port-baku": (40.36, 49.87, "AZE"),
    "port-alat": (39.95, 49.40, "AZE"),
    "port-aktau": (43.62, 51.20, "KAZ"),
    "port-kuryk": (43.18, 51.65, "KAZ"),
    "port-turkmenbashi": (40.01, 52.97, "TKM"),
    "port-anzali": (37.47, 49.46, "IRN"),
    "port-amirabad": (36.85, 53.37, "IRN"),
    "port-astara-ir": (38.43, 48.88, "IRN"),
    "port-noshahr": (36.66, 51.50, "IRN"),
}

GEOD = Geod(ellps="WGS84")


@dataclass
class Report:
    """Collects errors, warnings and informational lines."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)

    def note(self, msg: str) -> None:
        self.info.append(msg)


@dataclass
class Place:
    """Where a node id is and which countries it belongs to."""

    lat: float
    lon: float
    countries: frozenset[str]
    modes: frozenset[str]
    territory: str
    kind: str
    is_open: bool = True


def read_csv(path: Path, columns: list[str], report: Report) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if header != columns:
            report.error(f"{path.name}: columns {header} != expected {columns}")
        rows = list(reader)
    for line, row in enumerate(rows, start=2):  # DictReader keeps a short or long row silently
        if None in row or None in row.values():
            got = len(header) + len(row.get(None) or []) - list(row.values()).count(None)
            report.error(
                f"{path.name} row {line} (id {next(iter(row.values()))!r}): "
                f"{got} fields, expected {len(header)} (an unquoted comma or a missing field?)"
            )
    return rows


def load_countries(path: Path = BORDERS) -> dict[str, shapely.Geometry]:
    gdf = gpd.read_file(path)
    geoms = {str(r.iso3): shapely.make_valid(r.geometry) for r in gdf.itertuples()}
    for g in geoms.values():
        shapely.prepare(g)
    return geoms


def geodesic_km(points: list[tuple[float, float]]) -> float:
    """Length in km of a (lat, lon) polyline on the WGS84 ellipsoid."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return float(GEOD.line_length(lons, lats)) / 1000.0


def local_distance_km(lat: float, lon: float, geom: shapely.Geometry) -> float:
    """Distance in km from a point to ``geom`` in an azimuthal equidistant projection."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    tr = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)

    def to_local(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return float(shapely.transform(geom, to_local).distance(Point(0.0, 0.0))) / 1000.0


def parse_via(text: str) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        lat_s, lon_s = part.split()
        pts.append((float(lat_s), float(lon_s)))
    return pts


def densify(points: list[tuple[float, float]], step_km: float) -> list[tuple[float, float]]:
    """Points along the polyline every ``step_km`` (geodesic), ends included."""
    out: list[tuple[float, float]] = [points[0]]
    for (la1, lo1), (la2, lo2) in itertools.pairwise(points):
        dist = GEOD.inv(lo1, la1, lo2, la2)[2] / 1000.0
        n = max(1, math.ceil(dist / step_km))
        if n > 1:
            mids = GEOD.npts(lo1, la1, lo2, la2, n - 1)
            out.extend((la, lo) for lo, la in mids)
        out.append((la2, lo2))
    return out


def countries_at(lat: float, lon: float, countries: dict[str, shapely.Geometry]) -> list[str]:
    return [iso for iso, g in countries.items() if shapely.contains_xy(g, lon, lat)]


def load_ports(report: Report, network: Path = NETWORK) -> dict[str, Place]:
    path = network / "ports.csv"
    ports: dict[str, Place] = {}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                pid = row.get("id", "")
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                except (KeyError, ValueError):
                    report.warn(f"ports.csv: row {pid!r} has no usable lat/lon, skipped")
                    continue
                iso = (row.get("country") or "").strip()
                if not iso and pid in FALLBACK_PORTS:
                    iso = FALLBACK_PORTS[pid][2]
                ports[pid] = Place(lat, lon, frozenset({iso}), frozenset(MODES), "", "port")
        report.note(f"ports.csv found: {len(ports)} ports")
    else:
        report.note("ports.csv absent: using fallback coordinates for port-* ids")
    for pid, (lat, lon, iso) in FALLBACK_PORTS.items():
        ports.setdefault(pid, Place(lat, lon, frozenset({iso}), frozenset(MODES), "", "port"))
    return ports


def check_common(row: dict[str, str], where: str, report: Report) -> None:
    if not ID_RE.match(row.get("id", "")):
        report.error(f"{where}: id {row.get('id')!r} is not a lowercase slug")
    if row.get("status") not in STATUSES:
        report.error(f"{where}: bad status {row.get('status')!r}")
    if not DATE_RE.match(row.get("status_date", "")):
        report.error(f"{where}: status_date {row.get('status_date')!r} is not YYYY-MM[-DD]")
    if not row.get("source", "").strip():
        report.error(f"{where}: missing source")
    cap, unit = row.get("capacity_per_day", ""), row.get("capacity_unit", "")
    if cap or unit:
        if unit not in UNITS:
            report.error(f"{where}: capacity_unit {unit!r} not in {sorted(UNITS)}")
        try:
            if int(cap) <= 0:
                raise ValueError
        except ValueError:
            report.error(f"{where}: capacity_per_day {cap!r} is not a positive integer")


def check_nodes(
    rows: list[dict[str, str]],
    countries: dict[str, shapely.Geometry],
    ports: dict[str, Place],
    report: Report,
) -> dict[str, Place]:
    places: dict[str, Place] = {}
    shared_cache: dict[tuple[str, str], shapely.Geometry] = {}
    for row in rows:
        nid = row["id"]
        where = f"node {nid}"
        check_common(row, where, report)
        if nid in places:
            report.error(f"{where}: duplicate id")
        if nid in ports:
            report.error(f"{where}: id clashes with a port id")
        kind, iso, iso_b = row["kind"], row["country"], row["country_b"]
        if kind not in KINDS:
            report.error(f"{where}: bad kind {kind!r}")
        modes = set(filter(None, row["modes"].split(";")))
        if not modes or not modes <= MODES:
            report.error(f"{where}: bad modes {row['modes']!r}")
        if row["territory"] not in TERRITORIES:
            report.error(f"{where}: bad territory {row['territory']!r}")
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            report.error(f"{where}: lat/lon not numeric")
            continue
        if iso not in countries:
            report.error(f"{where}: country {iso!r} not in countries.geojson")
            continue
        if kind == "crossing":
            if not nid.startswith("x-"):
                report.error(f"{where}: crossing ids start with 'x-'")
            if iso_b not in countries or iso_b == iso:
                report.error(f"{where}: country_b {iso_b!r} must be another known country")
                continue
            key = (min(iso, iso_b), max(iso, iso_b))
            if key not in shared_cache:
                shared_cache[key] = countries[iso].boundary.intersection(countries[iso_b].boundary)
            shared = shared_cache[key]
            if shared.is_empty:
                report.error(f"{where}: {iso} and {iso_b} share no border in countries.geojson")
            else:
                dist = local_distance_km(lat, lon, shared)
                if dist > CROSSING_MAX_KM:
                    report.error(f"{where}: {dist:.1f} km from the {iso}-{iso_b} border line")
            cset = frozenset({iso, iso_b})
        else:
            if nid.startswith("x-"):
                report.error(f"{where}: only crossings may start with 'x-'")
            if iso_b:
                report.error(f"{where}: country_b must be empty for a city")
            if not shapely.contains_xy(countries[iso], lon, lat):
                inside = countries_at(lat, lon, countries) or ["sea/none"]
                report.error(f"{where}: not inside {iso} (point is in {', '.join(inside)})")
            if row["status"] != "open":
                report.warn(f"{where}: city with status {row['status']!r}")
            cset = frozenset({iso})
        is_open = row["status"] == "open"
        places[nid] = Place(lat, lon, cset, frozenset(modes), row["territory"], kind, is_open)
    return places


def foreign_depths(
    pts: list[tuple[float, float]],
    allowed: Iterable[str],
    countries: dict[str, shapely.Geometry],
) -> dict[str, float]:
    """Deepest penetration (km) into each non-allowed country along sampled points."""
    allowed_set = set(allowed)
    lats = np.array([p[0] for p in pts])
    lons = np.array([p[1] for p in pts])
    box = shapely.box(lons.min(), lats.min(), lons.max(), lats.max())
    found: dict[str, float] = {}
    for iso, geom in countries.items():
        if iso in allowed_set or not geom.intersects(box):
            continue
        inside = shapely.contains_xy(geom, lons, lats)
        if not inside.any():
            continue
        boundary = geom.boundary
        depth = 0.0
        for lat, lon in zip(lats[inside], lons[inside], strict=True):
            near = nearest_points(boundary, Point(lon, lat))[0]
            d = GEOD.inv(lon, lat, near.x, near.y)[2] / 1000.0
            depth = max(depth, d)
        found[iso] = depth
    return found


def check_links(
    rows: list[dict[str, str]],
    places: dict[str, Place],
    countries: dict[str, shapely.Geometry],
    report: Report,
    fill_km: bool,
) -> tuple[list[dict[str, str]], bool]:
    seen: set[str] = set()
    changed = False
    for row in rows:
        lid = row["id"]
        where = f"link {lid}"
        check_common(row, where, report)
        if lid in seen:
            report.error(f"{where}: duplicate id")
        seen.add(lid)
        mode = row["mode"]
        if mode not in MODES:
            report.error(f"{where}: bad mode {mode!r}")
        prefix = {"road": "r-", "rail": "rl-"}.get(mode, "?")
        if not lid.startswith(prefix):
            report.error(f"{where}: id should start with {prefix!r} for mode {mode!r}")
        a, b = row["from"], row["to"]
        if a == b:
            report.error(f"{where}: from == to")
        missing = [n for n in (a, b) if n not in places]
        if missing:
            report.error(f"{where}: unknown node(s) {missing}")
            continue
        pa, pb = places[a], places[b]
        for nid, p in ((a, pa), (b, pb)):
            if mode not in p.modes:
                report.error(f"{where}: {nid} does not serve mode {mode!r}")
        if row["km_basis"] not in KM_BASES:
            report.error(f"{where}: km_basis {row['km_basis']!r} not in {sorted(KM_BASES)}")
        if (row["class"], row["terrain"], mode) not in SPEED_KEYS:
            report.error(
                f"{where}: class/terrain {row['class']}/{row['terrain']} "
                f"has no {mode} row in speeds.csv"
            )
        # topology: crossings are the only way between countries
        if pa.kind == "crossing" and pb.kind == "crossing":
            report.error(f"{where}: links two crossings directly")
        if "port" not in (pa.kind, pb.kind):
            cross = pa.kind == "city" and pb.kind == "city" and pa.countries != pb.countries
            if cross and row["id"] not in UNMARKED_BORDER_LINKS:
                report.error(f"{where}: joins two countries without a crossing")
            for x, y in ((pa, pb), (pb, pa)):
                if x.kind == "crossing" and not (y.countries <= x.countries):
                    report.error(f"{where}: crossing end joined to a city of a third country")
        cities = pa.kind == "city" and pb.kind == "city"
        if cities and pa.territory != pb.territory and row["status"] == "open":
            report.error(f"{where}: open link across a de facto line ({a}, {b})")
        try:
            via = parse_via(row["via"])
        except ValueError:
            report.error(f"{where}: via {row['via']!r} is not 'lat lon;lat lon'")
            continue
        pts = [(pa.lat, pa.lon), *via, (pb.lat, pb.lon)]
        geo_km = geodesic_km(pts)
        allowed = pa.countries | pb.countries
        depths = foreign_depths(densify(pts, SAMPLE_STEP_KM), allowed, countries)
        for iso, depth in sorted(depths.items()):
            if depth > FOREIGN_TOLERANCE_KM:
                report.error(f"{where}: passes {depth:.1f} km into {iso}")
        straight = geodesic_km([pts[0], pts[-1]])
        if via and straight > 1.0 and geo_km / straight > DETOUR_WARN:
            report.warn(
                f"{where}: polyline is {geo_km / straight:.2f}x the straight line (via order?)"
            )
        if fill_km and row["km_basis"] == "geodesic":
            new = f"{geo_km:.1f}"
            if row["km"] != new:
                row["km"] = new
                changed = True
        try:
            km = float(row["km"])
        except ValueError:
            report.error(f"{where}: km {row['km']!r} not numeric (run with --fill-km?)")
            continue
        if km <= 0:
            report.error(f"{where}: km must be > 0")
            continue
        if row["km_basis"] == "geodesic" and abs(km - geo_km) > GEODESIC_REL_TOL * geo_km + 0.1:
            report.error(f"{where}: km {km} but geodesic polyline is {geo_km:.1f} (--fill-km)")
        if row["km_basis"] in ("sourced", "apportioned"):
            ratio = km / geo_km
            lo, hi = SOURCED_RATIO
            if not lo <= ratio <= hi:
                report.warn(
                    f"{where}: {row['km_basis']} km {km} / geodesic {geo_km:.1f} = {ratio:.2f}"
                )
    return rows, changed


def check_usage(rows: list[dict[str, str]], places: dict[str, Place], report: Report) -> None:
    """Every curated node is used by a link, and by a link of each mode it claims to serve."""
    used: dict[str, set[str]] = {}
    for row in rows:
        for nid in (row["from"], row["to"]):
            used.setdefault(nid, set()).add(row["mode"])
    for nid, p in places.items():
        if p.kind == "port":
            continue
        if nid not in used:
            report.error(f"node {nid}: no link uses it")
        elif missing := sorted(p.modes - used[nid]):
            report.warn(f"node {nid}: serves {missing} but no link of that mode touches it")


def build_graph(
    rows: list[dict[str, str]], places: dict[str, Place], mode: str | None = None
) -> nx.Graph:
    """Graph of open links between open nodes (optionally one mode only), weighted by km."""
    g = nx.Graph()
    for row in rows:
        if row["status"] != "open" or (mode and row["mode"] != mode):
            continue
        a, b = row["from"], row["to"]
        if a not in places or b not in places:
            continue
        if not (places[a].is_open and places[b].is_open):
            continue
        try:
            km = float(row["km"])
        except ValueError:
            continue
        if g.has_edge(a, b) and g[a][b]["km"] <= km:
            continue
        g.add_edge(a, b, km=km, id=row["id"])
    return g


def path_summary(g: nx.Graph, a: str, b: str) -> tuple[float, list[str]] | None:
    if a not in g or b not in g or not nx.has_path(g, a, b):
        return None
    path = nx.shortest_path(g, a, b, weight="km")
    return float(nx.path_weight(g, path, weight="km")), path


def check_graph(rows: list[dict[str, str]], places: dict[str, Place], report: Report) -> None:
    road = build_graph(rows, places, "road")
    rail = build_graph(rows, places, "rail")
    allg = build_graph(rows, places)
    lars = "x-upper-lars"
    if lars in road:
        first = path_summary(road, "vladikavkaz", lars)
        second = path_summary(road, lars, "yerevan")
        if first and second:
            km = first[0] + second[0]
            via = first[1] + second[1][1:]
            report.note(
                f"road vladikavkaz -> yerevan via Upper Lars: {km:.0f} km: {' > '.join(via)}"
            )
            if not 450 <= km <= 600:
                report.warn(f"vladikavkaz -> yerevan via Upper Lars is {km:.0f} km (450-600?)")
        else:
            report.error("no open road path vladikavkaz -> Upper Lars -> yerevan")
    else:
        report.error("x-upper-lars is not on the open road network")
    samples = [
        ("road", road, "tbilisi", "yerevan"),
        ("road", road, "almaty", "dushanbe"),
        ("road", road, "moscow", "astana"),
        ("road", road, "baku", "tbilisi"),
        ("rail", rail, "zhanaozen", "gorgan"),
        ("rail", rail, "tbilisi", "yerevan"),
        ("rail", rail, "almaty", "urumqi"),
        ("any", allg, "moscow", "yerevan"),
    ]
    for label, g, a, b in samples:
        res = path_summary(g, a, b)
        if res is None:
            report.note(f"{label} {a} -> {b}: no open path")
        else:
            report.note(
                f"{label} {a} -> {b}: {res[0]:.0f} km, {len(res[1]) - 2} intermediate nodes"
            )
    # Dushanbe -> Almaty both through Kyrgyzstan and through Uzbekistan
    for avoid, label in (("UZB", "avoiding UZB"), ("KGZ", "avoiding KGZ")):
        keep = [n for n in road if avoid not in places[n].countries]
        res = path_summary(road.subgraph(keep), "dushanbe", "almaty")
        if res is None:
            report.warn(f"no open road dushanbe -> almaty {label}")
        else:
            report.note(f"road dushanbe -> almaty {label}: {res[0]:.0f} km")
    # de facto territories: what the two Russian-controlled gates reach over open links
    for gate, terr in (("x-roki", "SOS"), ("x-psou", "ABK")):
        if gate not in allg:
            report.error(f"{gate} is not on the open network")
            continue
        sub = allg.copy()
        for nb in list(sub.neighbors(gate)):
            if "RUS" in places[nb].countries and places[nb].kind != "crossing":
                sub.remove_edge(gate, nb)
        reach = nx.node_connected_component(sub, gate) - {gate}
        bad = sorted(n for n in reach if places[n].territory != terr)
        if bad:
            report.error(f"{gate} reaches non-{terr} nodes over open links: {bad[:8]}")
        else:
            report.note(f"{gate} reaches only {terr} nodes over open links: {sorted(reach)}")


def write_links(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=LINK_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _optional_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


CAPACITY_MODES = {"road": "road", "rail": "rail", "sea": "sea", "ferry": "sea", "waterway": "sea"}


def check_speed_limits(link_rows: list[dict[str, str]], network: Path, report: Report) -> None:
    """``speed_limits.csv``: known road/rail links, a source, and whether each limit binds.

    A limit at or above the fastest speed any traffic class has on the link's type slows
    nothing; it is reported as information (a published maximum, not a restriction).
    """
    rows = _optional_rows(network / "speed_limits.csv")
    links = {r["id"]: r for r in link_rows}
    for i, r in enumerate(rows, start=2):
        where = f"speed_limits.csv row {i}"
        link = links.get(r.get("link", ""))
        if link is None:
            report.error(f"{where}: unknown link {r.get('link')!r}")
            continue
        if not (r.get("source") or "").strip():
            report.error(f"{where}: no source")
        try:
            kmh = float(r["max_kmh"])
        except (KeyError, ValueError):
            report.error(f"{where}: max_kmh {r.get('max_kmh')!r} is not a number")
            continue
        fastest = SPEED_MAX.get((link["class"], link["terrain"], link["mode"]))
        if fastest is not None and kmh >= fastest:
            report.note(
                f"{where}: {r['link']} limit {kmh:g} km/h binds no class (fastest {fastest:g})"
            )


def _element_modes(
    node_rows: list[dict[str, str]], link_rows: list[dict[str, str]], network: Path
) -> dict[str, set[str]]:
    """Capacity modes of every node, port and link (a node's modes plus its links' modes)."""
    out: dict[str, set[str]] = {
        r["id"]: {CAPACITY_MODES[m] for m in r["modes"].split(";") if m in CAPACITY_MODES}
        for r in node_rows
    }
    for name in ("ports.csv", "ports_extra.csv"):
        for r in _optional_rows(network / name):
            out.setdefault(r["id"], set()).add("sea")
    ends = [(r["id"], r["from"], r["to"], r["mode"]) for r in link_rows]
    sea_path = network / "sea_links.geojson"
    if sea_path.exists():
        import json

        for f in json.loads(sea_path.read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            ends.append((p["id"], p["from"], p["to"], p["mode"]))
    for eid, a, b, mode in ends:
        fam = CAPACITY_MODES.get(mode)
        out[eid] = {fam} if fam else set()
        for n in (a, b):
            if fam:
                out.setdefault(n, set()).add(fam)
    return out


def check_capacities(
    node_rows: list[dict[str, str]], link_rows: list[dict[str, str]], network: Path, report: Report
) -> None:
    """The per-mode rules of ``capacities.csv`` (see the module docstring)."""
    caps_path, units_path = network / "capacities.csv", network / "unit_conversions.csv"
    if not caps_path.exists():
        return
    unit_mode: dict[str, str] = {}
    for i, r in enumerate(_optional_rows(units_path), start=2):
        mode = r.get("mode")
        if mode is None or mode not in {"", *CAPACITY_MODES.values()}:
            report.error(f"unit_conversions.csv row {i}: mode {mode!r} not empty/road/rail/sea")
        unit_mode[r["unit"]] = mode or ""
    with caps_path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    if not header or header[-1] != "mode":
        report.error(f"capacities.csv: the last column must be 'mode', header is {header}")
        return
    modes = _element_modes(node_rows, link_rows, network)
    seen: set[tuple[str, str, str]] = set()
    for i, r in enumerate(_optional_rows(caps_path), start=2):
        where = f"capacities.csv row {i} ({r['element']})"
        mode, have = r["mode"], modes.get(r["element"], set())
        umode = unit_mode.get(r["unit"], "")
        if mode and mode not in have:
            report.error(f"{where}: mode {mode!r} is not one of its modes {sorted(have)}")
        if mode and umode and mode != umode:
            report.error(f"{where}: unit {r['unit']} counts {umode}, the row says {mode!r}")
        if not mode and umode and len(have) > 1:
            report.error(f"{where}: {sorted(have)} element with a {umode} unit: set mode {umode}")
        key = (r["element"], mode, r["traffic"])
        if key in seen:
            report.error(f"{where}: a second row for element/mode/traffic {key}")
        seen.add(key)


def _month(text: str) -> tuple[int, int] | None:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?", text.strip())
    return (int(m.group(1)), int(m.group(2) or 1)) if m else None


#: Untraced links shorter than this are counted apart in the coverage line (mostly border and
#: port stubs); the km of all untraced links is reported too.
STUB_KM = 5.0
_CITED_WPT = re.compile(r"\.wpt\b")
_TRACED_THROUGH = re.compile(r"(?<!not )traced through")


def _is_traced(row: dict[str, str]) -> bool:
    """Whether a geodesic link's row says its via points trace the real alignment.

    Roads: the row's ``source`` cites a TravelMapping ``.wpt`` file (points on the OpenStreetMap
    road); a file named only in ``notes`` does not count, since notes also name files that were
    checked and not used ("not re-traced: kgz.e125.wpt runs the bypass"). Railways: that, or
    "traced through" the line's stations in ``notes``. Older road rows "re-traced through" a
    few towns do not count.
    """
    if _CITED_WPT.search(row["source"]):
        return True
    return row["mode"] == "rail" and bool(_TRACED_THROUGH.search(row["notes"]))


def straight_but_cited(link_rows: list[dict[str, str]]) -> list[str]:
    """Geodesic road links that cite a ``.wpt`` file but are a straight line of 5 km or more.

    A trace has the file's waypoints as via points; a long straight link citing the file only
    for an end point would count as traced by :func:`_is_traced` (the file belongs in notes).
    """
    return [
        r["id"]
        for r in link_rows
        if r["mode"] == "road"
        and r["km_basis"] == "geodesic"
        and _CITED_WPT.search(r["source"])
        and not r.get("via", "").strip()
        and float(r["km"] or 0) >= STUB_KM
    ]


def parallel_duplicates(
    link_rows: list[dict[str, str]], tolerance: float = 0.01
) -> list[tuple[str, list[str]]]:
    """Open links that a path of two or more other links of the same mode matches in km.

    Such a link is nearly always a row left behind when a link was split at a junction (the
    road counted twice: a closure of the junction would not cut it). Returns each link with
    the nodes of the matching path.
    """
    out = []
    for mode in sorted(MODES):
        rows = [r for r in link_rows if r["mode"] == mode and r["status"] != "closed"]
        g = nx.MultiGraph()
        for r in rows:
            g.add_edge(r["from"], r["to"], key=r["id"], km=float(r["km"] or 0))

        def km(a: str, b: str, d: dict[str, dict[str, float]]) -> float:
            return min(x["km"] for x in d.values())

        for r in rows:
            length = float(r["km"] or 0)
            g.remove_edge(r["from"], r["to"], key=r["id"])
            try:
                dist, path = nx.single_source_dijkstra(g, r["from"], r["to"], weight=km)
            except nx.NetworkXNoPath:
                dist, path = math.inf, []
            g.add_edge(r["from"], r["to"], key=r["id"], km=length)
            if len(path) > 2 and length and abs(dist - length) / length < tolerance:
                out.append((r["id"], [str(n) for n in path]))
    return out


def untraced_links(link_rows: list[dict[str, str]]) -> list[str]:
    """Ids of the ``geodesic`` links whose rows do not say they trace the alignment (issue 11).

    A link meets the length rule with a published length (``km_basis`` sourced or
    apportioned) or a trace (:func:`_is_traced`); the others are returned, in file order.
    """
    return [r["id"] for r in link_rows if r["km_basis"] == "geodesic" and not _is_traced(r)]


def assumed_capacities(cap_rows: list[dict[str, str]]) -> list[str]:
    """Elements of the ``capacities.csv`` rows whose ``source`` is a named assumption.

    The rule is :func:`corridor._ground.capacity_basis`, the one the throughput answers use.
    """
    return [r["element"] for r in cap_rows if _basis(r) == "assumption"]


def shared_capacities(cap_rows: list[dict[str, str]]) -> list[str]:
    """Elements whose capacity row is an even share of a published total (basis ``share``)."""
    return [r["element"] for r in cap_rows if _basis(r) == "share"]


def _basis(r: dict[str, str]) -> str:
    from corridor._ground import capacity_basis

    return capacity_basis(r["source"], r.get("notes") or "")


def stale_statuses(
    node_rows: list[dict[str, str]],
    link_rows: list[dict[str, str]],
    history: list[dict[str, str]],
    today: str,
) -> list[str]:
    """Ids of the crossings and links whose newest dated evidence is over two years old.

    The evidence date of a status is the newest dated fact about it: the row's
    ``status_date`` (when it was last confirmed) or a history span's start or end. An
    open-ended span ("open since 1994") says nothing about today by itself.
    """
    now = _month(today)
    assert now is not None
    cutoff = (now[0] - 2, now[1])
    latest: dict[str, tuple[int, int]] = {}
    for r in history:
        for when in (_month(r["from_date"]), _month(r["to_date"])):
            if when and (r["element"] not in latest or when > latest[r["element"]]):
                latest[r["element"]] = when
    stale = []
    for r in [*node_rows, *link_rows]:
        if r.get("kind", "crossing") == "city":
            continue
        dated = _month(r["status_date"])
        best = max(x for x in (dated, latest.get(r["id"])) if x is not None) if dated else None
        if best is None or best < cutoff:
            stale.append(r["id"])
    return stale


def report_coverage(
    node_rows: list[dict[str, str]], link_rows: list[dict[str, str]], network: Path, today: str
) -> list[str]:
    """Coverage of the ground data: km basis, sources, dwell times, capacities, stale statuses."""
    lines = []
    ground = [r for r in link_rows if r["mode"] in MODES]
    for mode in sorted(MODES):
        rows = [r for r in ground if r["mode"] == mode]
        share = {b: sum(r["km_basis"] == b for r in rows) / max(len(rows), 1) for b in KM_BASES}
        text = ", ".join(f"{b} {v:.0%}" for b, v in sorted(share.items()))
        lines.append(f"{mode} links by km_basis: {text} (of {len(rows)})")
        traced = [r for r in rows if r["km_basis"] == "geodesic" and _is_traced(r)]
        untraced = untraced_links(rows)
        km = {r["id"]: float(r["km"]) for r in rows}
        stubs = [i for i in untraced if km[i] < STUB_KM]
        lines.append(
            f"{mode} links with a published length or a traced alignment: "
            f"{len(rows) - len(untraced)} of {len(rows)} ({len(traced)} geodesic traced, as "
            f"their rows say); untraced geodesic: "
            f"{len(untraced)} ({len(stubs)} of them under {STUB_KM:g} km, "
            f"{sum(km[i] for i in untraced):,.0f} km in all) {untraced[:6]}"
        )
    unsourced = [r["id"] for r in link_rows if not r["source"].strip()]
    lines.append(f"links without a source: {len(unsourced)} {unsourced[:5]}")
    dwell = _optional_rows(network / "crossing_times.csv")
    caps = _optional_rows(network / "capacities.csv")
    history = _optional_rows(network / "status_history.csv")
    crossings = [r["id"] for r in node_rows if r["kind"] == "crossing"]
    timed = {r["node"] for r in dwell}
    sourced_dwell = {r["node"] for r in dwell if r.get("basis") == "sourced"}
    capped = {r["element"] for r in caps}
    no_dwell = [c for c in crossings if c not in timed]
    no_cap = [c for c in crossings if c not in capped]
    lines.append(
        f"crossings: {len(crossings)}; with a dwell row {len(crossings) - len(no_dwell)} "
        f"({sum(c in sourced_dwell for c in crossings)} sourced), without: {len(no_dwell)} "
        f"{no_dwell[:8]}"
    )
    lines.extend(_dwell_by_class(dwell, crossings))
    episodes = _optional_rows(network / "dwell_episodes.csv")
    lines.append(
        f"dated dwell episodes (queues that replace the standing dwell on their dates): "
        f"{len(episodes)} at {len({r['node'] for r in episodes})} crossings and ports "
        f"{sorted({r['node'] for r in episodes})[:8]}"
    )
    lines.append(
        f"crossings without a capacity: {len(no_cap)} {no_cap[:8]}; "
        f"links with a capacity: {sum(r['id'] in capped for r in link_rows)} of {len(link_rows)}"
    )
    assumed = assumed_capacities(caps)
    line_type = [r for r in caps if _basis(r) == "line-type"]
    floors = [r for r in caps if _basis(r) == "lower bound"]
    shares = shared_capacities(caps)
    own = len(caps) - len(assumed) - len(shares)
    lines.append(
        f"capacity rows: {len(caps)}, with a figure published for the element {own} (of them "
        f"{len(line_type)} a line-type capacity, the published figure of the line's layout, and "
        f"{len(floors)} a lower bound, observed traffic), an even share of a total published "
        f"for several elements {len(shares)} {shares[:4]}, a named assumption "
        f"{len(assumed)} {assumed[:8]}"
    )
    limits = _optional_rows(network / "speed_limits.csv")
    limited = sorted({r["link"] for r in limits})
    lines.append(
        f"speed limits (published restrictions that cap a link's class speed): {len(limits)} "
        f"rows on {len(limited)} links {limited[:8]}"
    )
    stale = stale_statuses(node_rows, link_rows, history, today)
    now = _month(today)
    assert now is not None
    lines.append(
        f"statuses whose newest evidence is older than two years (before "
        f"{now[0] - 2}-{now[1]:02d}; status_date and dated history): "
        f"{len(stale)} {stale}"
    )
    return lines


def _dwell_by_class(dwell: list[dict[str, str]], crossings: list[str]) -> list[str]:
    """Dwell rows sourced/assumed per traffic class; crossings without a passenger row."""
    lines = []
    classes = sorted({r.get("traffic", "") or "(none)" for r in dwell})
    for cls in classes:
        rows = [r for r in dwell if (r.get("traffic", "") or "(none)") == cls]
        counts = {b: sum(r.get("basis") == b for r in rows) for b in ("sourced", "assumption")}
        lines.append(
            f"dwell rows {cls}: {len(rows)} ({counts['sourced']} sourced, "
            f"{counts['assumption']} assumption)"
        )
    passenger = {r["node"] for r in dwell if r.get("traffic") in ("passenger", "all")}
    missing = [c for c in crossings if c not in passenger]
    lines.append(
        f"crossings without a passenger dwell row (the passenger default applies): "
        f"{len(missing)} of {len(crossings)} {missing[:8]}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill-km", action="store_true", help="write geodesic km into links.csv")
    parser.add_argument("--quiet", action="store_true", help="print errors and totals only")
    parser.add_argument("--network", type=Path, default=NETWORK, help="folder with the CSVs")
    args = parser.parse_args(argv)
    network: Path = args.network

    report = Report()
    countries = load_countries()
    ports = load_ports(report, network)
    node_rows = read_csv(network / "nodes.csv", NODE_COLUMNS, report)
    link_rows = read_csv(network / "links.csv", LINK_COLUMNS, report)
    places = check_nodes(node_rows, countries, ports, report)
    known = {**ports, **places}
    link_rows, changed = check_links(link_rows, known, countries, report, args.fill_km)
    if changed:
        write_links(link_rows, network / "links.csv")
        report.note("links.csv: geodesic km rewritten")
    check_usage(link_rows, known, report)
    check_graph(link_rows, known, report)
    check_capacities(node_rows, link_rows, network, report)
    check_speed_limits(link_rows, network, report)
    for lid, path in parallel_duplicates(link_rows):
        report.warn(f"link {lid}: a path of other links has its km ({' > '.join(path)})")
    for lid in straight_but_cited(link_rows):
        report.warn(f"link {lid}: a straight line of {STUB_KM:g} km or more cites a .wpt file")

    kinds = {k: sum(1 for r in node_rows if r["kind"] == k) for k in sorted(KINDS)}
    modes = {m: sum(1 for r in link_rows if r["mode"] == m) for m in sorted(MODES)}
    status = {s: sum(1 for r in link_rows if r["status"] == s) for s in sorted(STATUSES)}
    print(f"nodes: {len(node_rows)} {kinds}; links: {len(link_rows)} {modes} {status}")
    today = datetime.date.today().isoformat()
    for line in report_coverage(node_rows, link_rows, network, today):
        print(f"  coverage: {line}")
    if not args.quiet:
        for line in report.info:
            print(f"  info: {line}")
    for line in report.warnings:
        print(f"  WARNING: {line}")
    for line in report.errors:
        print(f"  ERROR: {line}")
    print(f"{len(report.errors)} errors, {len(report.warnings)} warnings")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
