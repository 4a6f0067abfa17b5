"""``corridor osm`` commands."""

from __future__ import annotations

from pathlib import Path

import click

from corridor._cliopts import FiniteFloat, OutputFile
from corridor.osm._build import _cache_path
from corridor.osm._common import NETWORKS, Weight
from corridor.osm._graph import RoadGraph
from corridor.osm._io import fetch_roads, load_roads, save_roads
from corridor.osm._route import shortest_path

# --------------------------------------------------------------------------- CLI


def _parse_lat_lon(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    """Parse ``LAT,LON`` in degrees into ``(lon, lat)`` (a click callback)."""
    try:
        lat_s, lon_s = value.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        msg = f"expected LAT,LON in degrees (e.g. 42.66,44.64), got {value!r}"
        raise click.BadParameter(msg, ctx, param) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"LAT must be within -90..90 and LON within -180..180, got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return lon, lat


def _parse_bbox(
    ctx: click.Context, param: click.Parameter, value: str
) -> tuple[float, float, float, float]:
    """Parse ``W,S,E,N`` in degrees (a click callback)."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        msg = f"expected W,S,E,N in degrees (e.g. 44.5,42.6,44.8,43.1), got {value!r}"
        raise click.BadParameter(msg, ctx, param) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = f"need west < east within -180..180 and south < north within -90..90, got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return west, south, east, north


def _summary(roads: RoadGraph, label: str) -> None:
    w, s, e, n = roads.bbox
    click.echo(
        f"{label}: {roads.n_nodes:,} nodes, {roads.n_edges:,} edges, "
        f"{roads.road_km:,.1f} km of road"
    )
    click.echo(f"bbox (W,S,E,N): {w:.5f},{s:.5f},{e:.5f},{n:.5f}")


@click.group("osm")
def osm_cli() -> None:
    """Real road graphs from OpenStreetMap: load an extract, route, fetch."""


@osm_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def _load_cmd(path: Path) -> None:
    """Load PATH (.osm, .osm.bz2, .osm.pbf, .graphml), summarise it, write PATH.arrays.npz."""
    roads = load_roads(path, cache=True)
    _summary(roads, str(path))
    npz = _cache_path(path)
    state = "reused" if roads.from_cache else ("written" if npz.is_file() else "not written")
    click.echo(f"array cache: {npz} ({state})")


@osm_cli.command("route")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "orig", required=True, metavar="LAT,LON", callback=_parse_lat_lon,
              help="Start point.")  # fmt: skip
@click.option("--to", "dest", required=True, metavar="LAT,LON", callback=_parse_lat_lon,
              help="End point.")  # fmt: skip
@click.option("--close-node", "close_nodes", multiple=True, type=int, metavar="ID",
              help="OSM node id to close (repeatable).")  # fmt: skip
@click.option("--close-way", "close_ways", multiple=True, type=int, metavar="ID",
              help="OSM way id to close (repeatable).")  # fmt: skip
@click.option("--weight", type=click.Choice(["travel_time", "length"]), default="travel_time",
              show_default=True, help="Minimise time or distance.")  # fmt: skip
@click.option("--max-snap-km", type=FiniteFloat(min=0, min_open=True), default=2.0,
              show_default=True,
              help="Refuse end points farther than this from the road graph.")  # fmt: skip
def _route_cmd(
    path: Path,
    orig: tuple[float, float],
    dest: tuple[float, float],
    close_nodes: tuple[int, ...],
    close_ways: tuple[int, ...],
    weight: Weight,
    max_snap_km: float,
) -> None:
    """Fastest (or shortest) road path on the graph in PATH between two points."""
    roads = load_roads(path)
    route = shortest_path(
        roads, orig, dest, weight=weight, closed_nodes=close_nodes, closed_ways=close_ways,
        max_snap_km=max_snap_km,
    )  # fmt: skip
    minutes = route.hours * 60
    click.echo(f"route: {route.length_km:.2f} km, {route.hours:.2f} h ({minutes:.0f} min)")
    click.echo(
        f"nodes: {len(route.nodes)} (snapped {route.snap_km[0]:.2f} km / "
        f"{route.snap_km[1]:.2f} km); ways: {', '.join(str(w) for w in route.ways) or '-'}"
    )
    if route.via:
        click.echo(f"via: {', '.join(route.via)}")


@osm_cli.command("fetch")
@click.option("--bbox", required=True, metavar="W,S,E,N", callback=_parse_bbox,
              help="Area in degrees: west,south,east,north.")  # fmt: skip
@click.option("--network", type=click.Choice(list(NETWORKS)), default="trunk/primary",
              show_default=True, help="Highway classes to download.")  # fmt: skip
@click.option("--out", type=OutputFile(),
              help="Also write the graph to this .graphml file.")  # fmt: skip
def _fetch_cmd(bbox: tuple[float, float, float, float], network: str, out: Path | None) -> None:
    """Download roads from OpenStreetMap (NEEDS INTERNET ACCESS; cached).

    Offline, use 'osm load' on a .osm / .osm.pbf extract instead.
    """
    roads = fetch_roads(bbox, network=network)
    _summary(roads, f"OSM {network} roads in {bbox}")
    click.echo(f"cached: {roads.source}")
    if out is not None:
        click.echo(f"wrote {save_roads(roads, out)}")


def register_cli(group: click.Group) -> None:
    """Add the ``osm`` command group (``load``, ``route``, ``fetch``) to a click group.

    Parameters
    ----------
    group
        The application's top-level group (corridor's ``cli``).
    """
    group.add_command(osm_cli)
