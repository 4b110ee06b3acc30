"""The land and country borders under the site's maps (``basemap/europe-50m.json``, Natural
Earth via world-atlas: see ``basemap/SOURCE.md``), in a projection suited to Europe.

The projection is Lambert azimuthal equal-area centred at 52° N 10° E, as the EU's ETRS89-LAEA
(EPSG:3035) is, on a sphere: areas keep their proportions across the continent. A map is fitted
to the places it draws; land is clipped to its frame and thinned to what shows at its scale."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any

Point = tuple[float, float]
LON0, LAT0 = 10.0, 52.0
#: The area the base map covers: places outside it are named beside the map, not drawn.
WEST, SOUTH, EAST, NORTH = -30.0, 24.0, 70.0, 82.0


def laea(lon: float, lat: float) -> Point:
    """Lambert azimuthal equal-area (unit sphere), y pointing north."""
    lam, phi = math.radians(lon - LON0), math.radians(lat)
    phi0 = math.radians(LAT0)
    k = math.sqrt(2 / max(1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam), 1e-9))
    return (k * math.cos(phi) * math.sin(lam),
            k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)))


def covers(lon: float, lat: float) -> bool:
    """Whether the base map covers the place."""
    return WEST <= lon <= EAST and SOUTH <= lat <= NORTH


@cache
def _data() -> dict[str, Any]:
    text = resources.files("citynet.publish.site").joinpath("basemap", "europe-50m.json").read_text(encoding="utf-8")
    return json.loads(text)


def source() -> str:
    return str(_data()["source"])


Rect = tuple[float, float, float, float]  # left, top, right, bottom


def _clip(points: list[Point], rect: Rect) -> list[Point]:
    """Sutherland–Hodgman: a polygon clipped to the rectangle."""
    left, top, right, bottom = rect
    edges: list[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]] = [
        (lambda p: p[0] >= left, lambda a, b: (left, a[1] + (b[1] - a[1]) * (left - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= right, lambda a, b: (right, a[1] + (b[1] - a[1]) * (right - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= top, lambda a, b: (a[0] + (b[0] - a[0]) * (top - a[1]) / (b[1] - a[1]), top)),
        (lambda p: p[1] <= bottom, lambda a, b: (a[0] + (b[0] - a[0]) * (bottom - a[1]) / (b[1] - a[1]), bottom)),
    ]
    for inside, cross in edges:
        if not points:
            break
        out: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cross(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cross(previous, point))
            previous = point
        points = out
    return points


def _thin(points: Sequence[Point], step: float) -> list[Point]:
    kept = [points[0]] if points else []
    for point in points[1:]:
        if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= step:
            kept.append(point)
    return kept


def _d(points: Sequence[Point], close: bool) -> str:
    text = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return text + ("Z" if close else "")


def paths(xy: Callable[[float, float], Point], rect: Rect, step: float = 1.2) -> tuple[str, str]:
    """The land (one path, filled) and the borders (one path, stroked) within ``rect``, in the
    map's pixels (``xy`` maps longitude, latitude to them)."""
    data = _data()
    pad = 4.0
    box = (rect[0] - pad, rect[1] - pad, rect[2] + pad, rect[3] + pad)
    land = []
    for ring in data["land"]:
        projected = [xy(lon, lat) for lon, lat in ring]
        clipped = _thin(_clip(projected, box), step)
        if len(clipped) >= 3:
            land.append(_d(clipped, True))
    borders = []
    for line in data["borders"]:
        run: list[Point] = []
        for lon, lat in line:
            x, y = xy(lon, lat)
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                run.append((x, y))
            else:
                if len(run) > 1:
                    borders.append(_d(_thin(run, step), False))
                run = []
        if len(run) > 1:
            borders.append(_d(_thin(run, step), False))
    return "".join(land), "".join(borders)
