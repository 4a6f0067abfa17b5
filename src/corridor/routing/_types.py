"""Route, leg and plan results, and the constants routing reports with."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely

from corridor._geojson import geometry_dict
from corridor.scenario import Scenario

if TYPE_CHECKING:
    import geopandas as gpd

    from corridor._ground import Wait


logger = logging.getLogger("corridor")


#: Cruise speed of a military transport (Il-76 class), km/h, and fixed time per flight, h.
AIR_SPEED_KMH = 750.0


AIR_FIXED_H = 1.0


#: A coordinate origin or destination snaps to the nearest network node within this many km.
SNAP_MAX_KM = 50.0


#: Airports within this distance of a coordinate origin/destination serve it.
AIRPORT_REACH_KM = 100.0


_GROUND_MODES = ("road", "rail", "sea", "ferry", "waterway")


@dataclass(frozen=True)
class Leg:
    """One stretch of a route in a single mode."""

    mode: str
    orig: str
    dest: str
    km: float
    hours: float
    countries: tuple[str, ...]
    via: tuple[str, ...]
    geometry: shapely.LineString
    conditional: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    #: border and port waits included in ``hours``, in route order, each with its basis
    waits: tuple[Wait, ...] = ()
    #: daily-rest stops of a truck or column on a road leg, *not* in ``hours``
    #: (:func:`corridor._ground.rest_hours`; 0 for passenger traffic and other modes)
    rest_hours: float = 0.0

    @property
    def transit_hours(self) -> float:
        """Elapsed hours: ``hours`` plus the daily-rest stops."""
        return self.hours + self.rest_hours

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (RFC 7946 geometry: a LineString, a Point for a mode change)."""
        return {
            "mode": self.mode,
            "from": self.orig,
            "to": self.dest,
            "km": round(self.km, 1),
            "hours": round(self.hours, 2),
            "countries": list(self.countries),
            "via": list(self.via),
            "conditional": list(self.conditional),
            "waits": [
                {
                    "node": w.node,
                    "hours": round(w.hours, 2),
                    "basis": w.basis,
                    "detail": w.detail,
                    "source": w.source,
                }
                for w in self.waits
            ],
            "rest_hours": round(self.rest_hours, 2),
            "geometry": geometry_dict(self.geometry),  # RFC 7946: a mode change is a Point
        }


@dataclass(frozen=True)
class Route:
    """A feasible route: ordered legs from an origin to a destination."""

    origin: str
    destination: str
    legs: tuple[Leg, ...]
    rank: int = 1

    @property
    def km(self) -> float:
        """Total length."""
        return float(sum(leg.km for leg in self.legs))

    @property
    def hours(self) -> float:
        """Total time: moving hours, waits and conditional delays (no daily rest)."""
        return float(sum(leg.hours for leg in self.legs))

    @property
    def transit_hours(self) -> float:
        """Elapsed time: :attr:`hours` plus the drivers' daily-rest stops of road legs.

        Equal to :attr:`hours` for passenger traffic; for freight (a truck driver's nine
        hours a day, AETR) and military traffic (a column's daily march) the stops of
        :func:`corridor._ground.rest_hours` are added, so this is when a load arrives,
        and what the ``hours`` objective minimises.
        """
        return float(sum(leg.transit_hours for leg in self.legs))

    @property
    def modes(self) -> tuple[str, ...]:
        """Modes in order of first use (transfers omitted)."""
        seen: list[str] = []
        for leg in self.legs:
            if leg.mode != "transfer" and leg.mode not in seen:
                seen.append(leg.mode)
        return tuple(seen)

    @property
    def countries(self) -> tuple[str, ...]:
        """Countries (and ``INTL``) in order, consecutive repeats merged."""
        out: list[str] = []
        for leg in self.legs:
            for c in leg.countries:
                if not out or out[-1] != c:
                    out.append(c)
        return tuple(out)

    @property
    def via(self) -> tuple[str, ...]:
        """Crossings, ports and airports used, in order (each once)."""
        return tuple(dict.fromkeys(v for leg in self.legs for v in leg.via))

    @property
    def conditional(self) -> tuple[str, ...]:
        """Conditional states the route relies on."""
        return tuple(sorted({c for leg in self.legs for c in leg.conditional}))

    @property
    def signature(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What makes two routes genuinely different: transit countries and crossings."""
        return self.countries, tuple(v for v in self.via if not v.startswith(("port-",)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``corridor route --json``."""
        return {
            "rank": self.rank,
            "origin": self.origin,
            "destination": self.destination,
            "km": round(self.km, 1),
            "hours": round(self.hours, 2),
            "transit_hours": round(self.transit_hours, 2),
            "modes": list(self.modes),
            "countries": list(self.countries),
            "conditional": list(self.conditional),
            "legs": [leg.to_dict() for leg in self.legs],
        }


@dataclass(frozen=True)
class WhyNot:
    """Why a pair has no route, and what would restore one."""

    reason: str
    blocking: tuple[str, ...]
    restore: tuple[tuple[str, ...], ...]
    restored_routes: tuple[Route, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"reason": self.reason, "restore": [list(r) for r in self.restore]}


@dataclass(frozen=True)
class PairPlan:
    """Routes (best first) for one origin-destination pair, or its why-not."""

    origin: str
    destination: str
    routes: tuple[Route, ...]
    why_not: WhyNot | None = None

    @property
    def feasible(self) -> bool:
        """Whether at least one route exists."""
        return bool(self.routes)

    @property
    def best(self) -> Route | None:
        """The best route, if any."""
        return self.routes[0] if self.routes else None


@dataclass(frozen=True)
class Plan:
    """The answer to a scenario: one :class:`PairPlan` per origin-destination pair."""

    scenario: Scenario
    pairs: tuple[PairPlan, ...]

    @property
    def feasible(self) -> bool:
        """True when every pair has a route."""
        return all(p.feasible for p in self.pairs)

    @property
    def routes(self) -> tuple[Route, ...]:
        """All routes of all pairs."""
        return tuple(r for p in self.pairs for r in p.routes)

    def to_gdf(self) -> gpd.GeoDataFrame:
        """Return one row per leg as a GeoDataFrame (EPSG:4326; see :mod:`corridor._frames`)."""
        from corridor._frames import legs_frame

        return legs_frame(self)

    def routes_frame(self) -> gpd.GeoDataFrame:
        """Return one row per route as a GeoDataFrame (EPSG:4326; see :mod:`corridor._frames`)."""
        from corridor._frames import routes_frame

        return routes_frame(self)

    def __repr__(self) -> str:
        """Return a one-line summary (the full content is in :meth:`to_dict`)."""
        from corridor._frames import plan_repr

        return plan_repr(self)

    def _repr_html_(self) -> str:
        from corridor._frames import plan_html

        return plan_html(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"feasible", "routes", "why_not", "pairs"}``."""
        reasons = [p.why_not for p in self.pairs if p.why_not is not None]
        why_not = None
        if reasons:
            why_not = {
                "reason": " | ".join(w.reason for w in reasons),
                "restore": [list(r) for w in reasons for r in w.restore],
            }
        return {
            "scenario": self.scenario.name,
            "feasible": self.feasible,
            "routes": [r.to_dict() for r in self.routes],
            "why_not": why_not,
            "pairs": [
                {
                    "origin": p.origin,
                    "destination": p.destination,
                    "feasible": p.feasible,
                    "why_not": p.why_not.to_dict() if p.why_not else None,
                }
                for p in self.pairs
            ],
        }
