"""Scenarios: who permits what, as frozen data.

A scenario gives each country (and de facto territory) a :class:`Stance`:
``permissive``, ``conditional`` (allowed, flagged, and penalised with a delay) or
``hostile`` (refused), with optional per-mode overrides:

``overflight``
    air legs crossing the state's territorial airspace;
``landing``
    air legs starting or ending (or stopping) at its airports;
``road``, ``rail``
    ground legs on its territory (and its border crossings);
``sea``
    port calls, sea lanes, ferries and the inland waterway in its waters.

Scenarios never change the network: :func:`corridor.routing.plan` turns them into
masks over the prebuilt arrays. Load one from TOML (:func:`load_scenario`, format in
``docs/scenarios.md``, JSON Schema in ``corridor/data/scenario.schema.json``) or build one with
keywords (:func:`make_scenario`).
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from corridor import borders
from corridor._checks import finite_number
from corridor._errors import RegionError, ScenarioError, UnknownPlaceError
from corridor._resources import scenario_folder
from corridor.network import TERRITORIES

__all__ = [
    "ALL_MODES",
    "OBJECTIVES",
    "PROBABILITY_MODES",
    "STANCE_MODES",
    "TRAFFIC",
    "Scenario",
    "Stance",
    "check_scenario",
    "list_scenarios",
    "load_scenario",
    "loads_scenario",
    "make_scenario",
    "scenario_descriptions",
    "scenario_schema",
]


class Stance(StrEnum):
    """How a state treats passage."""

    PERMISSIVE = "permissive"
    CONDITIONAL = "conditional"
    HOSTILE = "hostile"


#: Modes a stance can be overridden for.
STANCE_MODES = ("overflight", "landing", "road", "rail", "sea")
#: Modes a route may use.
ALL_MODES = ("air", "road", "rail", "sea", "ferry", "waterway")
#: Route objectives.
OBJECTIVES = ("km", "hours", "transfers")
Objective = Literal["km", "hours", "transfers"]
#: Traffic classes a scenario may select (statuses differ per class and date).
TRAFFIC = ("freight", "passenger", "military")
Traffic = Literal["freight", "passenger", "military"]
#: Which stance mode governs each leg mode on the ground and at sea.
LEG_STANCE_MODE = {"road": "road", "rail": "rail", "sea": "sea", "ferry": "sea", "waterway": "sea"}
_MODE_ALIASES = {"ground": ("road", "rail", "ferry", "waterway"), "any": ALL_MODES}
#: Keys of a per-mode ``[probabilities]`` table (``air`` = overflight and landing together).
PROBABILITY_MODES = ("default", "air", *STANCE_MODES)


@dataclass(frozen=True)
class Scenario:
    """Frozen what-if: stances, closures, places and routing options.

    Attributes
    ----------
    name, description, date
        Labels; ``date`` is an ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``,
        a partial date meaning its first day) that selects dated statuses.
    stances
        Per country (ISO3) or territory (``ABK``, ``SOS``): a mapping from
        ``"default"`` and any of :data:`STANCE_MODES` to a :class:`Stance`.
    default_stance
        Stance of every unlisted country.
    closed_nodes, closed_edges
        Network ids (crossings, ports, airports, links) closed outright.
    closed_osm_nodes, closed_osm_ways
        OpenStreetMap node and way ids (a pass, a bridge) closed when road legs
        are refined with an OSM road graph (``plan(..., roads=...)``).
    closed_airspace
        States whose airspace is closed whatever their stance.
    caspian
        ``"open"`` or ``"partitioned"``.
    origins, destinations
        Places (node ids, ICAO/IATA codes, names or ``"LAT,LON"``).
    modes
        Leg modes allowed.
    range_km, min_runway_m
        Aircraft range (None: unlimited) and the shortest runway for a stop.
    objective
        ``"hours"`` (default: the elapsed time to arrive, drivers' daily rest included
        for freight and military, ``Route.transit_hours``), ``"km"`` or ``"transfers"``.
    conditional_delay_h
        Delay added for each conditional state a route passes.
    k
        Alternatives wanted per origin-destination pair (best included).
    sources
        Where the scenario's facts come from.
    force, fleet, airfields
        Reinforcement tables for :mod:`corridor.lift`: the force (``troops``,
        ``tonnes``), the fleet (aircraft type = count) and per-airfield MOG overrides
        (id = working MOG, or a table with ``working`` and ``parking``).
    probabilities
        Per uncertain country: the chance it permits transit, as ``{"default": p}``
        or per :data:`PROBABILITY_MODES` (``"air"`` is overflight and landing);
        used by :func:`corridor.odds.odds`, ignored by planning.
    traffic
        Traffic class (:data:`TRAFFIC`): ``"freight"`` (default), ``"passenger"`` or
        ``"military"``. With ``date``, it selects each element's status from the
        network's dated status history; it also selects the border dwell
        (``crossing_times.csv``; military takes the freight rows without its own).
    """

    name: str = "ad hoc"
    description: str = ""
    date: str | None = None
    stances: Mapping[str, Mapping[str, Stance]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    default_stance: Stance = Stance.PERMISSIVE
    closed_nodes: frozenset[str] = frozenset()
    closed_edges: frozenset[str] = frozenset()
    closed_airspace: frozenset[str] = frozenset()
    closed_osm_nodes: frozenset[int] = frozenset()
    closed_osm_ways: frozenset[int] = frozenset()
    caspian: borders.CaspianRule = "open"
    origins: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    modes: frozenset[str] = frozenset(ALL_MODES)
    range_km: float | None = None
    min_runway_m: float = 2400.0
    objective: Objective = "hours"
    conditional_delay_h: float = 6.0
    k: int = 3
    sources: tuple[str, ...] = ()
    force: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    fleet: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    airfields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    probabilities: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    traffic: Traffic = "freight"

    def stance(self, country: str, mode: str) -> Stance:
        """Stance of a country or territory for one of :data:`STANCE_MODES`."""
        entry = self.stances.get(country)
        if entry is None:
            return self.default_stance
        return entry.get(mode, entry.get("default", self.default_stance))

    def states_with(self, stance: Stance, mode: str, universe: Iterable[str]) -> frozenset[str]:
        """Codes in ``universe`` whose stance for ``mode`` is ``stance``."""
        return frozenset(c for c in universe if self.stance(c, mode) == stance)

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with some fields changed (validated like :func:`make_scenario`)."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["stances"] = {c: dict(m) for c, m in self.stances.items()}
        fields.update(changes)
        return make_scenario(**fields)

    def with_closures(
        self,
        *,
        close: Iterable[str] = (),
        close_airspace: Iterable[str] = (),
        conditional: Iterable[str] = (),
    ) -> Scenario:
        """Return a copy with more closures.

        ``close`` states turn hostile for every mode, ``close_airspace`` states lose
        overflight and landing, and ``conditional`` states turn conditional.
        """
        stances = {c: dict(m) for c, m in self.stances.items()}
        for code in conditional:
            stances[code] = {"default": Stance.CONDITIONAL}
        for code in close:
            stances[code] = {"default": Stance.HOSTILE}
        airspace = set(self.closed_airspace) | set(close_airspace)
        return self.replace(stances=stances, closed_airspace=airspace)


# --------------------------------------------------------------------------- validation


def _where(source: str | None, key: str) -> str:
    return f"{source}: {key}" if source else key


def _known_codes() -> list[str]:
    return sorted(borders._known_codes() | set(TERRITORIES))  # codes only: no polygons read


def _code(value: Any, source: str | None, key: str) -> str:
    if not isinstance(value, str):
        msg = f"{_where(source, key)}: expected a country code string, got {type(value).__name__}"
        raise ScenarioError(msg)
    canon = value.strip().upper()
    known = _known_codes()
    if canon not in known:
        close = difflib.get_close_matches(canon, known, n=4, cutoff=0.3)
        hint = f"did you mean: {', '.join(close)}" if close else "use ISO3 codes such as ARM, GEO"
        msg = f"{_where(source, key)}: unknown country code {value!r}; {hint}"
        raise ScenarioError(msg)
    return canon


def _stance(value: Any, source: str | None, key: str) -> Stance:
    try:
        return Stance(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in Stance)
        msg = f"{_where(source, key)}: unknown stance {value!r}; valid: {valid}"
        raise ScenarioError(msg) from None


def _strings(value: Any, source: str | None, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple | set | frozenset) or not all(
        isinstance(v, str) for v in value
    ):
        msg = f"{_where(source, key)}: expected a list of strings, got {value!r}"
        raise ScenarioError(msg)
    return tuple(value)


def _modes(value: Any, source: str | None) -> frozenset[str]:
    out: set[str] = set()
    for m in _strings(value, source, "modes"):
        m = m.strip().lower()
        if m in _MODE_ALIASES:
            out |= set(_MODE_ALIASES[m])
        elif m in ALL_MODES:
            out.add(m)
        else:
            valid = ", ".join((*ALL_MODES, *_MODE_ALIASES))
            msg = f"{_where(source, 'modes')}: unknown mode {m!r}; valid: {valid}"
            raise ScenarioError(msg)
    if not out:
        msg = f"{_where(source, 'modes')}: at least one mode is needed"
        raise ScenarioError(msg)
    return frozenset(out)


def _number(value: Any, source: str | None, key: str, *, positive: bool = True) -> float:
    """Check a scenario number: finite and > 0 (or >= 0); the one validator of fields."""
    return finite_number(
        value, _where(source, key), minimum=0.0, min_open=positive, error=ScenarioError
    )


def _stance_table(raw: Any, source: str | None) -> dict[str, dict[str, Stance]]:
    if not isinstance(raw, Mapping):
        msg = f"{_where(source, 'stances')}: expected a table of country = stance"
        raise ScenarioError(msg)
    table: dict[str, dict[str, Stance]] = {}
    for country, spec in raw.items():
        code = _code(country, source, f"stances.{country}")
        if isinstance(spec, str | Stance):
            table[code] = {"default": _stance(spec, source, f"stances.{country}")}
            continue
        if not isinstance(spec, Mapping):
            msg = f"{_where(source, f'stances.{country}')}: expected a stance or a table of modes"
            raise ScenarioError(msg)
        entry: dict[str, Stance] = {}
        for mode, value in spec.items():
            if mode not in ("default", *STANCE_MODES):
                valid = ", ".join(("default", *STANCE_MODES))
                msg = f"{_where(source, f'stances.{country}.{mode}')}: unknown mode; valid: {valid}"
                raise ScenarioError(msg)
            entry[mode] = _stance(value, source, f"stances.{country}.{mode}")
        table[code] = entry
    return table


_FIELDS = {f.name for f in dataclasses.fields(Scenario)}


def make_scenario(*, source: str | None = None, **kwargs: Any) -> Scenario:
    """Build a validated :class:`Scenario` from keyword arguments.

    Parameters
    ----------
    source
        Where the values came from (a file name), used in error messages.
    **kwargs
        Any :class:`Scenario` field. ``stances`` maps codes to a stance word or
        to a table ``{"default": ..., "overflight": ..., ...}``; ``modes`` also
        accepts ``"ground"`` and ``"any"``.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Naming the key and what is allowed.

    Examples
    --------
    >>> s = make_scenario(stances={"GEO": "hostile"}, origins=["vladikavkaz"])
    >>> s.stance("GEO", "road").value
    'hostile'
    """
    unknown = sorted(set(kwargs) - _FIELDS)
    if unknown:
        close = [m for u in unknown for m in difflib.get_close_matches(u, sorted(_FIELDS), n=1)]
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        valid = ", ".join(sorted(_FIELDS))
        msg = f"{_where(source, unknown[0])}: unknown key; valid keys: {valid}{hint}"
        raise ScenarioError(msg)
    out: dict[str, Any] = {}
    for key in ("name", "description"):
        if key in kwargs:
            if not isinstance(kwargs[key], str):
                msg = f"{_where(source, key)}: expected a string, got {kwargs[key]!r}"
                raise ScenarioError(msg)
            out[key] = kwargs[key]
    if kwargs.get("date") is not None:
        out["date"] = str(kwargs["date"])
    if "stances" in kwargs:
        table = _stance_table(kwargs["stances"], source)
        out["stances"] = MappingProxyType({c: MappingProxyType(m) for c, m in table.items()})
    if "default_stance" in kwargs:
        out["default_stance"] = _stance(kwargs["default_stance"], source, "default_stance")
    for key in ("closed_nodes", "closed_edges"):
        if key in kwargs:
            out[key] = frozenset(_strings(kwargs[key], source, key))
    for key in ("closed_osm_nodes", "closed_osm_ways"):
        if key in kwargs:
            values = kwargs[key]
            if isinstance(values, int) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in values
            ):
                msg = (
                    f"{_where(source, key)}: expected a list of OSM ids (integers), got {values!r}"
                )
                raise ScenarioError(msg)
            out[key] = frozenset(values)
    if "closed_airspace" in kwargs:
        out["closed_airspace"] = frozenset(
            _code(c, source, "closed_airspace")
            for c in _strings(kwargs["closed_airspace"], source, "closed_airspace")
        )
    if "caspian" in kwargs:
        if kwargs["caspian"] not in borders.CASPIAN_RULES:
            rule = kwargs["caspian"]
            msg = f"{_where(source, 'caspian')}: unknown rule {rule!r}; valid: open, partitioned"
            raise ScenarioError(msg)
        out["caspian"] = kwargs["caspian"]
    for key in ("origins", "destinations", "sources"):
        if key in kwargs:
            out[key] = _strings(kwargs[key], source, key)
    if "modes" in kwargs:
        out["modes"] = _modes(kwargs["modes"], source)
    if kwargs.get("range_km") is not None:
        out["range_km"] = _number(kwargs["range_km"], source, "range_km")
    for key in ("min_runway_m", "conditional_delay_h"):
        if key in kwargs:
            out[key] = _number(kwargs[key], source, key, positive=key == "min_runway_m")
    if "objective" in kwargs:
        if kwargs["objective"] not in OBJECTIVES:
            valid = ", ".join(OBJECTIVES)
            given = kwargs["objective"]
            msg = f"{_where(source, 'objective')}: unknown objective {given!r}; valid: {valid}"
            raise ScenarioError(msg)
        out["objective"] = kwargs["objective"]
    if "traffic" in kwargs:
        out["traffic"] = _traffic(kwargs["traffic"], source)
    if out.get("date") is not None:
        _check_date(out["date"], source)
    if "k" in kwargs:
        k = kwargs["k"]
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 10:
            msg = f"{_where(source, 'k')}: expected a whole number from 1 to 10, got {k!r}"
            raise ScenarioError(msg)
        out["k"] = k
    out.update(_lift_tables(kwargs, source))
    if "probabilities" in kwargs:
        chances = _probability_table(kwargs["probabilities"], source)
        out["probabilities"] = MappingProxyType(
            {c: MappingProxyType(m) for c, m in chances.items()}
        )
    return Scenario(**out)


def _lift_tables(kwargs: Mapping[str, Any], source: str | None) -> dict[str, Any]:
    """Validate the ``[force]``, ``[fleet]`` and ``[airfields]`` tables (see corridor.lift)."""
    import math

    out: dict[str, Any] = {}
    for key in ("force", "fleet", "airfields"):
        if key in kwargs and not isinstance(kwargs[key], Mapping):
            msg = f"{_where(source, key)}: expected a table"
            raise ScenarioError(msg)
    if "force" in kwargs:
        force: dict[str, float] = {}
        for name, value in kwargs["force"].items():
            if name not in ("troops", "tonnes"):
                msg = f"{_where(source, f'force.{name}')}: unknown key; valid: troops, tonnes"
                raise ScenarioError(msg)
            number = _number(value, source, f"force.{name}")
            if not math.isfinite(number):
                msg = f"{_where(source, f'force.{name}')}: must be finite, got {value!r}"
                raise ScenarioError(msg)
            force[name] = number
        out["force"] = MappingProxyType(force)
    if kwargs.get("fleet"):
        from corridor.lift import parse_fleet

        try:
            out["fleet"] = MappingProxyType(parse_fleet(dict(kwargs["fleet"])))
        except ScenarioError as exc:
            raise ScenarioError(f"{_where(source, 'fleet')}: {exc}") from None
    if "airfields" in kwargs:
        table: dict[str, Any] = {}
        for name, spec in kwargs["airfields"].items():
            entry = dict(spec) if isinstance(spec, Mapping) else {"working": spec}
            for k, v in entry.items():
                if k not in ("working", "parking"):
                    where = _where(source, f"airfields.{name}.{k}")
                    msg = f"{where}: unknown key; valid: working, parking"
                    raise ScenarioError(msg)
                if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                    where = _where(source, f"airfields.{name}.{k}")
                    msg = f"{where}: expected a positive whole number, got {v!r}"
                    raise ScenarioError(msg)
            table[str(name)] = MappingProxyType(entry)
        out["airfields"] = MappingProxyType(table)
    return out


def _probability(value: Any, source: str | None, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        msg = f"{_where(source, key)}: expected a probability from 0 to 1, got {value!r}"
        raise ScenarioError(msg)
    return float(value)  # NaN fails the range test above


def _probability_table(raw: Any, source: str | None) -> dict[str, dict[str, float]]:
    if not isinstance(raw, Mapping):
        msg = f"{_where(source, 'probabilities')}: expected a table of country = probability"
        raise ScenarioError(msg)
    table: dict[str, dict[str, float]] = {}
    for country, spec in raw.items():
        key = f"probabilities.{country}"
        code = _code(country, source, key)
        if not isinstance(spec, Mapping):
            table[code] = {"default": _probability(spec, source, key)}
            continue
        entry: dict[str, float] = {}
        for mode, value in spec.items():
            if mode not in PROBABILITY_MODES:
                valid = ", ".join(PROBABILITY_MODES)
                msg = f"{_where(source, f'{key}.{mode}')}: unknown mode; valid: {valid}"
                raise ScenarioError(msg)
            entry[mode] = _probability(value, source, f"{key}.{mode}")
        if "air" in entry and {"overflight", "landing"} & set(entry):
            msg = f"{_where(source, key)}: give air, or overflight and landing, not both"
            raise ScenarioError(msg)
        if not entry:
            msg = f"{_where(source, key)}: empty table; give a probability per mode"
            raise ScenarioError(msg)
        table[code] = entry
    return table


def _traffic(value: Any, source: str | None) -> str:
    if value not in TRAFFIC:
        msg = f"{_where(source, 'traffic')}: unknown traffic {value!r}; valid: {', '.join(TRAFFIC)}"
        raise ScenarioError(msg)
    return str(value)


def _check_date(value: str, source: str | None) -> None:
    from corridor._ground import parse_day

    try:
        parse_day(value)
    except ValueError as exc:
        raise ScenarioError(f"{_where(source, 'date')}: {exc}") from None


def _scenario_folder() -> Path:
    return scenario_folder()


def list_scenarios() -> list[str]:
    """Names of the shipped reference scenarios."""
    return sorted(p.stem for p in _scenario_folder().glob("*.toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a scenario from a TOML file, or a shipped one by name.

    Parameters
    ----------
    name_or_path
        A path to a ``.toml`` file, or the name of a reference scenario
        (``"armenia-2020"``).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        For a missing file, malformed TOML or invalid values; the message names
        the file and the key.
    """
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = _scenario_folder() / f"{name_or_path}.toml"
        if not path.exists():
            known = list_scenarios()
            close = difflib.get_close_matches(str(name_or_path), known, n=3, cutoff=0.4)
            hint = f"did you mean: {', '.join(close)}" if close else f"shipped: {', '.join(known)}"
            msg = f"unknown scenario {str(name_or_path)!r}; {hint}"
            raise ScenarioError(msg)
    if path.is_dir():
        msg = f"scenario path {path} is a folder; give a .toml file or a shipped scenario name"
        raise ScenarioError(msg)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        msg = f"scenario file {path} does not exist"
        raise ScenarioError(msg) from None
    except OSError as exc:
        msg = f"scenario file {path} cannot be read: {exc.strerror or exc}"
        raise ScenarioError(msg) from None
    return loads_scenario(data, source=str(path), name=path.stem)


