"""Maps: layers, escaping, size, offline assets, comparison."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest
import shapely
from jinja2.utils import htmlsafe_json_dumps

from corridor import maps
from corridor._errors import UnknownPlaceError
from corridor.analysis import compare_plans
from corridor.network import TransitNetwork, load_network
from corridor.routing import Leg, PairPlan, Plan, Route, WhyNot, plan
from corridor.scenario import load_scenario, make_scenario

REFERENCE = ("armenia-baseline", "armenia-2020", "armenia-isolated", "kazakhstan-2022")
XSS = "<script>alert(1)</script>"
MAX_BYTES = 1_500_000


@pytest.fixture(scope="module")
def network() -> TransitNetwork:
    return load_network()


@pytest.fixture(scope="module")
def plans(network: TransitNetwork) -> dict[str, Plan]:
    return {name: plan(load_scenario(name), network=network) for name in REFERENCE}


@pytest.fixture(scope="module")
def html_2020(plans: dict[str, Plan], network: TransitNetwork) -> str:
    fmap = maps.render(plans["armenia-2020"], network=network)
    return str(fmap.get_root().render())


def _leg(
    mode: str, orig: str, dest: str, coords: list[tuple[float, float]], cond: tuple[str, ...] = ()
) -> Leg:
    line = shapely.LineString(coords)
    return Leg(mode, orig, dest, 100.0, 2.0, ("RUS", "GEO", "ARM"), (orig, dest), line, cond)


def _synthetic_plan(name: str = XSS, *, place: str = XSS) -> Plan:
    scen = make_scenario(name=name, description=f"about {name}", sources=[name])
    legs = (
        _leg("road", place, f"{place}-b", [(44.6, 43.0), (44.6, 42.5)], ("GEO",)),
        _leg("air", f"{place}-b", f"{place}-c", [(44.6, 42.5), (44.5, 41.0), (44.5, 40.2)]),
    )
    routes = (Route(place, f"{place}-c", legs, rank=1), Route(place, f"{place}-c", legs[:1], 2))
    why = WhyNot(f"no route because {place}", (place,), ((place,), ("GEO", place)))
    pairs = (
        PairPlan(place, f"{place}-c", routes),
        PairPlan(f"{place}-x", f"{place}-y", (), why),
    )
    return Plan(scen, pairs)


def _render_html(fmap: folium.Map) -> str:
    return str(fmap.get_root().render())


def _has(page: str, text: str) -> bool:
    """Text in the page as HTML, or as a JSON string in one of folium's scripts."""
    return text in page or str(htmlsafe_json_dumps(text))[1:-1] in page


# --------------------------------------------------------------------------- layers


def test_render_has_every_layer(html_2020: str) -> None:
    for name in (
        "Countries: worst stance",
        "International airspace",
        "Closed airspace (3 states)",
        "Route Vladikavkaz → Yerevan",
        "Alternative routes (rank 2+, faded)",
        "Crossings, ports and airports used",
    ):
        assert _has(html_2020, name), name
    assert "L.control.layers" in html_2020


def test_render_styles_modes_and_stances(html_2020: str) -> None:
    assert '"dashArray": "9 7"' in html_2020  # air: dashed great circle
    assert f'"color": "{maps.MODE_STYLES["sea"]["color"]}"' in html_2020  # sea: blue dots
    for colour in maps.STANCE_COLOURS.values():
        assert colour in html_2020
    assert "url(#corridor-hatch)" in html_2020 and 'id="corridor-hatch"' in html_2020
    assert "worst of the scenario" in html_2020  # the legend says how countries are coloured


def test_popups_give_route_and_leg_figures(html_2020: str, plans: dict[str, Plan]) -> None:
    best = plans["armenia-2020"].pairs[0].best  # Vladikavkaz -> Yerevan
    assert best is not None
    assert f"{best.km:,.0f} km" in html_2020
    assert "Conditional" in html_2020 and "Iran (IRN)" in html_2020
    assert "Leg 1: road" in html_2020
    assert "Status" in html_2020 and "as of" in html_2020


