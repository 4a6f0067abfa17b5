"""Loading, saving and fetching road graphs."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import urlparse

import shapely
from shapely.geometry.base import BaseGeometry

from corridor import geo, settings
from corridor._errors import (
    DataError,
)

if TYPE_CHECKING:
    import networkx as nx
    from shapely import MultiPolygon, Polygon

from corridor.osm._build import (
    _arrays_from_graph,
    _cache_key,
    _cache_path,
    _graph_from_ogr,
    _graph_from_xml,
    _node_tags,
    _ox_settings,
    _prepare,
    _read_array_cache,
    _road_graph,
    _speed_table,
    _write_array_cache,
)
from corridor.osm._common import (
    _FORMATS,
    _MAJOR,
    _PROBE_TIMEOUT_S,
    NETWORKS,
    SPEEDS_KPH,
    OSMFetchError,
    logger,
)
from corridor.osm._graph import RoadGraph

# --------------------------------------------------------------------------- loading


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".graphml"):
        return "graphml"
    if name.endswith((".osm", ".osm.bz2", ".osm.gz", ".xml")):
        return "xml"
    if name.endswith(".pbf"):
        return "pbf"
    msg = f"{path}: unknown road file format; accepted: {_FORMATS}"
    raise DataError(msg)


def _load_graph(
    path: Path, fmt: str, table: Mapping[str, float], highways: Collection[str], retain_all: bool
) -> nx.MultiDiGraph:
    """Parse ``path`` into an annotated, simplified graph."""
    if fmt == "xml":
        G = _graph_from_xml(path)
    elif fmt == "pbf":
        G = _graph_from_ogr(path, highways)
    else:
        import osmnx as ox

        try:
            G = ox.load_graphml(path)
        except (ET.ParseError, OSError, ValueError, KeyError, TypeError) as exc:
            msg = f"{path}: not a readable GraphML road graph ({exc}); accepted: {_FORMATS}"
            raise DataError(msg) from exc
        missing = [n for n, d in G.nodes(data=True) if "x" not in d or "y" not in d][:3]
        if missing:
            msg = f"{path}: GraphML nodes {missing} lack x/y coordinates; expected an osmnx graph"
            raise DataError(msg)
    return _prepare(G, source=str(path), highways=highways, retain_all=retain_all, table=table)


def load_roads(
    path: str | Path,
    *,
    speeds: Mapping[str, float] | None = None,
    highways: Collection[str] | None = None,
    retain_all: bool = False,
    cache: bool | None = None,
) -> RoadGraph:
    """Load a road graph from a local OSM extract or GraphML file (works offline).

    Parameters
    ----------
    path
        ``.osm`` / ``.osm.bz2`` / ``.osm.gz`` (OSM XML, read by osmnx),
        ``.osm.pbf`` (read through GDAL's OSM driver) or ``.graphml`` (osmnx or
        corridor GraphML, e.g. from :func:`fetch_roads` or :func:`save_roads`).
    speeds
        km/h per highway class, merged over :data:`SPEEDS_KPH`. A numeric
        ``maxspeed`` tag still wins.
    highways
        Highway classes to keep (default: the classes of the speed table, i.e.
        drivable roads; footways, tracks and the like are dropped).
    retain_all
        Keep every connected piece instead of the largest one (weakly connected).
    cache
        Read and write the array form next to the file (``<path>.arrays.npz``,
        valid while the file's mtime and size, the speeds and the classes are
        unchanged). Default: on for GraphML, off for OSM extracts.

    Returns
    -------
    RoadGraph

    Raises
    ------
    DataError
        If the file is missing, not in an accepted format, unreadable, or holds
        no drivable road.

    Examples
    --------
    >>> roads = load_roads("tests/data/osm/pass.osm")  # doctest: +SKIP
    >>> roads.n_nodes, roads.node_names[20]  # doctest: +SKIP
    (6, 'Test Crossing')
    """
    p = Path(path)
    fmt = _format_of(p)
    if not p.is_file():
        msg = f"no road file at {p}; accepted: {_FORMATS}"
        raise DataError(msg)
    table = _speed_table(speeds)
    classes = frozenset(table) if highways is None else frozenset(highways)
    if not classes:
        msg = f"highways must name at least one class, e.g. {', '.join(_MAJOR)}"
        raise DataError(msg)
    use_cache = (fmt == "graphml") if cache is None else cache
    loader = partial(_load_graph, p, fmt, table, classes, retain_all)
    if use_cache:
        key = _cache_key(p, table, classes, retain_all)
        arrays = _read_array_cache(_cache_path(p), key)
        if arrays is not None:
            return _road_graph(arrays, source=p, loader=loader, from_cache=True)
    G = loader()
    arrays = _arrays_from_graph(G)
    if use_cache:
        _write_array_cache(_cache_path(p), arrays, key)
    return _road_graph(arrays, source=p, loader=lambda: G, from_cache=False)


def _save_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    import osmnx as ox

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with _ox_settings(log_console=False):
            ox.save_graphml(G, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def save_roads(roads: RoadGraph, path: str | Path) -> Path:
    """Write a road graph as GraphML (atomically) with its array cache next to it.

    Parameters
    ----------
    roads
        The graph; its networkx form ``roads.G`` is written.
    path
        Destination ``.graphml`` file.

    Returns
    -------
    pathlib.Path
        The GraphML path. ``load_roads(path)`` reads it back, from the array
        cache while the file is unchanged.
    """
    p = Path(path)
    if not p.name.lower().endswith(".graphml"):
        msg = f"save_roads writes GraphML: give a path ending in .graphml, got {p}"
        raise DataError(msg)
    G = roads.G
    _save_graphml(G, p)
    table = json.loads(G.graph.get("corridor_speeds_kph", "{}")) or dict(SPEEDS_KPH)
    classes = frozenset(table)
    _write_array_cache(_cache_path(p), _arrays_from_graph(G), _cache_key(p, table, classes, False))
    return p


# --------------------------------------------------------------------------- fetching


def _area_polygon(
    area: BaseGeometry | tuple[float, float, float, float], buffer_km: float
) -> tuple[BaseGeometry, str]:
    """Return the polygon to query and a canonical text of the area (for the cache key)."""
    if isinstance(area, tuple | list):
        try:
            west, south, east, north = (float(c) for c in area)
        except (TypeError, ValueError) as exc:
            msg = f"a bbox area must be (west, south, east, north) in degrees, got {area!r}"
            raise DataError(msg) from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            msg = (
                f"bbox (west, south, east, north) must have west < east within -180..180 and "
                f"south < north within -90..90, got {area!r}"
            )
            raise DataError(msg)
        return shapely.box(west, south, east, north), f"BBOX({west},{south},{east},{north})"
    if not isinstance(area, BaseGeometry) or area.is_empty:
        msg = (
            "area must be a shapely (Multi)LineString of road legs, a (Multi)Polygon or a "
            f"(west, south, east, north) bbox, got {type(area).__name__}"
        )
        raise DataError(msg)
    text = shapely.to_wkt(area, rounding_precision=6)
    if area.geom_type in {"Polygon", "MultiPolygon"}:
        return area, text
    if area.geom_type not in {"LineString", "MultiLineString"}:
        msg = f"area must be a line, polygon or bbox, got a {area.geom_type}"
        raise DataError(msg)
    if not buffer_km > 0:
        msg = f"buffer_km must be positive for a line area, got {buffer_km!r}"
        raise DataError(msg)
    c = area.centroid
    local = geo.aeqd_crs(round(c.x, 4), round(c.y, 4))
    buffered = geo.to_crs(area, "EPSG:4326", local).buffer(buffer_km * 1000.0)
    return geo.to_crs(buffered, local, "EPSG:4326"), text


def _offline_hint() -> str:
    return (
        "offline, load a local extract instead: corridor.osm.load_roads(path) with a "
        ".osm, .osm.pbf or GraphML file (or 'corridor osm load PATH')"
    )


def _check_online(url: str, timeout_s: float) -> None:
    """Fail fast when the Overpass host is unreachable (one TCP connection, short timeout)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        msg = f"cannot reach the Overpass API at {url} ({exc}); {_offline_hint()}"
        raise OSMFetchError(msg) from exc


