"""The tables as people edit them: one row per entity, with its source and the words quoted
from it. ``citynet export --format csv`` writes the memberships table; ``--kind`` another one.

The memberships table is the ``memberships`` stored query (the same rows, so the catalog's
description of the CSV still holds) plus ``source`` and ``quote``: of the membership's sources,
the one with a quote that names the member (else the first), and that quote. Importing the
table unchanged changes nothing, since that source and quote are already there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from citynet.curate.table_kinds import (
    CN,
    EVENT_KINDS,
    KINDS,
    LIST_SEPARATOR,
    MEMBERSHIPS,
    PLACE_KINDS,
    TableKind,
)
from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.names import normalise
from citynet.querying.execute import query, run
from citynet.querying.results import spreadsheet_csv, write_spreadsheet_csv
from citynet.streams import SupportsWrite, TextChunks

Row = dict[str, str]

_EVIDENCE_QUERY = """
PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?membership ?source ?quote WHERE {
  ?membership a org:Membership ; dct:source ?source .
  OPTIONAL { ?source cn:quote ?quote }
}
"""
_MEMBER_NAMES_QUERY = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?membership ?name WHERE {
  ?membership a org:Membership ; org:member ?member . ?member rdfs:label|skos:altLabel ?name .
}
"""


def table_csv(graph: KnowledgeGraph, kind: str = "memberships") -> str:
    """The table of ``kind`` as CSV for spreadsheets: a cell a spreadsheet would run as a
    formula gets a leading ``'`` (import takes it off again)."""
    table = KINDS.get(kind)
    if table is None:
        raise InputError(f"unknown table {kind!r}", hint=f"tables: {', '.join(KINDS)}")
    rows = table_rows(graph, table)
    return spreadsheet_csv(table.column_names, ([row.get(name, "") for name in table.column_names] for row in rows))


def write_table_csv(graph: KnowledgeGraph, kind: str, stream: SupportsWrite) -> None:
    """:func:`table_csv`'s text written to ``stream`` (UTF-8) row by row: the rows are one
    table in memory (they are merged by membership), their CSV text never is."""
    table = KINDS.get(kind)
    if table is None:
        raise InputError(f"unknown table {kind!r}", hint=f"tables: {', '.join(KINDS)}")
    rows = table_rows(graph, table)
    out = TextChunks(stream)
    write_spreadsheet_csv(table.column_names, ([row.get(name, "") for name in table.column_names] for row in rows),
                          out)
    out.flush()


def table_rows(graph: KnowledgeGraph, table: TableKind) -> list[Row]:
    if table is MEMBERSHIPS:
        return membership_rows(graph)
    rdf = graph.rdflib_graph
    return [entity_row(rdf, table, entity) for entity in sorted(_entities(rdf, table))]


# ---------------------------------------------------------------- memberships


def membership_rows(graph: KnowledgeGraph) -> list[Row]:
    result = query("memberships", graph=graph)
    rows: dict[str, Row] = {}
    for values in result.lexical_rows():
        row = {name: value or "" for name, value in zip(result.variables, values, strict=True)}
        kept = rows.setdefault(row["membership"], row)
        for name in ("role", "representedBy"):  # several roles: one row, the values joined
            found = [v for v in kept[name].split(LIST_SEPARATOR) if v]
            if row[name] and row[name] not in found:
                kept[name] = LIST_SEPARATOR.join([*found, row[name]])
    evidence = _evidence(graph)
    for membership, row in rows.items():
        row["source"], row["quote"] = evidence.get(membership, ("", ""))
    return list(rows.values())


def _evidence(graph: KnowledgeGraph) -> dict[str, tuple[str, str]]:
    quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for membership, source, quote in run(_EVIDENCE_QUERY, graph, {}).lexical_rows():
        quotes[membership or ""].append((source or "", quote or ""))
    names: dict[str, set[str]] = defaultdict(set)
    for membership, name in run(_MEMBER_NAMES_QUERY, graph, {}).lexical_rows():
        names[membership or ""].add(normalise(name or ""))
    return {membership: pick_evidence(candidates, names[membership]) for membership, candidates in quotes.items()}


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
