"""Compare corridor's ground routes with published road and rail distances and times.

A third table, ``freight_times.csv`` (:func:`compare_freight`), holds published freight
transit times (trucks, freight trains, ferries), each routed as freight on its own date.

The tables (``corridor/data/validation/road_distances.csv`` and ``rail_distances.csv``,
columns ``from,to,published_km,published_hours,kind,source,notes`` and an optional
``hours_traffic``) are compiled from published sources, not from corridor's output.
:func:`compare` routes each pair with every country permissive over the one ground mode
on a scenario dated :data:`VALIDATION_DATE` and returns the ratios; the tests and
``scripts/validation_report.py`` report them.

Era: the published figures date from when the borders were open to passengers and the
Lachin road was open (the Baku-Tbilisi train has not run since Azerbaijan closed its land
borders in March 2020; Turkmenistan restricted Temir Baba from May 2018; the Lachin road
was blockaded from December 2022). So the comparison is a dated scenario: each element
takes its ``status_history.csv`` status on that day (Goris-Stepanakert open,
Stepanakert-Barda on the line of contact, closed), the others their single status. The
network itself is not changed.

Traffic class: the published hours are car driving times and passenger-train timetables,
so each pair is routed with ``traffic="passenger"`` (passenger border dwell,
``crossing_times.csv``). A row whose published time is a truck or freight-train time says
so with ``hours_traffic=freight`` and is routed as freight.

Independence: a published figure tests the network's lengths only if the links it is
compared with were not curated from the same document (a line's km table used both for a
link and for the pair is equal by construction). :func:`compare` records, per pair, the
documents its row cites that a link of its route also cites (:func:`source_keys`, mirrors
folded), and :attr:`Comparison.independent` is False for such a pair; the medians of
:func:`summary` are reported over all pairs and over the independent ones.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from corridor import settings
from corridor._errors import DataError
from corridor.network import TransitNetwork, load_network

if TYPE_CHECKING:
    from corridor.routing import Route

__all__ = [
    "FREIGHT_MEASURES",
    "FREIGHT_MODES",
    "VALIDATION_DATE",
    "Comparison",
    "FreightRow",
    "compare",
    "compare_freight",
    "freight_summary",
    "read_freight_table",
    "read_table",
    "source_keys",
    "summary",
]

_COLUMNS = ("from", "to", "published_km", "published_hours", "kind", "source")
_KINDS = ("trunk", "mountain", "steppe", "cross-border", "domestic")
#: Classes a published time may be for (column ``hours_traffic``; empty: passenger).
HOURS_TRAFFIC = ("passenger", "freight")
#: Date of the comparison's scenario: before Temir Baba's passenger restriction (May 2018),
#: Azerbaijan's passenger closure (March 2020) and the Lachin blockade (December 2022).
VALIDATION_DATE = "2018-01-01"

_URL = re.compile(r"https?://[^\s;,\"'<>]+")
_GENERIC_SEGMENTS = ("index", "view", "default", "article", "news", "page")


def source_keys(text: str) -> frozenset[str]:
    """Return the documents a source text cites, one key per URL, mirrors folded together.

    A key is the URL's last path segment, percent-decoded and lower-cased, with ``_`` read
    as a space, so that a Wikipedia article and its mirrors (``de.zxc.wiki``,
    ``perceptiofr.com``) give the same key. A short or generic segment (a bare domain, a
    numeric id, ``index.php``) is not specific to one document: the whole URL, without
    scheme and trailing slash, is the key then.

    Parameters
    ----------
    text
        A ``source`` or ``notes`` field.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(source_keys("https://de.zxc.wiki/wiki/Bahnstrecke_Tiflis%E2%80%93Jerewan"))
    ['bahnstrecke tiflis–jerewan']
    >>> sorted(source_keys("see https://sozmedia.kz/46676; GeoNames 616052"))
    ['sozmedia.kz/46676']
    """
    keys = set()
    for url in _URL.findall(text):
        url = unquote(url.split("#", 1)[0]).rstrip(".")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]  # a closing parenthesis of the text, not of the address
        url = url.rstrip("./")
        bare = url.split("://", 1)[1]
        segment = bare.rsplit("/", 1)[-1].lower().replace("_", " ") if "/" in bare else ""
        generic = len(segment) < 7 or segment.startswith(_GENERIC_SEGMENTS)
        keys.add(bare.lower() if generic else segment)
    return frozenset(keys)


@dataclass(frozen=True)
class Comparison:
    """One published pair against corridor's fastest route."""

    origin: str
    destination: str
    kind: str
    published_km: float | None
    published_hours: float | None
    km: float | None  # None: no route
    hours: float | None
    traffic: str = "passenger"  # the class routed: its border dwell is in ``hours``
    via: tuple[str, ...] = ()  # crossings and ports the route passes
    #: Documents (:func:`source_keys`) the row cites that a link of its route also cites.
    shared_sources: tuple[str, ...] = ()
    #: Day the pair was routed on (its statuses and dated border queues).
    date: str = VALIDATION_DATE
    #: Crossings and ports the published trip passed, as its source names them (freight table).
    through: tuple[str, ...] = ()

    @property
    def follows_published_route(self) -> bool | None:
        """Whether corridor's route passes every crossing and port the published trip did.

        None when the source names no crossing or port (``through`` empty) or there is no
        route: then the comparison cannot tell whether the two are the same trip.
        """
        if not self.through or self.hours is None:
            return None
        return set(self.through) <= set(self.via)

    @property
    def independent(self) -> bool:
        """Whether the published figure is independent of the links it is compared with."""
        return not self.shared_sources

    @property
    def km_ratio(self) -> float | None:
        """Corridor km over published km."""
        if self.km is None or self.published_km is None:
            return None
        return self.km / self.published_km

    @property
    def hours_ratio(self) -> float | None:
        """Corridor hours over published hours (None without a published time)."""
        if self.hours is None or self.published_hours is None:
            return None
        return self.hours / self.published_hours


