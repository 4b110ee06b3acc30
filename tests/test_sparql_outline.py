"""The quick reading of a query (:mod:`citynet.querying.sparql_outline`) against rdflib's parse.

Where the quick reading reads a text, it must read what rdflib reads: the same form, the same
dataset, and the same triple patterns (the plan estimate's input), over the W3C SPARQL 1.1
suite's queries, the stored queries (as they are, and bound by VALUES as ``citynet query
--endpoint`` sends them) and the cases below. Where rdflib refuses a text it reads, Oxigraph
refuses it too, and the worker answers with rdflib's message, as before. On the W3C suite's
queries and the cases below, a query worker gives the same replies with the quick reading as
without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.term import BNode, Identifier, Variable

import citynet
from citynet.errors import QueryError
from citynet.querying.sparql_outline import PATH, outline
from citynet.querying.sparql_safety import parse_read_only_query
from citynet.server import worker
from citynet.server.plan_cost import triple_patterns
from tests.w3c_suite import SUITE, evaluation_tests, iri_of

P = "PREFIX : <http://example.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
#: Every construct the quick reading reads, once or more.
CASES = [
    P + "SELECT * WHERE { ?s :p ?o ; a ?c , :C ; rdfs:label 'x'@en-GB , \"y\"^^:t . }",
    P + "SELECT ?s FROM <http://example.org/g> FROM NAMED :h WHERE { GRAPH ?g { ?s ?p ?o } }",  # noqa: S608
    P + "select distinct ?s where { ?s :p/:q|^:r ?o . ?s :p* ?a . ?s (:p) ?b . ?s !(:p|^a) ?c . ?s !:p ?d . "
        "?s :p? ?e }",
    P + "SELECT * { [ :p ?x ; :q [ :r 1 ] ] :s ( 1 2.5 3e0 \"a\\tb\" true ) . [] :t () . _:b :u _:b }",
    P + "SELECT * { ( ?a ?b ) :p ?c . ( ?d ) . [ :p ?e ] . }",
    P + "SELECT * { ?s :p ?o OPTIONAL { ?o :q ?r FILTER (?r > 1) } MINUS { ?s :x 1 } FILTER regex(?o, 'a') }",
    P + "SELECT * { { ?s :p ?o } UNION { ?s :q ?o } UNION { ?s :r ?o } BIND (STR(?o) AS ?t) }",
    P + "SELECT ?s (COUNT(*) AS ?n) { { SELECT ?s WHERE { ?s :p ?o } GROUP BY ?s HAVING (COUNT(?o) > 1) "
        "ORDER BY DESC(?s) LIMIT 5 VALUES ?s { :a } } ?s :q ?x } GROUP BY ?s ORDER BY ?n LIMIT 3 OFFSET 1",
    P + "SELECT * { VALUES (?a ?b) { (:x 1) (UNDEF \"z\") } VALUES ?c { :y } VALUES () { () } ?a :p ?c }",
    P + "CONSTRUCT { ?s :p ?o . [] :q ?s } WHERE { ?s :r ?o }",
    P + "CONSTRUCT WHERE { ?s :p ?o }",
    P + "DESCRIBE :x",
    P + "DESCRIBE ?s WHERE { ?s :p 1 }",
    P + "ASK { ?s :p \"\"\"long\n'string'\"\"\" , '''other''' }",
    P + "ASK FROM :g { ?s ?p ?o }",
    "SELECT * WHERE { ?s <http://example.org/p> ?o . } # a comment { with braces }\n",
    P + "SELECT * { ?s :p ?o ; ; :q ?r ; }",
    "SELECT * { ?s <http://example.org/p#q> ?o FILTER (?o != <http://example.org/p#r>) } ORDER BY (?o < 3)",
]
#: Texts the quick reading leaves to rdflib, and why.
GIVEN_UP = {
    "BASE": "BASE <http://example.org/> SELECT * { ?s <p> ?o }",
    "a relative IRI": "SELECT * { ?s <p> ?o }",
    "\\u escapes": "SELECT * { ?s <http://example.org/\\u0070> ?o }",
    "SERVICE": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "EXISTS": "SELECT * { ?s ?p ?o FILTER NOT EXISTS { ?s a ?c } }",
    "an update": "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
    "an undeclared prefix": "SELECT * { ?s ex:p ?o }",
    "an escape in a prefixed name": P + "SELECT * { ?s :p\\.q ?o }",
    "a signed number": P + "SELECT * { ?s :p -1 }",
    "a direction": P + "SELECT * { ?s :p 'x'@en--ltr }",
    "unary operators in a row": "ASK { FILTER (!!true) } ",
    "a keyword run on into a name: FROM": P + "SELECT ?o FROM:g WHERE { ?s ?p ?o }",
    "a keyword run on into a name: FROMa": "PREFIX a: <http://e/> SELECT ?o FROMa:g { ?s ?p ?o }",
    "a keyword run on into a name: NOTEXISTS": P + "SELECT * { BIND(NOTEXISTS{ ?s :p ?o } AS ?b) }",
    "a keyword run on into a name: SERVICE": "PREFIX a: <http://e/> SELECT * { SERVICEa:x { ?s ?p ?o } }",
    "SERVICE after a comment ended by \\r": "SELECT * { #\rSERVICE <http://e/> { ?s ?p ?o }\n }",
    "less-than read as an IRI": P + "SELECT * {?s:p?o.FILTER(?o<a:b)?a?b?c.?d?e?f.FILTER(?o>0)}",
    "a comment hidden in a less-than": "SELECT * WHERE { FILTER(1<2#> \"\"\" )\n) ?s ?p ?o .\n#\"\"\" )\n}",
    "a string hidden in a less-than": "SELECT * { FILTER(\"\"<'''>''') ?s ?p ?o FILTER(''' ) # ''')\n}",
    "a FROM hidden in a less-than": ("SELECT ?o (1<2#> \"\"\" AS ?z)\n AS ?z) FROM <http://x/g> #\"\"\" AS ?w)\n"
                                     "WHERE { ?s ?p ?o }"),
    "words run on with two dots": P + "SELECT * { FILTER(" + "a.." * 6_000 + ") }",
    "words run on with dots": P + "SELECT * { ?s ?p " + "a." * 10_000 + " }",
    "words run on with hyphens": P + "SELECT * { ?s ?p " + "a-" * 10_000 + " }",
    "FROM in a subquery": P + "SELECT * { { SELECT * FROM :g { ?s ?p ?o } } }",  # noqa: S608
    "an unterminated string": P + "SELECT * { ?s :p 'x }",
    "a character outside SPARQL": P + "SELECT * { ?s :p ?o } `",
    "no query": "",
}


def canonical(patterns) -> list[tuple[str, ...]]:
    """Patterns as the estimate sees them: variables by name, blank nodes alike, paths alike."""
    def term(t) -> str:
        if isinstance(t, BNode):
            return "_"
        if isinstance(t, Variable):
            return "?" + t
        if isinstance(t, Identifier):
            return t.n3()
        assert t == PATH or not isinstance(t, str)  # rdflib's Path objects
        return "path"
    return sorted(tuple(map(term, pattern)) for pattern in patterns)


def rdflib_reading(text: str, base_iri: str | None):
    prepared = parse_read_only_query(text, base_iri=base_iri)
    algebra = prepared.algebra
    clauses = (algebra["datasetClause"] if "datasetClause" in algebra else None) or []  # noqa: SIM401 (CompValue.get)
    dataset = tuple(("FROM NAMED", str(c["named"])) if "named" in c else ("FROM", str(c["default"]))
                    for c in clauses)
    return algebra.name.removesuffix("Query").upper(), dataset, canonical(triple_patterns(algebra))


def corpus() -> Iterator[tuple[str, str, str | None]]:
    """(id, text, base IRI) of every query compared."""
    for index, text in enumerate(CASES):
        yield f"case-{index}", text, None
    for stored in citynet.queries():
        yield f"stored-{stored.name}", stored.text, None
        bound = bound_text(stored)
        if bound is not None:
            yield f"stored-{stored.name}-values", bound, None
    if SUITE.is_dir():
        for path in sorted(SUITE.rglob("*.rq")):
            yield f"w3c-{path.relative_to(SUITE)}", path.read_text(encoding="utf-8"), iri_of(path)


def bound_text(stored) -> str | None:
    from citynet.querying.execute import bind_parameters
    from citynet.scale.remote import with_values

    examples = {p.name: str(p.example) for p in stored.parameters if p.example is not None}
    if not examples:
        return None
    return with_values(stored.text, bind_parameters(stored, examples, citynet.shipped_graph()))


CORPUS = list(corpus())


@pytest.mark.parametrize(("text", "base_iri"), [pytest.param(t, b, id=i) for i, t, b in CORPUS])
def test_what_it_reads_is_what_rdflib_reads(text: str, base_iri: str | None):
    quick = outline(text)
    if quick is None:
        return  # rdflib reads it (the share read quickly is checked below)
    try:
        form, dataset, patterns = rdflib_reading(text, base_iri)
    except QueryError:
        # Not SPARQL after all: Oxigraph refuses it as well, and the worker then gives rdflib's message.
        with pytest.raises(SyntaxError):
            ox.Store().query(text, base_iri=base_iri)
        return
    assert (quick.form, quick.dataset) == (form, dataset)
    assert canonical(quick.patterns) == patterns


def test_it_reads_most_queries_and_every_case():
    read = {i for i, text, _ in CORPUS if outline(text) is not None}
    assert {f"case-{n}" for n in range(len(CASES))} <= read
    stored = [i for i, _, _ in CORPUS if i.startswith("stored-")]
    assert len(read.intersection(stored)) >= len(stored) - 4  # those with EXISTS are left to rdflib
    if SUITE.is_dir():
        suite = [i for i, _, _ in CORPUS if i.startswith("w3c-")]
        assert len(read.intersection(suite)) >= 0.8 * len(suite)


@pytest.mark.parametrize("text", [pytest.param(t, id=why) for why, t in GIVEN_UP.items()])
def test_it_leaves_to_rdflib_what_it_does_not_read(text: str):
    assert outline(text) is None


def test_hostile_texts_are_read_or_left_to_rdflib():
    """Large and broken texts: each token is matched once, and a text that ends inside a
    string, or nests deeper than Python recurses, is left to rdflib (the guard has refused
    deep nesting before a worker sees it)."""
    many = outline("SELECT * { " + "?s ?p ?o . " * 50_000 + "}")
    assert many is not None and len(many.patterns) == 50_000
    assert outline("SELECT * " + "{ " * 5_000 + "}" * 5_000) is None
    assert outline("SELECT * { ?s ?p '" + "\\'" * 50_000 + " }") is None
    assert outline("SELECT * { ?s ?p \"\"\"" + "\"\"x" * 50_000) is None
    assert outline("SELECT * { FILTER (" * 10_000) is None


# ---------------------------------------------------------------- the worker, with and without it


#: A blank node's label in N-Triples and Turtle, SPARQL JSON and SPARQL XML.
_LABELS = re.compile(rb'(_:)[A-Za-z0-9]+|("type":"bnode","value":")[^"]*|(<bnode>)[^<]*')


def replies(held: worker.Held, text: str, base_iri: str | None) -> list[dict]:
    worker.analyse.cache_clear()
    worker.parsed.cache_clear()
    worker.planned_rows.cache_clear()
    answers = []
    for result_format, graph_format in (("json", "ntriples"), ("xml", "turtle")):
        reply = worker.handle(held, {
            "kind": "query", "text": text, "trusted": False, "form": None, "bindings": {},
            "result_format": result_format, "graph_format": graph_format, "default_graphs": [],
            "named_graphs": [], "base_iri": base_iri, "max_rows": 1000, "lane": "light", "plan_budget": 10**9})
        for timing in ("seconds", "evaluation_cpu"):
            reply.pop(timing, None)
        if "body" in reply:  # blank nodes: each run may label them anew
            reply["body"] = _LABELS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), reply["body"])
        answers.append(reply)
    return answers


def worker_cases() -> Iterator[tuple[str, str, str | None, Path | None]]:
    for index, text in enumerate(CASES):
        yield f"case-{index}", text, None, None
    for why, text in GIVEN_UP.items():
        yield f"given-up-{why}", text, None, None
    yield "syntax error", P + "SELECT * { ?s :p ?o FILTER (?o >) }", None, None
    yield "remote graph", "SELECT * FROM <http://elsewhere.example/g> { ?s ?p ?o }", None, None
    if SUITE.is_dir():
        for test in evaluation_tests("manifest-sparql11-query.ttl"):
            yield f"w3c-{test.id}", test.query_text, test.base_iri, test


@pytest.mark.parametrize(("text", "base_iri", "test"),
                         [pytest.param(t, b, s, id=i) for i, t, b, s in worker_cases()])
def test_a_worker_replies_alike_with_and_without_it(text, base_iri, test, monkeypatch):
    store = test.store() if test is not None else ox.Store()
    names = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    held = worker.Held(store, False, names, worker.Counter(store, ox.DefaultGraph()))
    quickly = replies(held, text, base_iri)
    monkeypatch.setattr(worker, "outline", lambda text: None)
    assert quickly == replies(held, text, base_iri)