def loads_scenario(data: str | bytes, *, source: str = "<string>", name: str = "") -> Scenario:
    """Parse a scenario from TOML text (a file's bytes or ``-s -`` on standard input).

    Parameters
    ----------
    data
        TOML text; bytes must be UTF-8.
    source
        Where it came from, used in error messages (``"<stdin>"``, a path).
    name
        Scenario name used when the text sets none.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the bytes are not UTF-8, the TOML is malformed (or nested too deeply to
        parse), or a value is invalid; the message names the source and the key.

    Examples
    --------
    >>> loads_scenario(b'origins = ["vladikavkaz"]').origins
    ('vladikavkaz',)
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = (
                f"{source}: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); "
                "save scenarios as UTF-8 TOML"
            )
            raise ScenarioError(msg) from None
    else:
        text = data
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{source}: malformed TOML: {exc}"
        raise ScenarioError(msg) from None
    except RecursionError:
        msg = f"{source}: malformed TOML: arrays or tables nested too deeply to parse"
        raise ScenarioError(msg) from None
    if name:
        raw.setdefault("name", name)
    return make_scenario(source=source, **raw)


def scenario_descriptions() -> dict[str, str]:
    """Shipped scenario names with the first sentence of their description.

    Returns
    -------
    dict of str to str
        ``{"armenia-2020": "Summer-autumn 2020: ...", ...}``, sorted by name.
    """
    out = {}
    for name in list_scenarios():
        description = load_scenario(name).description.strip()
        out[name] = description.splitlines()[0] if description else ""
    return out


def scenario_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the scenario TOML format."""
    stance = {"type": "string", "enum": [s.value for s in Stance]}
    per_mode = {
        "type": "object",
        "properties": {m: stance for m in ("default", *STANCE_MODES)},
        "additionalProperties": False,
    }
    strings = {"type": "array", "items": {"type": "string"}}
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    per_mode_probability = {
        "type": "object",
        "properties": {m: probability for m in PROBABILITY_MODES},
        "additionalProperties": False,
        "minProperties": 1,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://corridor.example/scenario.schema.json",
        "title": "corridor scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "date": {"type": "string", "pattern": "^\\d{4}(-\\d{2}(-\\d{2})?)?$"},
            "stances": {
                "type": "object",
                "propertyNames": {"pattern": "^[A-Za-z]{3}$"},
                "additionalProperties": {"oneOf": [stance, per_mode]},
            },
            "default_stance": stance,
            "closed_nodes": strings,
            "closed_edges": strings,
            "closed_airspace": strings,
            "closed_osm_nodes": {"type": "array", "items": {"type": "integer"}},
            "closed_osm_ways": {"type": "array", "items": {"type": "integer"}},
            "caspian": {"type": "string", "enum": list(borders.CASPIAN_RULES)},
            "origins": strings,
            "destinations": strings,
            "modes": {"type": "array", "items": {"enum": [*ALL_MODES, *_MODE_ALIASES]}},
            "range_km": {"type": "number", "exclusiveMinimum": 0},
            "min_runway_m": {"type": "number", "exclusiveMinimum": 0},
            "objective": {"enum": list(OBJECTIVES)},
            "conditional_delay_h": {"type": "number", "minimum": 0},
            "k": {"type": "integer", "minimum": 1, "maximum": 10},
            "sources": strings,
            "force": {
                "type": "object",
                "properties": {
                    "troops": {"type": "integer", "exclusiveMinimum": 0},
                    "tonnes": {"type": "number", "exclusiveMinimum": 0},
                },
                "additionalProperties": False,
            },
            "fleet": {
                "type": "object",
                "additionalProperties": {"type": "integer", "exclusiveMinimum": 0},
            },
            "airfields": {
                "type": "object",
                "additionalProperties": {
                    "oneOf": [
                        {"type": "integer", "exclusiveMinimum": 0},
                        {
                            "type": "object",
                            "properties": {
                                "working": {"type": "integer", "exclusiveMinimum": 0},
                                "parking": {"type": "integer", "exclusiveMinimum": 0},
                            },
                            "additionalProperties": False,
                        },
                    ]
                },
            },
            "probabilities": {
                "type": "object",
                "propertyNames": {"pattern": "^[A-Za-z]{3}$"},
                "additionalProperties": {"oneOf": [probability, per_mode_probability]},
            },
            "traffic": {"enum": list(TRAFFIC)},
        },
    }


