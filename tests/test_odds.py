"""Access probabilities against hand-computed values from independent plans."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from corridor import odds, routing
from corridor.cli import main
from corridor.scenario import load_scenario, make_scenario

#: Two independent alternative corridors into Armenia by land: Georgia (Upper Lars) and
#: Iran (around the Caspian), with Azerbaijan and Turkey closed.
TWO = make_scenario(
    name="two corridors", origins=["vladikavkaz"], destinations=["yerevan"], modes=["ground"],
    stances={"AZE": "hostile", "TUR": "hostile"}, probabilities={"GEO": 0.6, "IRN": 0.5},
)  # fmt: skip


def _km(scenario: object) -> float | None:
    best = routing.plan(scenario, k=1, explain=False).pairs[0].best  # type: ignore[arg-type]
    return None if best is None else best.km


def test_two_alternative_corridors_match_the_hand_computed_probability() -> None:
    # independent facts: each corridor alone keeps a route, both closed cut it
    km_geo = _km(TWO.with_closures(close=["IRN"]))
    km_irn = _km(TWO.with_closures(close=["GEO"]))
    assert km_geo is not None and km_irn is not None and km_irn > km_geo
    assert _km(TWO.with_closures(close=["GEO", "IRN"])) is None
    assert _km(TWO) == pytest.approx(km_geo)

    result = odds.odds(TWO)
    assert result.method == "exact" and result.combinations == 4
    assert result.p_all.value == pytest.approx(1 - 0.4 * 0.5)
    pair = result.pairs[0]
    assert pair.p_route.value == pytest.approx(0.8)
    assert pair.base_km == pytest.approx(km_geo)
    # extra km only when Georgia refuses and Iran permits: 0.4 * 0.5 of the time, given a route
    assert pair.extra_km.value == pytest.approx(0.4 * 0.5 * (km_irn - km_geo) / 0.8)
    geo, irn = result.decisions
    assert (geo.label, irn.label) == ("GEO", "IRN")
    assert geo.if_permits.value == pytest.approx(1.0)
    assert geo.if_refuses.value == pytest.approx(0.5)  # then only Iran's 0.5
    assert irn.if_refuses.value == pytest.approx(0.6)  # then only Georgia's 0.6
    assert geo.influence == pytest.approx(0.5) and irn.influence == pytest.approx(0.4)
    assert result.decisive == "GEO" and pair.decisive == "GEO"


def test_monte_carlo_lands_within_its_confidence_interval() -> None:
    exact = odds.odds(TWO)
    mc = odds.odds(TWO, method="monte-carlo", draws=40_000, seed=3)
    assert mc.method == "monte-carlo" and mc.combinations == 40_000 and mc.confidence == 0.95
    for got, want in (
        (mc.p_all, exact.p_all),
        (mc.pairs[0].p_route, exact.pairs[0].p_route),
        (mc.pairs[0].extra_km, exact.pairs[0].extra_km),
        (mc.decisions[0].if_refuses, exact.decisions[0].if_refuses),
    ):
        assert got.low is not None and got.high is not None and want.value is not None
        assert got.low <= want.value <= got.high
        assert got.high - got.low < 0.1 * max(abs(want.value), 1.0)
    assert mc.decisive == "GEO"
    # the same seed gives the same answer
    again = odds.odds(TWO, method="monte-carlo", draws=40_000, seed=3)
    assert again.p_all == mc.p_all


def test_per_mode_probabilities_are_independent_decisions() -> None:
    base = load_scenario("armenia-2020").replace(
        origins=["vladikavkaz"], destinations=["yerevan"],
        probabilities={"IRN": {"air": 0.8, "road": 0.6}},
    )  # fmt: skip
    result = odds.odds(base)
    labels = [d.label for d in result.decisions]
    assert labels == ["IRN:landing+overflight", "IRN:road"]
    # reference: plan each of the four combinations with the stances written out
    expected = 0.0
    for air_refused, road_refused in itertools.product((False, True), repeat=2):
        modes = {}
        if air_refused:
            modes |= {"overflight": "hostile", "landing": "hostile"}
        if road_refused:
            modes["road"] = "hostile"
        stances = {c: dict(m) for c, m in base.stances.items()}
        stances["IRN"] = {"default": "conditional", **modes}
        weight = (0.2 if air_refused else 0.8) * (0.4 if road_refused else 0.6)
        if _km(base.replace(stances=stances)) is not None:
            expected += weight
    assert result.pairs[0].p_route.value == pytest.approx(expected)
    assert 0 < expected < 1


def test_hostile_uncertain_state_is_conditional_when_it_permits() -> None:
    scen = TWO.replace(stances={"AZE": "hostile", "TUR": "hostile", "GEO": "hostile"})
    result = odds.odds(scen)
    assert result.p_all.value == pytest.approx(0.8)  # the stance does not decide, the odds do


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({"GEO": 1.5}, "probability from 0 to 1"),
        ({"GEO": math.nan}, "probability from 0 to 1"),
        ({"GEO": -0.1}, "probability from 0 to 1"),
        ({"GEO": "likely"}, "probability from 0 to 1"),
        ({"GEO": True}, "probability from 0 to 1"),
        ({"GEO": {"boat": 0.5}}, "unknown mode"),
        ({"GEO": {"air": 0.5, "landing": 0.5}}, "not both"),
        ({"GEO": {}}, "empty table"),
        ({"XXX": 0.5}, "unknown country code"),
    ],
)
def test_bad_probabilities_are_scenario_errors(table: dict[str, object], match: str) -> None:
    import corridor

    with pytest.raises(corridor.ScenarioError, match=match):
        make_scenario(probabilities=table)


def test_odds_needs_probabilities_and_bounds_exact_enumeration() -> None:
    import corridor

    with pytest.raises(corridor.ScenarioError, match="no \\[probabilities\\]"):
        odds.odds(TWO.replace(probabilities={}))
    many = {c: 0.9 for c in sorted(corridor.load_borders().index)[:21]}
    with pytest.raises(corridor.ScenarioError, match="at most 20"):
        odds.odds(TWO.replace(probabilities=many), method="exact")


def test_cli_odds_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.toml"
    path.write_text(
        'origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nmodes = ["ground"]\n'
        '[stances]\nAZE = "hostile"\nTUR = "hostile"\n[probabilities]\nGEO = 0.6\nIRN = 0.5\n'
    )
    with pytest.raises(SystemExit) as exc:
        main(["odds", "-s", str(path), "--json"])
    assert exc.value.code in (0, None)
    data = json.loads(capsys.readouterr().out)
    assert data["p_all_pairs"]["value"] == pytest.approx(0.8)
    assert data["decisive"] == "GEO" and data["method"] == "exact"
    with pytest.raises(SystemExit) as exc:
        main(["odds", "-s", "armenia-2020"])
    assert exc.value.code == 2
    assert "no [probabilities]" in capsys.readouterr().err
