# ruff: noqa: E501 - the case table keeps one case per line
"""Bad-input corpus: every malformed option, file, path or datum ends in one clear line.

One table-driven test. Each row is ``(id, argv, setup, stdin, expected exit code)``;
every case asserts the exit code, exactly one line on stderr when the exit code is
not 0 (none saying "error" when it is 0), no ``Traceback`` anywhere in the output,
and that no file was left behind in the case's folder (so no partial output at the
destination). ``{tmp}`` in argv is the case's folder, ``{osm}`` the OSM test data.

Most cases run in-process through :func:`corridor.cli.main`; rows whose setup
needs a fresh process (environment variables read at import, the on-disk caches)
run ``python -m corridor`` in a subprocess.

A new case is one line in ``CASES``.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import corridor
from corridor import settings
from corridor._resources import package_data_folder
from corridor.cli import main

OSM_DATA = Path(__file__).parent / "data" / "osm"
SRC = Path(corridor.__file__).resolve().parent.parent

RUN = ["route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "road"]
OSM_ROUTE = ["osm", "route", "--from", "42.79,44.642", "--to", "42.63,44.64"]
SWEEP = ["sweep", "-s", "armenia-baseline", "--to", "yerevan", "--countries", "GEO"]

# ----------------------------------------------------------------------------- setups
# A setup prepares the case folder ``tmp`` (and the settings) before the command runs.
# It returns the environment a subprocess would need (in-process cases patch settings).

Setup = Callable[[Path, pytest.MonkeyPatch], dict[str, str]]


def _files(tmp: Path) -> None:
    (tmp / "plain.txt").write_text("a regular file\n", encoding="utf-8")
    (tmp / "adir").mkdir()


def _data_copy(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    data = tmp / "data"
    shutil.copytree(package_data_folder(), data)
    mp.setattr(settings, "data_folder", data)
    return data


def _data(edit: Callable[[Path], None]) -> Setup:
    """Copy the shipped data into the case folder, then break it with ``edit``."""

    def setup(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
        data = _data_copy(tmp, mp)
        edit(data)
        return {"CORRIDOR_DATA": str(data)}

    return setup


def _write(rel: str, content: bytes | str) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        raw = content.encode("utf-8") if isinstance(content, str) else content
        (data / rel).write_bytes(raw)

    return edit


def _remove(rel: str) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        (data / rel).unlink()

    return edit


def _csv_edit(rel: str, change: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        path = data / rel
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")

    return edit


def _drop_column(lines: list[str], column: str) -> list[str]:
    import csv

    rows = list(csv.reader(lines))
    i = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])
    return out.getvalue().splitlines()


def _set_field(lines: list[str], column: str, value: str) -> list[str]:
    import csv

    rows = list(csv.reader(lines))
    i = rows[0].index(column)
    rows[1][i] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().splitlines()


def _scenario(content: bytes | str, name: str = "s.toml") -> Setup:
    def setup(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
        raw = content.encode("utf-8") if isinstance(content, str) else content
        (tmp / name).write_bytes(raw)
        return {}

    return setup


def _toml(body: str) -> Setup:
    """A scenario file ``{tmp}/s.toml``: a valid Vladikavkaz-Yerevan base plus ``body``."""
    base = 'origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nmodes = ["road"]\n'
    return _scenario(base + body)


def _osm_file(name: str, content: bytes | None = None) -> Setup:
    def setup(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
        if content is None:
            shutil.copy(OSM_DATA / name, tmp / name)
        else:
            (tmp / name).write_bytes(content)
        return {}

    return setup


def _cache_file(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
    mp.setattr(settings, "cache_folder", tmp / "plain.txt")
    return {"CORRIDOR_CACHE": str(tmp / "plain.txt")}


def _planted(kind: str) -> Setup:
    """Copy a warm cache folder and replace every cache file's content (subprocess only)."""

    def setup(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
        cache = tmp.parent / f"{tmp.name}-cache"  # outside tmp: rebuilt caches are allowed
        shutil.copytree(_WARM_CACHE[0], cache)
        marker = tmp / "PWNED"
        payload = _pickle_payload(marker)
        planted = 0
        for f in cache.rglob("*"):
            if f.is_file():
                planted += 1
                if kind == "junk":
                    f.write_bytes(os.urandom(512))
                elif kind == "empty":
                    f.write_bytes(b"")
                elif kind == "truncated":
                    f.write_bytes(f.read_bytes()[: max(1, f.stat().st_size // 2)])
                else:
                    f.write_bytes(payload)
        assert planted, "the warm-up run left no cache file to plant"
        return {"CORRIDOR_CACHE": str(cache)}

    return setup


def _pickle_payload(marker: Path) -> bytes:
    # A pickle that, if ever loaded, creates ``marker`` (the no-new-file check sees it).
    import pickle

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.mkdir, (str(marker),))

    return pickle.dumps(Payload())


_WARM_CACHE: list[Path] = []


def _empty_folder(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
    (tmp / "empty").mkdir()
    mp.setattr(settings, "data_folder", tmp / "empty")
    return {"CORRIDOR_DATA": str(tmp / "empty")}


def _nested(depth: int, table: bool = False) -> str:
    if table:
        return "x = " + "{a = " * depth + "1" + "}" * depth + "\n"
    return "x = " + "[" * depth + "]" * depth + "\n"


GEOJSON_NO_ISO = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
    '{"name": "A"}, "geometry": {"type": "Point", "coordinates": [44, 40]}}]}'
)
# more states than a sweep in one process takes (20)
TOO_MANY = "AFG,ALB,AZE,BGR,BLR,CHN,CYP,EGY,EST,FIN,GEO,GRC,HUN,IND,IRN,IRQ,ISR,JOR,KAZ,KGZ,KWT"


@dataclass(frozen=True)
class Case:
    id: str
    argv: list[str]
    setup: Setup | None
    stdin: bytes | None
    code: int
    subprocess: bool = False
    expect: str = ""  # a word the error line must contain (the file, the bad id, ...)


def C(  # noqa: N802 - a table constructor, short on purpose
    id: str,
    argv: list[str],
    setup: Setup | None = None,
    stdin: bytes | None = None,
    code: int = 2,
    *,
    sub: bool = False,
    expect: str = "",
) -> Case:
    return Case(id, argv, setup, stdin, code, sub, expect)


# ----------------------------------------------------------------------------- the table

_OUT_TARGETS = {
    "proc": "/proc/corridor-test-out.html",
    "under-file": "{tmp}/plain.txt/out.html",
    "empty": "",
    "onto-dir": "{tmp}/adir",
    "read-only-fs": "/sys/corridor-test-out.html",
}
_OUT_COMMANDS = {
    "map": ["map", *RUN[1:], "--out"],
    "route": [*RUN, "--map"],
    "whatif": ["whatif", *RUN[1:], "--close", "AZE", "--map"],
    "sweep": [*SWEEP, "--out"],
    "geography": ["geography", "--out"],
}


def _out_cases() -> list[Case]:
    cases = []
    for cmd, argv in _OUT_COMMANDS.items():
        for target, path in _OUT_TARGETS.items():
            if cmd == "sweep" and path.endswith(".html"):
                path = path.removesuffix(".html") + ".csv"
            cases.append(
                C(
                    f"out-{cmd}-{target}",
                    [*argv, path],
                    _files_setup,
                    code=4,
                    expect=path or "empty",
                )
            )
    for target, path in {
        "proc": "/proc/corridor-demo",
        "file": "{tmp}/plain.txt",
        "under-file": "{tmp}/plain.txt/sub",
        "empty": "",
        "read-only-fs": "/sys/corridor-demo",
    }.items():
        cases.append(C(f"out-demo-{target}", ["demo", "--out", path], _files_setup, code=4))
        sweep_dir = [*SWEEP, "--out-dir", path]
        cases.append(C(f"out-sweep-dir-{target}", sweep_dir, _files_setup, code=4))
    fetch = ["osm", "fetch", "--bbox", "44.5,42.6,44.8,43.1", "--out"]
    for target, path in {
        "proc": "/proc/x.graphml",
        "under-file": "{tmp}/plain.txt/x.graphml",
        "empty": "",
        "onto-dir": "{tmp}/adir",
    }.items():
        cases.append(C(f"out-osm-fetch-{target}", [*fetch, path], _files_setup, code=4))
    return cases


def _files_setup(tmp: Path, mp: pytest.MonkeyPatch) -> dict[str, str]:
    _files(tmp)
    return {}


S = ["route", "-s", "{tmp}/s.toml"]

# fmt: off
CASES: list[Case] = [
    *_out_cases(),
    # --- scenario files (-s)
    C("s-directory", ["route", "-s", "{tmp}/adir"], _files_setup),
    C("s-directory-toml", ["route", "-s", "{tmp}/d.toml"], lambda t, m: (t / "d.toml").mkdir() or {}, expect="d.toml"),
    C("s-random-bytes", S, _scenario(bytes(range(256)) * 8), expect="UTF-8"),
    C("s-latin1", S, _scenario('name = "Erevan \u00e9t\u00e9"\n'.encode("latin-1")), expect="UTF-8"),
    C("s-utf16", S, _scenario('name = "x"\n'.encode("utf-16"))),
    C("s-nested-arrays", S, _scenario(_nested(100_000)), expect="nested"),
    C("s-nested-tables", S, _scenario(_nested(100_000, table=True))),
    C("s-missing-file", ["route", "-s", "{tmp}/missing.toml"], expect="missing.toml"),
    C("s-missing-name", ["route", "-s", "armenia-2021"]),
    C("s-empty-file", S, _scenario("")),
    C("s-malformed", S, _scenario("origins = [\n")),
    C("s-unknown-key", S, _toml("colsed_nodes = []\n")),
    C("s-k-zero", S, _toml("k = 0\n")),
    C("s-k-eleven", S, _toml("k = 11\n")),
    C("s-k-float", S, _toml("k = 2.5\n")),
    C("s-k-bool", S, _toml("k = true\n")),
    C("s-k-string", S, _toml('k = "3"\n')),
    C("s-range-nan", S, _toml("range_km = nan\n"), expect="range_km"),
    C("s-range-inf", S, _toml("range_km = inf\n")),
    C("s-range-minus-inf", S, _toml("range_km = -inf\n")),
    C("s-range-negative", S, _toml("range_km = -1\n")),
    C("s-range-zero", S, _toml("range_km = 0\n")),
    C("s-range-string", S, _toml('range_km = "far"\n')),
    C("s-delay-nan", S, _toml("conditional_delay_h = nan\n")),
    C("s-delay-negative", S, _toml("conditional_delay_h = -1\n"), expect="conditional_delay_h"),
    C("s-delay-inf", S, _toml("conditional_delay_h = inf\n")),
    C("s-runway-nan", S, _toml("min_runway_m = nan\n")),
    C("s-runway-zero", S, _toml("min_runway_m = 0\n")),
    C("s-runway-negative", S, _toml("min_runway_m = -5\n")),
    C("s-runway-inf", S, _toml("min_runway_m = inf\n")),
    C("s-closed-node-unknown", S, _toml('closed_nodes = ["x-nowhere"]\n'), expect="x-nowhere"),
    C("s-closed-node-typo", S, _toml('closed_nodes = ["x-upper-lras"]\n'), expect="x-upper-lars"),
    C("s-closed-node-not-list", S, _toml("closed_nodes = 5\n")),
    C("s-closed-edge-unknown", S, _toml('closed_edges = ["no-such-link"]\n'), expect="no-such-link"),
    C("s-closed-airspace-unknown", S, _toml('closed_airspace = ["XXX"]\n')),
    C("s-closed-osm-node-string", S, _toml('closed_osm_nodes = ["a"]\n')),
    C("s-closed-osm-way-float", S, _toml("closed_osm_ways = [1.5]\n")),
    C("s-closed-osm-without-graph", S, _toml("closed_osm_ways = [1001]\n"), expect="closed_osm"),
    C("s-origin-unknown", S, _scenario('origins = ["nowhere-ville"]\ndestinations = ["yerevan"]\n')),
    C("s-destination-outside", S, _scenario('origins = ["vladikavkaz"]\ndestinations = ["0,0"]\n')),
    C("s-origins-empty", S, _scenario('origins = []\ndestinations = ["yerevan"]\n')),
    C("s-origin-is-destination", S, _scenario('origins = ["yerevan"]\ndestinations = ["yerevan"]\n')),
    C("s-stance-country-unknown", S, _toml('[stances]\nXXX = "hostile"\n')),
    C("s-stance-word-unknown", S, _toml('[stances]\nGEO = "angry"\n')),
    C("s-stance-mode-unknown", S, _toml('[stances.GEO]\nflying = "hostile"\n')),
    C("s-default-stance-unknown", S, _toml('default_stance = "meh"\n')),
    C("s-caspian-unknown", S, _toml('caspian = "split"\n')),
    C("s-objective-unknown", S, _toml('objective = "fastest"\n')),
    C("s-mode-unknown", S, _scenario('origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nmodes = ["teleport"]\n')),
    C("s-modes-empty", S, _scenario('origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nmodes = []\n')),
    C("s-name-number", S, _toml("name = 5\n")),
    C("s-probability-nan", S, _toml("[probabilities]\nGEO = nan\n")),
    C("s-probability-above-one", S, _toml("[probabilities]\nGEO = 1.5\n")),
    C("s-force-nan", S, _toml("[force]\ntroops = nan\n")),
    # --- scenario on stdin (-s -)
    C("stdin-valid", ["route", "-s", "-"], stdin=b'origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nmodes = ["road"]\n', code=0),
    C("stdin-nan", ["route", "-s", "-"], stdin=b'origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nrange_km = nan\n', expect="<stdin>"),
    C("stdin-latin1", ["route", "-s", "-"], stdin='name = "\u00e9t\u00e9"\n'.encode("latin-1"), expect="<stdin>"),
    C("stdin-empty", ["route", "-s", "-"], stdin=b""),
    C("stdin-bad-node", ["route", "-s", "-"], stdin=b'origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nclosed_nodes = ["x-nope"]\n'),
    C("stdin-subprocess", ["route", "-s", "-", "--mode", "road"], stdin=b'origins = ["vladikavkaz"]\ndestinations = ["yerevan"]\nrange_km = inf\n', sub=True),
    # --- numbers and options
    C("opt-range-nan", [*RUN, "--range-km", "nan"], expect="--range-km"),
    C("opt-range-inf", [*RUN, "--range-km", "inf"]),
    C("opt-range-negative", [*RUN, "--range-km", "-1"]),
    C("opt-range-zero", [*RUN, "--range-km", "0"]),
    C("opt-range-word", [*RUN, "--range-km", "far"]),
    C("opt-k-zero", [*RUN, "--k", "0"]),
    C("opt-k-eleven", [*RUN, "--k", "11"]),
    C("opt-k-nan", [*RUN, "--k", "nan"]),
    C("opt-mode-unknown", [*RUN, "--mode", "teleport"]),
    C("opt-from-unknown", ["route", "--from", "nowhere-ville", "--to", "yerevan"]),
    C("opt-from-empty", ["route", "--from", "", "--to", "yerevan"]),
    C("opt-to-outside", ["route", "--from", "vladikavkaz", "--to", "0,0"]),
    C("opt-to-bad-lat", ["route", "--from", "vladikavkaz", "--to", "91,200"]),
    C("opt-to-nan", ["route", "--from", "vladikavkaz", "--to", "nan,nan"]),
    C("opt-no-origin", ["route", "--to", "yerevan"]),
    C("opt-close-unknown", [*RUN, "--close", "XXX"]),
    C("opt-close-empty", [*RUN, "--close", ""], expect="--close"),
    C("opt-close-commas", [*RUN, "--close", " , "]),
    C("opt-close-airspace-unknown", [*RUN, "--close-airspace", "ZZZ"]),
    C("opt-conditional-unknown", [*RUN, "--conditional", "QQQ"]),
    C("opt-close-and-conditional", [*RUN, "--close", "GEO", "--conditional", "GEO"]),
    C("opt-caspian-unknown", [*RUN, "--caspian", "split"]),
    C("opt-objective-unknown", [*RUN, "--objective", "fastest"]),
    C("opt-close-node-unknown", [*RUN, "--close-node", "x-nowhere"], expect="x-nowhere"),
    C("opt-close-edge-unknown", [*RUN, "--close-edge", "no-such-link"], expect="no-such-link"),
    C("opt-close-osm-without-osm", [*RUN, "--close-osm-node", "1"]),
    C("opt-date-impossible", [*RUN, "--date", "2025-02-30"], expect="2025-02-30"),
    C("opt-date-word", [*RUN, "--date", "yesterday"], expect="not an ISO date"),
    C("opt-date-empty", [*RUN, "--date", ""], expect="date"),
    C("opt-traffic-unknown", [*RUN, "--traffic", "tanks"], expect="--traffic"),
    C("throughput-date-word", ["throughput", *RUN[1:], "--date", "soon"], expect="not an ISO date"),
    C("opt-unknown-option", [*RUN, "--fast"]),
    C("opt-unknown-command", ["teleport"]),
    C("opt-global-unknown", ["--quiet", "route"]),
    C("threshold-nan", ["chokepoints", *RUN[1:], "--threshold", "nan"], expect="--threshold"),
    C("threshold-inf", ["chokepoints", *RUN[1:], "--threshold", "inf"]),
    C("threshold-negative", ["chokepoints", *RUN[1:], "--threshold", "-5"]),
    C("threshold-word", ["chokepoints", *RUN[1:], "--threshold", "high"]),
    C("chokepoints-close-unknown", ["chokepoints", *RUN[1:], "--close", "XXX"]),
    C("throughput-close-unknown", ["throughput", *RUN[1:], "--close", "XXX"]),
    C("throughput-range-nan", ["throughput", *RUN[1:], "--range-km", "nan"]),
    C("throughput-mode-air", ["throughput", "--from", "aktau", "--to", "poti", "--mode", "air", "--mode", "rail"], expect="air capacity"),
    C("whatif-nothing", ["whatif", *RUN[1:]]),
    C("whatif-close-unknown", ["whatif", *RUN[1:], "--close", "XXX"]),
    C("whatif-close-empty", ["whatif", *RUN[1:], "--close", ","]),
    C("sweep-countries-empty", [*SWEEP[:-1], ""], expect="--countries"),
    C("sweep-countries-comma", [*SWEEP[:-1], ","]),
    C("sweep-countries-spaces", [*SWEEP[:-1], " , , "]),
    C("sweep-countries-unknown", [*SWEEP[:-1], "GEO,XXX"]),
    C("sweep-countries-too-many", [*SWEEP[:-1], TOO_MANY]),
    C("sweep-top-zero", [*SWEEP, "--top", "0"]),
    C("sweep-out-and-out-dir", [*SWEEP, "--out", "t.csv", "--out-dir", "t"], expect="not both"),
    C("sweep-range-nan", [*SWEEP, "--range-km", "nan"]),
    C("where-negative-outside", ["where", "-33.9,18.4"], expect="outside the modelled region"),
    C("where-dashdash-outside", ["where", "--", "-33.9,18.4"], expect="outside the modelled region"),
    C("where-negative-subprocess", ["where", "-33.9,18.4"], sub=True, expect="outside the modelled region"),
    C("where-word", ["where", "yerevan-ish"]),
    C("where-lat-range", ["where", "91,44"]),
    C("where-nan", ["where", "nan,nan"]),
    C("where-inf", ["where", "inf,44"]),
    C("where-three", ["where", "40,44,1"]),
    C("where-missing", ["where"]),
    C("explore-out-proc", ["explore", "-s", "armenia-2020", "--countries", "GEO", "--out", "/proc/e.html"], code=4, expect="/proc/e.html"),
    C("explore-out-onto-dir", ["explore", "-s", "armenia-2020", "--countries", "GEO", "--out", "{tmp}/adir"], _files_setup, code=4),
    C("explore-countries-empty", ["explore", "-s", "armenia-2020", "--countries", " , ", "--out", "{tmp}/e.html"], expect="--countries"),
    C("map-close-unknown", ["map", *RUN[1:], "--close", "XXX", "--out", "{tmp}/m.html"]),
    # --- OSM road graphs
    C("osm-snap-nan", [*OSM_ROUTE, "{osm}/pass.osm", "--max-snap-km", "nan"], expect="--max-snap-km"),
    C("osm-snap-negative", [*OSM_ROUTE, "{osm}/pass.osm", "--max-snap-km", "-1"], expect="--max-snap-km"),
    C("osm-snap-inf", [*OSM_ROUTE, "{osm}/pass.osm", "--max-snap-km", "inf"]),
    C("osm-snap-zero", [*OSM_ROUTE, "{osm}/pass.osm", "--max-snap-km", "0"]),
    C("osm-snap-word", [*OSM_ROUTE, "{osm}/pass.osm", "--max-snap-km", "near"]),
    C("osm-from-nan", ["osm", "route", "--from", "nan,nan", "--to", "42.63,44.64", "{osm}/pass.osm"]),
    C("osm-close-node-unknown", [*OSM_ROUTE, "{osm}/pass.osm", "--close-node", "999999"], expect="999999"),
    C("osm-close-way-unknown", [*OSM_ROUTE, "{osm}/pass.osm", "--close-way", "424242"]),
    C("osm-close-node-word", [*OSM_ROUTE, "{osm}/pass.osm", "--close-node", "abc"]),
    C("route-osm-close-node-unknown", [*RUN, "--osm", "{tmp}/pass.osm", "--close-osm-node", "999999"], _osm_file("pass.osm"), expect="999999"),
    C("route-osm-close-way-unknown", [*RUN, "--osm", "{tmp}/pass.osm", "--close-osm-way", "424242"], _osm_file("pass.osm"), expect="424242"),
    C("osm-route-dir", [*OSM_ROUTE, "{tmp}/adir"], _files_setup),
    C("osm-load-missing", ["osm", "load", "{tmp}/missing.osm"], code=3),
    C("osm-load-junk", ["osm", "load", "{tmp}/junk.osm"], _osm_file("junk.osm", os.urandom(2048)), code=3),
    C("osm-load-empty", ["osm", "load", "{tmp}/empty.osm"], _osm_file("empty.osm", b""), code=3),
    C("osm-load-junk-pbf", ["osm", "load", "{tmp}/junk.osm.pbf"], _osm_file("junk.osm.pbf", os.urandom(2048)), code=3),
    C("osm-load-junk-graphml", ["osm", "load", "{tmp}/junk.graphml"], _osm_file("junk.graphml", b"<graphml><oops"), code=3),
    C("osm-load-xml-no-roads", ["osm", "load", "{tmp}/none.osm"], _osm_file("none.osm", b'<?xml version="1.0"?><osm version="0.6"></osm>'), code=3),
    C("osm-load-wrong-extension", ["osm", "load", "{tmp}/plain.txt"], _files_setup, code=3),
    C("route-osm-junk", [*RUN, "--osm", "{tmp}/junk.osm"], _osm_file("junk.osm", os.urandom(2048)), code=3),
    # --- data files (CORRIDOR_DATA)
    C("data-borders-missing", RUN, _data(_remove("borders/countries.geojson")), code=3, expect="countries.geojson"),
    C("data-borders-missing-subprocess", RUN, _data(_remove("borders/countries.geojson")), code=3, sub=True, expect="countries.geojson"),
    C("data-borders-empty", RUN, _data(_write("borders/countries.geojson", "")), code=3, expect="expected"),
    C("data-borders-junk", RUN, _data(_write("borders/countries.geojson", os.urandom(4096))), code=3, expect="expected"),
    C("data-borders-json-object", RUN, _data(_write("borders/countries.geojson", "{}")), code=3),
    C("data-borders-no-features", RUN, _data(_write("borders/countries.geojson", '{"type": "FeatureCollection", "features": []}')), code=3),
    C("data-borders-no-iso3", RUN, _data(_write("borders/countries.geojson", GEOJSON_NO_ISO)), code=3),
    C("data-where-borders-junk", ["where", "40.18,44.51"], _data(_write("borders/countries.geojson", "not json")), code=3, sub=True, expect="expected"),
    C("data-folder-empty", RUN, _empty_folder, code=3),
    C("data-nodes-missing", RUN, _data(_remove("network/nodes.csv")), code=3, expect="nodes.csv"),
    C("data-nodes-empty", RUN, _data(_write("network/nodes.csv", "")), code=3, expect="expected"),
    C("data-nodes-junk", RUN, _data(_write("network/nodes.csv", os.urandom(4096))), code=3, expect="expected"),
    C("data-nodes-header-only", RUN, _data(_csv_edit("network/nodes.csv", lambda ls: ls[:1])), code=3),
    C("data-nodes-no-lat", RUN, _data(_csv_edit("network/nodes.csv", lambda ls: _drop_column(ls, "lat"))), code=3),
    C("data-nodes-lat-nan", RUN, _data(_csv_edit("network/nodes.csv", lambda ls: _set_field(ls, "lat", "nan"))), code=3),
    C("data-links-empty", RUN, _data(_write("network/links.csv", "")), code=3, expect="expected"),
    C("data-links-junk", RUN, _data(_write("network/links.csv", os.urandom(4096))), code=3, expect="expected"),
    C("data-airports-empty", RUN, _data(_write("network/airports.csv", "")), code=3),
    C("data-ports-junk", RUN, _data(_write("network/ports.csv", b"\x00\xff" * 500)), code=3),
    C("data-dwell-bad-traffic", RUN, _data(_csv_edit("network/crossing_times.csv", lambda ls: _set_field(ls, "traffic", "tourist"))), code=3, expect="valid: freight, passenger, military, all"),
    C("data-dwell-no-traffic", RUN, _data(_csv_edit("network/crossing_times.csv", lambda ls: _drop_column(ls, "traffic"))), code=3, expect="traffic"),
    C("data-sea-links-empty", RUN, _data(_write("network/sea_links.geojson", "")), code=3, expect="expected"),
    C("data-sea-links-junk", RUN, _data(_write("network/sea_links.geojson", "[1, 2")), code=3, expect="expected"),
    # --- caches (CORRIDOR_CACHE): a bad cache is rebuilt, never trusted, never run
    C("cache-is-a-file", RUN, _cache_file, code=0),
    C("cache-planted-junk", RUN, _planted("junk"), code=0, sub=True),
    C("cache-planted-empty", RUN, _planted("empty"), code=0, sub=True),
    C("cache-planted-truncated", RUN, _planted("truncated"), code=0, sub=True),
    C("cache-planted-pickle-payload", RUN, _planted("pickle"), code=0, sub=True),
]
# fmt: on


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder filled by one ground route in a fresh process (for planted caches)."""
    cache = tmp_path_factory.mktemp("warm-cache")
    _run_subprocess(RUN, {"CORRIDOR_CACHE": str(cache)}, None, Path(cache))
    _WARM_CACHE[:] = [cache]
    yield cache
    _WARM_CACHE.clear()


def _run_subprocess(
    argv: list[str], env: dict[str, str], stdin: bytes | None, cwd: Path
) -> tuple[int, str, str]:
    full = {**os.environ, "PYTHONPATH": str(SRC), **env}
    full.setdefault("CORRIDOR_CACHE", str(settings.cache_folder))
    proc = subprocess.run(
        [sys.executable, "-m", "corridor", *argv],
        input=stdin or b"",
        capture_output=True,
        env=full,
        cwd=cwd,
        timeout=300,
        check=False,
    )
    return (
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def _run_inprocess(
    argv: list[str], stdin: bytes | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"))
    code: int
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else -1)
        except BaseException:  # an escaped exception is what this corpus hunts for
            err.write(traceback.format_exc())
            code = -1
        else:
            code = 0
    return code, out.getvalue(), err.getvalue()


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if case.subprocess and case.id.startswith("cache-planted"):
        request.getfixturevalue("warm_cache")
    monkeypatch.chdir(tmp_path)
    env = case.setup(tmp_path, monkeypatch) if case.setup is not None else {}
    before = _tree(tmp_path)
    argv = [a.format(tmp=tmp_path, osm=OSM_DATA) for a in case.argv]
    if case.subprocess:
        code, out, err = _run_subprocess(argv, env, case.stdin, tmp_path)
    else:
        code, out, err = _run_inprocess(argv, case.stdin, monkeypatch)
    shown = f"exit {code}\n--- stdout\n{out[-2000:]}\n--- stderr\n{err[-3000:]}"
    assert "Traceback" not in out + err, shown
    assert code == case.code, shown
    lines = err.strip().splitlines()
    if case.code == 0:
        assert not any("error" in line for line in lines), shown
    else:
        assert len(lines) == 1, shown
        assert lines[0].startswith("corridor: error: "), shown
        assert case.expect.format(tmp=tmp_path) in lines[0], shown
    assert _tree(tmp_path) == before, f"files left behind: {_tree(tmp_path) - before}\n{shown}"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 110
    assert len({c.id for c in CASES}) == len(CASES)
