"""Fast closure sweeps: every combination of closing a set of states, for every pair.

The sweep walks the lattice of closure sets level by level (sets of size 0, 1, 2, ...).
More closures can only remove options, so for a set ``C`` and a state ``k`` in it:

* if the pair has no route with ``C - {k}`` closed, it has none with ``C``;
* if the best route with ``C - {k}`` closed cannot be touched by closing ``k``, it
  is still the best route with ``C``.

The first ``k`` (in code order) that decides settles the set; only the sets no ``k``
decides are searched with :func:`corridor.routing._search._best_route`. Each distinct route is
stored once, with a bitmask of the states whose closure cannot touch it (computed once
per route: one projection of each air leg, one mask test per ground edge), so the
lattice walk is integer arithmetic over numpy arrays, one level at a time. Results are
kept as one route index per closure set and pair (``-1``: no route), and tables are
built by column from them.

The same engine serves :mod:`corridor.odds`, whose uncertain *units* may refuse only
some modes (``IRN`` overflight but not road); a unit refusing every mode is exactly a
sweep closure.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor import airspace, borders, geo
from corridor._errors import ScenarioError
from corridor.network import Place, TransitNetwork, find_place
from corridor.routing import Route, _context
from corridor.routing._search import _best_route
from corridor.scenario import LEG_STANCE_MODE, STANCE_MODES, Scenario, Stance, check_scenario

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import NDArray

#: Most states one in-process sweep combines (2^20 = 1,048,576 closure sets).
MAX_STATES = 20
#: Most states a distributed sweep combines (2^24 = 16,777,216 closure sets).
MAX_STATES_DISTRIBUTED = 24
#: Closure sets per Parquet row group / per materialised chunk.
CHUNK_COMBINATIONS = 1 << 16
#: An air leg farther than this (gnomonic km) from a state's airspace cannot meet its obstacle.
_FAR_KM = 100.0

COLUMNS = (
    "closed", "n_closed", "origin", "destination", "feasible", "km", "hours", "corridor", "modes",
)  # fmt: skip

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Unit:
    """One decision a sweep or an odds study varies: a state refusing some modes.

    ``modes`` is None for a full closure (the state turns hostile for every mode, as
    ``Scenario.with_closures(close=...)``), else the :data:`~corridor.scenario.STANCE_MODES`
    refused.
    """

    state: str
    modes: frozenset[str] | None = None

    @property
    def label(self) -> str:
        """``IRN`` for a full closure, ``IRN:landing+overflight`` otherwise."""
        if self.modes is None:
            return self.state
        return f"{self.state}:{'+'.join(sorted(self.modes))}"


# --------------------------------------------------------------------------- one pair


class PairEngine:
    """Searches and touch tests for one origin-destination pair over a list of units."""

    def __init__(
        self,
        net: TransitNetwork,
        base: Scenario,
        orig: Place,
        dest: Place,
        units: Sequence[Unit],
    ) -> None:
        self.net, self.base, self.orig, self.dest = net, base, orig, dest
        self.units = tuple(units)
        self.own = frozenset(c for c in (orig.country, dest.country) if c)
        self._lines: dict[int, Any] = {}
        self._zones: dict[str, Any] = {}
        self._node_country: dict[str, str] | None = None

    # ----------------------------------------------------------------- searching

    def search(self, bits: int) -> Route | None:
        """Best route with the units in ``bits`` refusing (a full search)."""
        units = [u for k, u in enumerate(self.units) if bits >> k & 1]
        full = frozenset(u.state for u in units if u.modes is None)
        partial = [u for u in units if u.modes is not None]
        scen = self.base if not partial else _refusing(self.base, partial)
        ctx = _context(self.net, scen, self.orig, self.dest, extra_hostile=full)
        return _best_route(ctx)

    # ----------------------------------------------------------------- touching

    def free_mask(self, route: Route) -> int:
        """Bits of the units whose refusal cannot change ``route`` (so it stays best)."""
        bits = 0
        for k, unit in enumerate(self.units):
            if unit.modes is None and unit.state in self.own:
                bits |= 1 << k  # own countries are always usable for their own legs
            elif not self.touches(route, unit):
                bits |= 1 << k
        return bits

    def touch_mask(self, route: Route) -> int:
        """Bits of the units whose refusal could change ``route``."""
        return ((1 << len(self.units)) - 1) & ~self.free_mask(route)

    def touches(self, route: Route, unit: Unit) -> bool:
        """Whether refusing ``unit`` could affect ``route`` (so it must be searched again)."""
        state, modes = unit.state, unit.modes
        bit = self.net.country_mask(frozenset({state}))
        for leg in route.legs:
            if leg.mode == "air":
                if modes is not None and "landing" in modes and self._lands_in(leg.via, state):
                    return True
                if modes is not None and "overflight" not in modes:
                    continue
                if state in leg.countries or self._air_blocked(leg, state):
                    return True
                continue
            if modes is not None:
                stance_mode = LEG_STANCE_MODE.get(leg.mode)
                if stance_mode is None or stance_mode not in modes:
                    continue
            positions = _edge_positions(self.net)
            for eid in leg.edges:
                if self.net.edge_mask[positions[eid]] & bit:
                    return True
            if state in leg.countries:
                return True
        return False

    def _lands_in(self, via: tuple[str, ...], state: str) -> bool:
        if self._node_country is None:
            self._node_country = {str(k): str(v) for k, v in self.net.nodes["country"].items()}
        # an unknown stop counts as touching: the test must never miss a change
        return any(self._node_country.get(v, state) == state for v in via)

    def _air_blocked(self, leg: Any, state: str) -> bool:
        """Whether the state's obstacle in the air graph that models it meets the leg."""
        caspian = self.base.caspian
        if state not in airspace.DEFAULT_CANDIDATES and self._far_from(leg, state):
            return False
        graph = airspace.build_air_graph(
            caspian=caspian, states=tuple(sorted(set(airspace.DEFAULT_CANDIDATES) | {state}))
        )
        if state not in graph.states:
            return False
        line = self._projected(leg, graph.crs)
        return bool(graph.obstacles[graph.states.index(state)].intersects(line))

    def _projected(self, leg: Any, crs: Any) -> Any:
        key = id(leg)
        if key not in self._lines:
            self._lines[key] = (leg, geo.to_crs(leg.geometry, "EPSG:4326", crs))
        return self._lines[key][1]

    def _far_from(self, leg: Any, state: str) -> bool:
        """Cheap exclusion before building a graph for a state outside the default set.

        Obstacles lie within a few tolerances of the exact airspace in the same
        gnomonic projection, so a leg farther than ``_FAR_KM`` cannot meet one.
        """
        import shapely

        crs = airspace.build_air_graph(caspian=self.base.caspian).crs
        if state not in self._zones:
            zones = borders.load_airspace(self.base.caspian)
            if state not in zones.index:
                self._zones[state] = None
            else:
                zone = zones.geometry[state]
                self._zones[state] = geo.to_crs(shapely.segmentize(zone, 0.05), "EPSG:4326", crs)
        zone = self._zones[state]
        if zone is None:
            return True
        return bool(zone.distance(self._projected(leg, crs)) > _FAR_KM * 1000.0)


