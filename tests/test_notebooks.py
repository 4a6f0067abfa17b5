"""The notebooks run top to bottom from a clean clone, offline, on the public API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
#: Notebooks that show rather than print: tables, offline maps (corridor.maps), a chart.
SHOWCASE = frozenset({"armenia", "kazakhstan-2022", "reinforcement"})
SHOWCASE_NOTEBOOKS = [p for p in NOTEBOOKS if p.stem in SHOWCASE]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client's own datetime use
def test_notebook_executes(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corridor import settings

    monkeypatch.setenv("CORRIDOR_CACHE", str(settings.cache_folder))  # the kernel inherits it
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []
    data = [o.get("data", {}) for c in notebook.cells for o in c.get("outputs", [])]
    html = [d["text/html"] for d in data if "text/html" in d]
    maps_shown = [h for h in html if "leaflet" in h.lower()]
    assert maps_shown, "the notebook should display at least one map inline"
    if path.stem not in SHOWCASE:
        return
    for page in maps_shown:  # offline: Leaflet inlined, no CDN script or stylesheet
        asset = r"(&lt;|<)(script|link)\b(?:(?!&gt;|>).)*?(src|href)=(&quot;|[\"'])?https?://"
        assert not re.search(asset, page, re.S), re.search(asset, page, re.S)
    assert any('class="dataframe' in h for h in html), "routes should be shown as tables"
    assert any("image/png" in d for d in data), "the notebook should draw a chart"


@pytest.mark.parametrize("path", SHOWCASE_NOTEBOOKS, ids=[p.stem for p in SHOWCASE_NOTEBOOKS])
def test_notebooks_show_rather_than_print(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    sources = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert not [s for s in sources if re.search(r"\bprint\(", s)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_are_stored_without_outputs(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


def test_there_are_two_notebooks() -> None:
    assert {p.stem for p in NOTEBOOKS} >= {"armenia", "kazakhstan-2022"}
