"""The what-if explorer page: compact precomputed data, CLI, escaping, size."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from corridor import analysis, maps
from corridor._errors import CorridorError, ScenarioError
from corridor.cli import main
from corridor.network import TransitNetwork, load_network
from corridor.scenario import load_scenario

STATES = ("AZE", "GEO", "IRN", "TKM")
TEN = ("GEO", "AZE", "TUR", "IRN", "TKM", "KAZ", "UZB", "UKR", "BLR", "AFG")


@pytest.fixture(scope="module")
def network() -> TransitNetwork:
    return load_network()


def _data(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="corridor-explore-data">(.*?)</script>', page, re.S
    )
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture(scope="module")
def page(network: TransitNetwork) -> str:
    fmap = maps.explore("armenia-2020", STATES, network=network)
    return str(fmap.get_root().render())


def test_every_combination_is_stored_compactly(page: str) -> None:
    data = _data(page)
    assert data["states"] == sorted(STATES)
    n_pairs = len(data["pairs"])
    assert n_pairs == 8
    assert len(data["best"]) == (1 << len(STATES)) * n_pairs
    used = {r for r in data["best"] if r >= 0}
    assert used == set(range(len(data["routes"])))  # every stored route is used
    assert len(data["routes"]) < sum(r >= 0 for r in data["best"])  # stored once, referenced
    for route in data["routes"]:
        assert route["km"] > 0 and route["legs"]
        assert all(len(leg["c"]) % 2 == 0 and len(leg["c"]) >= 4 for leg in route["legs"])


@pytest.mark.parametrize("closed", [(), ("IRN",), ("GEO", "TKM"), ("AZE", "GEO", "TKM")])
def test_stored_answers_match_whatif(
    page: str, network: TransitNetwork, closed: tuple[str, ...]
) -> None:
    data = _data(page)
    bits = sum(1 << data["states"].index(c) for c in closed)
    n_pairs = len(data["pairs"])
    stored = data["best"][bits * n_pairs : (bits + 1) * n_pairs]
    result = analysis.whatif(load_scenario("armenia-2020"), close=closed, network=network)
    assert [p.feasible for p in result.other.pairs] == [r >= 0 for r in stored]
    for pair, r in zip(result.other.pairs, stored, strict=True):
        if pair.best is not None:
            assert data["routes"][r]["km"] == pytest.approx(pair.best.km, rel=1e-3)


def test_page_is_offline_and_has_the_controls(page: str) -> None:
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?://", page)
    assert 'id="summary"' in page and 'id="corridor-toggles"' in page
    assert "#closed=" in page and "hashchange" in page


def test_names_are_escaped(network: TransitNetwork) -> None:
    xss = "<script>alert(1)</script>{{ 7*7 }}"
    scen = load_scenario("armenia-2020").replace(name=xss)
    page = str(maps.explore(scen, ["IRN"], network=network).get_root().render())
    assert "<script>alert(1)" not in page and "{{ 7*7 }}" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#123;&#123; 7*7 &#125;&#125;" in page


def test_bad_country_lists_are_refused(network: TransitNetwork) -> None:
    with pytest.raises(ScenarioError, match="1 to 12"):
        maps.explore("armenia-2020", [], network=network)
    with pytest.raises(ScenarioError, match="1 to 12"):
        maps.explore("armenia-2020", [*TEN, "RUS", "CHN", "MNG"], network=network)
    with pytest.raises(CorridorError, match="XXX"):
        maps.explore("armenia-2020", ["GEO", "XXX"], network=network)


@pytest.mark.slow
def test_ten_states_fit_in_three_megabytes(network: TransitNetwork, tmp_path: Path) -> None:
    path = maps.save(maps.explore("armenia-2020", TEN, network=network), tmp_path / "x.html")
    assert path.stat().st_size <= 3_000_000
    data = _data(path.read_text(encoding="utf-8"))
    assert len(data["best"]) == 1024 * 8


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_cli_explore_writes_one_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "explore.html"
    code, text, _ = _run(
        capsys, "explore", "-s", "armenia-2020", "--countries", "IRN,GEO", "--out", str(out)
    )
    assert code == 0
    assert "2 states, 4 combinations" in text
    assert [p.name for p in tmp_path.iterdir()] == ["explore.html"]
    assert len(_data(out.read_text(encoding="utf-8"))["best"]) == 4 * 8


@pytest.mark.parametrize(
    ("countries", "needle"),
    [("GEO,XXX", "XXX"), (",".join([*TEN, "RUS", "CHN", "MNG"]), "1 to 12")],
)
def test_cli_explore_bad_input_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, countries: str, needle: str
) -> None:
    code, _, err = _run(
        capsys, "explore", "-s", "armenia-2020", "--countries", countries,
        "--out", str(tmp_path / "x.html"),
    )  # fmt: skip
    assert code == 2 and needle in err and err.count("\n") == 1
    assert not (tmp_path / "x.html").exists()


def test_cli_geography_map_is_offline_unless_cdn(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    offline, cdn = tmp_path / "geo.html", tmp_path / "geo-cdn.html"
    assert _run(capsys, "geography", "--out", str(offline))[0] == 0
    assert _run(capsys, "geography", "--out", str(cdn), "--cdn")[0] == 0
    pattern = r"<(script|link)[^>]+(src|href)=[\"']?https?://"
    assert not re.search(pattern, offline.read_text(encoding="utf-8"))
    assert re.search(pattern, cdn.read_text(encoding="utf-8"))
