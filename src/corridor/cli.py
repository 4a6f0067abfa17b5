"""The ``corridor`` command line: parse, call the library, print, exit.

Exit codes (the contract scripts rely on):

====  =====================================================================
0     success
1     the question has no answer: no feasible route (the why-not is printed)
2     bad input: unknown country or place, malformed option or scenario
3     data error: shipped or given data files are missing or corrupt
====  =====================================================================

Errors are one line on stderr, ``corridor: error: <what> ; <what is valid>``,
never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from corridor import __version__
from corridor._errors import CorridorError, DataError, NoRouteError

__all__ = ["EXIT_BAD_INPUT", "EXIT_DATA", "EXIT_NO_ROUTE", "EXIT_OK", "cli", "main"]

EXIT_OK, EXIT_NO_ROUTE, EXIT_BAD_INPUT, EXIT_DATA = 0, 1, 2, 3


class _Failure(click.ClickException):
    """A library error translated to a one-line message and an exit code."""

    def __init__(self, exc: Exception) -> None:
        super().__init__(str(exc))
        self.code = EXIT_BAD_INPUT
        if isinstance(exc, NoRouteError):
            self.code = EXIT_NO_ROUTE
        elif isinstance(exc, DataError):
            self.code = EXIT_DATA


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 success, 1 no route, 2 bad input, 3 data error.",
)
@click.version_option(__version__, "--version", prog_name="corridor")
def cli() -> None:
    """Which air, road, rail and sea routes still reach a landlocked country."""


def _lat_lon(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    """Parse ``LAT,LON`` in degrees (a click callback)."""
    try:
        lat_s, lon_s = value.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        msg = f"expected LAT,LON in degrees (e.g. 40.15,44.40), got {value!r}"
        raise click.BadParameter(msg, ctx, param) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"LAT must be within -90..90 and LON within -180..180, got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return lat, lon


_CASPIAN = click.Choice(["open", "partitioned"])


@cli.command()
@click.argument("point", metavar="LAT,LON", callback=_lat_lon)
@click.option("--caspian", type=_CASPIAN, default="open", show_default=True, help="Caspian rule.")
def where(point: tuple[float, float], caspian: str) -> None:
    """Say which country's land and whose airspace contain POINT (LAT,LON)."""
    from corridor import borders

    lat, lon = point
    try:
        zone = borders.airspace_at(lon, lat, caspian="open" if caspian == "open" else "partitioned")
        land = borders.country_at(lon, lat)
    except CorridorError as exc:
        raise _Failure(exc) from None
    click.echo(f"land: {land or 'sea'}  airspace: {zone}  (caspian={caspian})")


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write a map.")
def geography(out: Path | None) -> None:
    """Summarise the geography layer: countries, neighbours, seas, airspace."""
    try:
        _geography_summary(out)
    except CorridorError as exc:
        raise _Failure(exc) from None


def _geography_summary(out: Path | None) -> None:
    from corridor import borders, geo

    gdf = borders.load_borders()
    click.echo(f"{len(gdf)} countries in region {borders.REGION_BBOX} (lon/lat bbox)")
    for iso in ("ARM", "KAZ"):
        nbrs = sorted(borders.neighbours(iso))
        lengths = ", ".join(f"{n} {borders.border_length_km(iso, n):.0f} km" for n in nbrs)
        click.echo(f"{iso} ({gdf.loc[iso, 'name']}) land borders: {lengths}")
    click.echo(f"seas: {', '.join(borders.load_sea_zones().index)}")
    for rule in borders.CASPIAN_RULES:
        intl = borders.load_airspace(rule).geometry[borders.INTL]
        area_km2 = abs(geo.GEOD.geometry_area_perimeter(intl)[0]) / 1e6
        click.echo(f"caspian={rule}: international airspace {area_km2:,.0f} km2")
    if out is not None:
        from corridor import maps
        from corridor._io import atomic_write_text

        atomic_write_text(out, maps.geography_map().get_root().render())
        click.echo(f"wrote {out}")


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("maps"),
    show_default=True,
    help="Folder for the generated maps.",
)
def demo(out: Path) -> None:
    """Run the main job on the shipped data and write maps into OUT."""
    try:
        _geography_summary(out / "geography.html")
    except CorridorError as exc:
        raise _Failure(exc) from None


def _register_subcommands() -> None:
    from corridor.osm import register_cli

    register_cli(cli)


_register_subcommands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``corridor`` console script.

    Parameters
    ----------
    argv
        Arguments without the program name (default: ``sys.argv[1:]``).
    """
    args = sys.argv[1:] if argv is None else argv
    if not args:
        args = ["--help"]
    try:
        cli.main(args=args, prog_name="corridor", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        hint = f" (see 'corridor {exc.ctx.info_name} --help')" if exc.ctx and exc.ctx.parent else ""
        click.echo(f"corridor: error: {exc.format_message()}{hint}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except _Failure as exc:
        click.echo(f"corridor: error: {exc.format_message()}", err=True)
        sys.exit(exc.code)
    except click.ClickException as exc:
        click.echo(f"corridor: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("corridor: aborted", err=True)
        sys.exit(130)
    except CorridorError as exc:  # anything a command did not translate itself
        failure = _Failure(exc)
        click.echo(f"corridor: error: {failure.format_message()}", err=True)
        sys.exit(failure.code)
    sys.exit(EXIT_OK)
