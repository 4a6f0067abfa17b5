"""Ground tables: speeds, border dwell times, capacities and dated statuses.

Files (``corridor/data/network/``), each row with a ``source`` (or ``basis=assumption``):

* ``speeds.csv`` -- ``class,terrain,mode,traffic,kmh,basis,source``: average speed by road
  class or rail line type, terrain and traffic class (``passenger``, ``freight``,
  ``military`` or ``all``); each link of ``links.csv`` names its ``class`` and ``terrain``.
  Look-up (:func:`speed_for`): the class's own row, then the ``all`` row; ``military``
  without a row of its own takes the ``freight`` row (convoys of loaded trucks are bound by
  the same truck limits), then ``all`` -- the order :func:`dwell_row` uses. A link's
  ``hours`` are its passenger hours (``km`` over the passenger speed: car and
  passenger-train times, what the validation compares); each other class scales them by
  the ratio of the two speeds (:func:`speed_factors`). An optional ``country`` column (ISO3)
  makes a row a railway's or road network's own figure: for each traffic class in that
  order, a row of the link's country (the country of its end that is not a border
  crossing) comes before the row for every country.
* ``speed_limits.csv`` -- ``link,traffic,max_kmh,date,source,notes``: a published upper
  bound on the speed of one link (a track-condition restriction, a line "that allows only
  20 km/h") for one traffic class or ``all`` (:func:`limit_for` picks the row as
  :func:`speed_for` does). The link's speed for that class becomes the lower of its class
  speed and ``max_kmh`` (:func:`limited_speeds`), so its time is a lower bound.
* ``ground_defaults.csv`` -- ``name,value,unit,basis,source,notes``: the named defaults
  used where no row applies (border dwell per mode, port and ferry waits; the hours a
  truck or a column moves a day, :func:`driving_day`).
* ``crossing_times.csv`` -- ``node,direction,mode,traffic,dwell_hours,basis,date,source,notes``:
  hours spent at a border crossing (``direction`` ``RUS>GEO`` or ``both``) or, for a port,
  the port call or ferry wait, per traffic class (``freight``, ``passenger``, ``military``
  or ``all``; see :func:`dwell_row` for the look-up order): the standing, typical dwell.
* ``dwell_episodes.csv`` -- ``node,direction,mode,traffic,from_date,to_date,dwell_hours,``
  ``source,notes``: dated queues (a closure-era jam, a new border system's first weeks,
  an exodus) at a crossing (mode ``road`` or ``rail``) or a port (mode ``port`` for a
  ship's call or ``ferry`` for the wait for a sailing; direction ``both``, or
  ``PORT>OTHER`` for a queue for the sailings to one port only). A scenario
  whose ``date`` falls in an episode's span passes that crossing or port in the
  episode's hours instead of the standing ones (:func:`dated_edge_dwell`); a
  scenario without a date takes the episodes still running (no ``to_date``), as
  statuses do.
* ``capacities.csv`` -- ``element,element_type,capacity,unit,traffic,date,source,notes,mode``
  and ``unit_conversions.csv`` -- ``unit,tonnes_per_unit,per,basis,source,mode``: capacities
  of nodes and links, converted to tonnes per day in one place (:class:`Conversion`). A
  capacity row's ``mode`` (``road``, ``rail``, ``sea``; empty: every mode of the element)
  says which traffic of the element it bounds; a unit's ``mode`` says which mode the unit
  counts (``trucks/day`` road, ``wagons/day`` rail, ``sailings/week`` sea; empty for
  ``tonnes/year``). See :func:`capacity_mode` for the rules and
  :meth:`GroundTables.capacity_for` for the look-up.
* ``status_history.csv`` -- ``element,from_date,to_date,status,traffic,source,notes``:
  dated statuses per traffic class; a scenario's ``date`` and ``traffic`` select one.

Every reader validates its file and raises :class:`~corridor.DataError` naming the file,
the row (1-based, the header is row 1) and the column. The tables are immutable
(tuples and read-only mappings) and travel with the :class:`~corridor.network.TransitNetwork`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from corridor._errors import DataError

K = TypeVar("K")
V = TypeVar("V")
#: a dwell row or a dwell episode (:func:`dwell_row` reads the fields they share)
R = TypeVar("R", "Dwell", "DwellEpisode")

__all__ = [
    "CAPACITY_BASES",
    "CAPACITY_MODES",
    "DWELL_MODES",
    "GROUND_FILES",
    "TRAFFIC_CLASSES",
    "Capacity",
    "Conversion",
    "Default",
    "Dwell",
    "DwellEpisode",
    "FrozenMap",
    "GroundTables",
    "Speed",
    "SpeedLimit",
    "StatusSpan",
    "Wait",
    "capacity_basis",
    "capacity_mode",
    "dated_edge_dwell",
    "dwell_row",
    "edge_dwell",
    "edge_dwell_by_class",
    "edge_wait",
    "element_capacity_modes",
    "limit_for",
    "limited_speeds",
    "load_ground",
    "parse_day",
    "read_speed_limits",
    "read_speeds",
    "speed_factors",
    "speed_for",
]

#: Optional files read by :func:`load_ground` (absent file: empty table).
GROUND_FILES = (
    "speeds.csv",
    "speed_limits.csv",
    "ground_defaults.csv",
    "crossing_times.csv",
    "dwell_episodes.csv",
    "capacities.csv",
    "unit_conversions.csv",
    "status_history.csv",
)
DWELL_MODES = ("road", "rail", "ferry", "sea", "port")
#: Modes a capacity row or a unit may name (``sea`` covers sea lanes, ferries and waterways).
CAPACITY_MODES = ("road", "rail", "sea")
_CAPACITY_MODE_OF = {
    "road": "road",
    "rail": "rail",
    "sea": "sea",
    "ferry": "sea",
    "waterway": "sea",
}
#: Traffic classes a scenario may select; ``all`` in a history row applies to every class.
TRAFFIC_CLASSES = ("freight", "passenger", "military")


def traffic_fallback(traffic: str) -> tuple[str, ...]:
    """Traffic classes whose rows serve ``traffic``, most specific first.

    A class's own rows, then ``all`` rows; ``military`` without rows of its own takes the
    ``freight`` rows before the ``all`` rows (a convoy of loaded trucks clears borders,
    drives and loads like freight: a stated assumption, ``GROUND_FACTS_PROVENANCE.md``).
    The one rule behind :func:`dwell_row`, :func:`speed_for` and
    :meth:`GroundTables.capacity_for`; statuses do not fall back (a freight opening says
    nothing about military transit).
    """
    return ("military", "freight", "all") if traffic == "military" else (traffic, "all")


_HISTORY_TRAFFIC = (*TRAFFIC_CLASSES, "all")
_BASES = ("sourced", "assumption")
_SPEED_MODES = ("road", "rail")
_STATUSES = ("open", "closed", "restricted")
_PER_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DIRECTION = re.compile(r"^([A-Z]{3})>([A-Z]{3})$")


@dataclass(frozen=True)
class Speed:
    """Average speed of one road class or rail line type on one terrain, per traffic class."""

    road_class: str
    terrain: str
    mode: str
    kmh: float
    basis: str
    source: str
    traffic: str = "all"  # passenger, freight, military or all
    #: ISO3 of the one country whose links the row is for; empty: every country
    country: str = ""


#: Key of a speed row: ``(class, terrain, mode, traffic, country)``; country ``""``: any.
SpeedKey = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class SpeedLimit:
    """A published upper bound on one link's speed for one traffic class (or ``all``)."""

    link: str
    traffic: str
    max_kmh: float
    date: str
    source: str