def test_infeasible_pairs_show_why_not_and_restore(
    plans: dict[str, Plan], network: TransitNetwork
) -> None:
    page = _render_html(maps.render(plans["armenia-isolated"], network=network))
    assert page.count("No route: ") == 3
    assert "every neighbour of ARM is closed" in page
    assert "A route returns if any one of these opens" in page
    assert "Georgia (GEO)" in page
    assert "Routes if a closure were lifted (hypothetical)" in page


def test_chokepoints_are_highlighted(plans: dict[str, Plan], network: TransitNetwork) -> None:
    fmap = maps.render(
        plans["armenia-baseline"], network=network, chokepoints=["x-upper-lars", "GEO"]
    )
    page = _render_html(fmap)
    assert "Chokepoints" in page
    assert "Chokepoint: Georgia (GEO)" in page
    assert "Chokepoint: " in page and "x-upper-lars" in page


def test_unknown_chokepoint_is_refused(plans: dict[str, Plan], network: TransitNetwork) -> None:
    with pytest.raises(UnknownPlaceError, match="nowhere"):
        maps.render(plans["armenia-baseline"], network=network, chokepoints=["nowhere"])


def test_render_refuses_a_non_plan() -> None:
    with pytest.raises(TypeError, match="Plan"):
        maps.render({"routes": []})  # type: ignore[arg-type]


def test_worst_stance() -> None:
    scen = make_scenario(stances={"IRN": {"default": "permissive", "sea": "conditional"}})
    assert maps.worst_stance(scen, "IRN").value == "conditional"
    assert maps.worst_stance(scen, "GEO").value == "permissive"
    scen = make_scenario(stances={"GEO": {"overflight": "hostile", "road": "conditional"}})
    assert maps.worst_stance(scen, "GEO").value == "hostile"


def test_render_scenario_plans_then_renders(network: TransitNetwork) -> None:
    scen = make_scenario(
        name="road only", origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"], k=1
    )
    page = _render_html(maps.render_scenario(scen, network=network, tiles=False))
    assert _has(page, "Route Vladikavkaz → Yerevan")
    assert "tile_layer" not in page


def test_geography_map_still_renders() -> None:
    page = _render_html(maps.geography_map(tiles=False))
    assert "Territorial seas (12 nm)" in page and "International airspace" in page


def _assert_offline(page: str) -> None:
    assert not re.search(r"<script[^>]+src=[\"']?https?://", page)
    assert not re.search(r"<link[^>]+href=[\"']?https?://", page)
    assert not re.search(r"@import\s+url\([\"']?https?://", page)
    for host in ("jquery", "bootstrap", "fonts.googleapis", "cdnjs", "jsdelivr"):
        assert host not in page.lower(), host


def test_geography_map_is_offline_by_default() -> None:
    _assert_offline(_render_html(maps.geography_map()))
    cdn = _render_html(maps.geography_map(inline_assets=False))
    assert re.search(r"<script[^>]+src=[\"']https?://", cdn)


