"""Per-mode capacities: a road row never caps a rail flow through a shared road;rail node.

The acceptance figures come from the CSV text of the temporary tables and
``unit_conversions.csv`` (read with :mod:`csv` here), never from corridor's own output.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from script_loader import load_script

import corridor
from corridor import analysis, network
from corridor._resources import package_data_folder
from corridor.scenario import make_scenario

#: TEST VALUES for Chaldovar, a shared road;rail crossing node (Taraz - Kara-Balta by road,
#: Lugovoy - Kara-Balta by rail): a road row (133 trucks/day) and a rail row (5 trains/day).
ROWS = (
    "x-chaldovar,node,133,trucks/day,freight,2021,test,,road\n"
    "x-chaldovar,node,5,trains/day,freight,2026,test value,,rail\n"
)
HEADER = "element,element_type,capacity,unit,traffic,date,source,notes,mode\n"


def _tonnes_per_day(folder: Path, capacity: float, unit: str) -> float:
    """Tonnes per day from the folder's ``unit_conversions.csv`` text."""
    days = {"day": 1.0, "week": 7.0, "year": 365.25}
    with (folder / "unit_conversions.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["unit"] == unit)
    return capacity * float(row["tonnes_per_unit"]) / days[row["per"]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("modes") / "network"
    shutil.copytree(package_data_folder() / "network", out)
    (out / "capacities.csv").write_text(HEADER + ROWS, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def net(folder: Path) -> network.TransitNetwork:
    return network.load_network(folder)


def _taraz_kara_balta(net: network.TransitNetwork, modes: list[str]) -> corridor.Scenario:
    """Taraz (KAZ) to Kara-Balta (KGZ) with every other crossing into Kyrgyzstan closed."""
    nodes = net.nodes
    others = [
        str(n)
        for n, k, a, b in zip(
            nodes.index, nodes["kind"], nodes["country"], nodes["country_b"], strict=True
        )
        if k == "crossing" and "KGZ" in (a, b) and n != "x-chaldovar"
    ]
    assert len(others) > 5  # the scenario really closes the alternatives
    return make_scenario(
        origins=["taraz"], destinations=["kara-balta"], modes=modes, closed_nodes=others
    )


def test_rail_through_a_shared_node_is_bounded_by_its_rail_row(
    folder: Path, net: network.TransitNetwork
) -> None:
    rail_t = _tonnes_per_day(folder, 5, "trains/day")
    road_t = _tonnes_per_day(folder, 133, "trucks/day")
    assert rail_t != pytest.approx(road_t)  # the test can tell the two rows apart
    (rail,) = analysis.throughput(_taraz_kara_balta(net, ["rail"]), network=net, modes=("rail",))
    assert rail.per_day == pytest.approx(rail_t)
    assert rail.bottlenecks == ("x-chaldovar",) and "trains/day" in rail.note
    (road,) = analysis.throughput(_taraz_kara_balta(net, ["road"]), network=net, modes=("road",))
    assert road.per_day == pytest.approx(road_t)
    assert "trucks/day" in road.note


def test_a_combined_flow_uses_each_modes_own_capacity(
    folder: Path, net: network.TransitNetwork
) -> None:
    both = _taraz_kara_balta(net, ["road", "rail"])
    (t,) = analysis.throughput(both, network=net, modes=("road", "rail"))
    want = _tonnes_per_day(folder, 5, "trains/day") + _tonnes_per_day(folder, 133, "trucks/day")
    assert t.per_day == pytest.approx(want)
    assert set(t.note.removeprefix("binding capacities given in ").split(", ")) == {
        "trains/day",
        "trucks/day",
    }


def test_a_mode_without_its_own_row_takes_the_empty_mode_row(tmp_path: Path) -> None:
    out = tmp_path / "network"
    shutil.copytree(package_data_folder() / "network", out)
    rows = ROWS.splitlines(keepends=True)[0] + "x-chaldovar,node,3650000,tonnes/year,all,2026,t,,\n"
    (out / "capacities.csv").write_text(HEADER + rows, encoding="utf-8")
    net = network.load_network(out)
    (rail,) = analysis.throughput(_taraz_kara_balta(net, ["rail"]), network=net, modes=("rail",))
    assert rail.per_day == pytest.approx(_tonnes_per_day(out, 3650000, "tonnes/year"))
    assert rail.note.endswith("tonnes/year")


def test_a_mode_without_any_row_is_unbounded_and_named(tmp_path: Path) -> None:
    out = tmp_path / "network"
    shutil.copytree(package_data_folder() / "network", out)
    (out / "capacities.csv").write_text(HEADER + ROWS.splitlines()[0] + "\n", encoding="utf-8")
    net = network.load_network(out)
    (rail,) = analysis.throughput(_taraz_kara_balta(net, ["rail"]), network=net, modes=("rail",))
    assert rail.per_day is None
    assert "x-chaldovar (rail)" in rail.missing_capacity  # the road row does not bound rail


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("x-chaldovar,node,133,trucks/day,freight,2021,t,,\n", "say mode 'road'"),
        ("x-chaldovar,node,5,trains/day,freight,2021,t,,road\n", "counts rail traffic"),
        ("x-chaldovar,node,5,sailings/day,freight,2021,t,,sea\n", "its modes: rail, road"),
    ],
)
def test_the_shipped_network_rejects_a_row_that_breaks_a_mode_rule(
    tmp_path: Path, row: str, says: str
) -> None:
    out = tmp_path / "network"
    shutil.copytree(package_data_folder() / "network", out)
    with (out / "capacities.csv").open("a", encoding="utf-8") as fh:
        fh.write(row)
    with pytest.raises(corridor.DataError, match=says) as info:
        network.load_network(out)
    assert "capacities.csv" in str(info.value) and "column 'mode'" in str(info.value)


def test_check_network_data_reports_the_same_rules(tmp_path: Path) -> None:
    check = load_script("check_network_data")
    out = tmp_path / "network"
    shutil.copytree(package_data_folder() / "network", out)

    def errors() -> list[str]:
        report = check.Report()
        nodes = check._optional_rows(out / "nodes.csv")
        links = check._optional_rows(out / "links.csv")
        check.check_capacities(nodes, links, out, report)
        return list(report.errors)

    assert errors() == []  # the shipped table follows the rules
    with (out / "capacities.csv").open("a", encoding="utf-8") as fh:
        fh.write("x-chaldovar,node,5,trains/day,freight,2021,t,,\n")  # mode missing
        fh.write("x-chaldovar,node,5,trains/day,passenger,2021,t,,road\n")  # unit disagrees
        fh.write("x-chaldovar,node,5,trains/day,freight,2021,t,,sea\n")  # not its mode
        fh.write("x-chaldovar,node,9,vehicles/day,all,2021,t,,road\n")  # second road row
    found = errors()
    assert len(found) == 5, found  # the sea row breaks two rules (mode and unit)
    assert any("set mode rail" in e for e in found)
    assert any("counts rail, the row says 'road'" in e for e in found)
    assert any("'sea' is not one of its modes" in e for e in found)
    assert any("a second row" in e and "'road'" in e for e in found)
