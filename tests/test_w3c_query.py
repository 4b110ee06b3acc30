"""The W3C SPARQL 1.1 query-evaluation and result-format tests, through ``citynet.sparql``.

Every test runs on one store twice, through ``citynet.sparql`` and through raw pyoxigraph:

- citynet must answer exactly as raw pyoxigraph does (the same terms, lexical forms and
  order, and byte for byte the same JSON, XML, CSV and TSV), with and without a base IRI;
- both are compared with the expected results (with the query file's IRI as base IRI, as
  the suite intends). A test is expected to fail only where raw pyoxigraph fails it too:
  ``REFERENCE_FAILURES`` says why, and a test checks that the reference does fail.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

import citynet
from citynet import KnowledgeGraph, QueryError
from tests.w3c_suite import (
    MISSING,
    SUITE,
    Answer,
    EvaluationTest,
    canonical,
    evaluation_tests,
    expected_answer,
    rows_match,
    same_answer,
)

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=MISSING)

QUERY_TESTS = evaluation_tests("manifest-sparql11-query.ttl") if SUITE.is_dir() else []
FORMAT_TESTS = evaluation_tests("manifest-sparql11-results.ttl") if SUITE.is_dir() else []
FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}

#: Tests that raw pyoxigraph (0.5) fails too, and why. These are tests added to the suite
#: after Oxigraph's own copy of it, or results Oxigraph writes in another (equal-valued
#: but differently written, or differently typed) form.
REFERENCE_FAILURES = {
    "aggregates/agg-groupconcat-04": "Oxigraph keeps the shared language tag on GROUP_CONCAT of "
                                     "\"1\"@en and \"2\"@en, so the plain-string comparison is false",
    "aggregates/agg-groupconcat-06": "as agg-groupconcat-04: GROUP_CONCAT keeps a shared language tag",
    "aggregates/agg-empty-group-count-graph": "Oxigraph does not bind ?g for a sub-SELECT of COUNT(*) "
                                              "inside GRAPH ?g",
    "bindings/graph": "Oxigraph does not join VALUES inside GRAPH ?g with the graph name",
    "functions/bnode01": "Oxigraph's BNODE(str) gives the same blank node for the same string in "
                         "different solutions",
    "negation/graph-minus": "Oxigraph counts the GRAPH variable as shared by both sides of MINUS",
    "property-path/zero_or_more_set_start": "Oxigraph gives no row for :p* from a constant on an empty dataset",
    "property-path/zero_or_more_set_end": "Oxigraph gives no row for :p* to a constant on an empty dataset",
    "property-path/zero_or_one_set_start": "Oxigraph gives no row for :p? from a constant on an empty dataset",
    "property-path/zero_or_one_set_end": "Oxigraph gives no row for :p? to a constant on an empty dataset",
    "csv-tsv-res/csv03": "Oxigraph stores \"1.0E6\"^^xsd:double as \"1000000\" (its canonical form), so "
                         "CSV, which writes lexical forms, has 1000000 where the file expects 1.0E6",
}


def by_id(tests: list[EvaluationTest]) -> list:
    return [pytest.param(t, id=t.id) for t in tests]


def expecting_failure(tests: list[EvaluationTest]) -> list:
    return [pytest.param(t, id=t.id, marks=pytest.mark.xfail(reason=REFERENCE_FAILURES[t.id], strict=True))
            if t.id in REFERENCE_FAILURES else pytest.param(t, id=t.id) for t in tests]


def run_raw(test: EvaluationTest, store: ox.Store, base_iri: str | None) -> Answer:
    return Answer.of(store.query(test.query_text, base_iri=base_iri))


def run_citynet(test: EvaluationTest, store: ox.Store, base_iri: str | None) -> citynet.QueryResult:
    return citynet.sparql(test.query_text, KnowledgeGraph.from_store(store), base_iri=base_iri)


def citynet_answer(result: citynet.QueryResult) -> Answer:
    if result.form == "ASK":
        return Answer(boolean=result.boolean)
    if result.constructed is not None:
        return Answer(triples=ox.parse(result.to_rdf("nt").encode(), format=ox.RdfFormat.N_TRIPLES))
    return Answer(variables=tuple(result.variables), rows=result.terms.oxigraph_rows())


def has_blank_nodes(answer: Answer) -> bool:
    return any(isinstance(term, ox.BlankNode) for row in answer.rows for term in row)


# ---------------------------------------------------------------- citynet answers as raw pyoxigraph


@pytest.mark.parametrize("with_base", [True, False], ids=["base", "no-base"])
@pytest.mark.parametrize("test", by_id(QUERY_TESTS + FORMAT_TESTS))
def test_citynet_answers_exactly_as_raw_pyoxigraph(test: EvaluationTest, with_base: bool):
    base = test.base_iri if with_base else None
    store = test.store()
    try:
        raw = run_raw(test, store, base)
    except (SyntaxError, OSError) as error:
        with pytest.raises(QueryError):
            run_citynet(test, store, base)
        assert str(error)
        return
    result = run_citynet(test, store, base)
    mine = citynet_answer(result)
    if raw.boolean is not None or raw.triples is not None:
        assert mine.boolean == raw.boolean
        assert (mine.triples is None) == (raw.triples is None)
        if raw.triples is not None:
            assert canonical(mine.triples) == canonical(raw.triples)
        return
    assert mine.variables == raw.variables
    # Terms exactly as the engine wrote them, in its order (blank node labels differ per run).
    assert rows_match(mine.rows, raw.rows, ordered=True, exact=True), f"\n{mine.describe()}\n!=\n{raw.describe()}"
    for row, terms in zip(mine.rows, result.terms, strict=True):
        assert [None if t is None else t.value for t in row] == [None if t is None else str(t) for t in terms]
    if not has_blank_nodes(raw):
        for name, fmt in FORMATS.items():
            engine_text = store.query(test.query_text, base_iri=base).serialize(format=fmt)
            assert result.serialize(fmt) == engine_text, name


@pytest.mark.parametrize("test", by_id(QUERY_TESTS + FORMAT_TESTS))
def test_every_output_is_the_same_whether_or_not_the_rows_were_read_first(test: EvaluationTest):
    store = test.store()
    first = run_citynet(test, store, test.base_iri)
    if first.form != "SELECT":
        return
    written_first = {name: first.serialize(fmt) for name, fmt in FORMATS.items()}
    assert list(first.terms) is not None and first.rows() is not None  # now read the rows
    assert {name: first.serialize(fmt) for name, fmt in FORMATS.items()} == written_first
    assert first.to_csv().encode() == written_first["csv"] and first.to_json().encode() == written_first["json"]


# ---------------------------------------------------------------- conformance, citynet and the reference


@pytest.mark.parametrize("test", expecting_failure(QUERY_TESTS))
def test_query_evaluation_citynet(test: EvaluationTest):
    result = run_citynet(test, test.store(), test.base_iri)
    actual = citynet_answer(result)
    expected = expected_answer(test)
    assert same_answer(actual, expected, ordered=test.ordered), f"\n{actual.describe()}\n!=\n{expected.describe()}"


@pytest.mark.parametrize("test", expecting_failure(QUERY_TESTS))
def test_query_evaluation_reference(test: EvaluationTest):
    actual = run_raw(test, test.store(), test.base_iri)
    assert same_answer(actual, expected_answer(test), ordered=test.ordered)


@pytest.mark.parametrize("test", expecting_failure(FORMAT_TESTS))
def test_result_format_citynet(test: EvaluationTest):
    result = run_citynet(test, test.store(), test.base_iri)
    check_format(test, lambda fmt: result.serialize(fmt))


@pytest.mark.parametrize("test", expecting_failure(FORMAT_TESTS))
def test_result_format_reference(test: EvaluationTest):
    store = test.store()
    check_format(test, lambda fmt: store.query(test.query_text, base_iri=test.base_iri).serialize(format=fmt))


def check_format(test: EvaluationTest, write) -> None:
    """The answer written in the format of the expected result file, compared with that file:
    CSV cell by cell (it cannot be read back as terms; ``SELECT *`` may order the columns
    differently), JSON and TSV read back as answers."""
    if test.result.suffix == ".csv":
        written = write(ox.QueryResultsFormat.CSV).decode("utf-8")
        expected = test.result.read_text(encoding="utf-8")
        mine, theirs = csv_rows(written), csv_rows(expected)
        assert sorted(mine[0]) == sorted(theirs[0]), f"\n{written}\n!=\n{expected}"
        order = [mine[0].index(name) for name in theirs[0]]
        mine = [tuple(csv_cell(row[i]) for i in order) for row in mine[1:]]
        assert rows_match(mine, [tuple(map(csv_cell, row)) for row in theirs[1:]], ordered=test.ordered, exact=True), \
            f"\n{written}\n!=\n{expected}"
        return
    fmt = {".srj": ox.QueryResultsFormat.JSON, ".tsv": ox.QueryResultsFormat.TSV,
           ".srx": ox.QueryResultsFormat.XML}[test.result.suffix]
    actual = Answer.of(ox.parse_query_results(write(fmt), fmt))
    expected = expected_answer(test)
    assert same_answer(actual, expected, ordered=test.ordered), f"\n{actual.describe()}\n!=\n{expected.describe()}"


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def csv_cell(text: str) -> str | ox.BlankNode:
    """A CSV cell; a blank node's label (``_:a``) as a blank node, to be matched by structure."""
    return ox.BlankNode(text[2:]) if text.startswith("_:") else text


@pytest.mark.parametrize("test_id", sorted(REFERENCE_FAILURES))
def test_an_expected_failure_is_one_the_reference_has_too(test_id: str):
    """An xfail above is allowed only where raw pyoxigraph fails the same test."""
    test = next(t for t in QUERY_TESTS + FORMAT_TESTS if t.id == test_id)
    store = test.store()
    if test.kind == "CSVResultFormatTest":
        with pytest.raises(AssertionError):
            check_format(test, lambda fmt: store.query(test.query_text, base_iri=test.base_iri).serialize(format=fmt))
        return
    assert not same_answer(run_raw(test, store, test.base_iri), expected_answer(test), ordered=test.ordered)
