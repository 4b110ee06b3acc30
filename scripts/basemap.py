"""Convert Natural Earth's land and country borders, as the npm package world-atlas has them
(TopoJSON at 1:50m), into the small file the site's maps draw from:
``src/citynet/publish/site/basemap/europe-50m.json``. Run once; the result is shipped with the
package, so that nothing is downloaded when a map is drawn.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/basemap.py package/     # the unpacked package folder

Natural Earth is in the public domain; world-atlas (its TopoJSON) is under the ISC licence
(``basemap/SOURCE.md`` records both). Only the area the maps can show is kept (30° W to 70° E,
24° N to 82° N: Europe, the Mediterranean and western Asia), with coordinates rounded to 0.01°.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "src" / "citynet" / "publish" / "site" / "basemap" / "europe-50m.json"
BOX = (-30.0, 24.0, 70.0, 82.0)  # west, south, east, north
Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The arcs in longitude and latitude (TopoJSON's quantized, delta-encoded positions)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def in_box(points: list[Point]) -> bool:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return max(xs) >= BOX[0] and min(xs) <= BOX[2] and max(ys) >= BOX[1] and min(ys) <= BOX[3]


def rounded(points: list[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        point = [round(x, 2), round(y, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def convert(folder: Path) -> dict[str, Any]:
    land_topology = json.loads((folder / "land-50m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(land_topology)
    land = []
    for geometry in land_topology["objects"]["land"]["geometries"]:
        for polygon in polygons(geometry):
            for indexes in polygon:
                points = ring(arcs, indexes)
                if len(points) > 3 and in_box(points):
                    land.append(rounded(points))
    countries = json.loads((folder / "countries-50m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(countries)
    uses: dict[int, set[int]] = {}
    for number, geometry in enumerate(countries["objects"]["countries"]["geometries"]):
        for polygon in polygons(geometry):
            for indexes in polygon:
                for index in indexes:
                    uses.setdefault(index if index >= 0 else ~index, set()).add(number)
    borders = [rounded(arcs[i]) for i, users in sorted(uses.items()) if len(users) > 1 and in_box(arcs[i])]
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    return {"source": f"Natural Earth 1:50m land and admin-0 countries, from the npm package world-atlas "
                      f"{package['version']} (land-50m.json, countries-50m.json), converted by scripts/basemap.py",
            "licence": "Natural Earth: public domain; world-atlas: ISC licence, Copyright 2013-2019 Michael Bostock",
            "box": list(BOX), "land": land, "borders": borders}


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    result = convert(Path(sys.argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(result['land'])} land rings, {len(result['borders'])} borders, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
