"""corridor: which air, road, rail and sea routes still reach a landlocked country.

The public API is re-exported here; modules whose names start with ``_`` are private.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from corridor._errors import (
    CorridorError,
    DataError,
    NoRouteError,
    OutputError,
    RegionError,
    ScenarioError,
    UnknownPlaceError,
)
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

__all__ = [
    "CASPIAN_RULES",
    "INTL",
    "REGION_BBOX",
    "SPEEDS_KPH",
    "AirRoute",
    "AirStop",
    "CorridorError",
    "DataError",
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
    "airspace_at",
    "border_length_km",
    "build_air_graph",
    "compare_map",
    "country_at",
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