def _refusing(base: Scenario, units: Sequence[Unit]) -> Scenario:
    """Return ``base`` with each unit's modes hostile."""
    stances = {c: dict(m) for c, m in base.stances.items()}
    for unit in units:
        entry = stances.setdefault(unit.state, {})
        if "default" not in entry:
            entry["default"] = base.stance(unit.state, "default")
        for mode in unit.modes or STANCE_MODES:
            entry[mode] = Stance.HOSTILE
    return base.replace(stances=stances)


def _edge_positions(net: TransitNetwork) -> dict[str, int]:
    return net.derived("edge_positions", lambda n: {str(e): i for i, e in enumerate(n.edges.index)})


# --------------------------------------------------------------------------- the lattice


@dataclass(frozen=True)
class Levels:
    """Closure sets ordered by size (then by code): the sweep's row order."""

    n: int
    order: NDArray[np.int64]
    bounds: tuple[int, ...]  # order[bounds[L]:bounds[L+1]] are the sets of size L

    @classmethod
    def of(cls, n: int) -> Levels:
        """Levels of the 2^n subsets of n units (built once per process and n)."""
        return _levels(n)


@lru_cache(maxsize=4)
def _levels(n: int) -> Levels:
    codes = np.arange(1 << n, dtype=np.int64)
    size = np.bitwise_count(codes).astype(np.int64)
    order = np.argsort(size, kind="stable").astype(np.int64)
    order.flags.writeable = False  # shared by every caller
    counts = np.bincount(size, minlength=n + 1)
    bounds = (0, *np.cumsum(counts).tolist())
    return Levels(n, order, tuple(int(b) for b in bounds))


@dataclass
class PairResult:
    """The best route of one pair for every closure set: ``ids[bits]`` indexes ``routes``."""

    ids: NDArray[np.int32]
    routes: list[Route] = field(default_factory=list)
    free: list[int] = field(default_factory=list)
    searches: int = 0


