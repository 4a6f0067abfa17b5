"""Building the transit network from its files: read, validate, annotate, assemble.

:func:`corridor.network.load_network` calls :func:`_build` when no valid cache exists.
"""

from __future__ import annotations

import difflib
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from corridor import _ground, borders, geo
from corridor._errors import DataError

if TYPE_CHECKING:  # pandas and geopandas are imported where frames are built (light warm runs)
    from collections.abc import Callable, Mapping

    import geopandas as gpd
    import pandas as pd
    from numpy.typing import NDArray

from corridor.network import (
    CROSSING_BORDER_KM,
    DEFAULT_SPEED_KMH,
    EDGE_MODES,
    NODE_KINDS,
    NODE_TOLERANCE_KM,
    STATUSES,
    TERRITORIES,
    TRANSFER_HANDLING_H,
    TRANSFER_MAX_KM,
    TransitNetwork,
)

logger = logging.getLogger("corridor")


#: Columns each network CSV needs (more may follow), for messages about unreadable files.
_CSV_COLUMNS = {
    "nodes.csv": ("id", "name", "kind", "country", "lat", "lon", "status", "source"),
    "airports.csv": ("id", "name", "kind", "country", "lat", "lon"),
    "ports.csv": ("id", "name", "country", "lat", "lon", "source"),
    "links.csv": ("id", "from", "to", "mode", "km", "status", "source"),
}


def _why_unreadable(exc: Exception) -> str:
    import pandas as pd

    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start})"
    if isinstance(exc, pd.errors.EmptyDataError):
        return "the file is empty"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return f"not a CSV table ({type(exc).__name__})"


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        columns = _CSV_COLUMNS.get(path.name)
        want = f"header {','.join(columns)}" if columns else "a header row"
        msg = (
            f"network file {path} could not be read: {_why_unreadable(exc)}; "
            f"expected UTF-8 CSV with {want}"
        )
        raise DataError(msg) from exc


def _fail(path: Path, row: int | str, field: str, problem: str) -> DataError:
    where = f"row {row}" if isinstance(row, int) else f"id {row!r}"
    return DataError(f"{path}: {where}, field {field!r}: {problem}")