def fetch_roads(
    area: BaseGeometry | tuple[float, float, float, float],
    *,
    network: str = "trunk/primary",
    buffer_km: float = 5.0,
    cache: bool = True,
    timeout_s: float = 180.0,
    speeds: Mapping[str, float] | None = None,
) -> RoadGraph:
    """Download the road network around legs or inside an area from OpenStreetMap.

    Needs the internet (the Overpass API through osmnx). The result is cached
    as GraphML under ``settings.cache_folder / "osm"`` with the query (area,
    network, buffer, date) in the graph's metadata, and a later call with the
    same query loads the cache offline.

    Parameters
    ----------
    area
        A shapely (Multi)LineString of road legs (lon/lat), buffered by
        ``buffer_km``; a shapely (Multi)Polygon; or a ``(west, south, east,
        north)`` bbox in degrees. Polygons and bboxes are taken as given.
    network
        Which roads: one of :data:`NETWORKS` (``"trunk/primary"`` keeps
        motorway, trunk, primary and their links; ``"trunk/primary/secondary"``
        adds secondary roads; ``"drive"`` is every drivable class).
    buffer_km
        Half-width of the corridor around line legs, km, computed in metres in
        an azimuthal equidistant projection centred on the legs.
    cache
        Use and write the GraphML cache (and osmnx's HTTP cache under it).
    timeout_s
        Timeout of the Overpass request, seconds.
    speeds
        km/h per highway class, merged over :data:`SPEEDS_KPH`.

    Returns
    -------
    RoadGraph

    Raises
    ------
    OSMFetchError
        If Overpass cannot be reached (checked first with a 5 s connection) or
        the download fails; the message names :func:`load_roads` as the
        offline alternative.
    DataError
        If the area is malformed or holds no road of the network.
    """
    if network not in NETWORKS:
        msg = f"unknown network {network!r}; choose one of: {', '.join(NETWORKS)}"
        raise DataError(msg)
    polygon, area_text = _area_polygon(area, buffer_km)
    table = _speed_table(speeds)
    query = {"area": area_text, "network": network, "buffer_km": float(buffer_km)}
    digest = hashlib.sha256(
        json.dumps({**query, "speeds": table}, sort_keys=True).encode()
    ).hexdigest()[:16]
    folder = Path(settings.cache_folder) / "osm"
    graphml = folder / f"roads-{digest}.graphml"
    if cache and graphml.is_file():
        logger.info("OSM roads from cache %s", graphml)
        return load_roads(graphml, speeds=table, highways=NETWORKS[network])

    import osmnx as ox

    _check_online(str(ox.settings.overpass_url), _PROBE_TIMEOUT_S)
    G = _download(polygon, network, cache=cache, folder=folder, timeout_s=timeout_s)
    G = _prepare(G, source="Overpass", highways=NETWORKS[network], retain_all=False, table=table)
    G.graph["corridor_query"] = json.dumps(query, sort_keys=True)
    G.graph["corridor_query_date"] = datetime.now(UTC).isoformat(timespec="seconds")
    arrays = _arrays_from_graph(G)
    if not cache:
        return _road_graph(arrays, source=None, loader=lambda: G, from_cache=False)
    _save_graphml(G, graphml)
    key = _cache_key(graphml, table, frozenset(NETWORKS[network]), False)
    _write_array_cache(_cache_path(graphml), arrays, key)
    return _road_graph(arrays, source=graphml, loader=lambda: G, from_cache=False)