@dataclass(frozen=True)
class Default:
    """A named default value (a stated assumption or a sourced typical figure)."""

    name: str
    value: float
    unit: str
    basis: str
    source: str


@dataclass(frozen=True)
class Dwell:
    """Hours spent at a crossing (per direction and mode) or a port."""

    node: str
    origin: str | None  # None: both directions
    target: str | None
    mode: str
    hours: float
    basis: str
    date: str
    source: str
    traffic: str = "freight"  # freight, passenger, military or all


@dataclass(frozen=True)
class DwellEpisode:
    """A dated queue at a crossing or port: hours that replace the standing dwell over a span."""

    node: str
    origin: str | None  # None: both directions (a port: the port itself for a one-line queue)
    target: str | None  # a port: the next port of that line
    mode: str
    hours: float
    start: dt.date
    end: dt.date | None  # None: still running
    source: str
    traffic: str = "freight"  # freight, passenger, military or all

    def active(self, day: dt.date | None) -> bool:
        """Whether the episode applies on ``day`` (None: now, i.e. it has no end date)."""
        return self.end is None if day is None else _in_span(self.start, self.end, day)


@dataclass(frozen=True)
class Conversion:
    """How many tonnes one unit carries and over which period it is counted."""

    unit: str
    tonnes_per_unit: float
    per: str
    basis: str
    source: str
    mode: str = ""  # the mode the unit counts (road, rail, sea), empty if any

    @property
    def tonnes_per_day_factor(self) -> float:
        """Tonnes per day that one unit of capacity stands for."""
        return self.tonnes_per_unit / _PER_DAYS[self.per]


@dataclass(frozen=True)
class Capacity:
    """A sourced capacity of a node or link, with its daily tonnage."""

    element: str
    element_type: str
    capacity: float
    unit: str
    traffic: str
    date: str
    source: str
    tonnes_per_day: float
    mode: str = ""  # road, rail or sea; empty: every mode of the element
    #: what the figure is (:func:`capacity_basis`): ``published``, ``line-type``,
    #: ``lower bound`` or ``assumption``
    basis: str = "published"