def check_places(scenario: Scenario, resolve: Any) -> None:
    """Resolve every origin and destination, turning misses into ScenarioErrors."""
    for key in ("origins", "destinations"):
        for place in getattr(scenario, key):
            try:
                resolve(place)
            except (UnknownPlaceError, RegionError) as exc:
                msg = f"scenario {scenario.name!r}: {key}: {exc}"
                raise ScenarioError(msg) from None


def _unknown_ids(
    scenario: Scenario, key: str, given: Iterable[str], known: Iterable[str], what: str
) -> None:
    known_set = set(known)
    missing = sorted(set(given) - known_set)
    if not missing:
        return
    bad = missing[0]
    close = difflib.get_close_matches(bad, sorted(known_set), n=4, cutoff=0.5)
    hint = f"did you mean: {', '.join(close)}" if close else f"ids are {what} ids of the network"
    more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
    msg = f"scenario {scenario.name!r}: {key}: unknown {what} id {bad!r}{more}; {hint}"
    raise ScenarioError(msg)


def check_scenario(scenario: Scenario, network: Any, *, roads: Any = None) -> None:
    """Check that everything a scenario names exists, so no closure is silently void.

    Parameters
    ----------
    scenario
        The scenario to check.
    network
        The :class:`~corridor.TransitNetwork` it will be applied to.
    roads
        The OSM road graph used to refine road legs, if any. ``closed_osm_nodes``
        and ``closed_osm_ways`` only apply with one (their ids are checked
        against it by :func:`corridor.osm.refine`).

    Raises
    ------
    ScenarioError
        Naming the first unknown origin, destination, node or edge id with close
        matches, or OSM closures given without a road graph.
    """
    from corridor.network import find_place

    check_places(scenario, lambda p: find_place(p, network))
    _unknown_ids(scenario, "closed_nodes", scenario.closed_nodes, network.node_ids, "node")
    edge_ids = network.cols.edge_ids  # plain columns: no frames (light warm routes)
    _unknown_ids(scenario, "closed_edges", scenario.closed_edges, edge_ids, "edge")
    if roads is None and (scenario.closed_osm_nodes or scenario.closed_osm_ways):
        msg = (
            f"scenario {scenario.name!r}: closed_osm_nodes/closed_osm_ways only apply to an "
            "OSM road graph; give one (plan(..., roads=...), or --osm PATH on the command line)"
        )
        raise ScenarioError(msg)