def _table_path(mode: str) -> Path:
    return settings.data_folder / "validation" / f"{mode}_distances.csv"


def read_table(
    path: Path, node_ids: set[str]
) -> list[tuple[str, str, str, float | None, float | None]]:
    """Read a validation table: ``(from, to, kind, km or None, hours or None)`` per row.

    The class of each published time is read by :func:`read_hours_traffic`.

    Raises
    ------
    DataError
        Naming file, row and column for an unknown node, a bad number or kind, or a
        row without a source.
    """
    out = []
    for r, fail in _checked_rows(path, _COLUMNS, node_ids):
        values = [_positive(r, column, fail) for column in ("published_km", "published_hours")]
        if values[0] is None and values[1] is None:
            raise fail("published_km", "a row needs a published length or time")
        out.append((r["from"], r["to"], r["kind"], values[0], values[1]))
    return out


def _checked_rows(
    path: Path, columns: tuple[str, ...], node_ids: set[str]
) -> Iterator[tuple[dict[str, str], Callable[[str, str], DataError]]]:
    """Yield each row of a validation table with its error maker, after the common checks.

    The header has ``columns``; ``from`` and ``to`` are known nodes, ``kind`` is one of
    :data:`_KINDS` and ``source`` is not empty. ``fail(column, problem)`` names file, row
    and column.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            msg = f"{path}: missing column(s) {missing}"
            raise DataError(msg)
        for i, r in enumerate(reader):
            row = i + 2

            def fail(column: str, problem: str, row: int = row) -> DataError:
                return DataError(f"{path}: row {row}, column {column!r}: {problem}")

            for column in ("from", "to"):
                if r[column] not in node_ids:
                    raise fail(column, f"unknown node {r[column]!r}")
            if r["kind"] not in _KINDS:
                raise fail("kind", f"unknown kind {r['kind']!r}; valid: {', '.join(_KINDS)}")
            if not r["source"].strip():
                raise fail("source", "every row needs a source")
            yield r, fail


def _positive(
    r: dict[str, str], column: str, fail: Callable[[str, str], DataError]
) -> float | None:
    """Return a column's positive finite number, None when empty."""
    text = r[column].strip()
    if not text:
        return None
    try:
        x = float(text)
    except ValueError:
        raise fail(column, f"{text!r} is not a number") from None
    if not math.isfinite(x) or x <= 0:
        raise fail(column, f"must be a positive finite number, got {text!r}")
    return x


