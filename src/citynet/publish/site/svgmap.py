"""An SVG map of places, drawn offline: no tiles, no fonts, no scripts.

Land and country borders come from Natural Earth (:mod:`.basemap`), in a Lambert azimuthal
equal-area projection centred on Europe, and the frame is fitted to the places drawn. Places the
base map does not cover are left to the caller to name beside the map (:func:`split_outside`).
Each point is a circle split into one slice per group (network) it belongs to, links to the
place's page and carries a ``<title>`` tooltip. Every point has its label: beside it where there
is room, else further out with a leader line. ``templates/map.svg`` writes the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from citynet.publish.site.basemap import LAT0, LON0, covers, laea, paths
from citynet.publish.site.templating import render

# Okabe–Ito colours: told apart by people with any common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


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
    """Projected (Lambert azimuthal equal-area) coordinates fitted into the map's pixels."""

    x0: float
    y1: float  # the top edge, in projected units (north up)
    scale: float
    margin: float
    inner_width: float
    inner_height: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = laea(lon, lat)
        return self.margin + (x - self.x0) * self.scale, self.margin + (self.y1 - y) * self.scale

    @property
    def width(self) -> float:
        return 2 * self.margin + self.inner_width

    @property
    def height(self) -> float:
        return 2 * self.margin + self.inner_height


def _frame(points: Sequence[MapPoint], max_width: float, max_height: float, margin: float,
           min_span: float) -> _Frame:
    """The frame that holds every point, with room around them, at most max_width × max_height."""
    projected = [laea(p.lon, p.lat) for p in points] or [laea(LON0, LAT0)]
    xs, ys = [x for x, _ in projected], [y for _, y in projected]
    span = math.radians(min_span)  # degrees of arc as distance on the unit sphere
    width = max(max(xs) - min(xs), span)
    height = max(max(ys) - min(ys), span)
    pad_x, pad_y = width * 0.12 + 0.02, height * 0.12 + 0.02
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    width, height = width + 2 * pad_x, height + 2 * pad_y
    scale = min((max_width - 2 * margin) / width, (max_height - 2 * margin) / height)
    return _Frame(cx - width / 2, cy + height / 2, scale, margin, width * scale, height * scale)


def split_outside(points: Sequence[MapPoint]) -> tuple[list[MapPoint], list[MapPoint]]:
    """The points the base map covers, and the others (named beside the map)."""
    inside = [p for p in points if covers(p.lon, p.lat)]
    return inside, [p for p in points if not covers(p.lon, p.lat)]


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
    leader: Leader | None
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


@dataclass(frozen=True)
class Leader:
    x1: str
    y1: str
    x2: str
    y2: str


def _label_boxes(x: float, y: float, gap: float, width: float, size: float) -> list[tuple[float, float, str, bool]]:
    """Where a label may go, nearest first: beside the point, then further out with a leader line."""
    near = [(x + gap, y + size * 0.35, "start"), (x - gap, y + size * 0.35, "end"), (x, y - gap - 2, "middle"),
            (x, y + gap + size, "middle"), (x + gap, y - gap, "start"), (x + gap, y + gap + size * 0.7, "start"),
            (x - gap, y - gap, "end"), (x - gap, y + gap + size * 0.7, "end")]
    found = [(tx, ty, anchor, False) for tx, ty, anchor in near]
    for distance in (28, 44, 62, 84, 110, 140, 180):
        for step in range(16):
            angle = 2 * math.pi * step / 16
            dx, dy = math.cos(angle) * distance, math.sin(angle) * distance
            anchor = "start" if dx > 4 else "end" if dx < -4 else "middle"
            found.append((x + dx, y + dy + size * 0.35, anchor, True))
    return found


