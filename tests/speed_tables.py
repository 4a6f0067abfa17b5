"""Test helper: rewrite a copied ``speeds.csv`` so every traffic class drives at one speed."""

from __future__ import annotations

import csv
from pathlib import Path


def one_speed_for_every_class(path: Path) -> None:
    """Keep one speed row per type (passenger, else ``all``), as ``all``: hours differ by dwell.

    Freight and military rows are dropped; a type with a passenger row loses its ``all``
    row, so the rewritten table has one row per class, terrain, mode and country.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or ())
        rows = [r for r in reader if r["traffic"] in ("passenger", "all")]

    def key(r: dict[str, str]) -> tuple[str, str, str, str]:
        return (r["class"], r["terrain"], r["mode"], r.get("country") or "")

    own = {key(r) for r in rows if r["traffic"] == "passenger"}
    kept = [
        {**r, "traffic": "all"} for r in rows if r["traffic"] == "passenger" or key(r) not in own
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
