"""Declared column types: every stored query declares its columns, and reads the terms different
stores write as the same terms, Python values and DataFrame dtypes. Raw terms stay as written."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import XSD, Literal, URIRef

import citynet
from citynet.errors import InputError
from citynet.querying.columns import ColumnType, parse_column
from citynet.querying.stored_queries import parse_stored_query
from citynet.scale.remote import parse_json_results

SELECTS = [q for q in citynet.queries() if q.form == "SELECT"]


@pytest.mark.parametrize("stored", SELECTS, ids=lambda q: q.name)
def test_every_select_declares_each_projected_column(stored):
    projected = [str(v) for v in stored.prepared.algebra["PV"]]
    assert list(stored.columns) == projected


@pytest.mark.parametrize(("header", "message"), [
    ("#+ columns: {x: number}", "column 'x' has type 'number'"),
    ("#+ columns: {y: iri}", "column 'y' does not occur in the query"),
    ("#+ columns: {x: {list: ''}}", "concatenated list"),
    ("#+ columns: [x]", "needs a mapping"),
])
def test_a_bad_column_declaration_is_a_clear_error(tmp_path, header, message):
    path = tmp_path / "bad.rq"
    path.write_text(f"#+ summary: s\n{header}\nSELECT ?x WHERE {{ ?x ?p ?o }}\n")
    with pytest.raises(InputError, match=message):
        parse_stored_query(path)


def _virtuoso_json(bindings: str, variables: str) -> citynet.QueryResult:
    """An answer as Virtuoso writes it (its JSON, read by citynet's reader)."""
    return parse_json_results(f'{{"head": {{"vars": [{variables}]}}, "results": {{"bindings": [{bindings}]}}}}')


@pytest.mark.parametrize(("kind", "term", "canonical"), [
    ("boolean", Literal("1", datatype=XSD.integer), Literal("true", datatype=XSD.boolean)),
    ("boolean", Literal("0", datatype=XSD.integer, normalize=False), Literal("false", datatype=XSD.boolean)),
    ("boolean", Literal("1", datatype=XSD.boolean, normalize=False), Literal("true", datatype=XSD.boolean)),
    ("decimal", Literal("52.50", datatype=XSD.decimal, normalize=False), Literal("52.5", datatype=XSD.decimal)),
    ("decimal", Literal("2.0", datatype=XSD.decimal, normalize=False), Literal("2", datatype=XSD.decimal)),
    ("integer", Literal("+05", datatype=XSD.integer, normalize=False), Literal("5", datatype=XSD.integer)),
    ("integer", Literal("7", datatype=XSD.int, normalize=False), Literal("7", datatype=XSD.integer)),
    ("year-or-date", Literal("1991", datatype=XSD.gYear, normalize=False), Literal("1991", datatype=XSD.gYear)),
])
def test_store_forms_become_the_canonical_term(kind, term, canonical):
    result = ColumnType(kind).term(term)
    assert (str(result), result.datatype) == (str(canonical), canonical.datatype)


@pytest.mark.parametrize(("kind", "term"), [
    ("boolean", Literal("yes")),
    ("boolean", Literal("2", datatype=XSD.integer)),
    ("integer", Literal("1.5", datatype=XSD.decimal)),
    ("decimal", Literal("many", datatype=XSD.string)),
    ("year", Literal("1991-05-01", datatype=XSD.date)),
    ("iri", Literal("http://example.org/")),
])
def test_a_term_of_another_form_stays_as_written(kind, term):
    assert ColumnType(kind).term(term) is term


def test_lists_are_put_in_code_point_order():
    column = parse_column("networks", {"list": "; "})
    assert str(column.term(Literal("Union of the Baltic Cities; Memory Cities; ICNCM"))) == \
        "ICNCM; Memory Cities; Union of the Baltic Cities"
    assert column.value(Literal("b; a")) == "a; b"


def test_virtuoso_booleans_read_as_the_embedded_store_writes_them():
    answer = _virtuoso_json('{"m": {"type": "uri", "value": "http://x"}, '
                            '"missingCoordinates": {"type": "typed-literal", '
                            '"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "0"}}',
                            '"m", "missingCoordinates"')
    answer.columns = {"m": ColumnType("iri"), "missingCoordinates": ColumnType("boolean")}
    assert answer.rows()[0]["missingCoordinates"] is False
    coerced = answer.coerced()
    assert coerced.terms[0][1] == Literal("false", datatype=XSD.boolean)
    # The raw terms are what the store wrote, before and after.
    assert str(answer.terms[0][1]) == "0" and answer.terms[0][1].datatype == XSD.integer


def test_ad_hoc_queries_have_no_columns_and_stay_as_answered():
    result = citynet.sparql('SELECT ("1"^^<http://www.w3.org/2001/XMLSchema#boolean> AS ?b) '
                            '("52.50"^^<http://www.w3.org/2001/XMLSchema#decimal> AS ?d) WHERE {}')
    assert result.columns == {} and result.coerced() is result


@pytest.mark.parametrize("stored", SELECTS, ids=lambda q: q.name)
def test_local_answers_are_already_canonical_but_for_list_order(stored):
    params = {p.name: p.example for p in stored.parameters if p.required}
    result = citynet.query(stored.name, **params)
    coerced = result.coerced()
    lists = {i for i, v in enumerate(result.variables) if result.columns[v].name == "list"}
    for raw, canonical in zip(result.terms, coerced.terms, strict=True):
        for i, (a, b) in enumerate(zip(raw, canonical, strict=True)):
            if i in lists and a is not None:
                assert sorted(str(a).split("; ")) == str(b).split("; ")
            else:
                assert a == b and (a is None or str(a) == str(b))
    assert result.rows() == coerced.rows()


def test_dataframes_have_proper_dtypes():
    pytest.importorskip("pandas")
    places = citynet.query("networks-of-place", place="Rostock").to_dataframe()
    assert str(places["since"].dtype) == "Int64" and places["since"].tolist()[:3] == [1991, 2016, 2017]
    assert places["since"].isna().sum() == 1  # Memory Cities: no start year, <NA> rather than NaN
    located = citynet.query("member-locations").to_dataframe()
    assert str(located["lat"].dtype) == "float64" and str(located["long"].dtype) == "float64"
    missing = citynet.query("members-missing-data").to_dataframe()
    assert {str(missing[c].dtype) for c in missing.columns if c.startswith("missing")} == {"boolean"}
    counts = citynet.query("class-counts").to_dataframe()
    assert str(counts["count"].dtype) == "Int64"


def test_a_year_or_date_column_with_dates_stays_objects(tmp_path):
    pytest.importorskip("pandas")
    data = Path(tmp_path / "dated.ttl")
    data.write_text("""@prefix cn: <https://w3id.org/citynet/def#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix id: <https://w3id.org/citynet/id/> .
id:n a cn:CityNetwork ; rdfs:label "N"@en .
id:a a cn:City ; rdfs:label "A"@en .
id:b a cn:City ; rdfs:label "B"@en .
id:m1 org:member id:a ; org:organization id:n ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYear "1990"^^xsd:gYear ] ] .
id:m2 org:member id:b ; org:organization id:n ;
    org:memberDuring [ time:hasBeginning [ time:inXSDDate "2001-05-01"^^xsd:date ] ] .
""")
    result = citynet.query("members-of-network", graph=citynet.KnowledgeGraph([data]), network="N")
    frame = result.to_dataframe()
    assert frame["since"].dtype == object
    assert sorted(map(str, frame["since"])) == ["1990", "2001-05-01"]
    assert {type(v) for v in frame["since"]} == {int, datetime.date}


def test_row_values_follow_the_declared_types():
    vienna = next(r for r in citynet.query("members-of-network", network="ICNCM") if r.name == "Vienna")
    assert vienna.lat == Decimal("48.20849") and isinstance(vienna.member, URIRef)
