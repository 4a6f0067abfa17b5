"""``corridor airlift`` and ``corridor deploy``: reinforcement capacity on the command line.

Thin: parse, call :mod:`corridor.lift`, print, exit. Library errors propagate to
:func:`corridor.cli.main`, which maps them to the exit codes (1 cannot arrive, 2 bad
input, 3 data error).
"""

from __future__ import annotations

import json
import math
from typing import Any

import click

__all__ = ["register_cli"]


def _positive(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and (not math.isfinite(value) or value <= 0):
        msg = f"must be a positive finite number, got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return value


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


def _scenario(name: str | None, close: tuple[str, ...]) -> Any:
    from corridor import borders
    from corridor.scenario import load_scenario, make_scenario

    scen = load_scenario(name) if name else make_scenario(name="command line")
    codes = _codes(close)
    for code in codes:
        borders.validate_iso3(code)
    return scen.with_closures(close=codes) if codes else scen


@click.command()
@click.option(
    "--from", "origins", multiple=True, metavar="PLACE", help="Origin airfield (repeatable)."
)
@click.option("--to", "destination", metavar="PLACE", help="Destination airfield.")
@click.option(
    "--troops", type=float, callback=_positive, help="Troops (with equipment unless --tonnes)."
)
@click.option("--tonnes", type=float, callback=_positive, help="Tonnes of cargo.")
@click.option(
    "--aircraft", "fleet", metavar="TYPE=COUNT[,TYPE=COUNT]", help="Fleet, e.g. Il-76MD=10."
)
@click.option("--scenario", "-s", help="Scenario name or TOML path (closures, [fleet], [force]).")
@click.option("--close", multiple=True, metavar="ISO3[,ISO3]", help="Hostile for every mode.")
@click.option("--mog", type=int, help="Working MOG of the destination (overrides data).")
@click.option("--pax-only", is_flag=True, help="Troops fly in seats, without equipment.")
@click.option(
    "--load-factor",
    type=click.FloatRange(min=0, max=1, min_open=True),
    default=1.0,
    show_default=True,
    help="Share of the weight payload each sortie carries.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def airlift(
    origins: tuple[str, ...],
    destination: str | None,
    troops: float | None,
    tonnes: float | None,
    fleet: str | None,
    scenario: str | None,
    close: tuple[str, ...],
    mog: int | None,
    pax_only: bool,
    load_factor: float,
    as_json: bool,
) -> None:
    """Estimate sorties, closure days and the bottleneck of flying a force in.

    
    Example:
      corridor airlift --from UUMU --to UAAA --troops 2000 --aircraft Il-76MD=70,An-124-100=5
    """
    from corridor import lift

    scen = _scenario(scenario, close)
    origin_list = list(origins) or [o for o in scen.origins if lift.is_airfield(o)]
    dest = destination or next((d for d in scen.destinations if lift.is_airfield(d)), None)
    if not origin_list or dest is None:
        raise click.UsageError(
            "give --from and --to (or a scenario with airfield origins and destinations)"
        )
    if troops is None and tonnes is None:
        troops, tonnes = scen.force.get("troops"), scen.force.get("tonnes")
        if troops is None and tonnes is None:
            raise click.UsageError(
                "give --troops, --tonnes or both (or a scenario with a [force] table)"
            )
    ships: Any = fleet if fleet else dict(scen.fleet)
    if not ships:
        raise click.UsageError("give --aircraft TYPE=COUNT (or a scenario with a [fleet] table)")
    if mog is not None and mog <= 0:
        raise click.BadParameter(f"must be a positive whole number, got {mog}", param_hint="--mog")
    result = lift.airlift(
        origin_list,
        dest,
        ships,
        troops=troops,
        tonnes=tonnes,
        pax_only=pax_only,
        scenario=scen,
        mog=mog,
        load_factor=load_factor,
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(
        f"{result.force_tonnes:.0f} t ({result.troops} troops) from {', '.join(result.origins)} "
        f"to {result.destination}"
    )
    click.echo(
        f"  sorties {result.sorties} ({_by_type(result.by_aircraft)}); "
        f"{result.tonnes_per_day:.0f} t/day; closure {result.closure_days:.1f} days"
    )
    click.echo(f"  bottleneck: {result.bottleneck}")
    for p in result.plans:
        if p.sorties:
            stops = f" via {', '.join(p.stops)}" if p.stops else ""
            click.echo(
                f"  {p.aircraft} {p.origin}{stops}: {p.km:.0f} km, {p.payload_t:.1f} t/sortie, "
                f"cycle {p.cycle_h:.1f} h, {p.sorties} sorties"
            )
    for why in result.excluded:
        click.echo(f"  excluded: {why}")
    click.echo("  assumptions: " + "; ".join(result.assumptions))


@click.command()
@click.option("--scenario", "-s", required=True, help="Scenario name or TOML path.")
@click.option("--troops", type=float, callback=_positive, help="Troops (overrides [force]).")
@click.option("--tonnes", type=float, callback=_positive, help="Tonnes (overrides [force]).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def deploy(scenario: str, troops: float | None, tonnes: float | None, as_json: bool) -> None:
    """Plan air and ground corridors together to minimise the force's closure time.

    
    Example:
      corridor deploy -s armenia-reinforcement
    """
    from corridor import lift

    scen = _scenario(scenario, ())
    if troops is None and tonnes is None and not scen.force:
        raise click.UsageError("give --troops or --tonnes (the scenario has no [force] table)")
    result = lift.deploy(scen, troops=troops, tonnes=tonnes)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"{result.scenario}: {result.force_tonnes:.0f} t ({result.troops} troops)")
    click.echo(f"  closure {result.closure_days:.1f} days")
    for c in result.corridors:
        click.echo(
            f"  {c.name}: {c.share:.0%} of the force, {c.tonnes_per_day:.0f} t/day, "
            f"first delivery day {c.lead_days:.1f} ({c.capacity_basis})"
        )
    for why in result.unavailable:
        click.echo(f"  unavailable: {why}")
    click.echo(f"  bottleneck: {result.bottleneck}")
    click.echo("  assumptions: " + "; ".join(result.assumptions))


def _by_type(counts: Any) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def register_cli(group: click.Group) -> None:
    """Add the ``airlift`` and ``deploy`` commands to a click group."""
    group.add_command(airlift)
    group.add_command(deploy)
