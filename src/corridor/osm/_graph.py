"""Results and the array-backed :class:`RoadGraph`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from corridor import geo
from corridor._errors import (
    DataError,
    UnknownPlaceError,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    from numpy.typing import NDArray


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RoadRoute:
    """A shortest path on a :class:`RoadGraph`.

    Attributes
    ----------
    nodes
        OSM node ids along the path, origin first.
    edges
        ``(u, v, key)`` of each edge taken, as in the networkx graph.
    ways
        OSM way ids along the path, in order, consecutive repeats removed.
    length_km
        Length of the path along the road, km.
    hours
        Travel time at the graph's speeds, hours.
    geometry
        The road line from the origin node to the destination node (EPSG:4326).
    weight
        What was minimised: ``"travel_time"`` or ``"length"``.
    snap_km
        Geodesic distance from the requested origin and destination to the
        nodes the path starts and ends at, km.
    via
        Names of named nodes passed (passes, border posts), in order.
    """

    nodes: tuple[int, ...]
    edges: tuple[tuple[int, int, int], ...]
    ways: tuple[int, ...]
    length_km: float
    hours: float
    geometry: shapely.LineString
    weight: str
    snap_km: tuple[float, float]
    via: tuple[str, ...]


@dataclass(frozen=True)
class Refinement:
    """Result of :func:`refine`.

    Attributes
    ----------
    edges
        A new GeoDataFrame (the input is not modified): refined road rows carry
        the real ``km``, ``hours`` and ``geometry``; column ``refined`` says
        which rows changed and ``snap_km`` how far their end points lay from the
        OSM nodes the road path starts and ends at (NaN when not refined).
    refined
        Ids of the refined edges, in input order.
    unrefined
        Road edges that kept their schematic values, id -> reason. Edges whose
        mode is not ``road`` are never listed: they are not road legs.
    routes
        The OSM path of each refined edge, by id.
    """

    edges: gpd.GeoDataFrame
    refined: tuple[Any, ...]
    unrefined: Mapping[Any, str]
    routes: Mapping[Any, RoadRoute]


# --------------------------------------------------------------------------- RoadGraph


def _unit_xyz(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points on the unit sphere: chord order equals great-circle order, for KD-tree snapping."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A road graph in two forms: networkx (``G``) and compact arrays for searching.

    Build one with :func:`load_roads` or :func:`fetch_roads`. Node ``i`` of the
    arrays is OSM node ``node_ids[i]``; edge ``j`` runs from node index
    ``edge_u[j]`` to ``edge_v[j]`` and is ``G``'s edge
    ``(node_ids[edge_u[j]], node_ids[edge_v[j]], edge_key[j])``.

    Attributes
    ----------
    node_ids
        OSM node id per node (int64). Graphs read from ``.osm.pbf`` give
        untagged junctions synthetic negative ids (GDAL does not expose way node
        ids); tagged border posts and passes keep their OSM ids.
    lon, lat
        Node coordinates, degrees.
    edge_u, edge_v, edge_key
        Per edge: origin and destination node index, and the networkx key.
    edge_length_m, edge_time_s
        Per edge: geodesic length (metres) and travel time (seconds).
    edge_way_ptr, edge_way_ids
        OSM way ids of edge ``j`` are ``edge_way_ids[edge_way_ptr[j]:edge_way_ptr[j + 1]]``
        (an edge merged from several ways carries several).
    geom_ptr, geom_xy
        Geometry of edge ``j`` is ``geom_xy[geom_ptr[j]:geom_ptr[j + 1]]`` (lon, lat rows).
    node_names
        OSM node id -> ``name`` tag, for named nodes (passes, border posts).
    meta
        The graph's metadata (``G.graph``) as strings: for fetched graphs the
        query (area, network, buffer, date).
    source
        File the graph was read from (None when built in memory).
    from_cache
        True when the arrays came from the ``.arrays.npz`` cache next to ``source``.
    """

    node_ids: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    edge_u: NDArray[np.int64]
    edge_v: NDArray[np.int64]
    edge_key: NDArray[np.int64]
    edge_length_m: NDArray[np.float64]
    edge_time_s: NDArray[np.float64]
    edge_way_ptr: NDArray[np.int64]
    edge_way_ids: NDArray[np.int64]
    geom_ptr: NDArray[np.int64]
    geom_xy: NDArray[np.float64]
    node_names: Mapping[int, str]
    meta: Mapping[str, str]
    source: Path | None = None
    from_cache: bool = False
    graph_loader: Callable[[], nx.MultiDiGraph] | None = field(
        default=None, repr=False, compare=False
    )

    # ---- networkx form -------------------------------------------------------------
    @cached_property
    def G(self) -> nx.MultiDiGraph:  # noqa: N802 - osmnx naming
        """The networkx MultiDiGraph (osmnx conventions, EPSG:4326), built on first use.

        After a cached load only the arrays are read; the source file is parsed
        again when ``G`` is first asked for.
        """
        if self.graph_loader is None:
            msg = "this RoadGraph was built from arrays only and has no networkx graph"
            raise DataError(msg)
        return self.graph_loader()

    # ---- sizes ---------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_ids.size)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.edge_u.size)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the nodes and edge geometry, degrees."""
        x, y = self.geom_xy[:, 0], self.geom_xy[:, 1]
        return (float(x.min()), float(y.min()), float(x.max()), float(y.max()))

    @property
    def road_km(self) -> float:
        """Length of road, km, counting the two directions of a two-way road once."""
        a = np.minimum(self.edge_u, self.edge_v)
        b = np.maximum(self.edge_u, self.edge_v)
        dm = np.rint(self.edge_length_m).astype(np.int64)
        keys = np.unique(np.column_stack((a, b, dm)), axis=0, return_index=True)[1]
        return float(self.edge_length_m[keys].sum()) / 1000.0

    # ---- look-ups ------------------------------------------------------------------
    @cached_property
    def _id_order(self) -> NDArray[np.intp]:
        return np.argsort(self.node_ids, kind="stable")

    def index_of(self, osm_ids: Iterable[int]) -> NDArray[np.int64]:
        """Array indices of OSM node ids.

        Parameters
        ----------
        osm_ids
            OSM node ids.

        Returns
        -------
        numpy.ndarray
            Index of each id in :attr:`node_ids`.

        Raises
        ------
        UnknownPlaceError
            If an id is not a node of this graph.
        """
        ids = np.asarray(list(osm_ids), dtype=np.int64)
        order = self._id_order
        sorted_ids = self.node_ids[order]
        pos = np.searchsorted(sorted_ids, ids)
        pos_c = np.minimum(pos, max(sorted_ids.size - 1, 0))
        found = (pos < sorted_ids.size) & (sorted_ids[pos_c] == ids)
        if not found.all():
            missing = ", ".join(str(i) for i in ids[~found][:5])
            msg = (
                f"OSM node {missing} is not a node of this road graph; only junctions, "
                "dead ends and nodes tagged barrier=* or mountain_pass=* remain after "
                f"simplification ({self.n_nodes} nodes, e.g. {self.node_ids[0]})"
            )
            raise UnknownPlaceError(msg)
        return order[pos_c].astype(np.int64)

    def edge_uvk(self, edge: int) -> tuple[int, int, int]:
        """``(u, v, key)`` of array edge ``edge`` in the networkx graph :attr:`G`.

        Parameters
        ----------
        edge
            Edge index in the arrays.

        Returns
        -------
        tuple of int
            OSM node id of the origin and destination, and the multigraph key.
        """
        return (
            int(self.node_ids[self.edge_u[edge]]),
            int(self.node_ids[self.edge_v[edge]]),
            int(self.edge_key[edge]),
        )

    def edge_ways(self, edge: int) -> tuple[int, ...]:
        """OSM way ids of array edge ``edge``.

        Parameters
        ----------
        edge
            Edge index in the arrays.

        Returns
        -------
        tuple of int
        """
        lo, hi = self.edge_way_ptr[edge], self.edge_way_ptr[edge + 1]
        return tuple(int(w) for w in self.edge_way_ids[lo:hi])

    def edge_geometry(self, edge: int) -> shapely.LineString:
        """Geometry of array edge ``edge`` (lon, lat; from its origin node to its destination).

        Parameters
        ----------
        edge
            Edge index in the arrays.

        Returns
        -------
        shapely.LineString
        """
        return shapely.LineString(self._edge_xy(edge))

    def _edge_xy(self, edge: int) -> NDArray[np.float64]:
        xy = self.geom_xy[self.geom_ptr[edge] : self.geom_ptr[edge + 1]]
        u = self.edge_u[edge]
        start = (self.lon[u], self.lat[u])
        d0 = (xy[0, 0] - start[0]) ** 2 + (xy[0, 1] - start[1]) ** 2
        d1 = (xy[-1, 0] - start[0]) ** 2 + (xy[-1, 1] - start[1]) ** 2
        return xy[::-1] if d1 < d0 else xy

    # ---- snapping ------------------------------------------------------------------
    @cached_property
    def _tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(_unit_xyz(self.lon, self.lat))

    def snap(
        self, lon: float | Sequence[float], lat: float | Sequence[float]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Nearest node to each point, and the geodesic distance to it.

        Parameters
        ----------
        lon, lat
            Degrees; scalars or equal-length sequences.

        Returns
        -------
        index : numpy.ndarray
            Node index (into :attr:`node_ids`) per point.
        km : numpy.ndarray
            Geodesic distance to that node per point, km.
        """
        lo = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        _, idx = self._tree.query(_unit_xyz(lo, la))
        idx = np.asarray(idx, dtype=np.int64)
        km = geo.distance_km(lo, la, self.lon[idx], self.lat[idx])
        return idx, np.atleast_1d(km)

    # ---- CSR form --------------------------------------------------------------------
    def _weights(self, weight: str) -> NDArray[np.float64]:
        if weight == "travel_time":
            return self.edge_time_s
        if weight == "length":
            return self.edge_length_m
        msg = f"weight must be 'travel_time' or 'length', got {weight!r}"
        raise ValueError(msg)

    def _csr(self, weight: str, edge_mask: NDArray[np.bool_] | None) -> tuple[Any, Any]:
        """CSR matrix of the cheapest open edge per node pair, and that edge's index per entry."""
        w = self._weights(weight)
        idx = np.arange(self.n_edges) if edge_mask is None else np.flatnonzero(edge_mask)
        u, v = self.edge_u[idx], self.edge_v[idx]
        order = np.lexsort((w[idx], v, u))
        idx, u, v = idx[order], u[order], v[order]
        first = np.ones(idx.size, dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        idx, u, v = idx[first], u[first], v[first]
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(u, minlength=self.n_nodes), out=indptr[1:])
        from scipy.sparse import csr_array

        mat = csr_array((w[idx], v, indptr), shape=(self.n_nodes, self.n_nodes))
        return mat, idx

    @cached_property
    def _csr_time(self) -> tuple[Any, Any]:
        return self._csr("travel_time", None)

    @cached_property
    def _csr_length(self) -> tuple[Any, Any]:
        return self._csr("length", None)

    @property
    def time_csr(self) -> Any:
        """``scipy.sparse.csr_array`` of travel time, seconds (min over parallel edges)."""
        return self._csr_time[0]

    @property
    def length_csr(self) -> Any:
        """``scipy.sparse.csr_array`` of length, metres (min over parallel edges)."""
        return self._csr_length[0]

    def _search_form(
        self, weight: str, edge_mask: NDArray[np.bool_] | None
    ) -> tuple[Any, NDArray[np.int64]]:
        if edge_mask is None or edge_mask.all():
            return self._csr_time if weight == "travel_time" else self._csr_length
        return self._csr(weight, edge_mask)

    def describe_node(self, index: int) -> str:
        """``"OSM node 123 (Name)"`` for node index ``index``.

        Parameters
        ----------
        index
            Node index in the arrays.

        Returns
        -------
        str
        """
        osm_id = int(self.node_ids[index])
        name = self.node_names.get(osm_id)
        return f"OSM node {osm_id}" + (f" ({name})" if name else "")
