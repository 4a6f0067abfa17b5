"""The ``corridor`` command line: parse, call the library, print, exit.

Exit codes (the contract scripts rely on):

====  =====================================================================
0     success
1     the question has no answer: no feasible route (the why-not is printed)
2     bad input: unknown country, place or id, malformed option or scenario
3     data error: shipped or given data files are missing or corrupt
4     an output file or folder cannot be written (checked before the work starts)
5     internal error: a bug in corridor (please report it with the ``-v`` output)
====  =====================================================================

Errors are one line on stderr, ``corridor: error: <what> ; <what is valid>``,
never a traceback unless ``-v/--verbose`` is given. ``-v`` (or ``CORRIDOR_LOG=1``)
also sends corridor's log records to stderr; the library itself never
configures logging handlers.
"""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from corridor import __version__, settings
from corridor._cliopts import FiniteFloat, NegativeNumberCommand, OutputFile, OutputFolder
from corridor._errors import CorridorError, DataError, NoRouteError, OutputError, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_DATA",
    "EXIT_INTERNAL",
    "EXIT_NO_ROUTE",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "cli",
    "main",
]

EXIT_OK, EXIT_NO_ROUTE, EXIT_BAD_INPUT, EXIT_DATA, EXIT_OUTPUT, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5


def _exit_code(exc: BaseException) -> int:
    """Exit code of a library error (the contract in the module docstring)."""
    if isinstance(exc, NoRouteError):
        return EXIT_NO_ROUTE
    if isinstance(exc, DataError):
        return EXIT_DATA
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT
    if isinstance(exc, CorridorError):
        return EXIT_BAD_INPUT
    return EXIT_INTERNAL


class _Failure(click.ClickException):
    """A library error translated to a one-line message and an exit code."""

    def __init__(self, exc: Exception) -> None:
        super().__init__(str(exc))
        self.code = _exit_code(exc)


class _Run:
    """Per-invocation state of the CLI: verbosity and the log handler it installed."""

    verbose = False
    handler: logging.Handler | None = None
    level = logging.NOTSET  # the logger's level before the CLI changed it


def _configure_logging(verbose: bool) -> None:
    """Send corridor's log records to stderr (the CLI's job; the library never does)."""
    logger = logging.getLogger("corridor")
    handler = logging.StreamHandler(sys.stderr)
    if verbose or settings.log_console:
        handler.setFormatter(logging.Formatter("corridor: %(levelname)s: %(name)s: %(message)s"))
        level = logging.DEBUG if verbose else logging.INFO
    else:  # warnings only, one line each (as logging's last resort would print)
        handler.setFormatter(logging.Formatter("corridor: %(levelname)s: %(message)s"))
        level = logging.WARNING
    handler.setLevel(level)
    _Run.level = logger.level
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    logger.addHandler(handler)
    _Run.handler = handler


def _release_logging() -> None:
    if _Run.handler is not None:
        logger = logging.getLogger("corridor")
        logger.removeHandler(_Run.handler)
        logger.setLevel(_Run.level)
        _Run.handler = None


_EPILOG = (
    "Exit codes: 0 success, 1 no route, 2 bad input, 3 data error, "
    "4 output cannot be written, 5 internal error (a bug). "
    'Shell completion: eval "$(_CORRIDOR_COMPLETE=bash_source corridor)".'
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, "--version", prog_name="corridor")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log progress to stderr and show a traceback with any error.",
)
def cli(verbose: bool) -> None:
    """Which air, road, rail and sea routes still reach a landlocked country."""
    _Run.verbose = verbose
    if _Run.handler is None:
        _configure_logging(verbose)


