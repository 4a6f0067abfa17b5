"""Every kind of page in headless Chromium, driven through the DevTools protocol.

The pages are self-contained (the default) and every ``http(s)`` request is blocked
and recorded (see ``tests/cdp_client.py``): a page must load with no console error, no
uncaught exception and no network request, at desktop (1400x1000) and phone (390x844)
sizes. Screenshots go to ``maps/screenshots/`` (ignored by git) for people to look at.
The explorer's summary is checked against :func:`corridor.analysis.whatif` for the
same closures, an independent search (a full ``plan`` per what-if, not the sweep).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor import analysis, maps
from corridor.network import TransitNetwork, load_network
from corridor.routing import Plan, plan
from corridor.scenario import load_scenario

cdp_client = pytest.importorskip("cdp_client")
Browser = cdp_client.Browser

SHOTS = Path(__file__).resolve().parents[1] / "maps" / "screenshots"
SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}
EXPLORE_STATES = ("AZE", "GEO", "IRN", "KAZ", "TKM")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(cdp_client.CHROMIUM is None, reason="headless Chromium is not installed"),
]


@pytest.fixture(scope="module")
def network() -> TransitNetwork:
    return load_network()


@pytest.fixture(scope="module")
def plan_2020(network: TransitNetwork) -> Plan:
    return plan(load_scenario("armenia-2020"), network=network)


@pytest.fixture(scope="module")
def pages(
    tmp_path_factory: pytest.TempPathFactory, network: TransitNetwork, plan_2020: Plan
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    baseline = plan(load_scenario("armenia-baseline"), network=network)
    isolated = plan(load_scenario("armenia-isolated"), network=network)
    built = {
        "armenia-2020": maps.render(plan_2020, network=network),
        "armenia-isolated": maps.render(isolated, network=network),
        "compare": maps.compare(baseline, plan_2020, network=network),
        "geography": maps.geography_map(),
        "explore": maps.explore("armenia-2020", EXPLORE_STATES, network=network),
    }
    return {name: maps.save(fmap, folder / f"{name}.html") for name, fmap in built.items()}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as b:
        yield b


def _open(browser: Browser, page: Path, size: str, fragment: str = "") -> None:
    width, height = SIZES[size]
    browser.viewport(width, height, mobile=size == "phone")
    browser.open(page.as_uri() + fragment)
    browser.js("new Promise(r => setTimeout(r, 150))")  # let the fit and the labels settle


def _rect(browser: Browser, selector: str) -> dict[str, float] | None:
    value = browser.js(
        f"(() => {{ const e = document.querySelector({selector!r});"
        " if (!e) return null; const r = e.getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,"
        " width: r.width, height: r.height}; })()"
    )
    return value if isinstance(value, dict) else None


def test_console_errors_are_detected(browser: Browser, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><body><script>undefinedFunction();</script>"
        '<img src="https://example.org/x.png"></body></html>',
        encoding="utf-8",
    )
    browser.open(broken.as_uri())
    assert any("undefinedFunction" in e for e in browser.errors())
    assert browser.requests() == ["https://example.org/x.png"]


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize(
    "name", ["armenia-2020", "armenia-isolated", "compare", "geography", "explore"]
)
def test_page_loads_offline_without_errors(
    browser: Browser, pages: dict[str, Path], name: str, size: str
) -> None:
    _open(browser, pages[name], size)
    assert browser.errors() == []
    assert browser.requests() == []  # nothing fetched: self-contained, offline basemap
    n_paths = browser.js("document.querySelectorAll('path.leaflet-interactive').length")
    assert n_paths > 40  # countries, airspace and (for route maps) routes drawn
    assert browser.js("document.querySelectorAll('.leaflet-control-scale').length") == 1
    width, height = SIZES[size]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = browser.screenshot(SHOTS / f"{name}-{width}x{height}.png")
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # the title is never under a control
    title = _rect(browser, "#corridor-title")
    assert title is not None
    for control in (".leaflet-control-zoom", ".leaflet-control-layers"):
        box = _rect(browser, control)
        assert box is not None
        apart = (
            title["right"] <= box["left"]
            or title["left"] >= box["right"]
            or title["bottom"] <= box["top"]
        )
        assert apart, (control, title, box)


def test_phone_boxes_start_collapsed_and_stay_within_a_third(
    browser: Browser, pages: dict[str, Path]
) -> None:
    width, height = SIZES["phone"]
    for name in ("armenia-2020", "explore", "armenia-isolated"):
        _open(browser, pages[name], "phone")
        for box in ("#corridor-legend", "#corridor-panel"):
            assert browser.js(f"document.querySelector('{box}').open") is False, (name, box)
            browser.js(f"document.querySelector('{box} > summary').click()")
            browser.js("new Promise(r => setTimeout(r, 50))")
            assert browser.js(f"document.querySelector('{box}').open") is True
            rect = _rect(browser, box)
            assert rect is not None
            assert rect["width"] * rect["height"] <= width * height / 3, (name, box, rect)
            assert rect["height"] <= height / 3 + 1
        # opening one box on a phone closes the other
        assert browser.js("document.querySelector('#corridor-legend').open") is False


def test_phone_map_fits_the_routes(browser: Browser, pages: dict[str, Path]) -> None:
    # a fixed 390 px side padding used to zoom a phone out to a 2,000-5,000 km scale
    _open(browser, pages["armenia-2020"], "phone")
    zoom = browser.js("corridorPage.map.getZoom()")
    assert zoom >= 3.5
    inside = browser.js(
        "(() => { const m = corridorPage.map, b = m.getBounds();"
        " return [[43.03, 44.68], [40.18, 44.51]].every(p => b.contains(p)); })()"
    )
    assert inside  # Vladikavkaz and Yerevan are on screen


def test_desktop_shows_boxes_and_fits_beside_them(browser: Browser, pages: dict[str, Path]) -> None:
    _open(browser, pages["armenia-2020"], "desktop")
    assert browser.js("document.querySelector('#corridor-legend').open") is True
    panel = _rect(browser, "#corridor-panel")
    assert panel is not None
    yerevan = browser.js(
        "(() => { const p = corridorPage.map.latLngToContainerPoint([40.1777, 44.5126]);"
        " return [p.x, p.y]; })()"
    )
    assert yerevan[0] > panel["right"]  # the data is not under the panel


def test_labels_do_not_overlap(browser: Browser, pages: dict[str, Path]) -> None:
    for size in SIZES:
        _open(browser, pages["armenia-2020"], size)
        rects = browser.js(
            "Array.from(document.querySelectorAll('.corridor-label:not(.corridor-hidden)'))"
            ".map(e => { const r = e.getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; })"
        )
        assert len(rects) >= 3
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                overlap = a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]
                assert not overlap, (size, a, b)


def test_labels_are_placed_again_after_a_resize(browser: Browser, pages: dict[str, Path]) -> None:
    # a phone turned from landscape to portrait: no reload, the window just gets narrower
    browser.viewport(844, 390, mobile=True)
    browser.open(pages["armenia-2020"].as_uri())
    browser.js("new Promise(r => setTimeout(r, 150))")
    browser.viewport(390, 844, mobile=True)
    browser.js("new Promise(r => setTimeout(r, 500))")  # Leaflet debounces its resize
    frame = _rect(browser, ".leaflet-container")
    assert frame is not None and frame["right"] <= 391
    rects = browser.js(
        "Array.from(document.querySelectorAll('.corridor-label:not(.corridor-hidden)'))"
        ".map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert rects
    for r in rects:  # every label shown lies wholly inside the map
        assert frame["left"] <= r[0] and r[2] <= frame["right"], (r, frame)
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), (a, b)


def test_layer_control_and_popups_work(browser: Browser, pages: dict[str, Path]) -> None:
    _open(browser, pages["armenia-2020"], "desktop")
    count = "document.querySelectorAll('.leaflet-corridor-routes-pane path').length"
    before = browser.js(count)
    assert before > 10
    labels = browser.js(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".map(l => l.textContent.trim())"
    )
    assert any(label.endswith("Route Vladikavkaz → Yerevan") for label in labels)
    toggle = (
        "(() => { const l = Array.from(document.querySelectorAll("
        "'.leaflet-control-layers-overlays label')).find(l => l.textContent.trim()"
        ".endsWith('Route Vladikavkaz → Yerevan')); l.querySelector('input').click(); })()"
    )
    browser.js(toggle)
    assert browser.js(count) < before
    browser.js(toggle)
    assert browser.js(count) == before
    # click a route line: its popup opens with route and leg figures
    browser.js(
        "(() => { const p = document.querySelector('.leaflet-corridor-routes-pane path');"
        " const n = p.getTotalLength(), pt = p.getPointAtLength(n / 2);"
        " const m = p.getScreenCTM(), x = pt.x * m.a + m.e, y = pt.y * m.d + m.f;"
        " p.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y})); })()"
    )
    popup = browser.js("(document.querySelector('.leaflet-popup-content') || {}).textContent")
    assert popup and "Leg" in popup and " km" in popup
    # the online basemap is offered but off; the offline one is on
    bases = browser.js(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-base label'))"
        ".map(l => [l.textContent.trim(), l.querySelector('input').checked])"
    )
    assert ["Basemap: Natural Earth land (offline)", True] in bases
    assert ["Basemap: OpenStreetMap (online)", False] in bases
    assert browser.errors() == []


def test_places_are_drawn_above_the_countries(browser: Browser, pages: dict[str, Path]) -> None:
    _open(browser, pages["armenia-2020"], "desktop")
    dots = browser.js(
        "Array.from(document.querySelectorAll('.leaflet-corridor-points-pane path'))"
        ".map(p => [p.getAttribute('fill'), p.getAttribute('stroke')])"
    )
    assert len(dots) >= 9  # 6 endpoints and the crossings, ports and airports used
    assert ["#111111", "#ffffff"] in dots  # an origin/destination: filled black, white ring
    # the topmost element at Yerevan's marker is the marker, not a country fill
    top = browser.js(
        "(() => { const p = corridorPage.map.latLngToContainerPoint([40.1777, 44.5126]);"
        " const r = corridorPage.map.getContainer().getBoundingClientRect();"
        " const e = document.elementFromPoint(r.left + p.x, r.top + p.y);"
        " return e.closest('.leaflet-pane').className; })()"
    )
    assert "corridor-points" in top


FRAGMENTS = (
    (),
    ("IRN",),
    ("TKM",),
    ("KAZ", "TKM"),
    ("GEO", "IRN"),
    ("AZE", "KAZ"),
    ("IRN", "KAZ", "TKM"),
    ("AZE", "GEO", "KAZ", "TKM"),
    ("AZE", "GEO", "IRN", "KAZ", "TKM"),
)


def test_explorer_summary_matches_whatif(
    browser: Browser, pages: dict[str, Path], network: TransitNetwork
) -> None:
    base = load_scenario("armenia-2020")
    seen = set()
    for closed in FRAGMENTS:
        _open(browser, pages["explore"], "desktop", "#closed=" + ",".join(closed))
        summary = browser.js("document.getElementById('summary').textContent")
        result = analysis.whatif(base, close=closed, network=network)
        n_ok = sum(p.feasible for p in result.other.pairs)
        expected = f"{n_ok} of {len(result.other.pairs)} origin–destination pairs have a route."
        assert summary == expected, closed
        whynots = browser.js(
            "document.querySelectorAll('#corridor-whynots .corridor-whynot').length"
        )
        assert whynots == len(result.other.pairs) - n_ok
        seen.add(n_ok)
        assert browser.errors() == []
    assert len(seen) >= 2  # the fragments reach different answers


def test_explorer_toggles_redraw_and_write_the_fragment(
    browser: Browser, pages: dict[str, Path]
) -> None:
    _open(browser, pages["explore"], "desktop", "#closed=")
    drawn = browser.js("corridorExplore.drawn()")
    assert drawn > 0
    browser.js("document.getElementById('corridor-toggle-IRN').click()")
    assert browser.js("location.hash") == "#closed=IRN"
    assert browser.js("corridorExplore.drawn()") < drawn
    assert browser.js("document.getElementById('corridor-state-IRN').textContent") == "refuses"
    summary = browser.js("document.getElementById('summary').textContent")
    assert re.fullmatch(r"\d+ of \d+ origin–destination pairs have a route\.", summary)
    browser.js("document.getElementById('corridor-toggle-IRN').click()")
    assert browser.js("location.hash") == "#closed="
    assert browser.js("corridorExplore.drawn()") == drawn
    # a code the page does not toggle is reported, not silently dropped
    _open(browser, pages["explore"], "desktop", "#closed=IRN,XXX")
    notice = browser.js("document.getElementById('corridor-notice')")
    assert browser.js("document.getElementById('corridor-notice').hidden") is False, notice
    assert "XXX" in browser.js("document.getElementById('corridor-notice').textContent")
    assert browser.errors() == []
