"""Print corridor's ground routes against the published validation tables.

Run from the repository root::

    .venv/bin/python scripts/validation_report.py [road|rail|freight]

For every pair of ``src/corridor/data/validation/<mode>_distances.csv`` it prints the
published km and hours, corridor's fastest route (every country permissive, statuses of
``_validation.VALIDATION_DATE``, when the published figures were current) and the ratios,
worst first, then the medians that ``tests/test_validation.py`` asserts: over every pair,
and over the pairs whose published figure shares no document with the links of their route
(a ``*`` marks the others and names the shared document).

Hours are shown twice: on passenger routes (passenger border dwell, what the published car
and passenger-train times are compared with) and, in the last two columns, on freight
routes (truck and wagon clearance times at the borders).

``freight`` prints ``freight_times.csv``: published truck, freight-train and ferry transit
times against corridor's freight route on each trip's own date (``_validation.compare_freight``:
elapsed hours with border and port waits and drivers' daily rest for a ``transit`` time, the
moving hours for a ``moving`` one), worst first, and whether corridor's route passes the
crossings and ports the source names.
"""

from __future__ import annotations

import math
import sys

from corridor import _validation


def freight_report() -> None:
    """Print the freight transit-time comparison."""
    rows = _validation.compare_freight()
    rows.sort(key=lambda r: abs(math.log(r.hours_ratio)) if r.hours_ratio else math.inf)
    rows.reverse()
    print(f"{'from':<24}{'to':<24}{'date':<11}{'pub h':>7}{'h':>7}{'ratio':>7}  route")
    for r in rows:
        hours = f"{r.hours:7.1f}{r.hours_ratio:7.2f}" if r.hours and r.hours_ratio else f"{'-':>14}"
        same = {None: "", True: "  as published", False: "  NOT the published route"}[
            r.follows_published_route
        ]
        print(
            f"{r.origin:<24}{r.destination:<24}{r.date:<11}{r.published_hours or 0:7.1f}{hours}"
            f"  {', '.join(r.via)[:60]}{same}"
        )
    s = _validation.freight_summary(rows)
    print(
        f"trips {s['trips']:.0f}, routed {s['routed']:.0f}; hours ratio median "
        f"{s['hours_median']:.3f} (min {s['hours_min']:.2f}, max {s['hours_max']:.2f}); "
        f"within a factor of 2: {s['within_factor_2']:.0f}; on the published route: "
        f"{s['same_route']:.0f} of {s['named_route']:.0f} naming one"
    )


def main(mode: str = "road") -> None:
    """Print the comparison for one mode."""
    if mode not in ("road", "rail", "freight"):
        sys.exit(f"validation_report.py: unknown table {mode!r}; valid: road, rail, freight")
    if mode == "freight":
        freight_report()
        return
    rows = _validation.compare(mode)
    freight = {(r.origin, r.destination): r for r in _validation.compare(mode, traffic="freight")}
    rows.sort(key=lambda r: abs((r.km_ratio or 0.0) - 1.0), reverse=True)
    print(f"{'from':<18}{'to':<18}{'kind':<13}{'pub km':>8}{'km':>8}{'ratio':>7}"
          f"{'pub h':>7}{'h':>7}{'ratio':>7}{'frt h':>7}{'ratio':>7}")  # fmt: skip
    for r in rows:
        km = f"{r.km:8.0f}{r.km_ratio:7.2f}" if r.km is not None and r.km_ratio else f"{'-':>15}"
        pub_h = f"{r.published_hours:7.1f}" if r.published_hours else f"{'':>7}"
        hours = ""
        for c in (r, freight[(r.origin, r.destination)]):
            hours += f"{c.hours:7.1f}" if c.hours is not None else f"{'-':>7}"
            hours += f"{c.hours_ratio:7.2f}" if c.hours_ratio is not None else f"{'':>7}"
        pub_km = r.published_km or 0.0
        mark = "" if r.independent else "  * shares " + ", ".join(r.shared_sources)
        print(f"{r.origin:<18}{r.destination:<18}{r.kind:<13}{pub_km:8.0f}{km}{pub_h}{hours}{mark}")
    s = _validation.summary(rows)
    f = _validation.summary(list(freight.values()))
    print(
        f"pairs {s['pairs']:.0f}, routed {s['routed']:.0f}; km ratio median {s['km_median']:.3f} "
        f"(min {s['km_min']:.2f}, max {s['km_max']:.2f}); hours ratio median "
        f"{s['hours_median']:.3f} over {s['timed']:.0f} timed pairs (passenger dwell; "
        f"freight dwell: {f['hours_median']:.3f})"
    )
    print(
        f"independent pairs (* above: the row cites a document a link of its route also "
        f"cites) {s['independent']:.0f} of {s['pairs']:.0f}: km ratio median "
        f"{s['km_median_independent']:.3f}, hours ratio median "
        f"{s['hours_median_independent']:.3f} over {s['timed_independent']:.0f} timed pairs"
    )


if __name__ == "__main__":
    main(*sys.argv[1:2])