def _lat_lon(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    """Parse ``LAT,LON`` in degrees (a click callback)."""
    from corridor.geo import parse_lat_lon

    try:
        coords = parse_lat_lon(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    if coords is None:
        msg = f"expected LAT,LON in degrees (e.g. 40.15,44.40), got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return coords


_CASPIAN = click.Choice(["open", "partitioned"])


@cli.command(cls=NegativeNumberCommand)
@click.argument("point", metavar="LAT,LON", callback=_lat_lon)
@click.option("--caspian", type=_CASPIAN, default="open", show_default=True, help="Caspian rule.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
def where(point: tuple[float, float], caspian: str, as_json: bool) -> None:
    """Say which country's land and whose airspace contain POINT (LAT,LON).

    Negative coordinates work as they are: corridor where -33.9,18.4
    """
    from corridor import borders

    lat, lon = point
    try:
        zone = borders.airspace_at(lon, lat, caspian="open" if caspian == "open" else "partitioned")
        land = borders.country_at(lon, lat)
    except CorridorError as exc:
        raise _Failure(exc) from None
    if as_json:
        import json

        answer = {"lat": lat, "lon": lon, "land": land, "airspace": zone, "caspian": caspian}
        click.echo(json.dumps(answer, ensure_ascii=False))
        return
    click.echo(f"land: {land or 'sea'}  airspace: {zone}  (caspian={caspian})")


@cli.command()
@click.option("--out", type=OutputFile(), help="Also write a map (HTML).")
@click.option("--cdn", is_flag=True, help="Link Leaflet from its CDN (the map needs the internet).")
def geography(out: Path | None, cdn: bool) -> None:
    """Summarise the geography layer: countries, neighbours, seas, airspace."""
    try:
        _geography_summary(out, inline=not cdn)
    except CorridorError as exc:
        raise _Failure(exc) from None


def _geography_summary(out: Path | None, *, inline: bool = True) -> None:
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

        atomic_write_text(out, maps.geography_map(inline_assets=inline).get_root().render())
        click.echo(f"wrote {out}")


@cli.command()
@click.option(
    "--out",
    type=OutputFolder(),
    default=Path("maps"),
    show_default=True,
    help="Folder for the generated maps.",
)
def demo(out: Path) -> None:
    """Run the main job on the shipped data and write maps into OUT.

    Writes one map per reference scenario (``OUT/<scenario>.html``), a comparison
    map of the Armenian baseline against the 2020 closures, the geography map, the
    what-if page (``OUT/explore.html``: toggle Georgia, Azerbaijan, Turkey, Iran,
    Turkmenistan and Kazakhstan) and each plan as JSON; prints a one-line summary per
    scenario.
    """
    import json

    from corridor import maps
    from corridor._io import atomic_write_text
    from corridor.routing import plan
    from corridor.scenario import list_scenarios, load_scenario

    try:
        _geography_summary(out / "geography.html")
        plans = {}
        for name in list_scenarios():
            result = plan(load_scenario(name))
            plans[name] = result
            maps.save(maps.render(result, inline_assets=True), out / f"{name}.html")
            atomic_write_text(
                out / f"{name}.json", json.dumps(result.to_dict(), ensure_ascii=False)
            )
            ok = sum(p.feasible for p in result.pairs)
            click.echo(f"{name}: {ok}/{len(result.pairs)} pairs with a route -> {out / name}.html")
        if {"armenia-baseline", "armenia-2020"} <= set(plans):
            target = out / "armenia-compare.html"
            maps.save(
                maps.compare(plans["armenia-baseline"], plans["armenia-2020"], inline_assets=True),
                target,
            )
            click.echo(f"armenia-baseline vs armenia-2020 -> {target}")
        if "armenia-2020" in plans:
            # the map newcomers open first: maps/armenia.html
            maps.save(maps.render(plans["armenia-2020"], inline_assets=True), out / "armenia.html")
            click.echo(f"armenia-2020 (the reference theatre) -> {out / 'armenia.html'}")
        if "armenia-baseline" in plans:
            # the what-if page: toggle Armenia's neighbours and the Caspian transit states
            target = out / "explore.html"
            states = ["GEO", "AZE", "TUR", "IRN", "TKM", "KAZ"]
            maps.save(maps.explore("armenia-baseline", states), target)
            click.echo(f"what-if page ({', '.join(states)}) -> {target}#closed=GEO")
    except CorridorError as exc:
        raise _Failure(exc) from None


def _csv_codes(values: tuple[str, ...], option: str = "") -> list[str]:
    """Codes from repeatable ``A,B`` options; a value naming no code is bad input."""
    codes = []
    for value in values:
        found = [c.strip().upper() for c in value.split(",") if c.strip()]
        if not found and option:
            msg = f"{option} {value!r} names no country code; give ISO3 codes such as GEO,AZE"
            raise click.UsageError(msg)
        codes += found
    return codes


_MODE_CHOICES = click.Choice(
    ["air", "road", "rail", "sea", "ferry", "waterway", "ground", "any"], case_sensitive=False
)


def _build_scenario(
    scenario: str | None,
    origins: tuple[str, ...],
    destinations: tuple[str, ...],
    modes: tuple[str, ...],
    close: tuple[str, ...],
    close_airspace: tuple[str, ...],
    conditional: tuple[str, ...],
    caspian: str | None,
    k: int | None,
    objective: str | None,
    range_km: float | None,
    close_node: tuple[str, ...] = (),
    close_edge: tuple[str, ...] = (),
    date: str | None = None,
    traffic: str | None = None,
) -> Any:
    """Scenario from --scenario plus command-line overrides (validated by the library)."""
    from corridor import borders
    from corridor.scenario import make_scenario

    base = _load_base(scenario) if scenario else make_scenario(name="command line")
    closed = _csv_codes(close, "--close")
    airspace_closed = _csv_codes(close_airspace, "--close-airspace")
    cond = _csv_codes(conditional, "--conditional")
    for code in (*closed, *airspace_closed, *cond):
        borders.validate_iso3(code)
    clash = sorted(set(closed) & set(cond))
    if clash:
        msg = f"--close and --conditional both name {', '.join(clash)}; choose one stance per state"
        raise click.UsageError(msg)
    changes: dict[str, Any] = {}
    if origins:
        changes["origins"] = list(origins)
    if destinations:
        changes["destinations"] = list(destinations)
    if modes:
        changes["modes"] = [m.lower() for m in modes]
    if caspian:
        changes["caspian"] = caspian
    if k is not None:
        changes["k"] = k
    if objective:
        changes["objective"] = objective
    if range_km is not None:
        changes["range_km"] = range_km
    if close_node:
        changes["closed_nodes"] = sorted({*base.closed_nodes, *close_node})
    if close_edge:
        changes["closed_edges"] = sorted({*base.closed_edges, *close_edge})
    if date is not None:
        changes["date"] = date
    if traffic:
        changes["traffic"] = traffic
    scen = base.replace(**changes) if changes else base
    if closed or airspace_closed or cond:
        scen = scen.with_closures(close=closed, close_airspace=airspace_closed, conditional=cond)
    return scen


def _load_base(scenario: str) -> Any:
    """Load a shipped scenario by name, a TOML file, or TOML on standard input (``-s -``)."""
    from corridor.scenario import load_scenario, loads_scenario

    if scenario == "-":
        data = sys.stdin.buffer.read()
        return loads_scenario(data, source="<stdin>", name="stdin")
    return load_scenario(scenario)


def _scenario_options(fn: Any) -> Any:
    options = [
        click.option(
            "--scenario", "-s", help="Reference scenario name, TOML path, or - for stdin."
        ),
        click.option(
            "--from", "origins", multiple=True, metavar="PLACE", help="Origin (repeatable)."
        ),
        click.option(
            "--to", "destinations", multiple=True, metavar="PLACE", help="Destination (repeatable)."
        ),
        click.option(
            "--mode", "modes", multiple=True, type=_MODE_CHOICES, help="Allowed mode (repeatable)."
        ),
        click.option(
            "--close", multiple=True, metavar="ISO3[,ISO3]", help="Hostile for every mode."
        ),
        click.option(
            "--close-airspace",
            multiple=True,
            metavar="ISO3[,ISO3]",
            help="No overflight or landing.",
        ),
        click.option(
            "--conditional", multiple=True, metavar="ISO3[,ISO3]", help="Allowed but flagged."
        ),
        click.option("--caspian", type=_CASPIAN, help="Caspian rule."),
        click.option("--k", type=click.IntRange(1, 10), help="Routes per pair, best included."),
        click.option(
            "--objective", type=click.Choice(["km", "hours", "transfers"]), help="What to minimise."
        ),
        click.option(
            "--range-km", type=FiniteFloat(min=0, min_open=True), help="Aircraft range, km."
        ),
        click.option(
            "--close-node",
            multiple=True,
            metavar="ID",
            help="Close a network node (crossing, port, airport; repeatable).",
        ),
        click.option(
            "--close-edge", multiple=True, metavar="ID", help="Close a network link (repeatable)."
        ),
        click.option(
            "--date",
            metavar="YYYY[-MM[-DD]]",
            help="Day of the what-if: selects dated statuses and border queues.",
        ),
        click.option(
            "--traffic",
            type=click.Choice(["freight", "passenger", "military"]),
            help="Traffic class: statuses, speeds and border dwell of that class.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _dask_options(fn: Any) -> Any:
    """``--dask`` and ``--workers`` (run on a dask.distributed cluster)."""
    fn = click.option(
        "--workers", type=click.IntRange(min=1), help="Workers of --dask local (default: cores)."
    )(fn)
    return click.option(
        "--dask",
        metavar="local|tcp://HOST:PORT",
        help="Run on Dask: a new local cluster, or an existing scheduler (needs corridor[dask]).",
    )(fn)


def _print_plan(result: Any) -> None:
    traffic = getattr(getattr(result, "scenario", None), "traffic", None)
    if traffic:  # speeds and border dwell, hence hours, depend on the traffic class
        click.echo(f"hours for {traffic} traffic (speeds and border dwell of that class)")
    for pair in result.pairs:
        click.echo(f"{pair.origin} -> {pair.destination}")
        if not pair.feasible:
            click.echo(f"  {pair.why_not.reason if pair.why_not else 'no route'}")
            if pair.why_not and pair.why_not.restore:
                fixes = "; ".join(" + ".join(r) for r in pair.why_not.restore)
                click.echo(f"  would restore access: {fixes}")
            continue
        for route in pair.routes:
            flag = f"  [conditional: {', '.join(route.conditional)}]" if route.conditional else ""
            rest = route.transit_hours - route.hours
            arrive = f" ({route.transit_hours:,.1f} h with daily rest)" if rest > 0 else ""
            click.echo(
                f"  #{route.rank} {route.km:,.0f} km, {route.hours:,.1f} h{arrive}  "
                f"{'+'.join(route.modes)}  {' > '.join(route.countries)}{flag}"
            )
            for leg in route.legs:
                via = f" via {', '.join(leg.via)}" if leg.via and leg.mode != "transfer" else ""
                click.echo(
                    f"      {leg.mode:<8} {leg.orig} -> {leg.dest}: {leg.km:,.0f} km, "
                    f"{leg.hours:,.1f} h{via}"
                )
                if leg.waits:
                    click.echo(f"               waits: {_waits_text(leg.waits)}")
                if leg.rest_hours > 0:
                    click.echo(
                        f"               daily rest: {leg.rest_hours:,.1f} h of stops, not in "
                        f"the leg's hours (ground_defaults.csv driving_h_per_day_{traffic})"
                    )


def _waits_text(waits: Any) -> str:
    """Border and port waits of a leg, e.g. ``x-sarpi 96 h (episode 2024-11-01..2024-11-30)``."""
    parts = []
    for w in waits:
        detail = f" {w.detail}" if w.detail else ""
        parts.append(f"{w.node} {w.hours:,.1f} h ({w.basis}{detail})")
    return ", ".join(parts)


def _routes_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check ``route --out`` names a format write_routes knows, before any work (callback)."""
    if value is None:
        return None
    from corridor.export import route_format

    try:
        route_format(value)
    except CorridorError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    return value


@cli.command()
@_scenario_options
@click.option(
    "--osm",
    "osm_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Refine road legs with an OSM extract (.osm, .osm.pbf or cached GraphML).",
)
@click.option("--close-osm-node", multiple=True, type=int, metavar="ID", help="Close an OSM node.")
@click.option("--close-osm-way", multiple=True, type=int, metavar="ID", help="Close an OSM way.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object.")
@click.option("--map", "map_path", type=OutputFile(), help="Write an HTML map.")
@click.option(
    "--out",
    "out_path",
    type=OutputFile(),
    callback=_routes_file,
    help="Write the routes as GeoJSON (.geojson), GeoPackage (.gpkg) or GeoParquet (.parquet).",
)
def route(
    as_json: bool,
    map_path: Path | None,
    out_path: Path | None,
    osm_path: Path | None,
    close_osm_node: tuple[int, ...],
    close_osm_way: tuple[int, ...],
    **options: Any,
) -> None:
    """Find routes from --from places to --to places under a scenario.

    PLACE is a node id, ICAO/IATA code, name, or LAT,LON. Without --scenario every
    state is permissive. --close makes states hostile for every mode;
    --close-airspace closes only overflight and landing. Exit 0 with a route,
    1 when some pair has none (the why-not is printed), 2 on bad input.

    
    Examples:
      corridor route --from vladikavkaz --to yerevan --mode ground
      corridor route -s armenia-2020 --json
      corridor route --from UUMU --to UDYZ --close GEO,AZE,TUR --mode air
    """
    from corridor.routing import plan

    if (close_osm_node or close_osm_way) and osm_path is None:
        msg = "--close-osm-node/--close-osm-way need --osm PATH (the road graph they belong to)"
        raise click.UsageError(msg)
    try:
        scen = _build_scenario(**options)
        roads = None
        if osm_path is not None:
            from corridor.osm import load_roads

            roads = load_roads(osm_path)
            scen = scen.replace(
                closed_osm_nodes=list(close_osm_node), closed_osm_ways=list(close_osm_way)
            )
        result = plan(scen, roads=roads)
    except CorridorError as exc:
        raise _Failure(exc) from None
    if as_json:
        import json

        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_plan(result)
    if map_path is not None:
        try:
            from corridor import maps

            maps.save(maps.render(result, inline_assets=True), map_path)
        except CorridorError as exc:
            raise _Failure(exc) from None
        if not as_json:
            click.echo(f"wrote {map_path}")
    if out_path is not None:
        from corridor import export

        export.write_routes(result, out_path)
        if not as_json:
            click.echo(f"wrote {out_path}")
    if not result.feasible:
        raise click.exceptions.Exit(EXIT_NO_ROUTE)


@cli.command()
@_scenario_options
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--map", "map_path", type=OutputFile(), help="Write a comparison map.")
def whatif(as_json: bool, map_path: Path | None, **options: Any) -> None:
    """Compare a scenario with itself plus closures: corridors lost and gained.

    Give the closures with --close, --close-airspace or --conditional; prints km and
    hours added per pair and the pairs newly cut off, with their why-not.
    """
    from corridor import analysis

    close, close_airspace, conditional = (
        _csv_codes(options.pop(k), "--" + k.replace("_", "-"))
        for k in ("close", "close_airspace", "conditional")
    )
    if not (close or close_airspace or conditional):
        msg = "nothing to compare: give --close, --close-airspace or --conditional"
        raise click.UsageError(msg)
    try:
        base = _build_scenario(close=(), close_airspace=(), conditional=(), **options)
        result = analysis.whatif(
            base, close=close, close_airspace=close_airspace, conditional=conditional
        )
    except CorridorError as exc:
        raise _Failure(exc) from None
    if as_json:
        import json

        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"{result.base.scenario.name}  ->  {result.other.scenario.name}")
        for change in result.changes:
            d = change.to_dict()
            head = f"{change.origin} -> {change.destination}: "
            if not (change.in_base and change.in_other):
                continue  # whatif compares one scenario with itself: always both
            if change.newly_infeasible:
                reason = change.why_not.reason if change.why_not else ""
                click.echo(head + f"CUT OFF (was {d['before_km']:,.0f} km). {reason}")
            elif change.before is None:
                click.echo(head + ("still no route" if change.after is None else "route restored"))
            else:
                click.echo(
                    head + f"{d['before_km']:,.0f} -> {d['after_km']:,.0f} km "
                    f"({d['km_added']:+,.0f} km, {d['hours_added']:+,.1f} h)"
                )
            for lost in d["lost"]:
                click.echo(f"    lost:   {lost}")
            for gained in d["gained"]:
                click.echo(f"    gained: {gained}")
    if map_path is not None:
        from corridor import maps

        try:
            maps.save(maps.compare(result.base, result.other, inline_assets=True), map_path)
        except CorridorError as exc:
            raise _Failure(exc) from None
        if not as_json:
            click.echo(f"wrote {map_path}")


@cli.command()
@_scenario_options
@click.option(
    "--countries",
    required=True,
    metavar="ISO3,ISO3,...",
    help="States to combine (<= 20; <= 24 with --dask).",
)
@click.option("--out", type=OutputFile(), help="Write the table (.csv or .parquet).")
@click.option(
    "--out-dir",
    type=OutputFolder(),
    help="Stream the table into FOLDER as Parquet partitions (part-NNNNN.parquet, one per "
    "combination range; with --dask the workers write them). Read with pandas.read_parquet.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the ranked summary as JSON.")
@click.option(
    "--top", type=click.IntRange(1, 10_000), default=15, show_default=True, help="Rows to print."
)
@_dask_options
def sweep(
    countries: str,
    out: Path | None,
    out_dir: Path | None,
    as_json: bool,
    top: int,
    dask: str | None,
    workers: int | None,
    **options: Any,
) -> None:
    """Close every combination of --countries (2^n what-ifs) and rank the harm."""
    from corridor import analysis

    run: dict[str, Any] = {"dask": dask, "workers": workers}
    states = _csv_codes((countries,), "--countries")
    if out is not None and out_dir is not None:
        msg = "give --out (one file) or --out-dir (a folder of Parquet partitions), not both"
        raise _Failure(ScenarioError(msg))
    try:
        base = _build_scenario(**options)
        total = 1 << len(set(states))
        if not as_json and total >= 64 and sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(f"sweeping {total} combinations", total=total)
                table = _sweep_table(
                    base,
                    states,
                    out_dir,
                    progress=lambda d, t: bar.update(task, completed=d, total=t),
                    **run,
                )
        else:
            table = _sweep_table(base, states, out_dir, **run)
    except CorridorError as exc:
        raise _Failure(exc) from None
    summary = analysis.sweep_summary(table)
    if out is not None:
        from corridor.export import write_table

        try:
            write_table(table, out)
        except CorridorError as exc:
            raise _Failure(exc) from None
    if as_json:
        click.echo(summary.head(top).to_json(orient="records"))
    else:
        with_route = summary[summary["n_closed"] == 0]
        pairs = int(with_route["pairs"].iloc[0]) if len(with_route) else 0
        click.echo(f"{total} combinations x {pairs} pairs; most harmful first:")
        text = summary.head(top).to_string(
            index=False, na_rep="-", float_format=lambda x: f"{x:,.0f}"
        )
        click.echo(text)
        if out is not None:
            click.echo(f"wrote {out}")
        if out_dir is not None:
            n_parts = len(list(out_dir.glob("part-*.parquet")))
            click.echo(f"wrote {out_dir} ({n_parts} Parquet partition(s), {len(table):,} rows)")


def _sweep_table(base: Any, states: list[str], out_dir: Path | None, **run: Any) -> pd.DataFrame:
    """Run the sweep; with ``out_dir`` stream it there as partitions, then read it back."""
    from corridor import analysis

    if out_dir is None:
        return analysis.sweep(base, states, **run)
    import pandas as pd

    if run.get("dask") is None:  # in process: one streamed partition with row groups
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("part-*.parquet"):
            old.unlink()
        analysis.sweep_to_parquet(base, states, out_dir / "part-00000.parquet", **run)
    else:
        analysis.sweep_to_parquet(base, states, out_dir, **run)
    columns = ["closed", "n_closed", "origin", "destination", "km", "feasible"]
    parts = sorted(out_dir.glob("part-*.parquet"))
    return pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)


@cli.command()
@_scenario_options
@click.option("--threshold", type=FiniteFloat(min=0), default=25.0, show_default=True,
              help="Cost increase (%) that makes an element a chokepoint.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print chokepoints and corridors as JSON.")
def chokepoints(threshold: float, as_json: bool, **options: Any) -> None:
    """List the countries, crossings and facilities whose loss alone cuts access."""
    from corridor import analysis

    try:
        found, corridors = analysis.chokepoints(_build_scenario(**options), threshold_pct=threshold)
    except CorridorError as exc:
        raise _Failure(exc) from None
    if as_json:
        _echo_chokepoints_json(found, corridors)
        return
    for c in found:
        effect = "cuts access" if c.cuts_access else f"+{c.cost_increase_pct:,.0f}%"
        click.echo(f"{c.origin} -> {c.destination}: {c.kind} {c.element}: {effect}")
    if not found:
        click.echo("no single element cuts access or raises cost by more than the threshold")
    click.echo(corridors.to_string(index=False))


@cli.command()
@_scenario_options
@click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON list.")
def throughput(as_json: bool, **options: Any) -> None:
    """Maximum flow per day into the destination from sourced capacities.

    Without --mode: road and rail, each on its own. With --mode: one combined flow over
    the given ground and water modes (e.g. --mode rail --mode ferry for a rail-ferry
    corridor across the Caspian); air has no capacity here and is refused.
    """
    from corridor import analysis

    try:
        scen = _build_scenario(**options)
        given = options.get("modes") or ()
        groups = _throughput_mode_groups(given, scen.modes) if given else _ROAD_RAIL
        results = [
            ("+".join(group), t) for group in groups for t in analysis.throughput(scen, modes=group)
        ]
    except CorridorError as exc:
        raise _Failure(exc) from None
    if as_json:
        _echo_throughput_json(results)
        return
    for mode, t in results:
        head = f"{t.origin} -> {t.destination} by {mode}: "
        if t.per_day is None:
            click.echo(
                head + f"{t.note}; no capacity data on: {', '.join(t.missing_capacity[:12])}"
            )
        elif t.per_day == 0:
            click.echo(head + "no route")
        else:
            click.echo(head + f"{t.per_day:,.0f} {t.unit}; binding: {_binding_text(t)}")
            if t.assumed:
                click.echo(
                    f"  caution: binding capacities that are named assumptions, not published "
                    f"figures: {', '.join(t.assumed)}"
                )
            shares = sorted({r.element for r in t.binding if r.basis == "share"})
            if shares:
                click.echo(
                    f"  caution: binding capacities that are even shares of a total published "
                    f"for several elements, not figures of their own: {', '.join(shares)}"
                )


def _binding_text(t: Any) -> str:
    """Binding elements with their figures, e.g. ``x-dostyk (14 trains/day, published)``."""
    parts = []
    for element in t.bottlenecks:
        name = element.split(" (", 1)[0]  # a node's shared group is labelled "x (road/rail)"
        rows = [r for r in t.binding if r.element == name]
        figures = "; ".join(f"{_figure(r.capacity)} {r.unit}, {r.basis}" for r in rows)
        parts.append(f"{element} ({figures})" if figures else element)
    return ", ".join(parts)


def _figure(value: float) -> str:
    """Format a capacity as its row gives it: ``28,000,000``, ``9.5``."""
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}".rstrip("0")


_ROAD_RAIL: tuple[tuple[str, ...], ...] = (("road",), ("rail",))
#: Modes whose capacities ``analysis.throughput`` can combine (tonnes per day).
_FLOW_MODES = ("road", "rail", "ferry", "sea", "waterway")


def _throughput_mode_groups(given: Any, modes: Any) -> tuple[tuple[str, ...], ...]:
    """Return the one combined mode group of an explicit --mode list (``modes`` expanded).

    ``--mode air`` is bad input (airlift is sized by ``corridor deploy``); ``any``
    means every mode that has capacities.
    """
    if "air" in {m.lower() for m in given}:
        msg = (
            "throughput has no air capacity (size airlift with 'corridor deploy'); "
            f"valid --mode: {', '.join(_FLOW_MODES)}, ground or any"
        )
        raise click.UsageError(msg)
    return (tuple(m for m in _FLOW_MODES if m in set(modes)),)


def _finite_or_none(x: Any) -> float | None:
    import math

    return float(x) if x is not None and math.isfinite(float(x)) else None


def _echo_chokepoints_json(found: list[Any], corridors: Any) -> None:
    import json

    items = [
        {
            "origin": c.origin,
            "destination": c.destination,
            "element": c.element,
            "kind": c.kind,
            "cuts_access": c.cuts_access,
            # infinite when access is cut: JSON has no infinity, say it with null
            "cost_increase_pct": _finite_or_none(c.cost_increase_pct),
            "alternative_km": None if c.alternative is None else c.alternative.km,
        }
        for c in found
    ]
    table = json.loads(corridors.to_json(orient="records")) if len(corridors) else []
    click.echo(json.dumps({"chokepoints": items, "corridors": table}, ensure_ascii=False))


def _echo_throughput_json(results: list[tuple[str, Any]]) -> None:
    import json

    rows = [
        {
            "origin": t.origin,
            "destination": t.destination,
            "mode": mode,
            "per_day": _finite_or_none(t.per_day),
            "unit": t.unit,
            "bottlenecks": list(t.bottlenecks),
            "missing_capacity": list(t.missing_capacity),
            "note": t.note,
            "binding": [
                {
                    "element": r.element,
                    "mode": r.mode,
                    "capacity": r.capacity,
                    "unit": r.unit,
                    "tonnes_per_day": r.tonnes_per_day,
                    "basis": r.basis,
                    "date": r.date,
                    "source": r.source,
                }
                for r in t.binding
            ],
        }
        for mode, t in results
    ]
    click.echo(json.dumps(rows, ensure_ascii=False))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print name -> description as JSON.")
def scenarios(as_json: bool) -> None:
    """List the shipped reference scenarios with their one-line descriptions.

    Use a name with -s/--scenario, e.g. corridor route -s armenia-2020.
    """
    from corridor.scenario import scenario_descriptions

    try:
        found = scenario_descriptions()
    except CorridorError as exc:
        raise _Failure(exc) from None
    if as_json:
        import json

        click.echo(json.dumps(found, ensure_ascii=False))
        return
    width = max((len(n) for n in found), default=0)
    for name, description in found.items():
        click.echo(f"{name:<{width}}  {description}")


@cli.command(name="map")
@_scenario_options
@click.option("--out", type=OutputFile(), required=True, help="HTML file to write.")
@click.option(
    "--cdn",
    is_flag=True,
    help="Link Leaflet from its CDN instead of inlining it (smaller file, needs the internet).",
)
@click.option("--chokepoints", "with_chokepoints", is_flag=True, help="Highlight chokepoints.")
def map_command(out: Path, cdn: bool, with_chokepoints: bool, **options: Any) -> None:
    """Write the layered HTML map of a scenario's routes."""
    from corridor import analysis, maps
    from corridor.routing import plan

    try:
        scen = _build_scenario(**options)
        result = plan(scen)
        ids = None
        if with_chokepoints:
            found, _ = analysis.chokepoints(scen)
            ids = list(dict.fromkeys(c.element for c in found))
        maps.save(maps.render(result, inline_assets=not cdn, chokepoints=ids), out)
    except CorridorError as exc:
        raise _Failure(exc) from None
    click.echo(f"wrote {out}")


class _LazyCommand(click.Command):
    """A subcommand whose module is imported only when it runs or its help is listed.

    ``corridor route`` must not pay for importing :mod:`corridor.osm` (issue 13).
    Click builds the sub-context through :meth:`make_context`, which hands over to
    the real command, so parsing, help and invocation are the real command's.
    """

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name)
        self._target = target

    def _real(self) -> click.Command:
        from importlib import import_module

        module, _, attr = self._target.partition(":")
        command = getattr(import_module(module), attr)
        if not isinstance(command, click.Command):
            msg = f"{self._target} is not a click command"
            raise TypeError(msg)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Build the real command's context (importing its module now)."""
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def get_short_help_str(self, limit: int = 45) -> str:
        """Short help of the real command, for the group's command list."""
        return self._real().get_short_help_str(limit)


def _register_subcommands() -> None:
    cli.add_command(_LazyCommand("osm", "corridor.osm:osm_cli"))
    cli.add_command(_LazyCommand("airlift", "corridor._cli_lift:airlift"))
    cli.add_command(_LazyCommand("deploy", "corridor._cli_lift:deploy"))
    cli.add_command(_LazyCommand("explore", "corridor._cli_explore:explore_command"))
    from corridor._cli_odds import register as register_odds

    register_odds(cli)


_register_subcommands()


def _fail(message: str, code: int, exc: BaseException | None = None) -> None:
    """Print the one error line (after the traceback when verbose) and exit."""
    if _Run.verbose and exc is not None:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    first = " ".join(message.split()) if message else "unknown error"
    click.echo(f"corridor: error: {first}", err=True)
    sys.exit(code)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Print a warning as one line, ``corridor: warning: ...`` (source shown with -v)."""
    where = f" ({filename}:{lineno})" if _Run.verbose else ""
    text = " ".join(str(message).split())
    click.echo(f"corridor: warning: {category.__name__}: {text}{where}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``corridor`` console script.

    Parameters
    ----------
    argv
        Arguments without the program name (default: ``sys.argv[1:]``).

    Notes
    -----
    Exits with the code of the module docstring's table; every failure prints
    exactly one line on stderr (``corridor: error: ...``), preceded by the
    traceback only with ``-v/--verbose``.
    """
    args = sys.argv[1:] if argv is None else argv
    if not args:
        args = ["--help"]
    _Run.verbose = False
    shown = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        code = cli.main(args=args, prog_name="corridor", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx and exc.ctx.parent else ""
        _fail(f"{exc.format_message()}{hint}", EXIT_BAD_INPUT, exc)
    except _Failure as exc:
        _fail(exc.format_message(), exc.code, exc.__context__ or exc)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code, exc)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, EOFError):  # click turns any EOFError into Abort
            msg = f"internal error (a bug in corridor {__version__}): EOFError: {cause}"
            _fail(f"{msg}; rerun with -v and report it", EXIT_INTERNAL, cause)
        _fail("aborted", 130)
    except CorridorError as exc:  # anything a command did not translate itself
        _fail(str(exc), _exit_code(exc), exc)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except RecursionError as exc:
        _fail(f"input nested too deeply to process ({exc})", EXIT_BAD_INPUT, exc)
    except Exception as exc:  # a bug: say so in one line, never a traceback without -v
        what = f"{type(exc).__name__}: {exc}"
        msg = (
            f"internal error (a bug in corridor {__version__}): {what}; rerun with -v and report it"
        )
        _fail(msg, EXIT_INTERNAL, exc)
    finally:
        warnings.showwarning = shown
        _release_logging()
    sys.exit(code if isinstance(code, int) else EXIT_OK)
