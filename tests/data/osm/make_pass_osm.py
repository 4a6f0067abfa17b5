"""Write ``pass.osm``: a small synthetic OSM XML extract of a mountain road with a pass.

The data is made up for corridor's tests (no OpenStreetMap content), with
realistic coordinates in the Greater Caucasus (42.63-42.80 N, 44.55-44.65 E):

* a trunk road "Test Highway" (ref T1) from a town in the north (node 1) over
  the pass node 10 (``mountain_pass=yes``, "Test Pass", 2379 m) and the
  border-crossing node 20 (``barrier=border_control``, "Test Crossing") down
  to a town in the south (node 2), in three ways: 1001 (north valley), 1003
  (the mountain section over the pass, ``maxspeed=40``) and 1002 (south of the
  pass, through the crossing);
* a longer secondary detour "Valley Road" (way 2001) from junction 5 to
  junction 15 that bypasses the pass (not the crossing);
* a footway shortcut (way 3001) that a drivable graph must drop;
* a building outline (way 5001) and two place nodes, which are not roads.

Run ``python tests/data/osm/make_pass_osm.py`` to rewrite the file; the output
is deterministic.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

# node id -> (lat, lon, tags)
NODES: dict[int, tuple[float, float, dict[str, str]]] = {
    1: (42.8000, 44.6400, {}),
    3: (42.7900, 44.6420, {}),
    5: (42.7800, 44.6410, {}),
    6: (42.7700, 44.6380, {}),
    7: (42.7550, 44.6330, {}),
    8: (42.7450, 44.6250, {}),
    9: (42.7400, 44.6320, {}),
    11: (42.7320, 44.6220, {}),
    12: (42.7270, 44.6290, {}),
    10: (42.7200, 44.6200, {"mountain_pass": "yes", "name": "Test Pass", "ele": "2379"}),
    13: (42.7150, 44.6270, {}),
    14: (42.7100, 44.6240, {}),
    15: (42.7050, 44.6280, {}),
    16: (42.6980, 44.6300, {}),
    20: (42.6900, 44.6320, {"barrier": "border_control", "name": "Test Crossing"}),
    21: (42.6800, 44.6350, {}),
    22: (42.6650, 44.6380, {}),
    23: (42.6500, 44.6400, {}),
    2: (42.6300, 44.6400, {}),
    30: (42.7800, 44.6200, {}),
    31: (42.7750, 44.5900, {}),
    32: (42.7600, 44.5650, {}),
    33: (42.7400, 44.5550, {}),
    34: (42.7200, 44.5600, {}),
    35: (42.7050, 44.5800, {}),
    36: (42.7000, 44.6050, {}),
    40: (42.7350, 44.6450, {}),
    50: (42.8010, 44.6420, {}),
    51: (42.8010, 44.6425, {}),
    52: (42.8014, 44.6425, {}),
    53: (42.8014, 44.6420, {}),
    70: (42.8010, 44.6410, {"place": "town", "name": "Northtown", "is_in:country": "Northland"}),
    71: (42.6290, 44.6410, {"place": "town", "name": "Southtown", "is_in:country": "Southland"}),
}

# way id -> (node ids, tags)
WAYS: dict[int, tuple[list[int], dict[str, str]]] = {
    1001: ([1, 3, 5], {"highway": "trunk", "name": "Test Highway", "ref": "T1"}),
    1003: (
        [5, 6, 7, 8, 9, 11, 12, 10, 13, 14, 15],
        {"highway": "trunk", "name": "Test Highway", "ref": "T1", "maxspeed": "40"},
    ),
    1002: ([15, 16, 20, 21, 22, 23, 2], {"highway": "trunk", "name": "Test Highway", "ref": "T1"}),
    2001: ([5, 30, 31, 32, 33, 34, 35, 36, 15], {"highway": "secondary", "name": "Valley Road"}),
    3001: ([6, 40, 16], {"highway": "footway", "name": "Shepherds' Path"}),
    5001: ([50, 51, 52, 53, 50], {"building": "yes"}),
}


def render() -> str:
    """Return the OSM XML text."""
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<osm version="0.6" generator="corridor tests/data/osm/make_pass_osm.py">',
        '  <bounds minlat="42.62" minlon="44.55" maxlat="42.81" maxlon="44.65"/>',
    ]
    for node_id, (lat, lon, tags) in sorted(NODES.items()):  # OSM files sort by id
        head = f'  <node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"'
        if not tags:
            lines.append(head + "/>")
            continue
        lines.append(head + ">")
        lines.extend(f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append("  </node>")
    for way_id, (refs, tags) in sorted(WAYS.items()):
        lines.append(f'  <way id="{way_id}" version="1">')
        lines.extend(f'    <nd ref="{ref}"/>' for ref in refs)
        lines.extend(f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    out = Path(__file__).with_name("pass.osm")
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