def read_hours_traffic(path: Path) -> list[str]:
    """Traffic class of each row's published time (``hours_traffic``; empty: passenger).

    Raises
    ------
    DataError
        Naming file, row and column for a value other than passenger or freight.
    """
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            value = (r.get("hours_traffic") or "").strip() or "passenger"
            if value not in HOURS_TRAFFIC:
                msg = (
                    f"{path}: row {i + 2}, column 'hours_traffic': unknown value {value!r}; "
                    f"valid: {', '.join(HOURS_TRAFFIC)} (empty: passenger)"
                )
                raise DataError(msg)
            out.append(value)
    return out


def _link_source_keys(net: TransitNetwork) -> dict[str, frozenset[str]]:
    """Documents each link's ``source`` and ``notes`` cite (:func:`source_keys`), by link id."""
    edges = net.edges
    return {
        eid: source_keys(f"{src} {notes}")
        for eid, src, notes in zip(edges.index, edges["source"], edges["notes"], strict=True)
    }


def _shared_sources(
    best: Route | None, cited: frozenset[str], link_keys: dict[str, frozenset[str]]
) -> set[str]:
    """Documents a row cites that a link of its route also cites (none without a route)."""
    return {
        key
        for leg in (best.legs if best else ())
        for eid in leg.edges
        for key in cited & link_keys.get(eid, frozenset())
    }


def compare(
    mode: str = "road",
    *,
    network: TransitNetwork | None = None,
    path: Path | None = None,
    traffic: str | None = None,
    date: str = VALIDATION_DATE,
) -> list[Comparison]:
    """Route every pair of a validation table and compare with the published figures.

    Parameters
    ----------
    mode
        ``"road"`` or ``"rail"``: the table and the only mode used.
    network
        Network (default: the shipped one).
    path
        Table to read (default: the shipped ``<mode>_distances.csv``).
    traffic
        Traffic class whose border dwell the routes take. None (default): each row's
        ``hours_traffic`` (passenger unless the row says freight); ``"freight"`` or
        ``"passenger"`` forces it for every row (the report shows both).
    date
        Date of the routing scenario (its statuses); default :data:`VALIDATION_DATE`.

    Returns
    -------
    list of Comparison
    """
    from corridor.routing import plan
    from corridor.scenario import make_scenario

    if traffic is not None and traffic not in HOURS_TRAFFIC:
        msg = f"unknown traffic {traffic!r}; valid: {', '.join(HOURS_TRAFFIC)} or None"
        raise ValueError(msg)
    net = network if network is not None else load_network()
    table_path = path or _table_path(mode)
    table = read_table(table_path, set(net.node_ids))
    classes = read_hours_traffic(table_path)
    with table_path.open(encoding="utf-8", newline="") as fh:
        row_sources = [source_keys(r["source"]) for r in csv.DictReader(fh)]
    link_keys = _link_source_keys(net)
    out = []
    for (o, d, kind, km, hours), own, cited in zip(table, classes, row_sources, strict=True):
        cls = traffic or own
        scen = make_scenario(
            origins=[o],
            destinations=[d],
            modes=[mode],
            k=1,
            objective="hours",
            traffic=cls,
            date=date,
        )
        best = plan(scen, network=net, explain=False).pairs[0].best
        shared = _shared_sources(best, cited, link_keys)
        out.append(
            Comparison(
                o,
                d,
                kind,
                km,
                hours,
                best.km if best else None,
                best.hours if best else None,
                cls,
                tuple(best.via) if best else (),
                tuple(sorted(shared)),
            )
        )
    return out


