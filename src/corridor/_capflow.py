"""The capacitated flow graph behind :func:`corridor.analysis.throughput`, one arc per mode.

A node's capacity is per mode (``capacities.csv`` ``mode``): the flow through a node by
one mode passes that mode's row, else the node's empty-mode row (the capacity of its
every mode). So each node is split into *groups*: one group per mode that has a row of
its own, and one shared group ``*`` for the other modes (bounded by the empty-mode row,
or unbounded without one). Each group is an arc ``(n, g, "in") -> (n, g, "out")`` that
carries the group's capacity; a link of mode ``m`` runs from the ``out`` end of its first
node's group for ``m`` to the ``in`` end of its second node's group for ``m``. Changing
mode at a node (rail in, road out) is an uncapacitated arc from one group's ``out`` to
the other group's ``in``, so such a flow passes both modes' capacities and a road row
never caps a rail flow. A node without mode rows has the single group ``*``: the graph is
then the classic node-split graph.

The origin's and destination's own capacities are not counted (the flow starts at the
origin's ``out`` ends and ends at the destination's ``in`` ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from corridor._ground import element_capacity_modes
from corridor.network import EDGE_MODES

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from corridor._ground import Capacity
    from corridor.network import TransitNetwork

__all__ = ["FlowResult", "max_flow"]

_SHARED = "*"
_SOURCE = ("", "", "source")
_SINK = ("", "", "sink")
_Vertex = tuple[str, str, str]


@dataclass(frozen=True)
class FlowResult:
    """Outcome of one capacitated max flow (tonnes per day)."""

    value: float | None  # None: a path without any capacity exists
    bottlenecks: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reachable: bool = True
    #: the capacity rows of the minimum cut's arcs (what bounds ``value``), by element
    binding: tuple[Capacity, ...] = ()


def _family(mode: str) -> str:
    fam = element_capacity_modes((mode,))
    return next(iter(fam)) if fam else _SHARED


def _add_arc(G: nx.DiGraph, a: _Vertex, b: _Vertex, row: Capacity | None, **attrs: str) -> None:
    """Add an arc bounded by ``row``; a parallel arc adds its capacity (unbounded if either is)."""
    units = () if row is None else (row.unit,)
    rows = () if row is None else (row,)
    if G.has_edge(a, b):
        old = G.edges[a, b]
        if "capacity" in old and row is not None:
            old["capacity"] += row.tonnes_per_day
            old["units"] = tuple(sorted({*old["units"], *units}))
            old["rows"] = (*old["rows"], *(r for r in rows if r not in old["rows"]))
        else:
            old.pop("capacity", None)
        return
    if row is not None:
        G.add_edge(a, b, capacity=row.tonnes_per_day, units=units, rows=rows, **attrs)
    else:
        G.add_edge(a, b, units=units, rows=rows, **attrs)


def flow_graph(
    net: TransitNetwork, usable: NDArray[np.bool_], traffic: str
) -> tuple[nx.DiGraph, dict[str, set[str]]]:
    """Build the per-mode node-split graph of the usable edges.

    Returns
    -------
    G : networkx.DiGraph
        Vertices ``(node, group, "in"|"out")``; arcs carry ``capacity`` (t/day) where
        the data bound them, and ``node``/``edge``, ``group`` and ``units`` attributes.
    groups : dict
        The groups each node has in ``G``.
    """
    ground = net.ground
    G = nx.DiGraph()
    groups: dict[str, set[str]] = {}
    shared_modes: dict[str, set[str]] = {}
    own = {n: ground.capacity_modes(n, traffic) for n in net.node_ids}
    edge_ids = net.edges.index

    def group(n: str, fam: str) -> str:
        g = fam if fam in own[n] else _SHARED
        groups.setdefault(n, set()).add(g)
        if g == _SHARED and fam != _SHARED:
            shared_modes.setdefault(n, set()).add(fam)
        return g

    for k in np.flatnonzero(usable):
        u, v = net.node_ids[net.edge_u[k]], net.node_ids[net.edge_v[k]]
        eid = str(edge_ids[k])
        fam = _family(EDGE_MODES[int(net.edge_mode[k])])
        row = ground.capacity_for(eid, traffic, mode=None if fam == _SHARED else fam)
        for a, b in ((u, v), (v, u)):
            _add_arc(G, (a, group(a, fam), "out"), (b, group(b, fam), "in"), row, edge=eid)
    for n, gs in groups.items():
        for g in gs:
            row = ground.capacity_for(n, traffic, mode="" if g == _SHARED else g)
            label = n
            if g == _SHARED and own[n]:
                label = f"{n} ({'/'.join(sorted(shared_modes.get(n, ())))})"
            _add_arc(G, (n, g, "in"), (n, g, "out"), row, node=n, label=label)
        for g1 in gs:
            for g2 in gs - {g1}:
                G.add_edge((n, g1, "out"), (n, g2, "in"), transfer=n)
    return G, groups


def max_flow(
    net: TransitNetwork,
    usable: NDArray[np.bool_],
    traffic: str,
    origin: str | None,
    destination: str | None,
) -> FlowResult:
    """Max flow in tonnes per day from ``origin`` to ``destination`` over usable edges.

    Returns
    -------
    FlowResult
        ``reachable=False`` when either end has no usable edge; ``value=None`` with the
        uncapacitated elements of one path when the data do not bound the flow.
    """
    G, groups = flow_graph(net, usable, traffic)
    if origin is None or destination is None or origin not in groups or destination not in groups:
        return FlowResult(0.0, reachable=False)
    for g in groups[origin]:
        G.add_edge(_SOURCE, (origin, g, "out"))
    for g in groups[destination]:
        G.add_edge((destination, g, "in"), _SINK)
    try:
        value, _ = nx.maximum_flow(G, _SOURCE, _SINK)
    except nx.NetworkXUnbounded:
        return FlowResult(None, missing=tuple(_unbounded_path(G)))
    if value == 0:
        return FlowResult(0.0, reachable=False)
    _, (reach, _) = nx.minimum_cut(G, _SOURCE, _SINK)
    names: set[str] = set()
    units: set[str] = set()
    binding: dict[tuple[str, str, str], Capacity] = {}
    for a, b, data in G.edges(data=True):
        if a in reach and b not in reach and "capacity" in data:
            names.add(str(data.get("node") or data.get("edge")))
            units.update(data.get("units", ()))
            for r in data.get("rows", ()):
                binding[(r.element, r.mode, r.traffic)] = r
    rows = tuple(binding[k] for k in sorted(binding))
    return FlowResult(float(value), tuple(sorted(names)), tuple(sorted(units)), binding=rows)


def _unbounded_path(G: nx.DiGraph) -> list[str]:
    """Links and crossings of one source-sink path that has no capacity anywhere."""
    free = nx.DiGraph((a, b, d) for a, b, d in G.edges(data=True) if "capacity" not in d)
    try:
        path = nx.shortest_path(free, _SOURCE, _SINK)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    names = []
    for a, b in zip(path[:-1], path[1:], strict=True):
        data = G.edges[a, b]
        if data.get("edge"):
            names.append(str(data["edge"]))
        elif data.get("node") and str(data["node"]).startswith("x-"):
            names.append(str(data["label"]))
    return names
