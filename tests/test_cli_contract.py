"""CLI contract beyond the bad-input corpus: -v, logging, scenarios, --json, sweep progress."""

from __future__ import annotations

import json
import logging
import math

import pytest

from corridor import analysis, settings
from corridor.cli import main
from corridor.scenario import list_scenarios, load_scenario, make_scenario

RUN = ["route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "road"]


def _main(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return int(exc.value.code or 0)


def test_verbose_shows_the_traceback_then_one_error_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _main(["-v", "route", "--from", "nowhere-ville", "--to", "yerevan"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("corridor: error: ")
    assert _main(["route", "--from", "nowhere-ville", "--to", "yerevan"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_verbose_and_corridor_log_send_log_records_to_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = logging.getLogger("corridor")
    before, level_before = list(logger.handlers), logger.level

    def emit() -> None:
        logger.info("probe record from the library")

    monkeypatch.setattr("corridor.routing.plan", _logging_plan(emit))
    assert _main(["-v", *RUN]) == 0
    assert "probe record from the library" in capsys.readouterr().err
    monkeypatch.setattr(settings, "log_console", True)
    assert _main(RUN) == 0
    assert "probe record from the library" in capsys.readouterr().err
    monkeypatch.setattr(settings, "log_console", False)
    assert _main(RUN) == 0
    assert "probe record" not in capsys.readouterr().err  # INFO is silent by default
    assert logger.handlers == before  # the CLI removes the handler it installed
    assert logger.level == level_before  # and restores the level


def _logging_plan(emit):  # type: ignore[no-untyped-def]
    import corridor.routing as routing

    real = routing.plan

    def plan(*args, **kwargs):  # type: ignore[no-untyped-def]
        emit()
        return real(*args, **kwargs)

    return plan


def test_scenarios_lists_every_shipped_scenario_with_its_description(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _main(["scenarios", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(listed) == list_scenarios()
    for name, line in listed.items():
        assert line and line == load_scenario(name).description.strip().splitlines()[0]
    assert _main(["scenarios"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert [t.split()[0] for t in text] == list_scenarios()


def test_where_json_and_negative_coordinates(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["where", "--json", "40.18,44.51"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {"lat": 40.18, "lon": 44.51, "land": "ARM", "airspace": "ARM",
                      "caspian": "open"}  # fmt: skip
    for argv in (["where", "-33.9,18.4"], ["where", "--", "-33.9,18.4"],
                 ["where", "-33.9,18.4", "--caspian", "open"]):  # fmt: skip
        assert _main(argv) == 2
        assert "outside the modelled region" in capsys.readouterr().err


def test_chokepoints_and_throughput_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["chokepoints", *RUN[1:], "--objective", "km", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"chokepoints", "corridors"} <= set(out)
    kinds = {c["element"]: c for c in out["chokepoints"]}
    # without Georgia the road goes round through Azerbaijan and Iran (Derbent, Baku, Astara,
    # Tabriz, Meghri) instead of the 470 km over Upper Lars: several times longer in km (in
    # hours the increase depends on the border dwell rows, so km is what is asserted)
    assert not kinds["GEO"]["cuts_access"] and kinds["GEO"]["cost_increase_pct"] > 100
    for c in out["chokepoints"]:  # no infinity in JSON: a cut has no finite increase
        assert (c["cost_increase_pct"] is None) == c["cuts_access"]
    # RUN names --mode road: one road flow, not road and rail
    assert _main(["throughput", *RUN[1:], "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["mode"] for r in rows] == ["road"]
    assert all(r["per_day"] is None or math.isfinite(r["per_day"]) for r in rows)
    assert _main(["throughput", "--from", "vladikavkaz", "--to", "yerevan", "--json"]) == 0
    assert [r["mode"] for r in json.loads(capsys.readouterr().out)] == ["road", "rail"]


def test_throughput_combines_the_given_modes(capsys: pytest.CaptureFixture[str]) -> None:
    """Aktau to Poti across the Caspian: rail alone cannot use the ferry, rail+ferry can."""
    base = ["throughput", "--from", "aktau", "--to", "poti", "--json"]
    flows = {}
    for modes in (["rail"], ["ferry"], ["rail", "ferry"]):
        assert _main([*base, *(a for m in modes for a in ("--mode", m))]) == 0
        (row,) = json.loads(capsys.readouterr().out)
        assert row["mode"] == "+".join(modes)
        flows[row["mode"]] = row["per_day"]
    assert flows["ferry"] == 0  # a ferry alone reaches no inland city
    assert flows["rail+ferry"] > flows["rail"] > 0


def test_sweep_progress_advances_within_levels_and_summary_has_no_nan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[tuple[int, int]] = []
    base = make_scenario(origins=["vladikavkaz", "UUMU"], destinations=["yerevan"],
                         modes=["road"])  # fmt: skip
    analysis.sweep(base, ["GEO", "IRN"], progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 4 and {t for _, t in calls} == {4}
    assert len(calls) == 2 * 3  # two pairs x three levels, not one call per level
    assert _main(["sweep", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "road",
                  "--countries", "GEO,IRN"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "NaN" not in out and "nan" not in out