#: Columns of ``freight_times.csv``; ``notes`` is optional.
_FREIGHT_COLUMNS = (
    "from", "to", "mode", "published_hours", "date", "through", "kind", "measure", "source",
)  # fmt: skip
#: Modes a published freight trip may use (column ``mode``, ``;``-separated).
FREIGHT_MODES = ("road", "rail", "ferry")
#: What a published time measures (column ``measure``): ``transit`` is door to door (waits at
#: borders and ports, drivers' rest included: compared with ``Route.transit_hours``);
#: ``moving`` is a run or sailing time without them (compared with the route's moving hours).
FREIGHT_MEASURES = ("transit", "moving")


@dataclass(frozen=True)
class FreightRow:
    """One published freight transit time (a row of ``freight_times.csv``)."""

    origin: str
    destination: str
    modes: tuple[str, ...]
    published_hours: float
    date: str
    through: tuple[str, ...]
    kind: str
    source: str
    measure: str = "transit"


def read_freight_table(path: Path, node_ids: set[str]) -> list[FreightRow]:
    """Read the freight transit-time table ``freight_times.csv``.

    Columns ``from,to,mode,published_hours,date,through,kind,measure,source`` (and ``notes``).

    Parameters
    ----------
    path
        The table (``corridor/data/validation/freight_times.csv``).
    node_ids
        Node and port ids of the network: ``from``, ``to`` and every ``through`` id must be one.

    Returns
    -------
    list of FreightRow

    Raises
    ------
    DataError
        Naming file, row and column for an unknown node or mode, a bad number or date, an
        unknown kind, or a row without a source.
    """
    from corridor._ground import parse_day

    out = []
    for r, fail in _checked_rows(path, _FREIGHT_COLUMNS, node_ids):
        modes = tuple(m.strip() for m in r["mode"].split(";") if m.strip())
        bad = [m for m in modes if m not in FREIGHT_MODES]
        if not modes or bad:
            valid = ", ".join(FREIGHT_MODES)
            raise fail(
                "mode", f"unknown mode(s) {bad or r['mode']!r}; valid: {valid}, ';'-separated"
            )
        through = tuple(t.strip() for t in r["through"].split(";") if t.strip())
        for t in through:
            if t not in node_ids:
                raise fail("through", f"unknown node {t!r}")
        if r["measure"] not in FREIGHT_MEASURES:
            valid = ", ".join(FREIGHT_MEASURES)
            raise fail("measure", f"unknown measure {r['measure']!r}; valid: {valid}")
        try:
            parse_day(r["date"])
        except ValueError as exc:
            raise fail("date", f"{exc}; expected YYYY[-MM[-DD]]") from None
        hours = _positive(r, "published_hours", fail)
        if hours is None:
            raise fail("published_hours", "a row needs a published time")
        out.append(
            FreightRow(
                r["from"], r["to"], modes, hours, r["date"], through, r["kind"], r["source"],
                r["measure"],
            )
        )  # fmt: skip
    return out


def compare_freight(
    *, network: TransitNetwork | None = None, path: Path | None = None
) -> list[Comparison]:
    """Route every published freight trip as freight on its own date and compare the hours.

    Each row is routed over its own modes with ``traffic="freight"`` (truck and freight-train
    speeds, freight border dwell, the dated queues of ``dwell_episodes.csv``) on a scenario
    dated with the row's ``date``, every country permissive. The statuses of that day apply,
    so a trip published while a crossing was open is compared with a route that may use it.
    A ``transit`` time is compared with the route's elapsed hours (:attr:`Route.transit_hours`:
    waits and drivers' daily rest included), a ``moving`` time (a sailing or run time) with
    its hours without the border and port waits.

    Parameters
    ----------
    network
        Network (default: the shipped one).
    path
        Table to read (default: the shipped ``freight_times.csv``).

    Returns
    -------
    list of Comparison
        ``published_km`` is None; ``through`` and :attr:`Comparison.follows_published_route`
        say whether corridor's route is the published trip's.
    """
    from corridor.routing import plan
    from corridor.scenario import make_scenario

    net = network if network is not None else load_network()
    table_path = path or settings.data_folder / "validation" / "freight_times.csv"
    rows = read_freight_table(table_path, set(net.node_ids))
    link_keys = _link_source_keys(net)
    out = []
    for r in rows:
        scen = make_scenario(
            origins=[r.origin],
            destinations=[r.destination],
            modes=list(r.modes),
            k=1,
            objective="hours",
            traffic="freight",
            date=r.date,
        )
        best = plan(scen, network=net, explain=False).pairs[0].best
        shared = _shared_sources(best, source_keys(r.source), link_keys)
        out.append(
            Comparison(
                r.origin,
                r.destination,
                r.kind,
                None,
                r.published_hours,
                best.km if best else None,
                _route_hours(best, r.measure) if best else None,
                "freight",
                tuple(best.via) if best else (),
                tuple(sorted(shared)),
                r.date,
                r.through,
            )
        )
    return out