def resolve_level(engine: PairEngine, result: PairResult, levels: Levels, size: int) -> None:
    """Decide every closure set of ``size`` units for one pair (see the module docstring)."""
    sets = levels.order[levels.bounds[size] : levels.bounds[size + 1]]
    decided = np.full(len(sets), -2, dtype=np.int32)
    free = np.asarray(result.free, dtype=np.int64)
    for k in range(levels.n if size else 0):
        todo = np.flatnonzero((decided == -2) & ((sets >> k) & 1).astype(bool))
        if not len(todo):
            continue
        parent = result.ids[sets[todo] ^ (1 << k)]
        none = parent < 0
        decided[todo[none]] = -1
        keep = ~none
        rid = parent[keep]
        stays = ((free[rid] >> k) & 1).astype(bool)
        decided[todo[keep][stays]] = rid[stays]
    for j in np.flatnonzero(decided == -2):
        route = engine.search(int(sets[j]))
        result.searches += 1
        if route is None:
            decided[j] = -1
            continue
        decided[j] = len(result.routes)
        result.routes.append(route)
        result.free.append(engine.free_mask(route))
    result.ids[sets] = decided


def resolve_pair(engine: PairEngine, levels: Levels) -> PairResult:
    """Resolve the whole lattice for one pair."""
    result = PairResult(np.full(1 << levels.n, -1, dtype=np.int32))
    for size in range(levels.n + 1):
        resolve_level(engine, result, levels, size)
    return result


# --------------------------------------------------------------------------- setup


@dataclass(frozen=True)
class SweepSetup:
    """A validated sweep: states, places and the network, ready to run."""

    net: TransitNetwork
    base: Scenario
    states: tuple[str, ...]
    pairs: tuple[tuple[Place, Place], ...]

    def engines(self) -> list[PairEngine]:
        """One engine per pair, every state a full closure."""
        units = [Unit(s) for s in self.states]
        return [PairEngine(self.net, self.base, o, d, units) for o, d in self.pairs]


def setup(
    base: Scenario,
    countries: Any,
    net: TransitNetwork,
    *,
    max_states: int = MAX_STATES,
) -> SweepSetup:
    """Validate a sweep's inputs once (codes, places, size)."""
    states = tuple(sorted({borders.validate_iso3(c) for c in countries}))
    if len(states) > max_states:
        msg = (
            f"sweep takes at most {max_states} countries ({1 << max_states:,} combinations) "
            f"in one process, got {len(states)}"
            + ("" if max_states >= MAX_STATES_DISTRIBUTED else "; use --dask for up to 24")
        )
        raise ScenarioError(msg)
    if not base.origins or not base.destinations:
        msg = f"scenario {base.name!r} needs at least one origin and one destination"
        raise ScenarioError(msg)
    check_scenario(base, net)
    pairs = tuple(
        (find_place(o, net), find_place(d, net))
        for o, d in itertools.product(base.origins, base.destinations)
    )
    return SweepSetup(net, base, states, pairs)