def _download(
    polygon: BaseGeometry, network: str, *, cache: bool, folder: Path, timeout_s: float
) -> nx.MultiDiGraph:
    import osmnx as ox
    import requests
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    classes = "|".join(NETWORKS[network])
    custom = None
    if network != "drive":
        custom = (
            f'["highway"~"^({classes})$"]["area"!~"yes"]["access"!~"private|no"]'
            '["motor_vehicle"!~"no"]'
        )
    overrides = {
        "requests_timeout": timeout_s,
        "use_cache": cache,
        "cache_folder": str(folder / "http"),
        "useful_tags_node": _node_tags(),
        "log_console": False,
    }
    with _ox_settings(**overrides):
        try:
            return ox.graph_from_polygon(
                cast("Polygon | MultiPolygon", polygon),
                network_type="drive",
                custom_filter=custom,
                simplify=False,
                retain_all=True,
                truncate_by_edge=True,
            )
        except InsufficientResponseError as exc:
            msg = f"OpenStreetMap has no {network} roads in the requested area ({exc})"
            raise DataError(msg) from exc
        except (requests.RequestException, ResponseStatusCodeError, OSError) as exc:
            msg = f"downloading OSM roads failed ({exc}); {_offline_hint()}"
            raise OSMFetchError(msg) from exc