def _route_hours(route: Route, measure: str) -> float:
    """Return a route's hours as a published figure of ``measure`` counts them.

    ``transit``: elapsed hours (:attr:`Route.transit_hours`); ``moving``: the hours of its
    road, rail and water legs without their waits (no transfers, no rest stops).
    """
    if measure == "moving":
        return float(
            sum(
                leg.hours - sum(w.hours for w in leg.waits)
                for leg in route.legs
                if leg.mode != "transfer"
            )
        )
    return route.transit_hours


def freight_summary(rows: list[Comparison]) -> dict[str, float]:
    """Median hours ratio of the freight comparison, over all trips and over like-for-like ones.

    ``same_route`` counts the trips whose source names its crossings or ports and whose
    corridor route passes all of them; ``hours_median_same_route`` is over those;
    ``within_factor_2`` counts the trips whose ratio lies between 0.5 and 2.
    """
    hours = [r.hours_ratio for r in rows if r.hours_ratio is not None]
    same = [r.hours_ratio for r in rows if r.follows_published_route and r.hours_ratio]
    named = [r for r in rows if r.through]
    return {
        "trips": float(len(rows)),
        "routed": float(sum(r.hours is not None for r in rows)),
        "hours_median": statistics.median(hours) if hours else math.nan,
        "hours_min": min(hours) if hours else math.nan,
        "hours_max": max(hours) if hours else math.nan,
        "within_factor_2": float(sum(0.5 <= x <= 2.0 for x in hours)),
        "named_route": float(len(named)),
        "same_route": float(len(same)),
        "hours_median_same_route": statistics.median(same) if same else math.nan,
    }


def summary(rows: list[Comparison]) -> dict[str, float]:
    """Median and extreme ratios, and counts, of a comparison.

    ``km_median`` and ``hours_median`` are over every pair; ``independent`` counts the pairs
    whose figure shares no document with their route's links, and ``km_median_independent``
    and ``hours_median_independent`` are over those pairs only (see the module docstring).
    """
    km = [r.km_ratio for r in rows if r.km_ratio is not None]
    hours = [r.hours_ratio for r in rows if r.hours_ratio is not None]
    own = [r for r in rows if r.independent]
    km_own = [r.km_ratio for r in own if r.km_ratio is not None]
    hours_own = [r.hours_ratio for r in own if r.hours_ratio is not None]
    return {
        "independent": float(len(own)),
        "km_median_independent": statistics.median(km_own) if km_own else math.nan,
        "timed_independent": float(len(hours_own)),
        "hours_median_independent": statistics.median(hours_own) if hours_own else math.nan,
        "pairs": float(len(rows)),
        "routed": float(sum(r.km is not None for r in rows)),
        "measured": float(len(km)),
        "km_median": statistics.median(km) if km else math.nan,
        "km_min": min(km) if km else math.nan,
        "km_max": max(km) if km else math.nan,
        "timed": float(len(hours)),
        "hours_median": statistics.median(hours) if hours else math.nan,
    }
