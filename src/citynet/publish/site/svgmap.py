"""An SVG map of places, drawn offline: no tiles, no fonts, no scripts.

The projection is equirectangular with a standard parallel at the middle latitude of
the points (x = λ·cos φ₀, y = −φ), so that distances east–west look right in the
latitudes shown. A graticule in whole degrees, labelled at the edges, stands in for a
base map. Each point is a circle split into one slice per group (network) it belongs
to, links to the place's page and carries a ``<title>`` tooltip; labels are placed
greedily where they overlap neither another label nor a point, and left out otherwise
(the page's table names every place). ``templates/map.svg`` writes the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from citynet.publish.site.templating import render

# Okabe–Ito colours: told apart by people with any common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_STEPS = (0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60)


@dataclass
class MapPoint:
    lon: float
    lat: float
    label: str
    href: str | None = None
    tooltip: str = ""
    groups: list[str] = field(default_factory=list)  # keys into the legend's colours
    iri: str = ""
    highlight: bool = False


@dataclass
class Legend:
    """Group key → (colour, text); the order is the legend's order."""

    entries: dict[str, tuple[str, str]]

    @classmethod
    def of(cls, groups: Sequence[tuple[str, str]]) -> Legend:
        return cls({key: (PALETTE[i % len(PALETTE)], text) for i, (key, text) in enumerate(groups)})

    def colour(self, key: str) -> str:
        return self.entries.get(key, ("#555555", key))[0]


@dataclass
class _Frame:
    lon0: float
    lon1: float
    lat0: float
    lat1: float
    cos: float
    scale: float
    margin: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.margin + (lon - self.lon0) * self.cos * self.scale,
                self.margin + (self.lat1 - lat) * self.scale)

    @property
    def width(self) -> float:
        return 2 * self.margin + (self.lon1 - self.lon0) * self.cos * self.scale

    @property
    def height(self) -> float:
        return 2 * self.margin + (self.lat1 - self.lat0) * self.scale


def _frame(points: Sequence[MapPoint], max_width: float, max_height: float, margin: float,
           min_span: float) -> _Frame:
    lons = [p.lon for p in points] or [0.0]
    lats = [p.lat for p in points] or [0.0]
    lat_mid = (min(lats) + max(lats)) / 2
    cos = max(math.cos(math.radians(lat_mid)), 0.2)
    lon_span = max(max(lons) - min(lons), min_span / cos)
    lat_span = max(max(lats) - min(lats), min_span)
    pad_lon, pad_lat = lon_span * 0.08 + 1, lat_span * 0.08 + 1
    lon_mid = (min(lons) + max(lons)) / 2
    lon0, lon1 = lon_mid - lon_span / 2 - pad_lon, lon_mid + lon_span / 2 + pad_lon
    lat0 = max(lat_mid - lat_span / 2 - pad_lat, -89.0)
    lat1 = min(lat_mid + lat_span / 2 + pad_lat, 89.0)
    scale = min((max_width - 2 * margin) / ((lon1 - lon0) * cos), (max_height - 2 * margin) / (lat1 - lat0))
    return _Frame(lon0, lon1, lat0, lat1, cos, scale, margin)


def _step(span: float) -> float:
    return next((s for s in _STEPS if span / s <= 8), 90)