def run(setup_: SweepSetup, *, progress: Progress | None = None) -> list[PairColumns]:
    """Resolve every pair, level by level.

    ``progress(done, total)`` is called after each pair of each level, with
    ``done`` the combinations resolved so far (a level's share is split evenly
    between its pairs), so a progress bar advances smoothly, not per level.
    """
    levels = Levels.of(len(setup_.states))
    engines = setup_.engines()
    results = [PairResult(np.full(1 << levels.n, -1, dtype=np.int32)) for _ in engines]
    total = 1 << levels.n
    for size in range(levels.n + 1):
        start, stop = levels.bounds[size], levels.bounds[size + 1]
        for i, (engine, result) in enumerate(zip(engines, results, strict=True), start=1):
            resolve_level(engine, result, levels, size)
            if progress is not None:
                progress(int(start + (stop - start) * i // len(engines)), total)
    return [PairColumns.of(r) for r in results]


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class PairColumns:
    """What a table needs of one pair's result: route indices and per-route columns."""

    ids: NDArray[np.int32]
    km: tuple[float, ...]
    hours: tuple[float, ...]
    corridor: tuple[str, ...]
    modes: tuple[str, ...]

    @classmethod
    def of(cls, result: PairResult) -> PairColumns:
        """Columns of a resolved pair (routes reduced to what a row shows)."""
        routes = result.routes
        return cls(
            result.ids,
            tuple(r.km for r in routes),
            tuple(r.hours for r in routes),
            tuple(" > ".join(r.countries) for r in routes),
            tuple("+".join(r.modes) for r in routes),
        )


@dataclass(frozen=True)
class RouteTable:
    """Per-route columns of every pair's routes, stacked (last row: no route)."""

    offsets: NDArray[np.int64]
    km: NDArray[np.float64]
    hours: NDArray[np.float64]
    corridor: NDArray[np.object_]
    modes: NDArray[np.object_]

    @classmethod
    def of(cls, columns: Sequence[PairColumns]) -> RouteTable:
        """Stack the routes of every pair."""
        offsets = np.cumsum([0, *(len(c.km) for c in columns)])[:-1]
        return cls(
            offsets=np.asarray(offsets, dtype=np.int64),
            km=np.array([x for c in columns for x in c.km] + [np.nan], dtype=np.float64),
            hours=np.array([x for c in columns for x in c.hours] + [np.nan], dtype=np.float64),
            corridor=np.array([x for c in columns for x in c.corridor] + [""], dtype=object),
            modes=np.array([x for c in columns for x in c.modes] + [""], dtype=object),
        )


def closed_labels(states: Sequence[str], sets: NDArray[np.int64]) -> list[str]:
    """Return the ``+``-joined codes of each closure set."""
    n = len(states)
    low = n // 2
    lo, hi = _labels(states[:low]), _labels(states[low:])
    mask = (1 << low) - 1
    out = []
    for s in sets.tolist():
        a, b = lo[s & mask], hi[s >> low]
        out.append(f"{a}+{b}" if a and b else a or b)
    return out


def _labels(states: Sequence[str]) -> list[str]:
    """Labels of all 2^len(states) sets, built from each set without its lowest code."""
    labels = [""] * (1 << len(states))
    for s in range(1, len(labels)):
        rest = s & (s - 1)
        first = states[(s & -s).bit_length() - 1]
        labels[s] = f"{first}+{labels[rest]}" if rest else first
    return labels


def frame(
    setup_: SweepSetup,
    columns: Sequence[PairColumns],
    sets: NDArray[np.int64],
    table: RouteTable | None = None,
    *,
    ids: NDArray[np.int32] | None = None,
) -> pd.DataFrame:
    """Rows for some closure sets (in the given order), every pair, built by column.

    ``ids`` (sets x pairs) may be given when the caller already sliced them.
    """
    table = table if table is not None else RouteTable.of(columns)
    n_pairs = len(setup_.pairs)
    if ids is None:
        ids = np.stack([c.ids[sets] for c in columns], axis=1)
    glob = np.where(ids >= 0, ids + table.offsets[None, :], len(table.km) - 1).ravel()
    labels = closed_labels(setup_.states, sets)
    origins = [o.label for o, _ in setup_.pairs]
    dests = [d.label for _, d in setup_.pairs]
    n_sets = len(sets)
    row_set = np.repeat(np.arange(n_sets, dtype=np.int64), n_pairs)
    row_pair = np.tile(np.arange(n_pairs, dtype=np.int64), n_sets)
    data: dict[str, Any] = {
        "closed": _strings(labels, row_set),
        "n_closed": np.repeat(np.bitwise_count(sets).astype(np.int64), n_pairs),
        "origin": _strings(origins, row_pair),
        "destination": _strings(dests, row_pair),
        "feasible": (ids >= 0).ravel(),
        "km": table.km[glob],
        "hours": table.hours[glob],
        "corridor": _strings(table.corridor, glob),
        "modes": _strings(table.modes, glob),
    }
    return pd.DataFrame(data)


def _strings(values: Sequence[str] | NDArray[np.object_], take: NDArray[np.int64]) -> Any:
    """Gather ``values[take]`` into a pandas string column in Arrow (no object per row)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    return pd.array(pa.array(list(values), type=pa.string()).take(pa.array(take)), dtype="str")


def chunks(levels: Levels, size: int = CHUNK_COMBINATIONS) -> Iterator[NDArray[np.int64]]:
    """Yield the sweep's row order in pieces of ``size`` closure sets."""
    for start in range(0, len(levels.order), size):
        yield levels.order[start : start + size]


def write_parquet(
    setup_: SweepSetup,
    columns: Sequence[PairColumns],
    path: Path,
    *,
    chunk: int = CHUNK_COMBINATIONS,
    sets: NDArray[np.int64] | None = None,
) -> int:
    """Stream rows to one Parquet file, one row group per chunk; returns rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = RouteTable.of(columns)
    order = Levels.of(len(setup_.states)).order if sets is None else sets
    rows = 0
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, len(order), chunk):
            part = frame(setup_, columns, order[start : start + chunk], table)
            arrow = pa.Table.from_pandas(part, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(str(path), arrow.schema)
            writer.write_table(arrow)
            rows += len(part)
    finally:
        if writer is not None:
            writer.close()
    return rows