def _require(df: pd.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        msg = f"{path}: missing column(s) {missing}; expected {list(columns)}"
        raise DataError(msg)


def _float(value: str, path: Path, row: int, field: str, *, positive: bool = False) -> float:
    try:
        x = float(value)
    except ValueError:
        raise _fail(path, row, field, f"{value!r} is not a number") from None
    if not np.isfinite(x) or (positive and x <= 0):
        raise _fail(path, row, field, f"must be a positive number, got {value!r}")
    return x


def _opt_float(value: str) -> float:
    try:
        return float(value) if value.strip() else float("nan")
    except ValueError:
        return float("nan")


def _node_frames(path: Path) -> pd.DataFrame:
    import pandas as pd

    known = set(borders.load_borders().index)
    frames = []
    nodes = _read_csv(path / "nodes.csv")
    _require(
        nodes,
        path / "nodes.csv",
        ("id", "name", "kind", "country", "lat", "lon", "status", "source"),
    )
    nodes["src_file"] = "nodes.csv"
    frames.append(nodes)
    airports = _read_csv(path / "airports.csv")
    _require(airports, path / "airports.csv", ("id", "name", "kind", "country", "lat", "lon"))
    airports["src_file"] = "airports.csv"
    airports["status"] = "open"
    airports["modes"] = "air"
    frames.append(airports)
    ports = _read_csv(path / "ports.csv")
    _require(ports, path / "ports.csv", ("id", "name", "country", "lat", "lon", "source"))
    ports["src_file"] = "ports.csv"
    ports["kind"] = "port"
    ports["status"] = "open"
    ports["modes"] = "sea"
    frames.append(ports)
    df = pd.concat(frames, ignore_index=True).fillna("")
    for col in ("country_b", "territory", "icao", "iata", "runway_m", "surface", "status_date",
                "capacity_per_day", "capacity_unit", "modes", "notes", "source"):  # fmt: skip
        if col not in df.columns:
            df[col] = ""
    df["src_row"] = df.groupby("src_file").cumcount() + 2  # 1-based, after the header line
    seen: dict[str, str] = {}
    for r in df.itertuples():
        f = path / str(r.src_file)
        row = int(str(r.src_row))
        if not str(r.id).strip():
            raise _fail(f, row, "id", "empty id")
        if str(r.id) in seen:
            raise _fail(f, row, "id", f"duplicate id {r.id!r} (also in {seen[str(r.id)]})")
        seen[str(r.id)] = str(r.src_file)
        if r.kind not in NODE_KINDS:
            raise _fail(f, row, "kind", f"unknown kind {r.kind!r}; valid: {', '.join(NODE_KINDS)}")
        for field in ("country", "country_b"):
            code = str(getattr(r, field))
            if (field == "country" or code) and code not in known:
                close = difflib.get_close_matches(code, sorted(known), n=3, cutoff=0.3)
                raise _fail(
                    f,
                    row,
                    field,
                    f"unknown country code {code!r}; did you mean: {', '.join(close)}",
                )
        if r.kind == "crossing" and not r.country_b:
            raise _fail(f, row, "country_b", "a crossing needs the country on its other side")
        if r.territory and r.territory not in TERRITORIES:
            raise _fail(
                f,
                row,
                "territory",
                f"unknown territory {r.territory!r}; valid: {', '.join(TERRITORIES)}",
            )
        if r.status not in STATUSES:
            raise _fail(
                f, row, "status", f"unknown status {r.status!r}; valid: {', '.join(STATUSES)}"
            )
        lat = _float(str(r.lat), f, row, "lat")
        lon = _float(str(r.lon), f, row, "lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _fail(f, row, "lat/lon", f"({lat}, {lon}) is not a coordinate")
    return df


def _check_node_positions(df: pd.DataFrame, path: Path) -> None:
    gdf = borders.load_borders()
    lon = df["lon"].astype(float).to_numpy()
    lat = df["lat"].astype(float).to_numpy()
    for i, r in enumerate(df.itertuples()):
        f = path / str(r.src_file)
        point = shapely.Point(lon[i], lat[i])
        poly = gdf.geometry[r.country]
        if r.kind == "crossing":
            line = borders.shared_border(str(r.country), str(r.country_b))
            if line.is_empty:
                raise _fail(
                    f,
                    int(str(r.src_row)),
                    "country_b",
                    f"{r.country} and {r.country_b} share no border",
                )
            d_km = _distance_km(point, line)
            if d_km > CROSSING_BORDER_KM:
                raise _fail(
                    f, int(str(r.src_row)), "lat/lon",
                    f"crossing {r.id!r} is {d_km:.1f} km from the {r.country}-{r.country_b} border "
                    f"(limit {CROSSING_BORDER_KM:g} km)",
                )  # fmt: skip
            continue
        if poly.covers(point):
            continue
        tol = NODE_TOLERANCE_KM[str(r.kind)]
        d_km = _distance_km(point, poly.boundary) if tol else 0.0
        if not tol or d_km > tol:
            where = borders.country_at(lon[i], lat[i]) or "the sea"
            raise _fail(
                f, int(str(r.src_row)), "country",
                f"node {r.id!r} at ({lat[i]}, {lon[i]}) lies in {where}, not in {r.country}"
                + (f" ({d_km:.1f} km away, limit {tol:g} km)" if tol else ""),
            )  # fmt: skip


def _distance_km(point: shapely.Point, geom: Any) -> float:
    """Geodesic distance from a point to a geometry, via a projection centred on the point."""
    crs = geo.aeqd_crs(round(point.x, 4), round(point.y, 4))
    nearby = shapely.clip_by_rect(geom, point.x - 2, point.y - 2, point.x + 2, point.y + 2)
    if nearby.is_empty:
        nearby = geom
    projected = geo.to_crs(shapely.segmentize(nearby, 0.01), "EPSG:4326", crs)
    return float(projected.distance(shapely.Point(0.0, 0.0))) / 1000.0


def _parse_via(text: str, f: Path, row: int) -> list[tuple[float, float]]:
    points = []
    for chunk in filter(None, (c.strip() for c in text.split(";"))):
        parts = chunk.split()
        if len(parts) != 2:
            raise _fail(f, row, "via", f"expected 'lat lon;lat lon;...', got {chunk!r}")
        lat = _float(parts[0], f, row, "via")
        lon = _float(parts[1], f, row, "via")
        points.append((lon, lat))
    return points


def _edge_frames(
    path: Path,
    nodes: pd.DataFrame,
    speeds: Mapping[_ground.SpeedKey, _ground.Speed],
    limits: Mapping[str, tuple[_ground.SpeedLimit, ...]] | None = None,
) -> pd.DataFrame:
    import geopandas as gpd
    import pandas as pd

    coords = {
        str(i): (float(x), float(y))
        for i, x, y in zip(nodes["id"], nodes["lon"], nodes["lat"], strict=True)
    }
    country_of = _link_country_rule(nodes)
    rows: list[dict[str, Any]] = []
    f = path / "links.csv"
    links = _read_csv(f)
    _require(links, f, ("id", "from", "to", "mode", "km", "status", "source"))
    limits = limits or {}
    _check_limit_links(path, limits, [str(x) for x in links["id"]])
    for i, rec in enumerate(links.to_dict("records")):
        r = {str(k): v for k, v in rec.items()}
        row = i + 2
        for field in ("from", "to"):
            if r[field] not in coords:
                close = difflib.get_close_matches(r[field], list(coords), n=3)
                raise _fail(
                    f, row, field, f"unknown node {r[field]!r}; did you mean: {', '.join(close)}"
                )
        if r["mode"] not in ("road", "rail"):
            raise _fail(
                f, row, "mode", f"unknown mode {r['mode']!r}; valid in links.csv: road, rail"
            )
        line = [coords[r["from"]], *_parse_via(r.get("via", ""), f, row), coords[r["to"]]]
        country = country_of(str(r["from"]), str(r["to"]))
        rows.append(
            _edge_record(
                r, f, row, shapely.LineString(line), speeds, country, limits.get(str(r["id"]), ())
            )
        )
    f = path / "sea_links.geojson"
    try:
        sea = gpd.read_file(f, engine="pyogrio")
    except Exception as exc:
        msg = (
            f"network file {f} could not be read ({type(exc).__name__}); expected a GeoJSON "
            "FeatureCollection of LineString sea lanes (see AIR_SEA_PROVENANCE.md)"
        )
        raise DataError(msg) from exc
    for i, r in enumerate(sea.to_dict("records")):
        row = i + 1
        props = {
            str(k): ("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
            for k, v in r.items()
            if k != "geometry"
        }
        for field in ("from", "to"):
            if props.get(field) not in coords:
                raise _fail(f, row, field, f"unknown node {props.get(field)!r}")
        if props["mode"] not in ("sea", "ferry", "waterway"):
            raise _fail(
                f, row, "mode", f"unknown mode {props['mode']!r}; valid: sea, ferry, waterway"
            )
        rows.append(_edge_record(props, f, row, r["geometry"], {}))
    edges = pd.DataFrame(rows)
    dupes = edges["id"][edges["id"].duplicated()]
    if len(dupes):
        msg = f"{path}: duplicate edge id(s) {sorted(dupes)[:5]} in links.csv/sea_links.geojson"
        raise DataError(msg)
    return edges


def _link_country_rule(nodes: pd.DataFrame) -> Callable[[str, str], str]:
    """Return the rule naming the country a link lies in, for its speed rows.

    A link between two nodes of one country lies in it; a link from a border crossing
    lies in the country of its other end (the side of the border it runs on); a link
    between two crossings, in the first one's country.
    """
    kind = dict(zip(nodes["id"].astype(str), nodes["kind"].astype(str), strict=True))
    country = dict(zip(nodes["id"].astype(str), nodes["country"].astype(str), strict=True))

    def rule(a: str, b: str) -> str:
        inland = [n for n in (a, b) if kind.get(n) != "crossing"]
        return country.get(inland[0] if inland else a, "")

    return rule


def _edge_record(
    r: dict[str, Any],
    f: Path,
    row: int,
    geometry: Any,
    speeds: Mapping[_ground.SpeedKey, _ground.Speed],
    country: str = "",
    limits: tuple[_ground.SpeedLimit, ...] = (),
) -> dict[str, Any]:
    if not str(r.get("id", "")).strip():
        raise _fail(f, row, "id", "empty id")
    if r["status"] not in STATUSES:
        raise _fail(
            f, row, "status", f"unknown status {r['status']!r}; valid: {', '.join(STATUSES)}"
        )
    km = _float(str(r["km"]), f, row, "km", positive=True)
    speed_text = str(r.get("speed_kmh", "")).strip()
    road_class, terrain = str(r.get("class", "")).strip(), str(r.get("terrain", "")).strip()
    factors: dict[str, float] = {}
    if road_class or terrain:
        if speed_text:
            raise _fail(f, row, "speed_kmh", "give class/terrain or speed_kmh, not both")
        speed, factors = _class_speeds(road_class, terrain, str(r["mode"]), speeds, f, row, country)
    elif speed_text:
        speed = _float(speed_text, f, row, "speed_kmh", positive=True)
    else:
        speed = DEFAULT_SPEED_KMH[r["mode"]]
    if limits:
        speed, capped = _ground.limited_speeds(speed, factors, limits)
        factors = {t: x for t, x in capped.items() if t != "passenger"}
    return {
        "id": r["id"], "u": r["from"], "v": r["to"], "mode": r["mode"], "km": km,
        "km_basis": r.get("km_basis", ""), "hours": km / speed, "status": r["status"],
        "class": road_class, "terrain": terrain,
        "status_date": r.get("status_date", ""),
        "capacity_per_day": _opt_float(str(r.get("capacity_per_day", ""))),
        "capacity_unit": r.get("capacity_unit", ""), "source": r.get("source", ""),
        "notes": r.get("notes", ""), "geometry": geometry, **_factor_columns(factors),
    }  # fmt: skip


def _check_limit_links(
    path: Path, limits: Mapping[str, tuple[_ground.SpeedLimit, ...]], link_ids: list[str]
) -> None:
    """Every link named in ``speed_limits.csv`` must be a link of ``links.csv``."""
    known = set(link_ids)
    for link in limits:
        if link not in known:
            close = difflib.get_close_matches(link, link_ids, n=3)
            hint = f"; did you mean: {', '.join(close)}" if close else ""
            msg = (
                f"{path / 'speed_limits.csv'}: column 'link': unknown link {link!r} "
                f"(speed limits name road or rail links of links.csv){hint}"
            )
            raise DataError(msg)


def _class_speeds(
    road_class: str,
    terrain: str,
    mode: str,
    speeds: Mapping[_ground.SpeedKey, _ground.Speed],
    f: Path,
    row: int,
    country: str = "",
) -> tuple[float, dict[str, float]]:
    """Passenger speed and per-class hour factors of a link (:func:`_ground.speed_factors`)."""
    try:
        return _ground.speed_factors(speeds, road_class, terrain, mode, country)
    except KeyError as exc:
        traffic = exc.args[0]
        known = sorted({f"{c}/{t}/{k}" for c, t, m, k, _ in speeds if m == mode})
        msg = (
            f"no {traffic} speed for {(road_class, terrain, mode)} in speeds.csv (nor an "
            f"'all' row); known class/terrain/traffic: {', '.join(known)}"
        )
        raise _fail(f, row, "class", msg) from None


def _factor_columns(factors: Mapping[str, float]) -> dict[str, float]:
    """``speed_factor_<class>`` edge columns: a class's hours per passenger hour (1 if none)."""
    return {
        f"speed_factor_{t}": factors.get(t, 1.0)
        for t in _ground.TRAFFIC_CLASSES
        if t != "passenger"
    }


def _hours_class_columns(edges: gpd.GeoDataFrame) -> dict[str, NDArray[np.float64]]:
    """Hours of every edge per traffic class: ``hours`` times the class's speed factor.

    Edges without a class/terrain (sea lanes, transfers, links with their own
    ``speed_kmh``) have factor 1: every class takes their hours.
    """
    hours = edges["hours"].to_numpy(dtype=np.float64)
    out = {}
    for traffic in _ground.TRAFFIC_CLASSES:
        name = f"speed_factor_{traffic}"
        if name in edges.columns:
            factor = np.nan_to_num(edges[name].to_numpy(dtype=np.float64), nan=1.0)
            out[traffic] = np.asarray(hours * factor, dtype=np.float64)
        else:
            out[traffic] = hours.copy()
    return out


def _transfers(nodes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Airport-to-city transfer edges (nearest city of the same country within reach)."""
    import pandas as pd

    cities = nodes[nodes["kind"] == "city"]
    rows = []
    for nid, r in nodes[nodes["kind"].isin(["airport", "airbase"])].iterrows():
        same = cities[cities["country"] == r["country"]]
        if same.empty:
            continue
        d = geo.distance_km(
            r.geometry.x, r.geometry.y, same.geometry.x.to_numpy(), same.geometry.y.to_numpy()
        )
        j = int(np.argmin(d))
        if d[j] > TRANSFER_MAX_KM:
            continue
        city = same.index[j]
        km = max(float(d[j]), 0.1)
        rows.append({
            "id": f"t-{nid}-{city}", "u": nid, "v": city, "mode": "transfer", "km": km,
            "km_basis": "geodesic", "hours": TRANSFER_HANDLING_H + km / 40.0, "status": "open",
            "status_date": "", "capacity_per_day": float("nan"), "capacity_unit": "",
            "source": "derived: nearest city of the same country", "notes": "",
            "geometry": shapely.LineString([
                (r.geometry.x, r.geometry.y), (same.geometry.x.iloc[j], same.geometry.y.iloc[j])
            ]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _annotate(
    edges: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Ordered land countries each edge's geometry crosses, and territories it touches."""
    countries: list[tuple[str, ...]] = []
    dense = shapely.segmentize(edges.geometry.values, 0.01)  # ~1 km vertex spacing
    xy, which = shapely.get_coordinates(dense, return_index=True)
    located = borders.locate_countries(xy[:, 0], xy[:, 1])
    bounds = np.searchsorted(which, np.arange(len(dense) + 1))
    water = (edges["mode"].isin(["sea", "ferry"])).to_numpy()
    sea_codes = _sea_states(edges.geometry.values[water], dense[water])
    sea_iter = iter(sea_codes)
    for k, mode in enumerate(edges["mode"]):
        if mode in ("sea", "ferry"):
            countries.append(next(sea_iter))
        else:
            lo, hi = bounds[k], bounds[k + 1]
            countries.append(tuple(_runs(located[lo:hi], xy[lo:hi])))
    territory = nodes["territory"].to_dict()
    territories = [
        tuple(sorted({t for t in (territory.get(u, ""), territory.get(v, "")) if t}))
        for u, v in zip(edges["u"], edges["v"], strict=True)
    ]
    return countries, territories


def _sea_states(lines: NDArray[np.object_], dense: NDArray[np.object_]) -> list[tuple[str, ...]]:
    """States whose land or territorial sea each sea/ferry lane enters, in order along it.

    A coastal state can interdict shipping in its territorial sea (12 nm belt split by median
    lines, :func:`corridor.borders.load_territorial_seas` under the ``open`` Caspian rule);
    innocent passage is not assumed for military transit. So a lane is tagged with every state
    whose land or belt it touches, the terminal ports' states included. Every run counts, even
    a short clip (no noise filter as on land), and a zone the exact line meets between
    samples is appended, so no belt the geometry enters can be missed.
    """
    if len(lines) == 0:
        return []
    xy, which = shapely.get_coordinates(dense, return_index=True)
    located = borders.locate_airspace(xy[:, 0], xy[:, 1], caspian="open")
    bounds = np.searchsorted(which, np.arange(len(lines) + 1))
    tree, zone_of_part = borders._airspace_tree("open")
    line_idx, part_idx = tree.query(lines, predicate="intersects")
    met: dict[int, set[str]] = {}
    for i, j in zip(line_idx, part_idx, strict=True):
        met.setdefault(int(i), set()).add(str(zone_of_part[j]))
    out: list[tuple[str, ...]] = []
    for k in range(len(lines)):
        ordered: list[str] = []
        for code in located[bounds[k] : bounds[k + 1]]:
            if code != borders.INTL and (not ordered or ordered[-1] != code):
                ordered.append(str(code))
        missed = sorted(met.get(k, set()) - set(ordered) - {borders.INTL})
        out.append((*ordered, *missed))
    return out


#: Interior runs shorter than this many ~1 km samples are border noise, not a crossing.
_MIN_RUN_SAMPLES = 3
#: An interior run that never gets farther than this from the country's border is below the
#: resolution of the Natural Earth 1:10m border lines (generalised for that scale, where 1 mm
#: is 10 km): a road or railway that follows a border river (the A2 along the Chu, the Aras
#: valley roads, the Chu valley railway) cannot be put on either side by them.
_MIN_RUN_DEPTH_KM = 2.0


def _run_depth_km(code: str, xy: NDArray[np.float64]) -> float:
    """Largest distance (km) from the points (lon, lat) to the boundary of country ``code``.

    Measured in a local equirectangular frame (lon scaled by the cosine of the points' mean
    latitude), within about 1 % of the geodesic over a few km. Only the boundary within 0.2
    degrees of the points is used: beyond it every distance is well over the threshold, so an
    overestimate there does not change the decision it serves.
    """
    lon0, lat0 = float(np.mean(xy[:, 0])), float(np.mean(xy[:, 1]))
    kx, ky = 111.32 * math.cos(math.radians(lat0)), 110.57
    (x1, y1), (x2, y2) = xy.min(axis=0) - 0.2, xy.max(axis=0) + 0.2
    near = shapely.clip_by_rect(borders.load_borders().geometry[code].boundary, x1, y1, x2, y2)
    if near.is_empty:
        return math.inf

    def local(c: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack(((c[:, 0] - lon0) * kx, (c[:, 1] - lat0) * ky))

    points = shapely.points(local(xy))
    return float(np.max(shapely.distance(points, shapely.transform(near, local))))


def _runs(codes: NDArray[np.object_], xy: NDArray[np.float64]) -> list[str]:
    """Ordered countries along sampled points (``xy``: lon, lat), ignoring border noise.

    An interior run (neither the first nor the last country) is noise when it is shorter than
    :data:`_MIN_RUN_SAMPLES` samples or none of its samples is more than
    :data:`_MIN_RUN_DEPTH_KM` inside that country.
    """
    runs: list[list[Any]] = []
    for i, code in enumerate(codes):
        if code is None:
            continue
        if runs and runs[-1][0] == code:
            runs[-1][1] += 1
            runs[-1][3] = i
        else:
            runs.append([code, 1, i, i])

    def kept(i: int, run: list[Any]) -> bool:
        if i in (0, len(runs) - 1):
            return True
        if run[1] < _MIN_RUN_SAMPLES:
            return False
        return _run_depth_km(run[0], xy[run[2] : run[3] + 1]) > _MIN_RUN_DEPTH_KM

    ordered: list[str] = []
    for i, run in enumerate(runs):
        if kept(i, run) and (not ordered or ordered[-1] != run[0]):
            ordered.append(str(run[0]))
    return ordered


def _build(path: Path) -> TransitNetwork:
    import geopandas as gpd
    import pandas as pd

    logger.info("loading transit network from %s", path)
    raw = _node_frames(path)
    _check_node_positions(raw, path)
    nodes = gpd.GeoDataFrame(
        raw.drop(columns=["lat", "lon"]),
        geometry=shapely.points(raw["lon"].astype(float), raw["lat"].astype(float)),
        crs="EPSG:4326",
    ).set_index("id")
    nodes["runway_m"] = [_opt_float(str(v)) for v in nodes["runway_m"]]
    nodes["capacity_per_day"] = [_opt_float(str(v)) for v in nodes["capacity_per_day"]]
    speeds = _ground.read_speeds(path)
    limits = _ground.read_speed_limits(path)
    edge_df = _edge_frames(path, raw, speeds, limits)
    transfers = _transfers(nodes)
    edge_df = pd.concat([edge_df, transfers], ignore_index=True)
    edges = gpd.GeoDataFrame(edge_df, geometry="geometry", crs="EPSG:4326").set_index("id")
    for col in ("class", "terrain"):
        edges[col] = edges[col].fillna("")
    ground = _read_ground(path, nodes, edges, speeds, limits)
    info = {
        str(n): _ground.NodeInfo(str(k), str(c), str(b))
        for n, k, c, b in zip(
            nodes.index, nodes["kind"], nodes["country"], nodes["country_b"], strict=True
        )
    }
    triples = [
        (str(u), str(v), str(m))
        for u, v, m in zip(edges["u"], edges["v"], edges["mode"], strict=True)
    ]
    for traffic, (fwd, back) in _ground.edge_dwell_by_class(ground, triples, info).items():
        suffix = "" if traffic == "freight" else f"_{traffic}"
        edges[f"dwell_fwd{suffix}"], edges[f"dwell_back{suffix}"] = fwd, back
    return _assemble(nodes, edges, ground)


def _read_ground(
    path: Path,
    nodes: gpd.GeoDataFrame,
    edges: gpd.GeoDataFrame,
    speeds: Mapping[_ground.SpeedKey, _ground.Speed] | None = None,
    limits: Mapping[str, tuple[_ground.SpeedLimit, ...]] | None = None,
) -> _ground.GroundTables:
    return _ground.load_ground(
        path,
        node_pairs=_dwell_nodes(nodes),
        node_ids=frozenset(str(n) for n in nodes.index),
        edge_ids=frozenset(str(e) for e in edges.index),
        element_modes=_element_modes(nodes, edges),
        speeds=speeds,
        speed_limits=limits,
    )


def _element_modes(nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> dict[str, set[str]]:
    """Network modes of every node (its ``modes`` and its links' modes) and link."""
    out: dict[str, set[str]] = {
        str(n): {m for m in str(ms).split(";") if m}
        for n, ms in zip(nodes.index, nodes["modes"], strict=True)
    }
    for e, u, v, m in zip(edges.index, edges["u"], edges["v"], edges["mode"], strict=True):
        out[str(e)] = {str(m)}
        for n in (str(u), str(v)):
            out.setdefault(n, set()).add(str(m))
    return out


def _dwell_nodes(nodes: gpd.GeoDataFrame) -> dict[str, tuple[str, str]]:
    """Crossings (with their two countries) and ports: the nodes a dwell row may name."""
    out = {}
    for nid, kind, a, b in zip(
        nodes.index, nodes["kind"], nodes["country"], nodes["country_b"], strict=True
    ):
        if kind == "crossing":
            out[str(nid)] = (str(a), str(b))
        elif kind == "port":
            out[str(nid)] = (str(a), str(a))
    return out


def _assemble(
    nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, ground: _ground.GroundTables
) -> TransitNetwork:
    """Annotate edges with the countries they cross and build the array form."""
    countries, territories = _annotate(edges, nodes)
    edges["countries"] = countries
    edges["territories"] = territories
    node_ids = tuple(str(n) for n in nodes.index)
    index = {n: i for i, n in enumerate(node_ids)}
    codes = tuple(sorted(set(borders.load_borders().index) | set(TERRITORIES)))
    bit = {c: np.uint64(1 << i) for i, c in enumerate(codes)}
    node_country = nodes["country"].to_dict()
    node_b = nodes["country_b"].to_dict()
    masks = np.zeros(len(edges), dtype=np.uint64)
    for k, (u, v, cs, ts) in enumerate(
        zip(edges["u"], edges["v"], countries, territories, strict=True)
    ):
        touched = set(cs) | set(ts) | {node_country[u], node_country[v]}
        touched |= {c for c in (node_b[u], node_b[v]) if c}
        m = np.uint64(0)
        for c in touched:
            m |= bit[c]
        masks[k] = m
    return TransitNetwork(
        nodes=nodes,
        edges=edges,
        countries=codes,
        node_ids=node_ids,
        edge_u=np.array([index[u] for u in edges["u"]], dtype=np.int64),
        edge_v=np.array([index[v] for v in edges["v"]], dtype=np.int64),
        edge_km=edges["km"].to_numpy(dtype=np.float64),
        edge_hours=edges["hours"].to_numpy(dtype=np.float64),
        edge_mode=np.array([EDGE_MODES.index(m) for m in edges["mode"]], dtype=np.int64),
        edge_mask=masks,
        edge_dwell_fwd=_column(edges, "dwell_fwd"),
        edge_dwell_back=_column(edges, "dwell_back"),
        edge_dwell_class=_dwell_class_columns(edges),
        ground=ground,
        edge_hours_class=_hours_class_columns(edges),
    )


def _dwell_class_columns(
    edges: gpd.GeoDataFrame,
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Per traffic class dwell arrays from the ``dwell_fwd[_class]`` edge columns."""
    out = {}
    for traffic in _ground.TRAFFIC_CLASSES:
        suffix = "" if traffic == "freight" else f"_{traffic}"
        if f"dwell_fwd{suffix}" in edges.columns:
            out[traffic] = (
                _column(edges, f"dwell_fwd{suffix}"),
                _column(edges, f"dwell_back{suffix}"),
            )
    return out


def _column(edges: gpd.GeoDataFrame, name: str) -> NDArray[np.float64]:
    if name not in edges.columns:
        return np.zeros(len(edges), dtype=np.float64)
    values: NDArray[np.float64] = edges[name].to_numpy(dtype=np.float64)
    return np.nan_to_num(values, nan=0.0)