def draw_map(points: Sequence[MapPoint], legend: Legend, *, title: str, description: str, map_id: str = "map",
             max_width: float = 960, max_height: float = 600, min_span: float = 6.0,
             font_size: float = 13, show_legend: bool = True) -> Markup:
    """The SVG map of ``points`` (those the base map covers: see :func:`split_outside`): land and
    borders, one linked point per place, a label for every point (with a leader line where it
    cannot sit beside its point), a legend."""
    margin = 12.0
    frame = _frame(points, max_width, max_height, margin, min_span)
    width, height = frame.width, frame.height
    entries = list(legend.entries.values()) if show_legend else []
    total_width = width
    total_height = height + (24 * len(entries) + 8 if entries else 0)  # the legend goes below the map
    land, borders = paths(frame.xy, (margin, margin, width - margin, height - margin))

    def radius(point: MapPoint) -> float:  # a place in several networks is drawn larger, to show its slices
        return min(6.0 + 2.0 * max(len(point.groups) - 1, 0), 12.0) + (2.0 if point.highlight else 0.0)

    placed = [(p, *frame.xy(p.lon, p.lat)) for p in points]
    occupied = [(x - radius(p), y - radius(p), x + radius(p), y + radius(p)) for p, x, y in placed]
    order = sorted(placed, key=lambda t: (not t[0].highlight, -len(t[0].groups), t[0].label))
    labels: dict[int, tuple[Text, Leader | None]] = {}
    for point, x, y in order:
        text_width = 0.6 * font_size * len(point.label)
        gap = radius(point) + 3
        choice = None
        for tx, ty, anchor, leader in _label_boxes(x, y, gap, text_width, font_size):
            left = tx if anchor == "start" else tx - text_width if anchor == "end" else tx - text_width / 2
            box = (left - 1, ty - font_size, left + text_width + 1, ty + 3)
            inside = box[0] >= margin and box[2] <= width - margin and box[1] >= margin and box[3] <= height - margin
            if inside and not any(_overlaps(box, other) for other in occupied):
                choice = (tx, ty, anchor, leader, box)
                break
        if choice is None:  # nowhere free: beside the point all the same, never left out
            tx, ty, anchor = x + gap, y + font_size * 0.35, "start"
            choice = (tx, ty, anchor, False, (tx, ty - font_size, tx + text_width, ty + 3))
        tx, ty, anchor, leader, box = choice
        occupied.append(box)
        line = None
        if leader:
            ly = min(max(y, box[1]), box[3])
            lx = box[0] if anchor == "start" else box[2] if anchor == "end" else (box[0] + box[2]) / 2
            if anchor == "middle":
                ly = box[3] if y > box[3] else box[1]
            line = Leader(f"{x:.1f}", f"{y:.1f}", f"{lx:.1f}", f"{ly:.1f}")
        labels[id(point)] = (Text(point.label, f"{tx:.1f}", f"{ty:.1f}", anchor,
                                  "map-label" + (" map-label-highlight" if point.highlight else "")), line)

    marks = []
    for point, x, y in sorted(placed, key=lambda t: t[0].highlight):
        colours = [legend.colour(g) for g in point.groups] or ["#555555"]
        r = radius(point)
        label, line = labels[id(point)]
        marks.append(Mark(tooltip=point.tooltip or point.label, x=f"{x:.1f}", y=f"{y:.1f}", ring=f"{r + 2:g}",
                          radius=f"{r:g}", colours=colours, slices=_slices(x, y, r, colours),
                          label=label, leader=line,
                          css="map-point" + (" map-point-highlight" if point.highlight else ""),
                          iri=point.iri or None, href=point.href))

    legend_items = [(f"{margin + 8:.1f}", f"{height + 8 + 24 * row:.1f}", colour, text, f"{margin + 22:.1f}",
                     f"{height + 8 + 24 * row + 4.5:.1f}") for row, (colour, text) in enumerate(entries)]
    return render("map.svg", title=title, description=description, map_id=map_id, margin=f"{margin:.1f}",
                  frame_width=f"{width - 2 * margin:.1f}", frame_height=f"{height - 2 * margin:.1f}",
                  land=land, borders=borders, marks=marks, legend=legend_items,
                  font_size=f"{font_size:g}", total_width=f"{total_width:.0f}", height=f"{total_height:.0f}")
