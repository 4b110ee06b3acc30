"""The maps the site shows, from the stored queries ``member-locations`` and
``members-of-network``: all members on the home page, a network's members on its
page, and a place among the members of its networks on the place's page."""

from __future__ import annotations

from dataclasses import replace

from markupsafe import Markup
from rdflib import URIRef

from citynet.publish.site.collect import CN, Entity
from citynet.publish.site.svgmap import PALETTE, Legend, MapPoint, draw_map
from citynet.publish.site.templating import render
from citynet.publish.site.values import View
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
        groups.append((str(network.iri), network.label + (f" ({abbreviation})" if abbreviation else "")))
    return Legend.of(groups)


def _network_keys(view: View) -> dict[str, str]:
    """English network name → network IRI (member-locations gives names)."""
    return {e.label: str(e.iri) for e in view.model.of_kind("network")}


def _short(view: View, network_iri: str) -> str:
    abbreviation = view.model.value(URIRef(network_iri), CN.abbreviation)
    return str(abbreviation) if abbreviation is not None else view.model.label(URIRef(network_iri))


def _tooltip(view: View, name: str, kind: str | None, country: str | None, networks: list[str]) -> str:
    what = ", ".join(x for x in (kind, country) if x)
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


def figure(svg: Markup, caption: str, missing: list[str] | None = None) -> Markup:
    note = f" Not on the map, for want of coordinates: {', '.join(missing)}." if missing else ""
    return render("figure.html", svg=svg, caption=caption + note)


def home_map(view: View) -> Markup:
    points = all_members(view)
    legend = network_legend(view)
    svg = draw_map(points, legend, map_id="map-all", max_height=720,
                   title="Map of the members of the city networks",
                   description=f"{len(points)} member places with coordinates, coloured by network; "
                               "a place in several networks is split into slices.")
    return figure(svg, f"Members with known coordinates: {len(points)} places. Each point links to its page; "
                       "a point split into slices belongs to several networks.")


def network_map(view: View, network: Entity) -> Markup | None:
    legend = network_legend(view)
    points, missing = [], []
    for row in stored("members-of-network", view, network=str(network.iri)):
        where = _lon_lat(row)
        if where is None:
            missing.append(row.name)
            continue
        points.append(MapPoint(lon=where[0], lat=where[1], label=row.name, href=view.href(row.member),
                               tooltip=_tooltip(view, row.name, row.kind, row.country, []),
                               groups=[str(network.iri)], iri=str(row.member)))
    if not points:
        return None
    key = str(network.iri)
    colour = legend.entries.get(key, (PALETTE[0], network.label))
    svg = draw_map(points, Legend({key: colour}), map_id="map-network", show_legend=False, max_height=680,
                   title=f"Map of the members of {network.label}",
                   description=f"{len(points)} of the listed members have coordinates and are shown as points.")
    return figure(svg, f"{len(points)} members with known coordinates.", sorted(missing))


def place_map(view: View, place: Entity, networks: list[str]) -> Markup | None:
    """The place, highlighted, among the members of the networks it belongs to."""
    coordinates = view.model.coordinates(place.iri)
    if coordinates is None:
        return None
    points = _linked(view, [p for p in _located_members(view)
                            if set(p.groups) & set(networks) and p.iri != str(place.iri)])
    for point in points:
        point.groups = [g for g in point.groups if g in networks]
    points.append(MapPoint(lon=coordinates[0], lat=coordinates[1], label=place.label, href=None,
                           tooltip=place.label, groups=list(networks), iri=str(place.iri),
                           highlight=True))
    legend = network_legend(view)
    shown = Legend({k: v for k, v in legend.entries.items() if k in networks})
    svg = draw_map(points, shown, map_id="map-place", max_height=520,
                   title=f"Map: {place.label} and the other members of its networks",
                   description=f"{place.label} is the large point; the others are members of the same networks.")
    caption = f"{place.label} (large point)" + (" and the other members of its networks." if len(points) > 1 else ".")
    return figure(svg, caption)
