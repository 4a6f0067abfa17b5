"""Reinforcement capacity: how much, how fast, by air and on the ground.

The air model follows the logic of RAND's Airfield Capacity Estimator (MR-700):
throughput comes from aircraft ground times and the airfields' working MOG
(maximum on ground), not from a fixed number per airfield.

For each aircraft type and origin, the type's route is the existing air router's
(:func:`corridor.airspace.air_route`, honouring the scenario's closures), with
range-limited stops when the full payload does not reach; payload falls with range
along the type's payload-range curve. Cycle time is the outbound and return block
time (distance / cruise + a per-leg allowance), the ground time at both ends and at
stops. A linear program (:func:`scipy.optimize.linprog`) then finds the sustained
delivery rate allowed together by each fleet (aircraft x 24 h x utilisation / cycle),
the destination's working MOG (MOG x 24 h / ground time) and each origin's; the
binding constraint is the bottleneck. The force is shared between types in proportion
to their delivery, and sorties are the tonnes per type divided by the payload at the
flown range, rounded up.

:func:`deploy` adds road and rail corridors (ground route time from
:func:`corridor.routing.plan`, capacity from :func:`corridor.analysis.throughput` or a
named default where the data has none) and solves, again as a linear program, the
split of the force across air and ground corridors that minimises closure time.

Data: ``corridor/data/lift/`` (``aircraft.csv``, ``airfields.csv``; provenance and the
planning-factor table in ``PROVENANCE.md``). Every answer lists the assumptions used.
"""

from __future__ import annotations

from corridor.lift._airlift import Airlift, Arrival, SortiePlan, airlift, force_tonnes
from corridor.lift._catalogue import (
    MOG_RULE,
    PLANNING_FACTORS,
    Aircraft,
    Airfield,
    aircraft_catalogue,
    airfield_capacity,
    find_aircraft,
    is_airfield,
    parse_fleet,
)
from corridor.lift._deploy import Corridor, Deployment, deploy
from corridor.lift._map import corridor_layer

__all__ = [
    "MOG_RULE",
    "PLANNING_FACTORS",
    "Aircraft",
    "Airfield",
    "Airlift",
    "Arrival",
    "Corridor",
    "Deployment",
    "SortiePlan",
    "aircraft_catalogue",
    "airfield_capacity",
    "airlift",
    "corridor_layer",
    "deploy",
    "find_aircraft",
    "force_tonnes",
    "is_airfield",
    "parse_fleet",
]
