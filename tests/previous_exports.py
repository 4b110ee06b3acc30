"""citynet's exports as written before issue 16's faster JSON-LD writer (commit 249a186),
kept word for word as the reference the streamed exports are compared with: blank nodes
renamed in a pass of their own, then one node object per subject. Only the imports are new.

Below them, the memberships table (the CSV export) as it was made before it streamed (commit
2bd7445): every row held in a dict by membership, the evidence from two queries over all
memberships. (Which evidence a row shows, ``pick_evidence``, did not change: it is imported.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, cast

import pyoxigraph

from citynet.curate.table_export import pick_evidence
from citynet.curate.table_kinds import LIST_SEPARATOR, MEMBERSHIPS
from citynet.errors import InputError
from citynet.graph.names import normalise
from citynet.graph.terms import RDF_TYPE, XSD_STRING
from citynet.publish.jsonld import _ID, _LANGUAGE, _PLAIN, CompactionRules
from citynet.querying.execute import query, run
from citynet.querying.results import spreadsheet_csv


def stable_blank_nodes(quads: Iterable[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
    """The quads with their blank nodes renamed ``b0``, ``b1``, … in order of first
    appearance: a graph read twice from the same files gives the same names, where the
    parser's own are random. Distinct nodes stay distinct, so the graph is the same.
    (Graph names are left as they are: an export's named graphs are IRIs.)"""
    names: dict[pyoxigraph.BlankNode, pyoxigraph.BlankNode] = {}
    blank = pyoxigraph.BlankNode

    def rename(node: pyoxigraph.BlankNode) -> pyoxigraph.BlankNode:
        new = names.get(node)
        if new is None:
            new = names[node] = blank(f"b{len(names)}")
        return new

    for quad in quads:
        subject, value = quad.subject, quad.object
        if type(subject) is blank:
            yield pyoxigraph.Quad(rename(subject), quad.predicate,
                                  rename(value) if type(value) is blank else value, quad.graph_name)
        elif type(value) is blank:
            yield pyoxigraph.Quad(subject, quad.predicate, rename(value), quad.graph_name)
        else:
            yield quad


def triples_by_subject(graph: Any) -> Iterator[pyoxigraph.Quad]:
    """KnowledgeGraph.triples_by_subject as it was."""
    quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    if graph.persistent:
        yield from quads
        return
    for subject in dict.fromkeys(quad.subject for quad in quads):
        yield from graph.store.quads_for_pattern(subject, None, None, pyoxigraph.DefaultGraph())


# How a value is written under its key.
_AS_CLASS, _IN_LANGUAGE_MAP, _AS_BARE_REFERENCE, _AS_BARE_STRING, _AS_VALUE_OBJECT = range(5)


def _node_objects(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad],
                  rules: CompactionRules) -> Iterator[dict[str, Any]]:
    node: dict[str, Any] = {}
    subject = None
    plans: dict[tuple[str, str], tuple[str, int]] = {}  # (property, kind) -> key and how, worked out once
    for triple in triples:
        if triple.subject != subject:
            if node:
                yield node
            subject = triple.subject
            node = {rules.id_key: _reference(subject, rules)}
        value = triple.object
        kind = _kind(value)
        plan = plans.get((predicate := triple.predicate.value, kind))
        if plan is None:
            plan = plans[predicate, kind] = _plan(predicate, kind, rules)
        key, how = plan
        # The kind worked out from the value says what it is: a literal for a string or a language map.
        if how == _AS_BARE_STRING:
            _append(node, key, cast(pyoxigraph.Literal, value).value)
        elif how == _AS_BARE_REFERENCE:
            _append(node, key, _reference(value, rules))
        elif how == _IN_LANGUAGE_MAP:
            literal = cast(pyoxigraph.Literal, value)
            _append(node.setdefault(key, {}), str(literal.language), literal.value)
        elif how == _AS_CLASS:
            _append(node, key, _class(value, rules))
        else:
            _append(node, key, _value_object(value, kind, rules))
    if node:
        yield node


def _plan(predicate: str, kind: str, rules: CompactionRules) -> tuple[str, int]:
    if predicate == RDF_TYPE and kind == _ID:
        return rules.type_key, _AS_CLASS
    term = rules.terms.get((predicate, kind))
    if term is None:
        return rules.compact_iri(predicate), _AS_VALUE_OBJECT
    if kind == _LANGUAGE:
        return term, _IN_LANGUAGE_MAP
    return term, _AS_BARE_REFERENCE if kind == _ID else _AS_BARE_STRING


def _kind(term: Any) -> str:
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return _LANGUAGE
        datatype = term.datatype.value
        return _PLAIN if datatype == XSD_STRING else datatype
    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.BlankNode)):
        return _ID
    raise InputError(f"JSON-LD 1.1 cannot hold the RDF-star term {term}")


def _reference(term: Any, rules: CompactionRules) -> str:
    return f"_:{term.value}" if isinstance(term, pyoxigraph.BlankNode) else rules.absolute(term.value)


def _class(term: Any, rules: CompactionRules) -> str:
    return f"_:{term.value}" if isinstance(term, pyoxigraph.BlankNode) else rules.compact_iri(term.value)


def _value_object(term: Any, kind: str, rules: CompactionRules) -> Any:
    if kind == _ID:
        return {"@id": _reference(term, rules)}
    if kind == _LANGUAGE:
        return {"@value": term.value, "@language": term.language}
    if kind == _PLAIN:
        return term.value
    return {"@value": term.value, "@type": rules.compact_iri(kind)}


def _append(container: dict[str, Any], key: str, value: Any) -> None:
    """One value stays a value; a second turns it into a list."""
    if key not in container:
        container[key] = value
    elif isinstance(container[key], list):
        container[key].append(value)
    else:
        container[key] = [container[key], value]


# ---------------------------------------------------------------- the memberships table (2bd7445)

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


def memberships_csv(graph: Any) -> str:
    rows = membership_rows(graph)
    columns = MEMBERSHIPS.column_names
    return spreadsheet_csv(columns, ([row.get(name, "") for name in columns] for row in rows))


def membership_rows(graph: Any) -> list[Row]:
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


def _evidence(graph: Any) -> dict[str, tuple[str, str]]:
    quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for membership, source, quote in run(_EVIDENCE_QUERY, graph, {}).lexical_rows():
        quotes[membership or ""].append((source or "", quote or ""))
    names: dict[str, set[str]] = defaultdict(set)
    for membership, name in run(_MEMBER_NAMES_QUERY, graph, {}).lexical_rows():
        names[membership or ""].add(normalise(name or ""))
    return {membership: pick_evidence(candidates, names[membership]) for membership, candidates in quotes.items()}