def test_default_basemap_is_offline_and_osm_is_optional(html_2020: str) -> None:
    _assert_offline(html_2020)
    assert _has(html_2020, "Basemap: Natural Earth land (offline)")
    assert _has(html_2020, "Basemap: OpenStreetMap (online)")
    # the tile layer is listed in the layer control but not added to the map
    tile = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(", html_2020)
    assert tile is not None
    assert f"{tile.group(1)}.addTo(" not in html_2020
    assert '"corridor-base"' in html_2020


def test_pair_colours_are_distinct_and_colour_blind_safe(html_2020: str) -> None:
    assert len(set(maps.ROUTE_COLOURS)) == len(maps.ROUTE_COLOURS)
    okabe_ito = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}
    assert set(maps.ROUTE_COLOURS[:7]) == okabe_ito
    for colour in maps.ROUTE_COLOURS[:8]:  # armenia-2020 has 8 feasible pairs
        assert colour in html_2020

    def lightness(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    stances = [lightness(c) for c in maps.STANCE_COLOURS.values()]
    assert stances == sorted(stances, reverse=True)  # permissive lightest, hostile darkest
    assert min(a - b for a, b in zip(stances, stances[1:], strict=False)) > 0.15


def test_page_is_responsive_and_labels_declutter(html_2020: str) -> None:
    assert "@media (max-width: 700px)" in html_2020
    assert "max-height: 33vh" in html_2020
    assert 'id="corridor-legend"' in html_2020 and 'id="corridor-panel"' in html_2020
    assert "fitBounds(bounds, padding())" in html_2020  # padding measured from the boxes
    assert "padding_top_left" not in html_2020 and "[390, 20]" not in html_2020
    assert "corridor-hidden" in html_2020  # labels hide on collision, show on hover
    assert "L.control.scale" in html_2020
    assert 'id="summary"' in html_2020


# --------------------------------------------------------------------------- escaping


def _assert_no_raw(page: str, text: str) -> None:
    json_form = text.replace("<", "\\u003c").replace(">", "\\u003e")
    assert text not in page
    assert json_form not in page


def test_names_from_data_are_escaped(network: TransitNetwork) -> None:
    page = _render_html(maps.render(_synthetic_plan(), network=network))
    _assert_no_raw(page, XSS)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in page  # title, why-not box (plain HTML)
    assert escaped.replace("&", "\\u0026") in page  # popups and tooltips (JSON in the script)
    assert f"<title>{escaped}</title>" in page


def test_template_and_js_syntax_in_names_stays_text(network: TransitNetwork) -> None:
    # folium renders its output twice through Jinja; backticks end JS template literals.
    nasty = "{{ 1234567 * 3 }}`${alert(1)}`\\"
    page = _render_html(maps.render(_synthetic_plan(nasty, place=nasty), network=network))
    assert "3703701" not in page
    assert "{{ 1234567" not in page
    assert "`${alert(1)}`" not in page
    assert "&#123;&#123; 1234567 * 3 &#125;&#125;&#96;&#36;&#123;alert(1)&#125;&#96;&#92;" in page


def test_comparison_escapes_names(network: TransitNetwork) -> None:
    page = _render_html(maps.compare(_synthetic_plan(), _synthetic_plan("other"), network=network))
    _assert_no_raw(page, XSS)


# --------------------------------------------------------------------------- size and offline


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_maps_stay_small(
    name: str, plans: dict[str, Plan], network: TransitNetwork, tmp_path: Path
) -> None:
    cdn = maps.render(plans[name], network=network, inline_assets=False)
    path = maps.save(cdn, tmp_path / f"{name}.html")
    assert path.stat().st_size < MAX_BYTES
    inline = maps.render(plans[name], network=network)
    path = maps.save(inline, tmp_path / f"{name}-inline.html")
    assert path.stat().st_size < MAX_BYTES


def test_display_geometry_simplifies_and_rounds() -> None:
    import geopandas as gpd

    square = shapely.Polygon(
        [(44.123456, 40.0), (44.5, 40.000001), (45.0, 40.0), (45.0, 41.0), (44.0, 41.0)]
    )
    out = maps.display_geometry(gpd.GeoDataFrame(geometry=[square], crs="EPSG:4326"))
    coords = shapely.get_coordinates(out.geometry.values)
    assert len(coords) < len(square.exterior.coords)
    assert (abs(coords * 1e4 - (coords * 1e4).round()) < 1e-6).all()


def test_coordinates_are_rounded(html_2020: str) -> None:
    pairs = re.findall(r"\[(-?\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?)\]", html_2020)
    assert len(pairs) > 5000
    too_long = [p for p in pairs if any(len(x.partition(".")[2]) > 4 for x in p)]
    assert not too_long[:3]


def test_map_background_shows_without_tiles(html_2020: str) -> None:
    assert ".leaflet-container.folium-map { background:" in html_2020


def test_inline_assets_leaves_no_cdn_reference(
    plans: dict[str, Plan], network: TransitNetwork
) -> None:
    cdn = _render_html(maps.render(plans["armenia-2020"], network=network, inline_assets=False))
    assert re.search(r"<script[^>]+src=[\"']https?://", cdn)  # folium's links, on request
    page = _render_html(maps.render(plans["armenia-2020"], network=network))  # the default
    assert not re.search(r"<script[^>]+src=[\"']?https?://", page)
    assert not re.search(r"<link[^>]+href=[\"']?https?://", page)
    assert not re.search(r"@import\s+url\([\"']?https?://", page)
    assert "<script src" not in page and '<link rel="stylesheet"' not in page
    assert "Leaflet 1.9.3" in page  # vendored library inlined
    assert "url(data:image/png;base64," in page  # control icons inlined
    assert "url(images/" not in page


def test_inline_assets_refuses_assets_it_cannot_inline(
    plans: dict[str, Plan], network: TransitNetwork
) -> None:
    from folium.plugins import Fullscreen

    fmap = maps.render(plans["armenia-baseline"], network=network)
    Fullscreen().add_to(fmap)
    with pytest.raises(ValueError, match="cannot inline"):
        maps.inline_assets(fmap)


def test_save_writes_atomically(tmp_path: Path, network: TransitNetwork) -> None:
    dest = tmp_path / "sub" / "map.html"
    out = maps.save(maps.render(_synthetic_plan("s"), network=network, tiles=False), dest)
    assert out == dest
    assert dest.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in dest.parent.iterdir()] == ["map.html"]
    with pytest.raises(TypeError):
        maps.save("<html></html>", dest)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- comparison


