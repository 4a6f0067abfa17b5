"""Aircraft catalogue, airfield capacity (MOG) and the named planning factors."""

from __future__ import annotations

import csv
import difflib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from corridor import settings
from corridor._errors import DataError, ScenarioError

#: Named planning factors (PROVENANCE.md, assumptions A5-A14).
PLANNING_FACTORS: Mapping[str, float] = {
    "utilisation": 0.75,
    "leg_allowance_h": 0.5,
    "stop_ground_h": 1.5,
    "troop_t": 0.12,
    "equipment_t_per_troop": 0.963,
    "crew_day_h": 16.0,
    "default_ground_tpd": 1000.0,
    "ground_lead_h": 24.0,
}
_FACTOR_IDS = {
    "utilisation": "A5",
    "leg_allowance_h": "A6",
    "stop_ground_h": "A7",
    "troop_t": "A8",
    "equipment_t_per_troop": "A9",
    "crew_day_h": "A10",
    "default_ground_tpd": "A13",
    "ground_lead_h": "A14",
}
#: MOG rule by apron class: (parking, working) (PROVENANCE.md, A4).
MOG_RULE: Mapping[str, tuple[int, int]] = {"large": (8, 4), "medium": (4, 2), "small": (2, 1)}
_FIELDS = (
    "max_payload_t",
    "payload_range",
    "cruise_kmh",
    "troop_seats",
    "paratroopers",
    "min_runway_m",
    "unpaved_ok",
    "ground_time_h",
)


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Aircraft:
    """One aircraft type of the catalogue.

    Attributes
    ----------
    name
        Canonical type name (``"Il-76MD"``).
    max_payload_t
        Maximum payload, tonnes.
    payload_range
        ``(km, tonnes)`` points of the payload-range curve, by increasing range.
    cruise_kmh, troop_seats, paratroopers, min_runway_m, unpaved_ok, ground_time_h
        Performance and handling figures.
    assumed
        Quantities whose figure is a named assumption, not a published one.
    sources
        Source of each quantity.
    """

    name: str
    aliases: tuple[str, ...]
    max_payload_t: float
    payload_range: tuple[tuple[float, float], ...]
    cruise_kmh: float
    troop_seats: int
    paratroopers: int
    min_runway_m: float
    unpaved_ok: bool
    ground_time_h: float
    assumed: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def full_payload_range_km(self) -> float:
        """Longest range at which the maximum payload can be carried."""
        return self.payload_range[0][0]

    @property
    def max_range_km(self) -> float:
        """Longest range with a positive payload on the curve."""
        pts = [km for km, t in self.payload_range if t > 0]
        return pts[-1]

    def payload_at(self, km: float) -> float:
        """Payload in tonnes over a leg of ``km`` (0 beyond the curve's last point).

        Up to the first point the maximum payload; between points linear interpolation.
        """
        if not math.isfinite(km) or km < 0:
            msg = f"leg length must be a non-negative number of km, got {km!r}"
            raise ValueError(msg)
        kms = [p[0] for p in self.payload_range]
        ts = [p[1] for p in self.payload_range]
        if km <= kms[0]:
            return min(self.max_payload_t, ts[0])
        if km > kms[-1]:
            return 0.0
        return float(np.interp(km, kms, ts))


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@lru_cache(maxsize=4)
def _load_catalogue(path: str) -> dict[str, Aircraft]:
    rows: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = list(csv.DictReader(fh))
    except FileNotFoundError:
        msg = f"aircraft catalogue {path} is missing"
        raise DataError(msg) from None
    for i, r in enumerate(reader, start=2):
        name = (r.get("type") or "").strip()
        fld = (r.get("field") or "").strip()
        value = (r.get("value") or "").strip()
        basis = (r.get("basis") or "").strip()
        where = f"{path}: row {i}"
        if not name or fld not in _FIELDS or basis not in ("published", "assumption"):
            msg = f"{where}: need a type, a field in {_FIELDS} and basis published|assumption"
            raise DataError(msg)
        if not (r.get("source") or "").strip():
            msg = f"{where}: every row needs a source"
            raise DataError(msg)
        entry = rows.setdefault(
            name, {"aliases": [], "payload_range": [], "assumed": [], "src": {}}
        )
        if r.get("aliases"):
            entry["aliases"] += [a.strip() for a in r["aliases"].split(";") if a.strip()]
        if basis == "assumption":
            entry["assumed"].append(fld)
        entry["src"][fld if fld != "payload_range" else f"payload_range {value}"] = r["source"]
        try:
            if fld == "payload_range":
                km, t = (float(x) for x in value.split(":"))
                if not (math.isfinite(km) and math.isfinite(t)) or km <= 0 or t < 0:
                    raise ValueError(value)
                entry["payload_range"].append((km, t))
            elif fld == "unpaved_ok":
                if value not in ("yes", "no"):
                    raise ValueError(value)
                entry[fld] = value == "yes"
            else:
                number = float(value)
                if not math.isfinite(number) or number < 0:
                    raise ValueError(value)
                entry[fld] = number
        except ValueError:
            msg = f"{where}: bad value {value!r} for {fld}"
            raise DataError(msg) from None
    out: dict[str, Aircraft] = {}
    for name, e in rows.items():
        missing = [f for f in _FIELDS if f != "payload_range" and f not in e]
        curve = sorted(e["payload_range"])
        if missing or len(curve) < 2:
            msg = f"{path}: {name} lacks {', '.join(missing) or 'a second payload-range point'}"
            raise DataError(msg)
        if any(b[1] > a[1] for a, b in zip(curve[:-1], curve[1:], strict=True)):
            msg = f"{path}: {name}: payload must not rise with range ({curve})"
            raise DataError(msg)
        out[name] = Aircraft(
            name=name,
            aliases=tuple(e["aliases"]),
            max_payload_t=e["max_payload_t"],
            payload_range=tuple(curve),
            cruise_kmh=e["cruise_kmh"],
            troop_seats=int(e["troop_seats"]),
            paratroopers=int(e["paratroopers"]),
            min_runway_m=e["min_runway_m"],
            unpaved_ok=e["unpaved_ok"],
            ground_time_h=e["ground_time_h"],
            assumed=tuple(e["assumed"]),
            sources=e["src"],
        )
        if out[name].cruise_kmh <= 0 or out[name].ground_time_h <= 0:
            msg = f"{path}: {name}: cruise speed and ground time must be positive"
            raise DataError(msg)
    return out


