"""``corridor odds``: probability of access under uncertain stances (see :mod:`corridor.odds`)."""

from __future__ import annotations

import json
from typing import Any, cast

import click


def register(group: click.Group) -> None:
    """Add the ``odds`` command to the application's click group.

    Parameters
    ----------
    group
        corridor's top-level group.
    """
    from corridor.cli import _build_scenario, _dask_options, _scenario_options

    @group.command()
    @_scenario_options
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    @click.option(
        "--method",
        type=click.Choice(["auto", "exact", "monte-carlo"]),
        default="auto",
        show_default=True,
        help="Exact enumeration (<= 20 uncertain decisions) or Monte Carlo.",
    )
    @click.option(
        "--draws",
        type=click.IntRange(min=1),
        default=200_000,
        show_default=True,
        help="Monte Carlo draws.",
    )
    @click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
    @_dask_options
    def odds(
        as_json: bool,
        method: str,
        draws: int,
        seed: int,
        dask: str | None,
        workers: int | None,
        **options: Any,
    ) -> None:
        """Probability that a route exists, given [probabilities] of uncertain states."""
        from corridor import odds as odds_module
        from corridor._errors import CorridorError
        from corridor.cli import _Failure

        try:
            result = odds_module.odds(
                _build_scenario(**options), method=cast("Any", method), draws=draws, seed=seed,
                dask=dask, workers=workers,
            )  # fmt: skip
        except CorridorError as exc:
            raise _Failure(exc) from None
        if as_json:
            click.echo(json.dumps(result.to_dict()))
            return
        _print(result)


def _fmt(est: Any, *, pct: bool = True, unit: str = "") -> str:
    if est.value is None:
        return "n/a"
    if pct:
        text = f"{100 * est.value:.1f}%"
        ci = f" [{100 * est.low:.1f}-{100 * est.high:.1f}%]" if est.low is not None else ""
    else:
        text = f"{est.value:+,.0f}{unit}"
        ci = f" [{est.low:+,.0f}, {est.high:+,.0f}]" if est.low is not None else ""
    return text + ci


def _print(result: Any) -> None:
    how = (
        f"exact over {result.combinations:,} combinations"
        if result.method == "exact"
        else f"Monte Carlo, {result.combinations:,} draws, {100 * result.confidence:.0f}% CI"
    )
    click.echo(f"{result.scenario}: {len(result.decisions)} uncertain decisions ({how})")
    for d in result.decisions:
        click.echo(
            f"  {d.label}: permits with p={d.p_permit:g}; every pair has a route "
            f"{_fmt(d.if_permits)} if it permits, {_fmt(d.if_refuses)} if it refuses"
        )
    for p in result.pairs:
        click.echo(
            f"{p.origin} -> {p.destination}: route {_fmt(p.p_route)}, expected extra "
            f"{_fmt(p.extra_km, pct=False, unit=' km')} / "
            f"{_fmt(p.extra_hours, pct=False, unit=' h')}; decisive: {p.decisive or 'none'}"
        )
    click.echo(
        f"every pair: {_fmt(result.p_all)}, at least one: {_fmt(result.p_any)}; "
        f"the decision that matters most: {result.decisive or 'none'}"
    )
