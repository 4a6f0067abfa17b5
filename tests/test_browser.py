"""The armenia-2020 map in headless Chromium: no JS errors, layers in the DOM, a screenshot.

Chromium runs offline on a self-contained page (``inline_assets=True``, no tiles), with
``--enable-logging=stderr`` so that console messages and uncaught exceptions appear on
stderr as ``...:CONSOLE...`` lines. The screenshot goes to ``maps/armenia-2020.png``
(ignored by git) for people to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from corridor import maps
from corridor.routing import plan
from corridor.scenario import load_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = Path(__file__).resolve().parents[1] / "maps" / "armenia-2020.png"
TIMEOUT_S = 120

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed"),
]


def _chromium(page: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        "--hide-scrollbars",
        "--window-size=1400,900",
        *mode,
        page.as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def _console_errors(stderr: str) -> list[str]:
    """Console messages and uncaught exceptions Chromium logged (the page logs none)."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line or "Uncaught" in line or "Failed to load resource" in line
    ]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fmap = maps.render(plan(load_scenario("armenia-2020")), inline_assets=True, tiles=False)
    return maps.save(fmap, tmp_path_factory.mktemp("browser") / "armenia-2020.html")


@pytest.fixture(scope="module")
def dom(page: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    result = _chromium(page, tmp_path_factory.mktemp("profile"), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not _console_errors(result.stderr)
    return result.stdout


def test_console_errors_are_detected(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    result = _chromium(broken, tmp_path / "profile", "--dump-dom")
    errors = _console_errors(result.stderr)
    assert any("undefinedFunction" in e for e in errors), result.stderr[-2000:]


def test_map_renders_layers_without_errors(dom: str) -> None:
    paths = re.findall(r"<path[^>]*class=\"[^\"]*leaflet-interactive", dom)
    assert len(paths) > 100  # 49 countries, closed airspace, route legs and casings
    assert 'fill="url(#corridor-hatch)"' in dom  # closed airspace drawn, hatched
    markers = re.findall(r"<path[^>]*stroke-dasharray=\"9 7\"", dom)
    assert markers  # dashed air legs
    for name in (
        "Countries: worst stance",
        "Closed airspace (3 states)",
        "International airspace",
        "Route Vladikavkaz → Yerevan",
        "Crossings, ports and airports used",
    ):
        assert f" {name}</span>" in dom, name  # label of a layer-control entry
    assert "leaflet-control-layers-selector" in dom
    assert "armenia-2020" in dom and "Legend" in dom


def test_screenshot(page: Path, tmp_path: Path, dom: str) -> None:
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = tmp_path / "shot.png"
    result = _chromium(page, tmp_path / "profile", f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not _console_errors(result.stderr)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000
    shutil.copyfile(shot, SCREENSHOT)