def aircraft_catalogue() -> dict[str, Aircraft]:
    """Load the aircraft catalogue (``data/lift/aircraft.csv``), by canonical type name.

    Returns
    -------
    dict
        ``{name: Aircraft}``.

    Raises
    ------
    DataError
        If the file is missing or a row is malformed.
    """
    return dict(_load_catalogue(os.path.join(settings.data_folder, "lift", "aircraft.csv")))


def find_aircraft(name: str) -> Aircraft:
    """Look up an aircraft type, ignoring case and punctuation (``il-76md``, ``IL76MD``).

    Parameters
    ----------
    name
        Type name or alias.

    Returns
    -------
    Aircraft

    Raises
    ------
    ScenarioError
        For an unknown type, with the closest names.
    """
    cat = aircraft_catalogue()
    key = _fold(name)
    for ac in cat.values():
        if key == _fold(ac.name) or key in {_fold(a) for a in ac.aliases}:
            return ac
    names = sorted(cat)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4) or difflib.get_close_matches(
        key, [_fold(n) for n in names], n=3, cutoff=0.4
    )
    shown = [n for n in names if _fold(n) in {_fold(c) for c in close}] or close
    hint = f"did you mean: {', '.join(shown)}" if shown else f"known: {', '.join(names)}"
    msg = f"unknown aircraft type {name!r}; {hint}"
    raise ScenarioError(msg)


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool):
        msg = f"{where}: expected a whole number of aircraft, got {value!r}"
        raise ScenarioError(msg)
    try:
        number = float(value)
    except (TypeError, ValueError):
        msg = f"{where}: expected a whole number of aircraft, got {value!r}"
        raise ScenarioError(msg) from None
    if not math.isfinite(number) or number <= 0 or number != int(number):
        msg = f"{where}: the number of aircraft must be a positive whole number, got {value!r}"
        raise ScenarioError(msg)
    return int(number)


def parse_fleet(spec: str | Mapping[str, Any]) -> dict[str, int]:
    """Parse ``"Il-76MD=10,An-124=2"`` (or a mapping) into ``{canonical type: count}``.

    Raises
    ------
    ScenarioError
        For an unknown type, a malformed entry or a count that is not a positive
        whole number.
    """
    items: list[tuple[str, Any]]
    if isinstance(spec, str):
        items = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            if "=" not in part:
                msg = f"fleet entry {part!r}: expected TYPE=COUNT (e.g. Il-76MD=10)"
                raise ScenarioError(msg)
            name, count = part.split("=", 1)
            items.append((name.strip(), count.strip()))
    else:
        items = list(spec.items())
    if not items:
        msg = "the fleet is empty; give at least one TYPE=COUNT"
        raise ScenarioError(msg)
    fleet: dict[str, int] = {}
    for name, count in items:
        ac = find_aircraft(str(name))
        fleet[ac.name] = fleet.get(ac.name, 0) + _count(count, f"fleet {name}")
    return fleet


# --------------------------------------------------------------------------- airfields


@dataclass(frozen=True)
class Airfield:
    """An airfield's capacity for airlift."""

    id: str
    name: str
    country: str
    runway_m: float | None
    surface: str
    apron_class: str
    parking_mog: int
    working_mog: int
    basis: str  # "published", "rule" or "override"
    source: str


