"""The tables as people edit them: one row per entity, with its source and the words quoted
from it. ``citynet export --format csv`` writes the memberships table; ``--kind`` another one.

The memberships table is the ``memberships`` stored query (the same rows, so the catalog's
description of the CSV still holds) plus ``source`` and ``quote``: of the membership's sources,
the one with a quote that names the member (else the first), and that quote. Importing the
table unchanged changes nothing, since that source and quote are already there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from citynet.curate.membership_groups import membership_groups
from citynet.curate.table_kinds import (
    CN,
    EVENT_KINDS,
    KINDS,
    LIST_SEPARATOR,
    MEMBERSHIPS,
    ORG,
    PLACE_KINDS,
    TableKind,
)
from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.lookups import RDF_TYPE, RDFS_LABEL, holds, objects
from citynet.graph.names import normalise
from citynet.graph.terms import OxigraphTerm, lexical
from citynet.querying.results import spreadsheet_csv, write_spreadsheet_csv
from citynet.streams import SupportsWrite, TextChunks

Row = dict[str, str]

_MERGED = ("role", "representedBy")  # the columns a membership's later rows add values to
_ORG_MEMBERSHIP = pyoxigraph.NamedNode(str(ORG.Membership))
_ORG_MEMBER = pyoxigraph.NamedNode(str(ORG.member))
_DCT_SOURCE = pyoxigraph.NamedNode(str(DCTERMS.source))
_CN_QUOTE = pyoxigraph.NamedNode(str(CN.quote))
_SKOS_ALT_LABEL = pyoxigraph.NamedNode(str(SKOS.altLabel))


def table_csv(graph: KnowledgeGraph, kind: str = "memberships") -> str:
    """The table of ``kind`` as CSV for spreadsheets: a cell a spreadsheet would run as a
    formula gets a leading ``'`` (import takes it off again)."""
    table = KINDS.get(kind)
    if table is None:
        raise InputError(f"unknown table {kind!r}", hint=f"tables: {', '.join(KINDS)}")
    rows = table_rows(graph, table)
    return spreadsheet_csv(table.column_names, ([row.get(name, "") for name in table.column_names] for row in rows))


def write_table_csv(graph: KnowledgeGraph, kind: str, stream: SupportsWrite) -> None:
    """:func:`table_csv`'s text written to ``stream`` (UTF-8) row by row. The memberships
    table streams (see :func:`membership_rows`); the others, read from an rdflib graph of the
    data, are held."""
    table = KINDS.get(kind)
    if table is None:
        raise InputError(f"unknown table {kind!r}", hint=f"tables: {', '.join(KINDS)}")
    rows = table_rows(graph, table)
    out = TextChunks(stream)
    write_spreadsheet_csv(table.column_names, ([row.get(name, "") for name in table.column_names] for row in rows),
                          out)
    out.flush()


def table_rows(graph: KnowledgeGraph, table: TableKind) -> Iterable[Row]:
    if table is MEMBERSHIPS:
        return membership_rows(graph)
    rdf = graph.rdflib_graph
    return [entity_row(rdf, table, entity) for entity in sorted(_entities(rdf, table))]


# ---------------------------------------------------------------- memberships


def membership_rows(graph: KnowledgeGraph) -> Iterator[Row]:
    """The memberships table row by row, in the stored query's order: its rows merged by
    membership (a membership on several rows, one per role, is one row where it first comes,
    the roles joined), each with its source and quote.

    Nothing holds the table: the query's rows come one network name at a time, and each
    membership's row is written from the rows that come first for it, which hold all its roles
    (see :mod:`citynet.curate.membership_groups`)."""
    for membership, rows in membership_groups(graph.store):
        kept = rows[0]
        _merge(kept, rows[1:])
        kept["source"], kept["quote"] = _evidence(graph.store, membership)
        yield kept


