"""corridor: which air, road, rail and sea routes still reach a landlocked country.

The public API is re-exported here; modules whose names start with ``_`` are private.
Names are imported lazily (PEP 562): ``import corridor`` loads no folium, geopandas,
osmnx or air graph; each public name imports its module on first use.
"""

from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version
from typing import TYPE_CHECKING as _TYPE_CHECKING

from corridor._errors import (
    CorridorError,
    DataError,
    NoRouteError,
    OutputError,
    RegionError,
    ScenarioError,
    UnknownPlaceError,
)

if _TYPE_CHECKING:
    from corridor.airspace import AirRoute, AirStop, air_route, air_sweep, build_air_graph
    from corridor.borders import (
        CASPIAN_RULES,
        INTL,
        REGION_BBOX,
        airspace_at,
        border_length_km,
        country_at,
        load_airspace,
        load_borders,
        load_sea_zones,
        load_territorial_seas,
        locate_airspace,
        locate_countries,
        neighbours,
        shared_border,
    )
    from corridor.geo import distance_km, geodesic_line, line_length_km
    from corridor.lift import Airlift, Deployment, aircraft_catalogue, airlift, deploy
    from corridor.maps import compare as compare_map
    from corridor.maps import render as render_map
    from corridor.maps import save as save_map
    from corridor.network import Place, TransitNetwork, find_place, load_network
    from corridor.osm import (
        SPEEDS_KPH,
        OSMFetchError,
        Refinement,
        RoadGraph,
        RoadRoute,
        fetch_roads,
        load_roads,
        save_roads,
    )
    from corridor.routing import Leg, PairPlan, Plan, Route, WhyNot, plan
    from corridor.scenario import Scenario, Stance, load_scenario, make_scenario

try:
    __version__ = _version("corridor")
except _PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

#: Public name -> (module, attribute in that module), imported on first access.
_LAZY: dict[str, tuple[str, str]] = {
    **{n: ("corridor.airspace", n) for n in ("AirRoute", "AirStop", "air_route", "air_sweep",
                                              "build_air_graph")},
    **{n: ("corridor.borders", n) for n in ("CASPIAN_RULES", "INTL", "REGION_BBOX",
                                             "airspace_at", "border_length_km", "country_at",
                                             "load_airspace", "load_borders", "load_sea_zones",
                                             "load_territorial_seas", "locate_airspace",
                                             "locate_countries", "neighbours", "shared_border")},
    **{n: ("corridor.geo", n) for n in ("distance_km", "geodesic_line", "line_length_km")},
    **{n: ("corridor.lift", n) for n in ("Airlift", "Deployment", "aircraft_catalogue",
                                          "airlift", "deploy")},
    "compare_map": ("corridor.maps", "compare"),
    "render_map": ("corridor.maps", "render"),
    "save_map": ("corridor.maps", "save"),
    **{n: ("corridor.network", n) for n in ("Place", "TransitNetwork", "find_place",
                                             "load_network")},
    **{n: ("corridor.osm", n) for n in ("SPEEDS_KPH", "OSMFetchError", "Refinement",
                                         "RoadGraph", "RoadRoute", "fetch_roads", "load_roads",
                                         "save_roads")},
    **{n: ("corridor.routing", n) for n in ("Leg", "PairPlan", "Plan", "Route", "WhyNot",
                                             "plan")},
    **{n: ("corridor.scenario", n) for n in ("Scenario", "Stance", "load_scenario",
                                              "make_scenario")},
}  # fmt: skip


#: Public submodules reachable as attributes before they are imported.
_SUBMODULES = frozenset(
    {"airspace", "analysis", "borders", "cli", "export", "geo", "lift", "maps", "network", "osm",
     "routing", "scenario", "settings"}
)  # fmt: skip


def __getattr__(name: str) -> object:
    """Import a public name's module on first access (PEP 562)."""
    if name in _SUBMODULES:  # ``corridor.borders`` after a bare ``import corridor``
        return _import_module(f"corridor.{name}")
    try:
        module, attr = _LAZY[name]
    except KeyError:
        msg = f"module 'corridor' has no attribute {name!r}"
        raise AttributeError(msg) from None
    value = getattr(_import_module(module), attr)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    """Public names, including those not imported yet."""
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CASPIAN_RULES",
    "INTL",
    "REGION_BBOX",
    "SPEEDS_KPH",
    "AirRoute",
    "AirStop",
    "Airlift",
    "CorridorError",
    "DataError",
    "Deployment",
    "Leg",
    "NoRouteError",
    "OSMFetchError",
    "OutputError",
    "PairPlan",
    "Place",
    "Plan",
    "Refinement",
    "RegionError",
    "RoadGraph",
    "RoadRoute",
    "Route",
    "Scenario",
    "ScenarioError",
    "Stance",
    "TransitNetwork",
    "UnknownPlaceError",
    "WhyNot",
    "__version__",
    "air_route",
    "air_sweep",
    "aircraft_catalogue",
    "airlift",
    "airspace_at",
    "border_length_km",
    "build_air_graph",
    "compare_map",
    "country_at",
    "deploy",
    "distance_km",
    "fetch_roads",
    "find_place",
    "geodesic_line",
    "line_length_km",
    "load_airspace",
    "load_borders",
    "load_network",
    "load_roads",
    "load_scenario",
    "load_sea_zones",
    "load_territorial_seas",
    "locate_airspace",
    "locate_countries",
    "make_scenario",
    "neighbours",
    "plan",
    "render_map",
    "save_map",
    "save_roads",
    "shared_border",
]