@lru_cache(maxsize=4)
def _load_airfields(path: str) -> dict[str, dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        msg = f"airfield table {path} is missing"
        raise DataError(msg) from None
    out = {}
    for i, r in enumerate(rows, start=2):
        if r.get("apron_class") not in MOG_RULE or not (r.get("source") or "").strip():
            msg = (
                f"{path}: row {i}: apron_class must be one of {', '.join(MOG_RULE)}, with a source"
            )
            raise DataError(msg)
        for key in ("parking_mog", "working_mog"):
            if r.get(key) and not r[key].isdigit():
                msg = f"{path}: row {i}: {key} must be a whole number, got {r[key]!r}"
                raise DataError(msg)
        out[r["id"]] = r
    return out


def airfield_capacity(place: str, *, mog: Mapping[str, Any] | int | None = None) -> Airfield:
    """Capacity of an airfield: runway, surface and parking/working MOG.

    Parameters
    ----------
    place
        Airport or air base (anything :func:`corridor.find_place` resolves to an
        airfield node).
    mog
        Override: a working MOG, or ``{"working": n, "parking": n}``.

    Returns
    -------
    Airfield

    Raises
    ------
    UnknownPlaceError
        If the place is unknown.
    ScenarioError
        If it is not an airfield or the override is not a positive whole number.
    """
    from corridor.network import find_place, load_network

    net = load_network()
    p = find_place(place, net)
    facts = net.derived("lift.airfields", _airfield_facts)
    if p.node is None or p.node not in facts:
        msg = f"{place!r} ({p.name}) is not an airport or air base"
        raise ScenarioError(msg)
    name, country, icao, runway, surface = facts[p.node]
    table = _load_airfields(os.path.join(settings.data_folder, "lift", "airfields.csv"))
    entry = table.get(p.node) or (table.get(icao) if icao else None)
    if entry is not None:
        apron, source = entry["apron_class"], entry["source"]
    else:
        apron = (
            "small" if runway is None or runway < 2500 else "medium" if runway < 3500 else "large"
        )
        source = "MOG rule from runway length (PROVENANCE.md, A4)"
    parking, working = MOG_RULE[apron]
    basis = "rule"
    if entry is not None and entry["working_mog"]:
        working, basis = int(entry["working_mog"]), "published"
    if entry is not None and entry["parking_mog"]:
        parking = int(entry["parking_mog"])
    if mog is not None:
        spec = {"working": mog} if not isinstance(mog, Mapping) else dict(mog)
        unknown = sorted(set(spec) - {"working", "parking"})
        if unknown:
            msg = f"airfield {p.node}: unknown MOG key {unknown[0]!r}; valid: working, parking"
            raise ScenarioError(msg)
        if "working" in spec:
            working = _count(spec["working"], f"airfield {p.node} working MOG")
        if "parking" in spec:
            parking = _count(spec["parking"], f"airfield {p.node} parking MOG")
        parking = max(parking, working)
        basis = "override"
    return Airfield(
        str(p.node),
        name,
        country,
        runway,
        surface,
        apron,
        parking,
        min(working, parking),
        basis,
        source,
    )


def _airfield_facts(net: Any) -> dict[str, tuple[str, str, str, float | None, str]]:
    """Per airfield node: name, country, ICAO, runway (None if unknown), surface."""
    out = {}
    fields = net.nodes[net.nodes["kind"].isin(["airport", "airbase"])]
    for nid, row in fields.iterrows():
        runway = float(row["runway_m"]) if np.isfinite(row["runway_m"]) else None
        icao = str(row["icao"]) if isinstance(row["icao"], str) and row["icao"] else ""
        surface = str(row.get("surface") or "unknown")
        out[str(nid)] = (str(row["name"]), str(row["country"]), icao, runway, surface)
    return out


def _usable(ac: Aircraft, af: Airfield) -> str | None:
    """Why ``ac`` cannot use ``af`` (None when it can)."""
    if af.runway_m is None:
        return f"{af.id} ({af.name}) has no known runway length"
    if af.runway_m < ac.min_runway_m:
        need = f"{ac.min_runway_m:.0f} m"
        return f"{af.id} runway {af.runway_m:.0f} m is shorter than the {need} the {ac.name} needs"
    if af.surface != "paved" and not ac.unpaved_ok:
        return f"{af.id} runway surface is {af.surface}; the {ac.name} needs a paved runway"
    return None


def is_airfield(place: str) -> bool:
    """Whether a place resolves to an airport or air base of the network."""
    from corridor.network import find_place, load_network

    net = load_network()
    p = find_place(place, net)
    return p.node is not None and net.nodes.loc[p.node, "kind"] in ("airport", "airbase")
