"""``corridor explore``: write the interactive what-if page (lazy command of corridor.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from corridor._cliopts import OutputFile
from corridor.cli import _build_scenario, _csv_codes, _Failure, _scenario_options


@click.command(name="explore")
@_scenario_options
@click.option(
    "--countries",
    required=True,
    metavar="ISO3,ISO3,...",
    help="States to toggle between permit and refuse (1 to 12; 2^n combinations).",
)
@click.option(
    "--out",
    type=OutputFile(),
    default=Path("maps/explore.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--cdn",
    is_flag=True,
    help="Link Leaflet from its CDN instead of inlining it (needs the internet).",
)
def explore_command(countries: str, out: Path, cdn: bool, **options: Any) -> None:
    """Write one self-contained what-if page: a toggle per state, every combination.

    Toggling a state redraws the best route of every pair, the summary and the
    why-not boxes in the browser (no server); the URL fragment ``#closed=GEO,IRN``
    keeps the choice, so a what-if can be shared as a link.
    """
    from corridor import maps
    from corridor._errors import CorridorError

    states = _csv_codes((countries,), "--countries")
    try:
        scen = _build_scenario(**options)
        page = maps.explore(scen, states, inline_assets=not cdn)
        path = maps.save(page, out)
    except CorridorError as exc:
        raise _Failure(exc) from None
    n = len(set(states))
    size = path.stat().st_size / 1e6
    click.echo(f"wrote {path} ({n} states, {1 << n:,} combinations, {size:.1f} MB)")
