"""Air-leg accuracy against an independent reference, before and after refinement.

For each closure case of both theatres, prints the router's km after refinement
(the shipped behaviour), before it (the coarse visibility-graph path, obtained in
the same run by switching refinement off), the independent reference
(:mod:`air_reference`: lazy A* over round-buffered zones at 0.2 km in a spherical
gnomonic projection centred on the pair), the ratios, the router's median query
time before and after, and the number of samples (every 0.5 km along each
geodesic leg) inside closed airspace (tolerance 0; must be 0).

Target (issue 13, goal 2): every leg within 0.3% of the reference, never inside
closed airspace.

Run: ``.venv/bin/python benchmarks/bench_air_exact.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from air_reference import reference_route

from corridor import _airexact, airspace, borders, geo
from corridor._errors import NoRouteError

CAUCASUS = ("GEO", "AZE", "TUR")
#: (origin, destination, closed states, Caspian rule)
CASES: tuple[tuple[str, str, tuple[str, ...], borders.CaspianRule], ...] = (
    ("URMF", "UDYZ", CAUCASUS, "open"),  # Mozdok -> Zvartnots
    ("URMF", "UDYE", CAUCASUS, "open"),  # Mozdok -> Erebuni
    ("URMF", "UDSG", CAUCASUS, "open"),  # Mozdok -> Gyumri
    ("URMM", "UDYZ", CAUCASUS, "open"),  # Mineralnye Vody -> Zvartnots
    ("URMM", "UDSG", CAUCASUS, "open"),  # Mineralnye Vody -> Gyumri
    ("UUMU", "UDYZ", CAUCASUS, "open"),  # Chkalovsky -> Zvartnots
    ("UUMU", "UDYE", CAUCASUS, "open"),  # Chkalovsky -> Erebuni
    ("URMF", "UDYZ", CAUCASUS, "partitioned"),
    ("UUMU", "UDSG", CAUCASUS, "partitioned"),
    ("URMF", "UDYZ", ("GEO", "TUR"), "open"),
    ("URMF", "UDYZ", (*CAUCASUS, "IRN"), "open"),  # Armenia enclosed: no route
    ("URMF", "UAAA", ("UZB", "TKM", "KGZ"), "open"),  # Mozdok -> Almaty
    ("URMM", "UAAA", ("UZB", "TKM", "KGZ", "CHN"), "partitioned"),
    ("UUMU", "UAAA", ("UZB", "KGZ"), "open"),  # Chkalovsky -> Almaty
    ("URMF", "UACC", ("UZB", "TKM"), "open"),  # Mozdok -> Astana
    ("UMMS", "UAAA", ("RUS",), "open"),  # Minsk -> Almaty around Russia
    ("UMMS", "UACC", ("RUS", "UKR"), "open"),  # Minsk -> Astana
)


def _timed_route(
    o: str, d: str, closed: tuple[str, ...], caspian: borders.CaspianRule
) -> tuple[airspace.AirRoute | None, float]:
    times, route = [], None
    for _ in range(5):
        t0 = time.perf_counter()
        try:
            route = airspace.air_route(o, d, closed=closed, caspian=caspian)
        except NoRouteError:
            route = None
        times.append(time.perf_counter() - t0)
    return route, statistics.median(times)


def _intrusions(route: airspace.AirRoute, caspian: borders.CaspianRule) -> int:
    zones = borders.load_airspace(caspian)
    pts = airspace._sample(route.coords, step_km=0.5)
    points = shapely.points(pts)
    return int(sum(shapely.intersects(zones.geometry[s], points).sum() for s in route.closed))


def main() -> None:
    for rule in ("open", "partitioned"):
        airspace.build_air_graph(caspian=rule)  # built or loaded before the clock starts
    real_refine = _airexact.refine
    rows = []
    print(f"{'case':<44} {'before':>8} {'after':>8} {'ref':>8} {'before%':>8} {'after%':>7} "
          f"{'t_bef':>6} {'t_aft':>6} {'in':>3}")  # fmt: skip
    for o, d, closed, rule in CASES:
        _airexact.refine = lambda *a, **k: None  # type: ignore[assignment]  # coarse only
        coarse, t_before = _timed_route(o, d, closed, rule)
        _airexact.refine = real_refine
        after, t_after = _timed_route(o, d, closed, rule)
        po, pd = airspace._resolve(o), airspace._resolve(d)
        zone_o = borders.airspace_at(po.lon, po.lat, caspian=rule)
        zone_d = borders.airspace_at(pd.lon, pd.lat, caspian=rule)
        effective = set(closed) - {zone_o, zone_d}
        bound = 1.01 * coarse.km if coarse is not None else None
        ref = reference_route(
            (po.lon, po.lat), (pd.lon, pd.lat), effective, caspian=rule, upper_km=bound
        )
        label = f"{o}->{d} {rule[:4]} closed {','.join(closed)}"
        if after is None or coarse is None or ref is None:
            agree = after is None and coarse is None and ref is None
            print(f"{label:<44} no route (router) / {'none' if ref is None else ref.km} (ref)"
                  f" -> {'agree' if agree else 'DISAGREE'}")  # fmt: skip
            rows.append((label, None, None, agree))
            continue
        before_pct = 100 * (coarse.km / ref.km - 1)
        after_pct = 100 * (after.km / ref.km - 1)
        inside = _intrusions(after, rule)
        gc = float(geo.distance_km(po.lon, po.lat, pd.lon, pd.lat))
        print(
            f"{label:<44} {coarse.km:8.1f} {after.km:8.1f} {ref.km:8.1f} {before_pct:+8.3f} "
            f"{after_pct:+7.3f} {t_before * 1000:5.0f}ms {t_after * 1000:4.0f}ms {inside:3d}"
            + ("" if ref.km > gc + 0.5 else "  (no detour)")
        )
        rows.append((label, before_pct, after_pct, inside == 0))
    measured = [(b, a) for _, b, a, _ in rows if b is not None and a is not None]
    before = np.array([b for b, _ in measured])
    after = np.array([a for _, a in measured])
    worst = max(rows, key=lambda r: abs(r[2]) if r[2] is not None else -1)
    print(
        f"{len(rows)} cases ({len(measured)} with a route): before mean {before.mean():+.3f}%, "
        f"worst {before.max():+.3f}%; after mean {after.mean():+.3f}%, worst |error| "
        f"{np.abs(after).max():.3f}% ({worst[0]}); target |error| <= 0.3%"
    )
    print(f"all routes clear of closed airspace and no-route verdicts agree: "
          f"{all(ok for *_, ok in rows)}")  # fmt: skip


if __name__ == "__main__":
    main()