@dataclass(frozen=True)
class StatusSpan:
    """Status of an element for one traffic class over a date range (end inclusive)."""

    element: str
    start: dt.date
    end: dt.date | None
    status: str
    traffic: str
    source: str

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` lies in the span."""
        return _in_span(self.start, self.end, day)


def _in_span(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether ``day`` lies in ``start..end`` (inclusive; no end: still running)."""
    return start <= day and (end is None or day <= end)


class FrozenMap(Mapping[K, V]):
    """A read-only mapping (picklable, unlike ``types.MappingProxyType``)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data or {})

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True)
class GroundTables:
    """Immutable ground tables of a network (see the module docstring)."""

    #: keyed by :data:`SpeedKey` ``(class, terrain, mode, traffic, country)``; see :func:`speed_for`
    speeds: Mapping[SpeedKey, Speed] = field(default_factory=FrozenMap)
    defaults: Mapping[str, Default] = field(default_factory=FrozenMap)
    dwell: tuple[Dwell, ...] = ()
    #: dated queues (``dwell_episodes.csv``), see :meth:`episodes_on`
    episodes: tuple[DwellEpisode, ...] = ()
    capacities: Mapping[str, tuple[Capacity, ...]] = field(default_factory=FrozenMap)
    conversions: Mapping[str, Conversion] = field(default_factory=FrozenMap)
    history: Mapping[str, tuple[StatusSpan, ...]] = field(default_factory=FrozenMap)
    #: ``speed_limits.csv`` rows by link id, see :func:`limit_for`
    speed_limits: Mapping[str, tuple[SpeedLimit, ...]] = field(default_factory=FrozenMap)

    def default(self, name: str, fallback: float) -> float:
        """Value of a named default, or ``fallback`` when the table lacks it."""
        row = self.defaults.get(name)
        return row.value if row is not None else fallback

    def dwell_for(
        self, node: str, origin: str, target: str, mode: str, traffic: str = "freight"
    ) -> Dwell | None:
        """Return the dwell row for passing ``node`` from ``origin`` into ``target`` by ``mode``.

        Only rows of the traffic class (or ``all``) match; see :func:`dwell_row`.
        """
        return dwell_row(self.dwell, node, origin, target, mode, traffic)

    def episodes_on(self, day: dt.date | None) -> tuple[DwellEpisode, ...]:
        """Dwell episodes that apply on ``day`` (None: those still running)."""
        return tuple(e for e in self.episodes if e.active(day))

    def capacity_for(
        self, element: str, traffic: str = "freight", *, mode: str | None = None
    ) -> Capacity | None:
        """Capacity row of an element for a traffic class (:func:`traffic_fallback`).

        Parameters
        ----------
        element
            Node or link id.
        traffic
            Traffic class: per mode its own rows, else those of the class it falls back
            to (``military`` -> ``freight``); ``all`` rows match any class.
        mode
            ``road``, ``rail`` or ``sea`` (``ferry`` and ``waterway`` count as ``sea``):
            the element's row for that mode, else its empty-mode row (the capacity of its
            every mode). ``""``: the empty-mode row only. None: any row (the tightest
            capacity of the element in any mode).

        Returns
        -------
        Capacity or None
            Where several rows match, the smallest daily tonnage binds; None when no row
            applies (the element is unbounded for that mode and class).
        """
        rows = self._capacity_rows(element, traffic)
        if mode is not None:
            want = _CAPACITY_MODE_OF.get(mode, mode)
            own = [r for r in rows if want and r.mode == want]
            rows = own or [r for r in rows if not r.mode]
        if not rows:
            return None
        return min(rows, key=lambda r: r.tonnes_per_day)

    def capacity_modes(self, element: str, traffic: str = "freight") -> frozenset[str]:
        """Modes for which an element has a row of its own (for the traffic class)."""
        return frozenset(r.mode for r in self._capacity_rows(element, traffic) if r.mode)

    def _capacity_rows(self, element: str, traffic: str) -> list[Capacity]:
        """Per mode, the rows of the most specific class that has one, plus ``all`` rows.

        The classes are those of :func:`traffic_fallback`: ``military`` without a row of
        its own for a mode takes that mode's ``freight`` row.
        """
        rows = self.capacities.get(element, ())
        out = [r for r in rows if r.traffic == "all"]
        for mode in dict.fromkeys(r.mode for r in rows):
            for cls in traffic_fallback(traffic)[:-1]:
                own = [r for r in rows if r.mode == mode and r.traffic == cls]
                if own:
                    out.extend(own)
                    break
        return out

    def status_on(self, element: str, day: dt.date | None, traffic: str, fallback: str) -> str:
        """Status of an element on ``day`` for ``traffic``.

        ``day=None`` means now: the spans still valid (no end date). Elements with no
        history, or no span covering the day, keep ``fallback`` (their single status).
        A span for the traffic class wins over an ``all`` span; among equals the latest
        start wins.
        """
        spans = self.history.get(element)
        if not spans:
            return fallback
        match = [
            s
            for s in spans
            if s.traffic in (traffic, "all") and (s.end is None if day is None else s.covers(day))
        ]
        if not match:
            return fallback
        best = max(match, key=lambda s: (s.traffic == traffic, s.start))
        return best.status


# --------------------------------------------------------------------------- reading


def _fail(path: Path, row: int, column: str, problem: str) -> DataError:
    return DataError(f"{path}: row {row}, column {column!r}: {problem}")


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = tuple(reader.fieldnames or ())
            missing = [c for c in columns if c not in header]
            if missing:
                msg = f"{path}: missing column(s) {missing}; expected {list(columns)}"
                raise DataError(msg)
            out = []
            for i, rec in enumerate(reader):
                if None in rec:
                    msg = f"{path}: row {i + 2} has more fields than the header"
                    raise DataError(msg)
                out.append((i + 2, {k: (v or "").strip() for k, v in rec.items()}))
            return out
    except OSError as exc:
        msg = f"{path} could not be read: {exc}"
        raise DataError(msg) from exc
    except csv.Error as exc:
        msg = f"{path} is not valid CSV: {exc}"
        raise DataError(msg) from exc


def _number(r: dict[str, str], column: str, path: Path, row: int, *, positive: bool) -> float:
    text = r[column]
    try:
        x = float(text)
    except ValueError:
        raise _fail(path, row, column, f"{text!r} is not a number") from None
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        kind = "a positive" if positive else "a non-negative"
        raise _fail(path, row, column, f"must be {kind} finite number, got {text!r}")
    return x


def _choice(r: dict[str, str], column: str, valid: tuple[str, ...], path: Path, row: int) -> str:
    if r[column] not in valid:
        raise _fail(path, row, column, f"unknown value {r[column]!r}; valid: {', '.join(valid)}")
    return r[column]


def _sourced(r: dict[str, str], path: Path, row: int) -> None:
    basis = r.get("basis", "sourced") or "sourced"
    if not r["source"] and basis != "assumption":
        raise _fail(path, row, "source", "every row needs a source (or basis 'assumption')")


def parse_day(text: str, *, end: bool = False) -> dt.date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    A partial date means its first day, or its last day with ``end=True``.

    Raises
    ------
    ValueError
        For anything else, or an impossible date.
    """
    text = text.strip()
    if not _DATE.match(text):
        msg = f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
        raise ValueError(msg)
    parts = [int(p) for p in text.split("-")]
    try:
        if len(parts) == 3:
            return dt.date(parts[0], parts[1], parts[2])
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            if not end:
                return first
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)
    except ValueError as exc:
        msg = f"{text!r} is not a real date ({exc})"
        raise ValueError(msg) from None


def _date(r: dict[str, str], column: str, path: Path, row: int, *, end: bool = False) -> dt.date:
    try:
        return parse_day(r[column], end=end)
    except ValueError as exc:
        raise _fail(path, row, column, str(exc)) from None


def read_speeds(folder: Path) -> FrozenMap[SpeedKey, Speed]:
    """Read ``speeds.csv`` of a network folder (empty when the file is absent)."""
    path = folder / "speeds.csv"
    return FrozenMap(_read_speeds(path) if path.exists() else {})


def _read_speeds(path: Path) -> dict[SpeedKey, Speed]:
    out: dict[SpeedKey, Speed] = {}
    for row, r in _rows(path, ("class", "terrain", "mode", "traffic", "kmh", "basis", "source")):
        mode = _choice(r, "mode", _SPEED_MODES, path, row)
        traffic = _choice(r, "traffic", _HISTORY_TRAFFIC, path, row)
        _choice(r, "basis", _BASES, path, row)
        _sourced(r, path, row)
        for column in ("class", "terrain"):
            if not r[column]:
                raise _fail(path, row, column, "empty value")
        country = r.get("country", "")
        if country and not re.fullmatch(r"[A-Z]{3}", country):
            msg = f"{country!r} is not an ISO3 country code (empty: every country)"
            raise _fail(path, row, "country", msg)
        key = (r["class"], r["terrain"], mode, traffic, country)
        if key in out:
            msg = f"duplicate class/terrain/mode/traffic/country {key}"
            raise _fail(path, row, "traffic", msg)
        kmh = _number(r, "kmh", path, row, positive=True)
        out[key] = Speed(
            r["class"], r["terrain"], mode, kmh, r["basis"], r["source"], traffic, country
        )
    return out


def speed_for(
    speeds: Mapping[SpeedKey, Speed],
    road_class: str,
    terrain: str,
    mode: str,
    traffic: str,
    country: str = "",
) -> Speed | None:
    """Pick the speed row of a road class or rail line type and terrain for a traffic class.

    Look-up order: :func:`traffic_fallback` (the class's own row, ``military`` then the
    ``freight`` row, then the ``all`` row), the rule :func:`dwell_row` uses for dwell; for
    each class a row of the link's own ``country`` (a railway's published figure) before
    the row for every country.

    Parameters
    ----------
    speeds
        The speed table (:func:`read_speeds`).
    road_class, terrain, mode
        What a link of ``links.csv`` names (``mode`` is ``road`` or ``rail``).
    traffic
        ``passenger``, ``freight`` or ``military``.
    country
        ISO3 of the country the link lies in (empty: only rows for every country).

    Returns
    -------
    Speed or None
        None when no row applies.
    """
    for cls in traffic_fallback(traffic):
        for where in (country, "") if country else ("",):
            row = speeds.get((road_class, terrain, mode, cls, where))
            if row is not None:
                return row
    return None


def speed_factors(
    speeds: Mapping[SpeedKey, Speed],
    road_class: str,
    terrain: str,
    mode: str,
    country: str = "",
) -> tuple[float, dict[str, float]]:
    """Passenger speed of a link type and each traffic class's hours per passenger hour.

    A link's ``hours`` are ``km`` over the passenger speed; a class's hours are those
    hours times its factor (passenger speed over the class's speed), so a length or time
    refined later (OSM) keeps each class's ratio. ``country`` selects a railway's own rows
    first (:func:`speed_for`).

    Returns
    -------
    kmh, factors
        The passenger speed and ``{traffic class: factor}`` for every class.

    Raises
    ------
    KeyError
        Naming the first class without a row (the caller reports the file row).
    """
    base = speed_for(speeds, road_class, terrain, mode, "passenger", country)
    if base is None:
        raise KeyError("passenger")
    factors = {}
    for traffic in TRAFFIC_CLASSES:
        row = speed_for(speeds, road_class, terrain, mode, traffic, country)
        if row is None:
            raise KeyError(traffic)
        factors[traffic] = base.kmh / row.kmh
    return base.kmh, factors


def read_speed_limits(folder: Path) -> FrozenMap[str, tuple[SpeedLimit, ...]]:
    """Read ``speed_limits.csv`` of a network folder (empty when the file is absent).

    Link ids are checked by the network builder, which knows the links.

    Raises
    ------
    DataError
        Naming the row and column of a bad traffic class, speed, date or a missing source,
        or a second row for the same link and traffic class.
    """
    path = folder / "speed_limits.csv"
    if not path.exists():
        return FrozenMap({})
    out: dict[str, list[SpeedLimit]] = {}
    for row, r in _rows(path, ("link", "traffic", "max_kmh", "date", "source")):
        if not r["link"]:
            raise _fail(path, row, "link", "empty link id")
        traffic = _choice(r, "traffic", _HISTORY_TRAFFIC, path, row)
        kmh = _number(r, "max_kmh", path, row, positive=True)
        _date(r, "date", path, row)
        if not r["source"]:
            raise _fail(path, row, "source", "every speed limit needs a source")
        if any(x.traffic == traffic for x in out.get(r["link"], ())):
            raise _fail(path, row, "traffic", f"second {traffic!r} row for link {r['link']!r}")
        out.setdefault(r["link"], []).append(
            SpeedLimit(r["link"], traffic, kmh, r["date"], r["source"])
        )
    return FrozenMap({k: tuple(v) for k, v in out.items()})


def limit_for(limits: Iterable[SpeedLimit], traffic: str) -> SpeedLimit | None:
    """Pick the limit row of one link that applies to ``traffic`` (:func:`traffic_fallback`)."""
    rows = {x.traffic: x for x in limits}
    for cls in traffic_fallback(traffic):
        if cls in rows:
            return rows[cls]
    return None


def limited_speeds(
    kmh: float, factors: Mapping[str, float], limits: Iterable[SpeedLimit]
) -> tuple[float, dict[str, float]]:
    """Apply a link's speed limits to its passenger speed and per-class hour factors.

    Parameters
    ----------
    kmh
        The link's passenger speed (:func:`speed_factors`, or its own ``speed_kmh``).
    factors
        Each traffic class's hours per passenger hour (missing: 1).
    limits
        The link's rows of ``speed_limits.csv``.

    Returns
    -------
    kmh, factors
        The passenger speed ``min(kmh, limit)`` and every class's factor recomputed from
        ``min(class speed, its limit)``, so a limit only ever slows a class down.

    Examples
    --------
    >>> lim = [SpeedLimit("rl-x", "all", 20.0, "2024-02", "ADY")]
    >>> limited_speeds(60.0, {"freight": 1.5, "military": 1.5}, lim)
    (20.0, {'freight': 1.0, 'military': 1.0, 'passenger': 1.0})
    """
    limits = tuple(limits)

    def cap(speed: float, traffic: str) -> float:
        row = limit_for(limits, traffic)
        return min(speed, row.max_kmh) if row is not None else speed

    base = cap(kmh, "passenger")
    out = {}
    for traffic in TRAFFIC_CLASSES:
        speed = kmh / factors.get(traffic, 1.0)
        out[traffic] = base / cap(speed, traffic)
    return base, dict(sorted(out.items()))


def _read_defaults(path: Path) -> dict[str, Default]:
    out: dict[str, Default] = {}
    for row, r in _rows(path, ("name", "value", "unit", "basis", "source")):
        _choice(r, "basis", _BASES, path, row)
        _sourced(r, path, row)
        if not r["name"] or r["name"] in out:
            raise _fail(path, row, "name", f"empty or duplicate name {r['name']!r}")
        value = _number(r, "value", path, row, positive=False)
        out[r["name"]] = Default(r["name"], value, r["unit"], r["basis"], r["source"])
    return out


def dwell_row(
    rows: Iterable[R],
    node: str,
    origin: str,
    target: str,
    mode: str,
    traffic: str = "freight",
) -> R | None:
    """Pick the dwell row for passing ``node`` from ``origin`` into ``target``.

    Look-up order for a traffic class: the row for the direction and the class, then the
    class's ``both`` row, then the direction's ``all`` row, then the ``all`` ``both`` row;
    None when none exists (the caller applies the class's named default). The
    ``military`` class has its own rows where curated; without one it takes the
    ``freight`` rows (convoys clear border and customs control like freight: a stated
    assumption, see ``GROUND_FACTS_PROVENANCE.md``), and only then the freight default.

    Parameters
    ----------
    rows
        The dwell table, or the dwell episodes in force (the same look-up).
    node, origin, target, mode
        Crossing or port id, the countries left and entered (empty for a port) and the mode.
    traffic
        ``freight``, ``passenger`` or ``military``.

    Returns
    -------
    Dwell or None
    """
    best: tuple[int, R] | None = None
    order = traffic_fallback(traffic)
    for row in rows:
        if row.node != node or row.mode != mode or row.traffic not in order:
            continue
        if row.origin == origin and row.target == target:
            rank = 2 * order.index(row.traffic)
        elif row.origin is None:
            rank = 2 * order.index(row.traffic) + 1
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, row)
    return None if best is None else best[1]


def _read_dwell(path: Path, node_pairs: Mapping[str, tuple[str, str]]) -> list[Dwell]:
    out: list[Dwell] = []
    seen: set[tuple[str, str, str, str]] = set()
    columns = ("node", "direction", "mode", "traffic", "dwell_hours", "basis", "date", "source")
    for row, r in _rows(path, columns):
        node = r["node"]
        if node not in node_pairs:
            raise _fail(path, row, "node", f"unknown node {node!r} (not a crossing or port id)")
        mode = _choice(r, "mode", DWELL_MODES, path, row)
        traffic = _choice(r, "traffic", _HISTORY_TRAFFIC, path, row)
        _choice(r, "basis", _BASES, path, row)
        _sourced(r, path, row)
        if r["date"]:
            _date(r, "date", path, row)
        hours = _number(r, "dwell_hours", path, row, positive=False)
        origin, target = _direction(r, node, node_pairs[node], path, row)
        key = (node, r["direction"], mode, traffic)
        if key in seen:
            raise _fail(path, row, "direction", f"duplicate node/direction/mode/traffic {key}")
        seen.add(key)
        out.append(
            Dwell(node, origin, target, mode, hours, r["basis"], r["date"], r["source"], traffic)
        )
    return out


def _direction(
    r: dict[str, str], node: str, pair: tuple[str, str], path: Path, row: int
) -> tuple[str | None, str | None]:
    """``(origin, target)`` of a ``direction`` cell (None, None for ``both``)."""
    if r["direction"] == "both":
        return None, None
    m = _DIRECTION.match(r["direction"])
    if m is None:
        raise _fail(path, row, "direction", f"{r['direction']!r} is not 'both' or like 'RUS>GEO'")
    origin, target = m.group(1), m.group(2)
    if {origin, target} != set(pair) or origin == target:
        valid = f"{pair[0]}>{pair[1]}, {pair[1]}>{pair[0]} or both"
        problem = f"{r['direction']!r} does not fit {node}; valid: {valid}"
        raise _fail(path, row, "direction", problem)
    return origin, target


#: Modes of a port's dwell episodes: a ship's call, the wait for a ferry sailing.
_PORT_EPISODE_MODES = ("port", "ferry")


def _is_port(pair: tuple[str, str]) -> bool:
    """Whether a dwell node's country pair is a port's (one country, no border)."""
    return pair[0] == pair[1]


def _port_line(
    r: dict[str, str], node: str, node_pairs: Mapping[str, tuple[str, str]], path: Path, row: int
) -> tuple[str | None, str | None]:
    """Return ``(origin, target)`` of a port episode's ``direction`` cell.

    ``both``: every sailing from the port, ``(None, None)``; ``PORT>OTHER``: only the
    sailings to the port ``OTHER`` (a queue for one line), ``(PORT, OTHER)``.
    """
    if r["direction"] == "both":
        return None, None
    here, sep, there = r["direction"].partition(">")
    other = node_pairs.get(there)
    if sep != ">" or here != node or there == node or other is None or not _is_port(other):
        problem = f"{r['direction']!r} for port {node}; valid: both or {node}>PORT (a port id)"
        raise _fail(path, row, "direction", problem)
    return here, there


def _read_episodes(path: Path, node_pairs: Mapping[str, tuple[str, str]]) -> list[DwellEpisode]:
    out: list[DwellEpisode] = []
    columns = ("node", "direction", "mode", "traffic", "from_date", "to_date", "dwell_hours")
    for row, r in _rows(path, (*columns, "source")):
        node = r["node"]
        if node not in node_pairs:
            problem = f"unknown crossing or port {node!r} (episodes are for crossings and ports)"
            raise _fail(path, row, "node", problem)
        port = _is_port(node_pairs[node])
        mode = _choice(r, "mode", _PORT_EPISODE_MODES if port else ("road", "rail"), path, row)
        traffic = _choice(r, "traffic", _HISTORY_TRAFFIC, path, row)
        _sourced(r, path, row)
        if port:
            origin, target = _port_line(r, node, node_pairs, path, row)
        else:
            origin, target = _direction(r, node, node_pairs[node], path, row)
        start = _date(r, "from_date", path, row)
        end = _date(r, "to_date", path, row, end=True) if r["to_date"] else None
        if end is not None and end < start:
            raise _fail(path, row, "to_date", f"{r['to_date']} is before {r['from_date']}")
        hours = _number(r, "dwell_hours", path, row, positive=False)
        episode = DwellEpisode(node, origin, target, mode, hours, start, end, r["source"], traffic)
        for other in out:
            same = (other.node, other.origin, other.target, other.mode, other.traffic) == (
                node, origin, target, mode, traffic
            )  # fmt: skip
            if same and _overlap(other, episode):
                raise _fail(
                    path, row, "from_date",
                    f"overlaps another {traffic} {mode} episode of {node} "
                    f"({other.start}..{other.end or 'open'}) in the same direction",
                )  # fmt: skip
        out.append(episode)
    return out


def _read_conversions(path: Path) -> dict[str, Conversion]:
    out: dict[str, Conversion] = {}
    for row, r in _rows(path, ("unit", "tonnes_per_unit", "per", "basis", "source", "mode")):
        _choice(r, "basis", _BASES, path, row)
        _sourced(r, path, row)
        per = _choice(r, "per", tuple(_PER_DAYS), path, row)
        mode = _choice(r, "mode", ("", *CAPACITY_MODES), path, row)
        if not r["unit"] or r["unit"] in out:
            raise _fail(path, row, "unit", f"empty or duplicate unit {r['unit']!r}")
        tonnes = _number(r, "tonnes_per_unit", path, row, positive=True)
        out[r["unit"]] = Conversion(r["unit"], tonnes, per, r["basis"], r["source"], mode)
    return out


def capacity_mode(mode: str, element_modes: frozenset[str], unit_mode: str) -> str | None:
    """Check a capacity row's ``mode`` against its element and unit; None if it is valid.

    Rules: ``mode`` is empty (every mode of the element) or one of the element's modes; a
    mode-specific unit (``unit_conversions.csv`` ``mode``) agrees with the row's mode; an
    element with several modes and a mode-specific unit must say its mode. (At most one row
    per element, mode and traffic class is checked by the reader.)

    Parameters
    ----------
    mode
        The row's ``mode`` (``road``, ``rail``, ``sea`` or empty).
    element_modes
        The element's capacity modes (:func:`element_capacity_modes`).
    unit_mode
        The mode of the row's unit, empty for a mode-neutral unit such as ``tonnes/year``.

    Returns
    -------
    str or None
        What is wrong (a sentence naming the valid values), or None.
    """
    have = ", ".join(sorted(element_modes)) or "none"
    if mode and mode not in element_modes:
        return f"mode {mode!r} is not a mode of the element (its modes: {have}; or empty)"
    if unit_mode and mode and unit_mode != mode:
        return f"the unit counts {unit_mode} traffic but the row's mode is {mode!r}"
    if unit_mode and not mode and len(element_modes) > 1:
        return (
            f"the element has several modes ({have}) and the unit counts {unit_mode} "
            f"traffic: say mode {unit_mode!r}"
        )
    return None


def element_capacity_modes(modes: Iterable[str]) -> frozenset[str]:
    """Capacity modes of network modes: ``ferry``/``waterway`` are ``sea``; ``air`` has none."""
    return frozenset(_CAPACITY_MODE_OF[m] for m in modes if m in _CAPACITY_MODE_OF)


def _read_capacities(
    path: Path,
    node_ids: frozenset[str],
    edge_ids: frozenset[str],
    units: Mapping[str, Conversion],
    element_modes: Mapping[str, frozenset[str]],
) -> dict[str, tuple[Capacity, ...]]:
    out: dict[str, list[Capacity]] = {}
    seen: set[tuple[str, str, str]] = set()
    columns = ("element", "element_type", "capacity", "unit", "traffic", "date", "source", "mode")
    for row, r in _rows(path, columns):
        kind = _choice(r, "element_type", ("node", "link"), path, row)
        known = node_ids if kind == "node" else edge_ids
        if r["element"] not in known:
            raise _fail(path, row, "element", f"unknown {kind} id {r['element']!r}")
        if r["unit"] not in units:
            valid = ", ".join(sorted(units)) or "none (unit_conversions.csv is empty)"
            raise _fail(path, row, "unit", f"unknown unit {r['unit']!r}; valid: {valid}")
        traffic = _choice(r, "traffic", _HISTORY_TRAFFIC, path, row)
        mode = _choice(r, "mode", ("", *CAPACITY_MODES), path, row)
        modes = element_modes.get(r["element"], frozenset())
        problem = capacity_mode(mode, modes, units[r["unit"]].mode)
        if problem is not None:
            raise _fail(path, row, "mode", f"{r['element']}: {problem}")
        key = (r["element"], mode, traffic)
        if key in seen:
            raise _fail(
                path, row, "mode",
                f"a second row for {r['element']}, mode {mode or '(empty)'!r}, traffic "
                f"{traffic!r}: at most one row per element, mode and traffic",
            )  # fmt: skip
        seen.add(key)
        _sourced(r, path, row)
        if r["date"]:
            _date(r, "date", path, row)
        value = _number(r, "capacity", path, row, positive=True)
        tonnes = value * units[r["unit"]].tonnes_per_day_factor
        basis = capacity_basis(r["source"], r.get("notes") or "")
        cap = Capacity(
            r["element"],
            kind,
            value,
            r["unit"],
            traffic,
            r["date"],
            r["source"],
            tonnes,
            mode,
            basis,
        )
        out.setdefault(r["element"], []).append(cap)
    return {k: tuple(v) for k, v in out.items()}


#: What a capacity figure is, by its row (:func:`capacity_basis`).
CAPACITY_BASES = ("published", "line-type", "lower bound", "share", "assumption")


def capacity_basis(source: str, notes: str) -> str:
    """Say what a ``capacities.csv`` figure is, from its ``source`` and ``notes``.

    ``assumption`` when the source is a named assumption (it starts with "assumption");
    ``line-type`` when the notes start with "line-type" (the published capacity of the
    line's layout, e.g. single track); ``lower bound`` when they start with "lower bound"
    (observed traffic); ``share`` when they start with "share of a published total" (a
    published total over several elements split among them, e.g. the trains a day of all
    Russia-Kazakhstan rail border stations shared evenly); else ``published`` (a capacity
    published for the element). The
    one rule behind ``scripts/check_network_data.py``'s coverage line and the binding
    elements of :func:`corridor.analysis.throughput`.
    """
    if source.strip().lower().startswith("assumption"):
        return "assumption"
    lead = notes.strip().lower()
    for basis in ("line-type", "lower bound"):
        if lead.startswith(basis):
            return basis
    if lead.startswith("share of a published total"):
        return "share"
    return "published"


def _read_history(path: Path, element_ids: frozenset[str]) -> dict[str, tuple[StatusSpan, ...]]:
    out: dict[str, list[StatusSpan]] = {}
    columns = ("element", "from_date", "to_date", "status", "traffic", "source")
    for row, r in _rows(path, columns):
        if r["element"] not in element_ids:
            raise _fail(path, row, "element", f"unknown node or link id {r['element']!r}")
        status = _choice(r, "status", _STATUSES, path, row)
        traffic = _choice(r, "traffic", _HISTORY_TRAFFIC, path, row)
        _sourced(r, path, row)
        start = _date(r, "from_date", path, row)
        end = _date(r, "to_date", path, row, end=True) if r["to_date"] else None
        if end is not None and end < start:
            raise _fail(path, row, "to_date", f"{r['to_date']} is before {r['from_date']}")
        span = StatusSpan(r["element"], start, end, status, traffic, r["source"])
        for other in out.get(r["element"], []):
            if other.traffic == traffic and _overlap(other, span):
                raise _fail(
                    path, row, "from_date",
                    f"overlaps another {traffic} span of {r['element']} "
                    f"({other.start}..{other.end or 'open'})",
                )  # fmt: skip
        out.setdefault(r["element"], []).append(span)
    return {k: tuple(v) for k, v in out.items()}


def _overlap(a: StatusSpan | DwellEpisode, b: StatusSpan | DwellEpisode) -> bool:
    a_end = a.end or dt.date.max
    b_end = b.end or dt.date.max
    return a.start <= b_end and b.start <= a_end


def load_ground(
    folder: Path,
    *,
    node_pairs: Mapping[str, tuple[str, str]],
    node_ids: frozenset[str],
    edge_ids: frozenset[str],
    element_modes: Mapping[str, Iterable[str]],
    speeds: Mapping[SpeedKey, Speed] | None = None,
    speed_limits: Mapping[str, tuple[SpeedLimit, ...]] | None = None,
) -> GroundTables:
    """Read and validate the ground tables of a network folder.

    Parameters
    ----------
    folder
        The network folder; absent files give empty tables.
    node_pairs
        Crossing ids with their two countries, and port ids (with their country twice):
        the nodes ``crossing_times.csv`` may name.
    node_ids, edge_ids
        Every node and link id, for ``capacities.csv`` and ``status_history.csv``.
    element_modes
        The network modes of each node and link (a node's ``modes`` and those of the links
        ending at it); an element missing here has none, so only empty-mode capacity rows
        with mode-neutral units may name it.
    speeds
        The speed table if already read (:func:`read_speeds`).
    speed_limits
        The speed limits if already read (:func:`read_speed_limits`).

    Returns
    -------
    GroundTables

    Raises
    ------
    DataError
        Naming the file, row and column of the first bad value.
    """

    def present(name: str) -> Path | None:
        p = folder / name
        return p if p.exists() else None

    if speeds is None:
        speeds = read_speeds(folder)
    if speed_limits is None:
        speed_limits = read_speed_limits(folder)
    defaults = _read_defaults(p) if (p := present("ground_defaults.csv")) else {}
    dwell = _read_dwell(p, node_pairs) if (p := present("crossing_times.csv")) else []
    episodes = _read_episodes(p, node_pairs) if (p := present("dwell_episodes.csv")) else []
    units = _read_conversions(p) if (p := present("unit_conversions.csv")) else {}
    cap_modes = {k: element_capacity_modes(v) for k, v in element_modes.items()}
    caps = (
        _read_capacities(p, node_ids, edge_ids, units, cap_modes)
        if (p := present("capacities.csv"))
        else {}
    )
    history = _read_history(p, node_ids | edge_ids) if (p := present("status_history.csv")) else {}
    return GroundTables(
        speeds=FrozenMap(speeds),
        defaults=FrozenMap(defaults),
        dwell=tuple(dwell),
        episodes=tuple(episodes),
        capacities=FrozenMap(caps),
        conversions=FrozenMap(units),
        history=FrozenMap(history),
        speed_limits=FrozenMap(speed_limits),
    )


# --------------------------------------------------------------------------- per-edge times

#: States whose mutual borders have no customs control (Eurasian Economic Union).
EAEU = frozenset({"ARM", "BLR", "KAZ", "KGZ", "RUS"})
#: Fallbacks when ``ground_defaults.csv`` lacks a name (hours); the shipped table has them all.
_FALLBACK_H = {
    "dwell_road_h": 4.0,
    "dwell_rail_h": 8.0,
    "dwell_eaeu_road_h": 1.0,
    "dwell_eaeu_rail_h": 2.0,
    "dwell_passenger_road_h": 1.0,
    "dwell_passenger_rail_h": 2.0,
    "dwell_passenger_eaeu_road_h": 0.67,
    "dwell_passenger_eaeu_rail_h": 0.67,
    "port_call_h": 24.0,
    "ferry_wait_h": 24.0,
}
_WATER = ("sea", "ferry", "waterway")


@dataclass(frozen=True)
class NodeInfo:
    """What the dwell rules need to know about an edge's end node."""

    kind: str
    country: str
    country_b: str


def default_dwell_name(mode: str, origin: str, target: str, traffic: str = "freight") -> str:
    """Name of the default (in ``ground_defaults.csv``) for a crossing without a row.

    ``dwell_[passenger_][eaeu_]<mode>_h``: freight and military share the freight names.
    """
    inner = origin in EAEU and target in EAEU
    cls = "passenger_" if traffic == "passenger" else ""
    return f"dwell_{cls}{'eaeu_' if inner else ''}{mode}_h"


@dataclass(frozen=True)
class Wait:
    """Hours spent at one crossing or port, and where the figure comes from."""

    node: str
    hours: float
    #: ``episode``, ``sourced``, ``assumption`` (a row of that basis) or ``default``
    basis: str
    #: the row's date or span, or the default's name
    detail: str
    source: str


def _crossing_wait(
    tables: GroundTables,
    x: str,
    other: str,
    mode: str,
    nodes: Mapping[str, NodeInfo],
    traffic: str = "freight",
    episodes: tuple[DwellEpisode, ...] = (),
) -> Wait | None:
    """Return the wait passing crossing ``x`` into the side of node ``other`` by ``mode``.

    A matching episode (a dated queue, already selected for the day) wins over the
    standing row; None when the edge leaves the crossing's two countries.
    """
    info, far = nodes[x], nodes[other]
    pair = (info.country, info.country_b)
    if far.kind == "crossing":
        shared = {far.country, far.country_b} & set(pair)
        target = sorted(shared)[0] if len(shared) == 1 else far.country
    else:
        target = far.country
    if target not in pair:
        return None  # the edge leaves the crossing's two countries: no border passed here
    origin = pair[1] if target == pair[0] else pair[0]
    queue = dwell_row(episodes, x, origin, target, mode, traffic)
    if queue is not None:
        return _episode_wait(queue)
    row = tables.dwell_for(x, origin, target, mode, traffic)
    if row is not None:
        return Wait(x, row.hours, row.basis, row.date, row.source)
    return _default_wait(tables, x, default_dwell_name(mode, origin, target, traffic))


def _port_wait(
    tables: GroundTables,
    port: str,
    mode: str,
    traffic: str = "freight",
    episodes: tuple[DwellEpisode, ...] = (),
    toward: str = "",
) -> Wait:
    # ships and ferries wait for their cargo: without a row of its own, every class takes
    # the port's freight rows (a stated assumption, GROUND_FACTS_PROVENANCE.md); per mode
    # (the edge's own, then the port call) a dated queue in force wins over the standing row,
    # a queue for the line to ``toward`` (the next port) over one for every sailing
    for m in (mode, "port"):
        queue = dwell_row(episodes, port, port, toward, m, traffic) or dwell_row(
            episodes, port, port, toward, m
        )
        if queue is not None:
            return _episode_wait(queue)
        row = tables.dwell_for(port, "", "", m, traffic) or tables.dwell_for(port, "", "", m)
        if row is not None:
            return Wait(port, row.hours, row.basis, row.date, row.source)
    return _default_wait(tables, port, "ferry_wait_h" if mode == "ferry" else "port_call_h")


def _episode_wait(queue: DwellEpisode) -> Wait:
    """Return a dated queue in force as a wait, its span as the detail."""
    span = f"{queue.start.isoformat()}..{queue.end.isoformat() if queue.end else 'open'}"
    return Wait(queue.node, queue.hours, "episode", span, queue.source)


def _default_wait(tables: GroundTables, node: str, name: str) -> Wait:
    """Return the named default of ``ground_defaults.csv`` (or its fallback) as a wait."""
    default = tables.defaults.get(name)
    if default is None:
        return Wait(node, _FALLBACK_H[name], "default", name, "")
    return Wait(node, default.value, "default", name, default.source)


#: Traffic classes whose road legs stop for drivers' daily rest (``driving_h_per_day_<class>``).
DRIVING_DAY_CLASSES = ("freight", "military")


def driving_day(tables: GroundTables, traffic: str) -> Default | None:
    """Return the hours a road vehicle of a traffic class moves a day, or None.

    ``driving_h_per_day_freight`` (a truck driver's daily driving period, AETR) and
    ``driving_h_per_day_military`` (a motor column's daily march) of
    ``ground_defaults.csv``; None for passenger traffic (car driving times are compared
    as driven) and when the table has no such row.
    """
    if traffic not in DRIVING_DAY_CLASSES:
        return None
    return tables.defaults.get(f"driving_h_per_day_{traffic}")


def rest_hours(driving_h: float, waits_h: Iterable[float], per_day: float | None) -> float:
    """Hours a road leg stands still for daily rest, beyond its moving hours and waits.

    A vehicle moves at most ``per_day`` hours in each 24: a leg of ``driving_h`` moving
    hours needs ``ceil(driving_h / per_day) - 1`` stops of ``24 - per_day`` hours each,
    and a wait (border queue, port) at least that long is taken as one of them.

    Parameters
    ----------
    driving_h
        Moving hours of the leg (border waits and conditional delays excluded).
    waits_h
        The leg's waits, hours each.
    per_day
        Hours of movement a day (:func:`driving_day`); None or 24 and more: no stops.

    Returns
    -------
    float
        Hours of rest stops, 0 for a leg driven within one day.

    Examples
    --------
    >>> rest_hours(20.0, [], 9.0)  # three driving days: two nights of 15 h
    30.0
    >>> rest_hours(20.0, [16.0], 9.0)  # a 16 h border queue is one of the nights
    15.0
    """
    if per_day is None or not 0 < per_day < 24 or driving_h <= 0:
        return 0.0
    off = 24.0 - per_day
    stops = max(0, math.ceil(driving_h / per_day - 1e-9) - 1)
    taken = sum(1 for w in waits_h if w >= off)
    return max(0, stops - taken) * off


def edge_wait(
    tables: GroundTables,
    edge: tuple[str, str, str],
    nodes: Mapping[str, NodeInfo],
    *,
    traffic: str = "freight",
    episodes: tuple[DwellEpisode, ...] = (),
) -> Wait | None:
    """Return the wait of one edge travelled from its first node, with its basis.

    The one rule behind :func:`edge_dwell`, for a single traversal ``(a, b, mode)``:
    a crossing's wait when a road or rail edge leaves it, a port's when a water edge
    does; None where the edge costs no wait.
    """
    a, b, mode = edge
    kind = nodes[a].kind
    if mode in _WATER and kind == "port":
        return _port_wait(tables, a, mode, traffic, episodes, toward=b)
    if mode in ("road", "rail") and kind == "crossing":
        return _crossing_wait(tables, a, b, mode, nodes, traffic, episodes)
    return None


def edge_dwell(
    tables: GroundTables,
    edges: list[tuple[str, str, str]],
    nodes: Mapping[str, NodeInfo],
    *,
    traffic: str = "freight",
    episodes: tuple[DwellEpisode, ...] = (),
) -> tuple[list[float], list[float]]:
    """Dwell hours of each edge for one traffic class when travelled u to v and v to u.

    Rules (documented in ``NODES_LINKS_PROVENANCE.md``):

    * a road or rail edge leaving a crossing into one of its countries costs the
      crossing's dwell for that direction, mode and traffic class (:func:`dwell_row`,
      else the class's named default: ``dwell_road_h``/``dwell_rail_h``, or the ``eaeu``
      variants between two EAEU states; ``dwell_passenger_...`` for passengers);
    * a sea, ferry or waterway edge leaving a port costs the port's wait for that mode
      (row for the mode, else its ``port`` row, else ``ferry_wait_h``/``port_call_h``);
      arriving costs nothing more.

    Parameters
    ----------
    tables
        The network's ground tables.
    edges
        ``(u, v, mode)`` per edge.
    nodes
        Kind and countries of every node id.
    traffic
        ``freight`` (default), ``passenger`` or ``military``.
    episodes
        Dated queues in force (:meth:`GroundTables.episodes_on`); a matching one replaces
        the crossing's or port's standing dwell. Default none: the standing dwell.

    Returns
    -------
    forward, backward : list of float
        Hours added when the edge is travelled u to v, and v to u.
    """
    if traffic not in TRAFFIC_CLASSES:
        msg = f"unknown traffic class {traffic!r}; valid: {', '.join(TRAFFIC_CLASSES)}"
        raise ValueError(msg)
    fwd: list[float] = []
    back: list[float] = []
    for u, v, mode in edges:
        for a, b, out in ((u, v, fwd), (v, u, back)):
            wait = edge_wait(tables, (a, b, mode), nodes, traffic=traffic, episodes=episodes)
            out.append(0.0 if wait is None else wait.hours)
    return fwd, back


def edge_dwell_by_class(
    tables: GroundTables,
    edges: list[tuple[str, str, str]],
    nodes: Mapping[str, NodeInfo],
) -> dict[str, tuple[list[float], list[float]]]:
    """:func:`edge_dwell` for every traffic class: ``{class: (forward, backward)}``."""
    return {t: edge_dwell(tables, edges, nodes, traffic=t) for t in TRAFFIC_CLASSES}


def dated_edge_dwell(
    tables: GroundTables,
    base: tuple[NDArray[np.float64], NDArray[np.float64]],
    edges: list[tuple[str, str, str]],
    nodes: Mapping[str, NodeInfo],
    *,
    traffic: str,
    day: dt.date | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Standing dwell arrays with the episodes in force on ``day`` applied.

    Parameters
    ----------
    tables
        The network's ground tables.
    base
        The standing forward and backward dwell hours of every edge for ``traffic``.
    edges, nodes
        ``(u, v, mode)`` per edge, and the kind and countries of every node id.
    traffic
        The traffic class of ``base``.
    day
        The scenario's date; None: the episodes still running.

    Returns
    -------
    forward, backward : ndarray
        ``base`` itself when no episode applies, else copies with the hours of every
        edge leaving an episode's crossing or port recomputed.
    """
    active = tables.episodes_on(day)
    if not active:
        return base
    crossings = {e.node for e in active}
    touched = [i for i, (u, v, _m) in enumerate(edges) if u in crossings or v in crossings]
    fwd, back = base[0].copy(), base[1].copy()
    sub_fwd, sub_back = edge_dwell(
        tables, [edges[i] for i in touched], nodes, traffic=traffic, episodes=active
    )
    fwd[touched], back[touched] = sub_fwd, sub_back
    return fwd, back