def _degrees(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    number = f"{abs(value):g}"
    return f"{number}°{hemisphere}" if value else "0°"


@dataclass(frozen=True)
class Text:
    text: str
    x: str
    y: str
    anchor: str
    css: str


@dataclass(frozen=True)
class Mark:
    """One place on the map: a white ring, a circle or slices in its groups' colours, a label."""

    tooltip: str
    x: str
    y: str
    ring: str  # the white ring's radius
    radius: str
    colours: list[str]
    slices: list[str]  # path data, one per colour, when there are several
    label: Text | None
    css: str
    iri: str | None
    href: str | None


def _slices(cx: float, cy: float, r: float, colours: list[str]) -> list[str]:
    if len(colours) <= 1:
        return []
    paths = []
    for i in range(len(colours)):
        a0 = 2 * math.pi * i / len(colours) - math.pi / 2
        a1 = 2 * math.pi * (i + 1) / len(colours) - math.pi / 2
        x0, y0 = cx + r * math.cos(a0), cy + r * math.sin(a0)
        x1, y1 = cx + r * math.cos(a1), cy + r * math.sin(a1)
        large = 1 if a1 - a0 > math.pi else 0
        paths.append(f"M{cx:.1f},{cy:.1f} L{x0:.2f},{y0:.2f} A{r:g},{r:g} 0 {large} 1 {x1:.2f},{y1:.2f} Z")
    return paths


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def draw_map(points: Sequence[MapPoint], legend: Legend, *, title: str, description: str, map_id: str = "map",
             max_width: float = 960, max_height: float = 600, min_span: float = 6.0,
             font_size: float = 13, show_legend: bool = True) -> Markup:
    """The SVG map of ``points``: a graticule, one linked point per place, labels, a legend."""
    margin = 34.0
    frame = _frame(points, max_width, max_height, margin, min_span)
    width, height = frame.width, frame.height
    entries = list(legend.entries.values()) if show_legend else []
    legend_width = max((0.58 * font_size * len(text) for _, text in entries), default=0) + 44 if entries else 0
    total_width = width + legend_width

    graticule, grid_labels = [], []
    lon_step = _step(frame.lon1 - frame.lon0)
    lat_step = _step(frame.lat1 - frame.lat0)
    lon = math.ceil(frame.lon0 / lon_step) * lon_step
    while lon <= frame.lon1:
        x, _ = frame.xy(lon, 0)
        graticule.append(f"M{x:.1f},{margin:.1f}V{height - margin:.1f}")
        grid_labels.append(Text(_degrees(lon, "E", "W"), f"{x:.1f}", f"{height - margin + 16:.1f}", "middle",
                                "map-grid-label"))
        lon += lon_step
    lat = math.ceil(frame.lat0 / lat_step) * lat_step
    while lat <= frame.lat1:
        _, y = frame.xy(0, lat)
        graticule.append(f"M{margin:.1f},{y:.1f}H{width - margin:.1f}")
        grid_labels.append(Text(_degrees(lat, "N", "S"), f"{margin - 4:.1f}", f"{y + 4:.1f}", "end",
                                "map-grid-label"))
        lat += lat_step

    def radius(point: MapPoint) -> float:  # a place in several networks is drawn larger, to show its slices
        return min(6.0 + 2.0 * max(len(point.groups) - 1, 0), 12.0) + (2.0 if point.highlight else 0.0)

    placed = [(p, *frame.xy(p.lon, p.lat)) for p in points]
    occupied = [(x - radius(p), y - radius(p), x + radius(p), y + radius(p)) for p, x, y in placed]
    order = sorted(placed, key=lambda t: (not t[0].highlight, -len(t[0].groups), t[0].label))
    labels: dict[int, Text] = {}
    for point, x, y in order:
        text_width = 0.58 * font_size * len(point.label)
        gap = radius(point) + 3
        candidates = [
            (x + gap, y + font_size * 0.35, "start"), (x - gap, y + font_size * 0.35, "end"),
            (x, y - gap - 2, "middle"), (x, y + gap + font_size, "middle"),
            (x + gap, y - gap, "start"), (x + gap, y + gap + font_size * 0.7, "start"),
            (x - gap, y - gap, "end"), (x - gap, y + gap + font_size * 0.7, "end"),
        ]
        for tx, ty, anchor in candidates:
            left = tx if anchor == "start" else tx - text_width if anchor == "end" else tx - text_width / 2
            box = (left - 1, ty - font_size, left + text_width + 1, ty + 3)
            inside = box[0] >= margin + 2 and box[2] <= width - margin - 2 and box[1] >= margin + 2 \
                and box[3] <= height - margin - 2
            if inside and not any(_overlaps(box, other) for other in occupied):
                occupied.append(box)
                labels[id(point)] = Text(point.label, f"{tx:.1f}", f"{ty:.1f}", anchor,
                                         "map-label" + (" map-label-highlight" if point.highlight else ""))
                break

    marks = []
    for point, x, y in sorted(placed, key=lambda t: t[0].highlight):
        colours = [legend.colour(g) for g in point.groups] or ["#555555"]
        r = radius(point)
        marks.append(Mark(tooltip=point.tooltip or point.label, x=f"{x:.1f}", y=f"{y:.1f}", ring=f"{r + 2:g}",
                          radius=f"{r:g}", colours=colours, slices=_slices(x, y, r, colours),
                          label=labels.get(id(point)),
                          css="map-point" + (" map-point-highlight" if point.highlight else ""),
                          iri=point.iri or None, href=point.href))

    legend_items = [(f"{width + 8:.1f}", f"{margin + 10 + 24 * row:.1f}", colour, text, f"{width + 22:.1f}",
                     f"{margin + 10 + 24 * row + 4.5:.1f}") for row, (colour, text) in enumerate(entries)]
    return render("map.svg", title=title, description=description, map_id=map_id, margin=f"{margin:.1f}",
                  frame_width=f"{width - 2 * margin:.1f}", frame_height=f"{height - 2 * margin:.1f}",
                  graticule="".join(graticule), grid_labels=grid_labels, marks=marks, legend=legend_items,
                  font_size=f"{font_size:g}", total_width=f"{total_width:.0f}", height=f"{height:.0f}")
