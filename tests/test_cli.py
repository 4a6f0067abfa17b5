"""The command line through its entry point: output, one-line errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor import __version__
from corridor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert __version__ in out


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "where" in out and "demo" in out
    assert "2 bad input" in out


def test_where_reports_country_and_airspace(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "where", "39.20,45.40")
    assert code == 0
    assert "land: AZE" in out


def test_where_at_sea_uses_caspian_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "where", "42.0,50.5", "--caspian", "open")
    assert (code, "airspace: INTL" in out) == (0, True)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("where", "39.20"), "expected LAT,LON"),
        (("where", "95,10"), "LAT must be within"),
        (("where", "39.2,45.4", "--caspian", "shared"), "'open', 'partitioned'"),
        (("where", "10,10"), "outside the modelled region"),
        (("nope",), "No such command"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], needle: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and err.startswith("corridor: error:")
    assert "Traceback" not in err


def test_missing_data_is_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from corridor import settings

    monkeypatch.setattr(settings, "data_folder", tmp_path)
    code, _, err = run(capsys, "geography")
    assert code == 3
    assert "countries.geojson" in err


def test_geography_writes_map_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "sub" / "geo.html"
    code, text, _ = run(capsys, "geography", "--out", str(out))
    assert code == 0
    assert "ARM (Armenia) land borders: AZE" in text
    html = out.read_text()
    assert "Territorial seas" in html and "leaflet" in html.lower()
    assert [p.name for p in out.parent.iterdir()] == ["geo.html"]  # no temp files left


def test_route_prints_routes_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "ground", "--k", "1"
    )
    assert code == 0
    assert "x-upper-lars" in out and "RUS > GEO > ARM" in out


def test_route_json_and_no_route_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code, out, _ = run(capsys, "route", "--scenario", "armenia-isolated", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["feasible"] is False and data["routes"] == []
    for iso in ("AZE", "GEO", "IRN", "TUR"):
        assert iso in data["why_not"]["reason"]
        assert [iso] in data["why_not"]["restore"]


def test_route_what_if_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "route",
        "--from",
        "vladikavkaz",
        "--to",
        "yerevan",
        "--mode",
        "ground",
        "--close",
        "GEO,IRN",
    )
    assert code == 1
    assert "would restore access: GEO; IRN" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("route", "--from", "vladikavkaz", "--to", "yerevn"), "unknown place 'yerevn'"),
        (
            ("route", "--from", "vladikavkaz", "--to", "yerevan", "--close", "ARN"),
            "unknown country code 'ARN'",
        ),
        (("route", "--scenario", "armenia-2021"), "did you mean: armenia-2020"),
        (
            ("route", "--from", "a", "--to", "b", "--close", "GEO", "--conditional", "GEO"),
            "choose one stance",
        ),
        (
            ("route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "boat"),
            "'boat' is not one of",
        ),
    ],
)
def test_route_bad_input_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], needle: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1


def test_route_malformed_toml_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[stances\n")
    code, _, err = run(capsys, "route", "--scenario", str(bad))
    assert code == 2 and "malformed TOML" in err


def test_route_from_outside_the_region_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "route", "--from", "10,10", "--to", "yerevan")
    assert code == 2
    assert "outside the modelled region" in err


def test_demo_writes_every_map_self_contained(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json
    import re

    from corridor.scenario import list_scenarios

    code, out, _ = run(capsys, "demo", "--out", str(tmp_path))
    assert code == 0, out
    expected = {f"{n}.html" for n in list_scenarios()} | {f"{n}.json" for n in list_scenarios()}
    expected |= {"armenia.html", "armenia-compare.html", "geography.html", "explore.html"}
    assert expected <= {p.name for p in tmp_path.iterdir()}
    cdn = re.compile(r"<(script|link)\b[^>]*(src|href)=[\"']?https?://")
    for page in tmp_path.glob("*.html"):
        assert not cdn.search(page.read_text(encoding="utf-8")), page.name  # works offline
    for name in list_scenarios():
        assert json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))["scenario"]
    # the what-if page toggles Armenia's neighbours and the Caspian transit states
    page = (tmp_path / "explore.html").read_text(encoding="utf-8")
    assert '"states":["AZE","GEO","IRN","KAZ","TKM","TUR"]' in page


def test_date_and_traffic_select_the_queue_of_the_day(capsys: pytest.CaptureFixture[str]) -> None:
    # Sarp, trucks into Georgia: 1.6 h standing (crossing_times.csv), 96 h in November 2024
    # (dwell_episodes.csv); on the hours objective the route leaves the coast road that month
    base = ("route", "--from", "trabzon", "--to", "tbilisi", "--mode", "road")
    base += ("--objective", "hours", "--k", "1")
    code, queued, _ = run(capsys, *base, "--date", "2024-11-15")
    assert code == 0
    assert "x-sarpi" not in queued and "hours for freight traffic" in queued
    code, normal, _ = run(capsys, *base, "--date", "2024-12")
    assert code == 0 and "via x-sarpi" in normal
    code, passenger, _ = run(capsys, *base, "--date", "2024-11-15", "--traffic", "passenger")
    assert code == 0 and "via x-sarpi" in passenger  # the queue was of trucks
    assert "hours for passenger traffic" in passenger


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--date", "2022-13", "'2022-13' is not a real date"),
        ("--date", "last week", "is not an ISO date"),
        ("--traffic", "cargo", "'cargo' is not one of 'freight', 'passenger', 'military'"),
    ],
)
def test_bad_date_or_traffic_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    code, out, err = run(capsys, "route", "--from", "vladikavkaz", "--to", "yerevan", option, value)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