def _merge(kept: Row, rows: list[Row]) -> None:
    """Add the roles and bodies of a membership's later rows to its row: each distinct value
    once, in the order met. (Values are compared whole: a name with the separator in it was
    written twice when the parts of the cell were compared.)"""
    for name in _MERGED:
        values = [kept[name]] if kept[name] else []
        values += dict.fromkeys(row[name] for row in rows if row[name] and row[name] not in values)
        kept[name] = LIST_SEPARATOR.join(values)


def _evidence(store: pyoxigraph.Store, membership: OxigraphTerm) -> tuple[str, str]:
    """The source and quote a membership's row shows: of the sources of an org:Membership, the
    one with a quote that names its member (by an rdfs:label or skos:altLabel), else the first
    (see :func:`pick_evidence`); none for anything else."""
    if not holds(store, membership, RDF_TYPE, _ORG_MEMBERSHIP):
        return "", ""
    candidates = []
    for source in objects(store, membership, _DCT_SOURCE):
        quotes = [lexical(quote) or "" for quote in objects(store, source, _CN_QUOTE)]
        candidates += [(lexical(source) or "", quote) for quote in quotes or [""]]
    if not candidates:
        return "", ""
    names = {normalise(lexical(name) or "") for member in objects(store, membership, _ORG_MEMBER)
             for predicate in (RDFS_LABEL, _SKOS_ALT_LABEL) for name in objects(store, member, predicate)}
    return pick_evidence(candidates, names)


def pick_evidence(candidates: Iterable[tuple[str, str]], names: set[str]) -> tuple[str, str]:
    """The (source, quote) a row shows: a quote that names the entity first, then by source
    and quote, so that the same graph gives the same table."""
    def rank(candidate: tuple[str, str]) -> tuple[bool, bool, str, str]:
        source, quote = candidate
        text = normalise(quote)
        return not any(name and name in text for name in names), not quote, source, quote

    return min(candidates, key=rank)


# ---------------------------------------------------------------- places, events, sources


def _entities(rdf: Graph, table: TableKind) -> set[URIRef]:
    return {s for cls in table.classes for s in rdf.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def entity_row(rdf: Graph, table: TableKind, entity: URIRef) -> Row:
    row: Row = {table.key.name: str(entity)}
    for column in table.columns[1:]:
        if column.role == "class":
            row[column.name] = _class_cell(rdf, table, entity)
        elif column.role in ("value", "link") and column.predicate is not None:
            row[column.name] = _cell(_values(rdf, entity, column.predicate, column.language))
        elif column.role == "reference" and column.predicate is not None:
            row[column.name] = _cell([_name(rdf, o) for o in rdf.objects(entity, column.predicate)])
        elif column.name == "quoteLanguage":
            row[column.name] = _cell(sorted({q.language or "" for q in rdf.objects(entity, CN.quote)
                                             if isinstance(q, Literal)}))
        elif column.role == "quote" and table.name == "sources":
            row[column.name] = "\n".join(str(q) for q in rdf.objects(entity, CN.quote))
    if table.name != "sources":
        candidates = [(str(source), str(quote)) for source in rdf.objects(entity, DCTERMS.source)
                      for quote in [*rdf.objects(source, CN.quote)] or [Literal("")]]
        names = {normalise(str(o)) for o in rdf.objects(entity, RDFS.label)}
        row["source"], row["quote"] = pick_evidence(candidates, names) if candidates else ("", "")
    return row


def _class_cell(rdf: Graph, table: TableKind, entity: URIRef) -> str:
    names = PLACE_KINDS if table.name == "places" else EVENT_KINDS
    found = [name for name, cls in names.items() if (entity, RDF.type, cls) in rdf]
    return LIST_SEPARATOR.join(found)


def _values(rdf: Graph, entity: URIRef, predicate: URIRef, language: str | None) -> list[str]:
    values = []
    for value in rdf.objects(entity, predicate):
        if language is not None and not (isinstance(value, Literal) and value.language == language):
            continue
        values.append(str(value))
    return sorted(values)


def _name(rdf: Graph, node: Node) -> str:
    for predicate in (RDFS.label, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")):
        for label in rdf.objects(node, predicate):
            if isinstance(label, Literal) and label.language == "en":
                return str(label)
    return str(node)


def _cell(values: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(values)