@pytest.fixture(scope="module")
def georgia_closed(network: TransitNetwork) -> tuple[Plan, Plan]:
    base = make_scenario(
        name="baseline", origins=["vladikavkaz"], destinations=["yerevan"], modes=["ground", "sea"]
    )
    closed = base.with_closures(close=["GEO", "AZE", "TUR"], conditional=["IRN"])
    closed = closed.replace(name="2020-like")
    return plan(base, network=network), plan(closed, network=network)


def test_comparison_reports_the_georgia_corridor_as_lost(georgia_closed: tuple[Plan, Plan]) -> None:
    base, other = georgia_closed
    assert "x-upper-lars" in base.pairs[0].best.via  # type: ignore[union-attr]
    result = compare_plans(base, other)
    assert len(result.pairs) == 1
    change = result.pairs[0]
    assert any("x-upper-lars" in r.via for r in result.lost)
    assert not any("x-upper-lars" in r.via for r in result.gained + result.kept)
    assert result.gained and all("IRN" in r.countries for r in result.gained)
    assert change.before is base.pairs[0].best and change.after is other.pairs[0].best
    lost_sigs = {r.signature for r in result.lost}
    assert lost_sigs.isdisjoint({r.signature for r in other.routes})


def test_compare_map_draws_lost_and_new_layers(
    georgia_closed: tuple[Plan, Plan], network: TransitNetwork
) -> None:
    base, other = georgia_closed
    page = _render_html(maps.compare(base, other, network=network))
    assert "Lost corridors" in page and "New corridors" in page
    assert "baseline → 2020-like" in page
    before, after = base.pairs[0].best, other.pairs[0].best
    assert f"{before.km:,.0f} km" in page and f"{after.km:,.0f} km" in page  # type: ignore[union-attr]


def test_comparison_of_identical_plans_keeps_everything() -> None:
    p = _synthetic_plan("same", place="a")
    result = compare_plans(p, p)
    assert not result.lost and not result.gained
    assert len(result.kept) == len(p.routes)


def test_comparison_with_a_cut_off_pair_says_no_route(network: TransitNetwork) -> None:
    base = _synthetic_plan("base", place="a")
    why = WhyNot("all closed", ("GEO",), (("GEO",),))
    other = Plan(make_scenario(name="cut"), (PairPlan("a", "a-c", (), why),))
    result = compare_plans(base, other)
    pair = next(p for p in result.pairs if p.origin == "a" and p.destination == "a-c")
    assert pair.after is None and pair.why_not is why
    assert len(pair.lost) == 2 and not pair.gained
    page = _render_html(maps.compare(base, other, network=network, tiles=False))
    assert "no route" in page and "all closed" in page
