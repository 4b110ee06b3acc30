"""The GeoJSON features of the ``member-locations`` stored query, made from the store's indexes
without holding the query's answer.

The query groups every membership of the graph by member (the networks' names of each) and sorts
every row (``ORDER BY ?name ?member``): Oxigraph holds all of it, about 770 MB at 10 million
triples. Here each member with a latitude is read from the store as it comes, with the patterns
of the query, and its features are sorted by :func:`citynet.spilled_sort.spilled_sorted` in the
order ORDER BY gives; a member's several rows (two kinds, two latitudes…), which that order leaves
tied, come by kind, country and coordinates. ``tests/test_located_members.py`` compares the
features with the query's rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph

from citynet.curate.table_kinds import GN, ORG, PLACE_KINDS, WGS
from citynet.errors import InputError
from citynet.graph.lookups import DEFAULT_GRAPH, RDF_TYPE, EnglishNames, english_names, objects, order_key
from citynet.graph.terms import OxigraphTerm, lexical
from citynet.spilled_sort import spilled_sorted

Feature = dict[str, Any]

_KINDS = {pyoxigraph.NamedNode(str(iri)): kind for kind, iri in PLACE_KINDS.items()}  # "city", "region"
_LAT, _LONG = pyoxigraph.NamedNode(str(WGS.lat)), pyoxigraph.NamedNode(str(WGS.long))
_COUNTRY = pyoxigraph.NamedNode(str(GN.countryCode))
_MEMBER, _ORGANIZATION = pyoxigraph.NamedNode(str(ORG.member)), pyoxigraph.NamedNode(str(ORG.organization))
_SEPARATOR = "; "  # the query's GROUP_CONCAT separator
_RUN = 5_000  # rows sorted in memory at a time


def member_features(store: pyoxigraph.Store) -> Iterator[Feature]:
    """A GeoJSON Feature per row of the ``member-locations`` query (a member with coordinates
    and its networks), in the query's order."""
    for _key, (member, coordinates, name, kind, country, networks) in spilled_sorted(
            _keyed_rows(store), key=lambda keyed: keyed[0], run=_RUN):
        yield {
            "type": "Feature",
            "id": member,
            "geometry": {"type": "Point", "coordinates": coordinates},
            "properties": {"name": name, "kind": kind, "country": country, "networks": networks},
        }


def _keyed_rows(store: pyoxigraph.Store) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    networks = EnglishNames(store)
    for quad in store.quads_for_pattern(None, _LAT, None, DEFAULT_GRAPH):
        member = quad.subject
        latitudes = objects(store, member, _LAT)
        if latitudes[0] != quad.object:  # each member once: where the index gives its first latitude
            continue
        yield from _member_rows(store, member, latitudes, networks)


def _member_rows(store: pyoxigraph.Store, member: OxigraphTerm, latitudes: list[OxigraphTerm],
                 networks: EnglishNames) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """The query's rows of one member: every kind, English name, latitude, longitude and
    country (or none) it has, with the names of its networks."""
    kinds = [_KINDS[kind] for kind in objects(store, member, RDF_TYPE) if isinstance(kind, pyoxigraph.NamedNode)
             and kind in _KINDS]
    names = english_names(store, member)
    longitudes = objects(store, member, _LONG)
    network_names = _network_names(store, networks, member)
    if not (kinds and names and longitudes and network_names):
        return
    countries: list[OxigraphTerm | None] = [*objects(store, member, _COUNTRY)] or [None]
    listed = _SEPARATOR.join(network_names)
    split = sorted(listed.split(_SEPARATOR)) if listed else []
    identifier = lexical(member)
    # ORDER BY puts blank nodes first, by their ids, then IRIs by their text.
    member_key = (0 if isinstance(member, pyoxigraph.BlankNode) else 1, str(identifier))
    for kind in kinds:
        for name in names:
            for latitude in latitudes:
                for longitude in longitudes:
                    for country in countries:
                        coordinates = [_degrees(member, "long", longitude), _degrees(member, "lat", latitude)]
                        text = lexical(country)
                        yield ((*order_key(name), member_key, kind, text or "", coordinates),
                               (identifier, coordinates, name.value, kind, text, list(split)))


def _degrees(member: OxigraphTerm, axis: str, value: OxigraphTerm) -> float:
    """A coordinate as a GeoJSON number; a value that is not one is the data's error, named."""
    try:
        return float(lexical(value) or "")
    except ValueError:
        raise InputError(f"{lexical(member)} has wgs:{axis} {value}, which is not a number of degrees",
                         hint="write it as a decimal number, such as 54.0887") from None


def _network_names(store: pyoxigraph.Store, networks: EnglishNames, member: OxigraphTerm) -> list[str]:
    """The query's ``GROUP_CONCAT(DISTINCT STR(?networkName))`` of a member, as a list: the English
    names of the networks of every membership it is the member of. (The features sort the names
    split at the separator, so their order here does not matter.)"""
    found: dict[str, None] = {}
    for membership in store.quads_for_pattern(None, _MEMBER, member, DEFAULT_GRAPH):
        for network in objects(store, membership.subject, _ORGANIZATION):
            found.update(dict.fromkeys(name.value for name in networks.of(network)))
    return list(found)
