"""The maps the site shows, from the stored queries ``member-locations`` and
``members-of-network``: all members on the home page, a network's members on its
page, and a place among the members of its networks on the place's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup
from rdflib import URIRef

from citynet.publish.site.basemap import covers
from citynet.publish.site.collect import CN, Entity, kind_name, sort_key
from citynet.publish.site.i18n import gettext, number
from citynet.publish.site.svgmap import PALETTE, Legend, MapPoint, draw_map, split_outside
from citynet.publish.site.templating import render
from citynet.publish.site.values import Value, View
from citynet.querying.execute import run
from citynet.querying.results import QueryResult
from citynet.querying.stored_queries import catalogue


def stored(name: str, view: View, **iris: str) -> QueryResult:
    """A stored query with IRI parameters bound as they are (not looked up by name: an
    entity of another city's data may have no name to look it up by)."""
    query = catalogue().get(name)
    return run(query.text, view.model.graph, {k: URIRef(v) for k, v in iris.items()}, prepared=query)


def _lon_lat(row: object) -> tuple[float, float] | None:
    try:
        return float(row.long), float(row.lat)  # type: ignore[attr-defined]
    except (TypeError, ValueError):  # missing, or not a number
        return None


def network_legend(view: View) -> Legend:
    """One colour per network, the same on every page (networks in name order)."""
    groups = []
    for network in view.model.of_kind("network"):
        abbreviation = view.model.value(network.iri, CN.abbreviation)
        name = view.name(network.iri).text  # in the page's language where the graph has it
        groups.append((str(network.iri), (name or network.label) + (f" ({abbreviation})" if abbreviation else "")))
    return Legend.of(groups)


def _network_keys(view: View) -> dict[str, str]:
    """English network name → network IRI (member-locations gives names)."""
    return {e.label: str(e.iri) for e in view.model.of_kind("network")}


def _short(view: View, network_iri: str) -> str:
    abbreviation = view.model.value(URIRef(network_iri), CN.abbreviation)
    return str(abbreviation) if abbreviation is not None else view.model.label(URIRef(network_iri))


def _tooltip(view: View, name: str, kind: str | None, country: str | None, networks: list[str]) -> str:
    what = ", ".join(x for x in (kind_name(kind) if kind else None, country) if x)
    text = f"{name} ({what})" if what else name
    if networks:
        text += ": " + ", ".join(_short(view, n) for n in networks)
    return text


def _located_members(view: View) -> list[MapPoint]:
    """Every network member with coordinates, without links: the query runs once per graph
    (every place's page shows some of them)."""
    def locate() -> list[MapPoint]:
        keys = _network_keys(view)
        points = []
        for row in stored("member-locations", view):
            networks = sorted({keys[n] for n in (row.networks or "").split("; ") if n in keys})
            where = _lon_lat(row)
            if where is not None:
                points.append(MapPoint(lon=where[0], lat=where[1], label=row.name,
                                       tooltip=_tooltip(view, row.name, row.kind, row.country, networks),
                                       groups=networks, iri=str(row.member)))
        return points
    return view.model.remember("located members", locate)


def _linked(view: View, points: list[MapPoint]) -> list[MapPoint]:
    """Copies of ``points`` that link to their places' pages, as ``view`` links."""
    return [replace(point, href=view.href(URIRef(point.iri)), groups=list(point.groups)) for point in points]


def all_members(view: View) -> list[MapPoint]:
    """Every network member with coordinates: one point each."""
    return _linked(view, _located_members(view))


@dataclass(frozen=True)
class Rest:
    """A listed member that the map does not draw, with a link to its page."""

    name: Value
    why: str  # "outside" (the base map does not reach it) or "missing" (no coordinates)


def figure(svg: Markup, caption: str, drawn: Sequence[MapPoint], rest: Sequence[Rest] = (),
           legend: Legend | None = None, view: View | None = None) -> Markup:
    """The map with its caption (which names the members it does not draw, linked) and the same
    places as a table, for those who do not see the map."""
    rows = []
    for point in sorted(drawn, key=lambda p: sort_key(p.label)):
        networks = ", ".join(legend.entries[g][1] for g in point.groups if legend and g in legend.entries)
        name = Value(point.label, point.href, "link") if point.href else Value(point.label)
        rows.append((name, networks, number(point.lat, 2), number(point.lon, 2)))
    return render("figure.html", svg=svg, caption=caption, rows=rows,
                  outside=[r.name for r in rest if r.why == "outside"],
                  missing=[r.name for r in rest if r.why == "missing"])


def _rest(view: View, outside: Sequence[MapPoint], missing: Sequence[tuple[str, str]]) -> list[Rest]:
    found = [Rest(Value(p.label, view.href(URIRef(p.iri)), "link") if p.iri else Value(p.label), "outside")
             for p in outside]
    found += [Rest(Value(name, view.href(URIRef(iri)), "link") if iri else Value(name), "missing")
              for name, iri in missing]
    return found


def _listed(view: View) -> list[tuple[str, str]]:
    """Every network member (name, IRI), with coordinates or not."""
    return view.model.remember("listed members", lambda: [(row.name, str(row.member))
                                                           for row in stored("member-locations", view)])


def home_map(view: View) -> Markup:
    located = all_members(view)
    drawn, outside = split_outside(located)
    have = {p.iri for p in located}
    missing = sorted(((name, iri) for name, iri in _listed(view) if iri not in have), key=lambda t: sort_key(t[0]))
    legend = network_legend(view)
    total = len(_listed(view))
    svg = draw_map(drawn, legend, map_id="map-all", max_height=760,
                   title=gettext("Map of the members of the city networks"),
                   description=gettext("%(drawn)d of %(total)d member places, coloured by network; a place in "
                                       "several networks is split into slices.") % {"drawn": len(drawn),
                                                                                     "total": total})
    caption = gettext("%(drawn)d of the %(total)d listed members are drawn. Each point links to its page; a point "
                      "split into slices belongs to several networks.") % {"drawn": len(drawn), "total": total}
    return figure(svg, caption, drawn, _rest(view, outside, missing), legend)


def network_map(view: View, network: Entity) -> Markup | None:
    legend = network_legend(view)
    points, missing = [], []
    for row in stored("members-of-network", view, network=str(network.iri)):
        where = _lon_lat(row)
        if where is None:
            missing.append((row.name, str(row.member)))
            continue
        points.append(MapPoint(lon=where[0], lat=where[1], label=row.name, href=view.href(row.member),
                               tooltip=_tooltip(view, row.name, row.kind, row.country, []),
                               groups=[str(network.iri)], iri=str(row.member)))
    drawn, outside = split_outside(points)
    if not drawn:
        return None
    key = str(network.iri)
    colour = legend.entries.get(key, (PALETTE[0], network.label))
    total = len(points) + len(missing)
    svg = draw_map(drawn, Legend({key: colour}), map_id="map-network", show_legend=False, max_height=680,
                   title=gettext("Map of the members of %(network)s") % {"network": view.name(network.iri).text},
                   description=gettext("%(drawn)d of the %(total)d listed members are drawn as points.")
                   % {"drawn": len(drawn), "total": total})
    caption = gettext("%(drawn)d of the %(total)d listed members are drawn.") % {"drawn": len(drawn), "total": total}
    return figure(svg, caption, drawn, _rest(view, outside, sorted(missing, key=lambda t: sort_key(t[0]))),
                  Legend({key: colour}))


def place_map(view: View, place: Entity, networks: list[str]) -> Markup | None:
    """The place, highlighted, among the members of the networks it belongs to."""
    coordinates = view.model.coordinates(place.iri)
    if coordinates is None or not covers(*coordinates):
        return None
    points = _linked(view, [p for p in _located_members(view)
                            if set(p.groups) & set(networks) and p.iri != str(place.iri)])
    for point in points:
        point.groups = [g for g in point.groups if g in networks]
    points.append(MapPoint(lon=coordinates[0], lat=coordinates[1], label=place.label, href=None,
                           tooltip=place.label, groups=list(networks), iri=str(place.iri),
                           highlight=True))
    drawn, outside = split_outside(points)
    legend = network_legend(view)
    shown = Legend({k: v for k, v in legend.entries.items() if k in networks})
    svg = draw_map(drawn, shown, map_id="map-place", max_height=560,
                   title=gettext("Map: %(place)s and the other members of its networks") % {"place": place.label},
                   description=gettext("%(place)s is the large point; the others are members of the same networks.")
                   % {"place": place.label})
    caption = gettext("%(place)s (large point) and %(drawn)d other members of its networks.") % {
        "place": place.label, "drawn": len(drawn) - 1}
    return figure(svg, caption, drawn, _rest(view, outside, []), shown)
