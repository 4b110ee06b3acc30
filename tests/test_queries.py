"""Stored queries: real answers from the shipped data, the same on both engines,
parameters bound safely, and clear errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

import citynet
from citynet import QueryError, query, sparql
from citynet.querying.stored_queries import catalogue

ID = "https://w3id.org/citynet/id/"
QUERY_NAMES = [q.name for q in citynet.queries()]


def example_params(name: str) -> dict[str, object]:
    return {p.name: p.example for p in catalogue().get(name).parameters if p.required}


def comparable(result: citynet.QueryResult):
    """Rows as a sorted list; GROUP_CONCAT lists sorted, since engines order them differently."""
    if result.graph is not None:
        return to_isomorphic(result.graph)
    if result.form == "ASK":
        return result.boolean

    def cell(term):
        if term is None:
            return ""
        if isinstance(term, Literal) and "; " in str(term):
            return "; ".join(sorted(str(term).split("; ")))
        return term.n3()
    return sorted(tuple(cell(t) for t in row) for row in result.terms)


def test_there_are_at_least_a_dozen_stored_queries():
    assert len(QUERY_NAMES) >= 12
    assert any(catalogue().get(n).form == "CONSTRUCT" for n in QUERY_NAMES)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_query_gives_the_same_results_on_oxigraph_and_rdflib(name):
    params = example_params(name)
    on_oxigraph = query(name, engine="oxigraph", **params)
    on_rdflib = query(name, engine="rdflib", **params)
    assert len(on_oxigraph) > 0, f"{name} returns nothing for its example"
    assert comparable(on_oxigraph) == comparable(on_rdflib)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_example_in_a_header_is_taken_by_its_query(name):
    """Optional parameters' examples too: `--help` shows them, so a name in one must be in the data
    (a name that is not raises QueryError)."""
    stored = catalogue().get(name)
    for parameter in stored.parameters:
        query(name, **{**example_params(name), parameter.name: parameter.example})


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_query_header_documents_itself(name):
    stored = catalogue().get(name)
    assert stored.summary and stored.description
    for parameter in stored.parameters:
        assert parameter.description and parameter.example is not None


def test_networks_of_rostock_since_when_and_through_whom():
    rows = {r.abbreviation or r.networkName: r for r in query("networks-of-place", place="Rostock")}
    assert set(rows) == {"ICNCM", "UBC", "IAPMC", "Memory Cities"}
    assert rows["ICNCM"].since == 2016
    assert rows["ICNCM"].representedByName == "Rostock Fire Department"
    assert rows["UBC"].since == 1991 and rows["UBC"].roleName == "co-founder"
    assert rows["IAPMC"].since == 2017
    assert rows["Memory Cities"].since is None


def test_members_of_the_crisis_network():
    rows = query("members-of-network", network="ICNCM").rows()
    assert len(rows) == 22
    assert [r.name for r in rows if r.kind == "region"] == ["Masovian Voivodeship"]
    vienna = next(r for r in rows if r.name == "Vienna")
    assert (vienna.country, vienna.lat, vienna.long) == ("AT", Decimal("48.20849"), Decimal("16.37208"))


def test_places_sharing_networks_with_coventry():
    rows = query("shared-networks", place="Coventry").rows()
    assert {r.networks for r in rows} == {"Memory Cities"}
    assert "Rostock" in {r.name for r in rows}
    assert query("shared-networks", place="Coventry", min_shared=2).rows() == []
    rostock = query("shared-networks", place="Rostock").rows()
    assert len(rostock) == 21 + 17 + 1  # the other members of ICNCM, Memory Cities and IAPMC
    assert query("shared-networks", place="Rostock", min_shared=2).rows() == []


def test_min_shared_counts_networks(tmp_path):
    data = tmp_path / "two-networks.ttl"
    lines = ["@prefix cn: <https://w3id.org/citynet/def#> .",
             "@prefix org: <http://www.w3.org/ns/org#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix id: <https://w3id.org/citynet/id/> ."]
    for network in ("n1", "n2"):
        lines.append(f'id:{network} a cn:CityNetwork ; rdfs:label "{network}"@en .')
    for place, networks in {"a": ("n1", "n2"), "b": ("n1", "n2"), "c": ("n1",)}.items():
        lines.append(f'id:{place} a cn:City ; rdfs:label "{place.upper()}"@en .')
        for network in networks:
            lines.append(f"id:m-{place}-{network} org:member id:{place} ; org:organization id:{network} .")
    data.write_text("\n".join(lines))
    graph = citynet.KnowledgeGraph([data])
    rows = query("shared-networks", graph=graph, place="A", min_shared=2).rows()
    assert [(r.name, r.shared, r.networks.count(";")) for r in rows] == [("B", 2, 1)]
    assert [r.name for r in query("shared-networks", graph=graph, place="A")] == ["B", "C"]


def test_search_gives_a_name_given_by_two_properties_once_on_either_engine(tmp_path):
    # The standard joins a path's alternatives as a UNION: rdflib (and Jena) repeat a name that
    # is both the rdfs:label and the skos:prefLabel, Oxigraph gives it once. DISTINCT agrees.
    data = tmp_path / "names.ttl"
    data.write_text("@prefix cn: <https://w3id.org/citynet/def#> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                    "<https://w3id.org/citynet/id/city/x> a cn:City ;\n"
                    '    rdfs:label "Hanseatic Town"@en ; skos:prefLabel "Hanseatic Town"@en .\n')
    graph = citynet.KnowledgeGraph([data])
    found = {engine: query("search", graph=graph, engine=engine, text="hanseatic") for engine in ("oxigraph", "rdflib")}
    assert comparable(found["oxigraph"]) == comparable(found["rdflib"])
    assert [(r.matched, r.label) for r in found["oxigraph"].rows()] == [("Hanseatic Town", "Hanseatic Town")]


def test_conference_editions_and_the_2021_edition():
    rows = {r.year: r for r in query("conference-editions")}
    # The 2014 and 2024 Vienna conferences are not known to be editions (data/claims.ttl).
    assert {2003, 2006, 2017, 2019, 2021} == set(rows)
    assert rows[2021].hostName == "Rostock"
    assert rows[2021].participatingPlaces == 8
    assert "Covid-19 pandemic" in rows[2021].topics.split("; ")
    assert rows[2021].number == 15


def test_priority_topics_of_the_series():
    rows = query("series-topics", series="International Crisis Conference").rows()
    assert {r.name for r in rows if r.priority} == {
        "security at major events", "blackout scenario",
        "possibility of warning the population in crisis situations", "maritime security"}


def test_twin_cities():
    assert [(r.placeName, r.twinName) for r in query("twin-cities", place="Rostock")] == [("Rostock", "Dunkirk")]
    assert [(r.placeName, r.twinName) for r in query("twin-cities", place="Dunkirk")] == [("Dunkirk", "Rostock")]


def test_memberships_active_in_2018():
    rows = query("memberships-in-year", year=2018).rows()
    assert {(r.memberName, r.networkName) for r in rows} == {
        ("Rostock", "International City Network for Crisis Management"),
        ("Rostock", "Union of the Baltic Cities"),
        ("Rostock", "International Association of Peace Messenger Cities")}
    assert {r.networkName for r in query("memberships-in-year", year=2016)} == {
        "International City Network for Crisis Management", "Union of the Baltic Cities"}


def test_search_in_any_language():
    assert URIRef(f"{ID}network/ubc") in {r.entity for r in query("search", text="ostsee")}
    assert URIRef(f"{ID}city/vienna") in {r.entity for r in query("search", text="WIEN")}


def test_sources_and_conflicting_claims():
    sources = {r.source for r in query("sources-of-entity", entity="IAPMC")}
    assert URIRef(f"{ID}source/rostock-page-en") in sources
    assert URIRef(f"{ID}source/wikipedia-iapmc") in sources
    claims = query("conflicting-claims").rows()
    iapmc = {str(r.value) for r in claims if r.subject == URIRef(f"{ID}network/iapmc")}
    assert {"1986", "1988"} <= iapmc


def test_data_quality_view_lists_unverified_members():
    names = {r.name for r in query("members-missing-data")}
    assert "Friedrichshafen" in names
    assert "Rostock" not in names


def test_construct_cuts_out_a_neighbourhood():
    result = query("entity-neighbourhood", entity="Masovian Voivodeship")
    assert (URIRef(f"{ID}region/masovian-voivodeship"), None, None) in result.graph
    assert (URIRef(f"{ID}membership/icncm-masovian-voivodeship"), None, None) in result.graph
    again = Graph().parse(data=result.to_rdf("turtle"), format="turtle")
    assert len(again) == len(result)


# ---------------------------------------------------------------- names, not IRIs

@pytest.mark.parametrize(("name", "slug"), [
    ("Wien", "city/vienna"), ("Vienna", "city/vienna"), ("krakow", "city/krakow"), ("KRAKÓW", "city/krakow"),
    ("nis", "city/nis"), ("Odessa", "city/odesa"), ("Dünkirchen", "city/dunkirk"),
    (f"{ID}city/rostock", "city/rostock"), ("masovian voivodeship", "region/masovian-voivodeship"),
])
def test_place_names_in_any_language(graph, name, slug):
    assert graph.names.resolve(name, "place", citynet.querying.execute.ENTITY_TYPES["place"]) == f"{ID}{slug}"


@pytest.mark.parametrize(("name", "slug"), [("UBC", "network/ubc"), ("ubc", "network/ubc"),
                                            ("Städte der Erinnerung", "network/memory-cities"),
                                            ("Union der Ostseestädte", "network/ubc")])
def test_network_names_and_abbreviations(graph, name, slug):
    assert graph.names.resolve(name, "network", citynet.querying.execute.ENTITY_TYPES["network"]) == f"{ID}{slug}"


def test_unknown_name_suggests_candidates():
    with pytest.raises(QueryError, match="no place is named 'Rostok'") as error:
        query("networks-of-place", place="Rostok")
    assert "Rostock" in error.value.hint


def test_a_network_name_is_not_a_place():
    with pytest.raises(QueryError, match="no place"):
        query("networks-of-place", place="UBC")


def test_ambiguous_name_lists_the_candidates(tmp_path):
    data = tmp_path / "twins.ttl"
    data.write_text("""
        @prefix cn: <https://w3id.org/citynet/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/citynet/id/city/springfield-il> a cn:City ; rdfs:label "Springfield"@en .
        <https://w3id.org/citynet/id/city/springfield-ma> a cn:City ; rdfs:label "Springfield"@en .
    """)
    graph = citynet.KnowledgeGraph([data])
    with pytest.raises(QueryError, match="several places") as error:
        query("twin-cities", graph=graph, place="springfield")
    assert "springfield-il" in str(error.value) and "springfield-ma" in str(error.value)


# ---------------------------------------------------------------- parameter checks

def test_unknown_parameter_is_an_error_that_lists_the_expected_ones():
    with pytest.raises(QueryError, match="no parameter 'city'") as error:
        query("networks-of-place", city="Rostock")
    assert "place (place, required)" in error.value.hint


def test_missing_required_parameter():
    with pytest.raises(QueryError, match="needs parameter 'place'"):
        query("networks-of-place")


@pytest.mark.parametrize("value", ["two", "2.5", "", True, "1e3", 2.5])
def test_wrong_type_is_an_error(value):
    with pytest.raises(QueryError, match="expects a whole number"):
        query("shared-networks", place="Rostock", min_shared=value)


def test_year_out_of_range():
    with pytest.raises(QueryError, match="expects a year"):
        query("memberships-in-year", year=20180)


# ---------------------------------------------------------------- injection

INJECTIONS = [
    'Rostock" } UNION { ?s ?p ?o } #',
    "Rostock> } UNION { ?s ?p ?o } #",
    '\\u0022) } UNION { ?s ?p ?o } #',
    "x\") || true || (\"",
    "'; DROP ALL; #",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_string_parameter_cannot_break_out_of_its_literal(value):
    for engine in ("oxigraph", "rdflib"):
        result = query("search", engine=engine, text=value)
        assert result.rows() == [], (engine, value)


@pytest.mark.parametrize("value", INJECTIONS)
def test_place_parameter_cannot_break_out(value):
    with pytest.raises(QueryError, match="no place is named"):
        query("networks-of-place", place=value)


def test_iri_parameter_with_syntax_is_refused(graph):
    parameter = citynet.querying.parameters.Parameter(name="x", type="iri")
    with pytest.raises(QueryError, match="absolute IRI"):
        parameter.to_literal_term("http://example.org/> } UNION { ?s ?p ?o")


def test_the_graph_is_unchanged_by_hostile_parameters(graph):
    before = len(graph.store)
    for value in INJECTIONS:
        query("search", text=value)
    assert len(graph.store) == before


# ---------------------------------------------------------------- ad-hoc SPARQL

def test_sparql_runs_read_only_queries():
    result = sparql("PREFIX cn: <https://w3id.org/citynet/def#> SELECT (COUNT(*) AS ?n) WHERE { ?x a cn:CityNetwork }")
    assert result.rows()[0].n == 4
    assert sparql("ASK { ?s ?p ?o }").boolean is True


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://x> <http://y> <http://z> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <http://example.org/g>",
])
def test_sparql_refuses_updates(graph, text):
    before = len(graph.store)
    with pytest.raises(QueryError, match="updates are not allowed"):
        sparql(text)
    assert len(graph.store) == before


def test_sparql_refuses_service():
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        sparql("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://x/> { ?s ?p ?o } } }")


def test_sparql_syntax_error_says_where():
    with pytest.raises(QueryError, match="syntax error") as error:
        sparql("SELECT * WHERE { ?s ?p }")
    assert error.value.line == 1 and error.value.column


def test_stored_queries_are_parsed_once(monkeypatch):
    from citynet.querying import stored_queries

    calls = []
    original = stored_queries.parse_read_only_query
    monkeypatch.setattr(stored_queries, "parse_read_only_query",
                        lambda *a, **k: calls.append(a) or original(*a, **k))
    fresh = stored_queries.QueryCatalogue()
    monkeypatch.setattr(stored_queries, "_catalogue", fresh)
    for _ in range(3):
        query("twin-cities", engine="rdflib")
        query("twin-cities")
    assert len(calls) == 1


# ---------------------------------------------------------------- result formats

def test_sparql_json_results():
    document = json.loads(query("networks-of-place", place="Rostock").to_json())
    assert "networkName" in document["head"]["vars"]
    first = document["results"]["bindings"][0]
    assert first["network"]["type"] == "uri"
    assert first["networkName"] == {"type": "literal", "value": first["networkName"]["value"], "xml:lang": "en"}


def test_csv_and_tsv_have_a_row_per_result():
    result = query("members-of-network", network="ICNCM")
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert rows[0] == list(result.variables) and len(rows) == 23
    lines = result.to_tsv().splitlines()
    assert lines[0].startswith("?network\t?member") and len(lines) == 23


def test_dataframe_has_typed_columns():
    pandas = pytest.importorskip("pandas", reason="to_dataframe() is the optional pandas extra")
    frame = query("members-of-network", network="ICNCM").to_dataframe()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 22
    assert frame.loc[frame.name == "Vienna", "country"].item() == "AT"


def test_from_clause_reads_no_file_or_url():
    """FROM names a graph of the store; nothing is fetched from disk or the network."""
    result = sparql("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert result.rows() == []


def test_a_construct_answer_is_counted_and_written_without_building_an_rdflib_graph():
    result = citynet.query("network-subgraph", network="UBC")
    count = len(result)
    text = result.to_rdf("turtle")
    assert "graph" not in vars(result.constructed)  # the rdflib Graph is not built yet
    assert len(Graph().parse(data=text, format="turtle")) == count == len(result.graph)


# ---------------------------------------------------------------- faithful results

XSD = "http://www.w3.org/2001/XMLSchema#"
AS_WRITTEN = (f'PREFIX xsd: <{XSD}> SELECT ?double ?duration ?formula WHERE {{ '
              'VALUES (?double ?duration ?formula) { ("30000"^^xsd:double "PT0S"^^xsd:dayTimeDuration "=1+1") } }')


def test_every_output_keeps_the_lexical_forms_the_engine_wrote():
    result = sparql(AS_WRITTEN)
    double, duration, formula = result.terms[0]
    assert (str(double), str(duration), str(formula)) == ("30000", "PT0S", "=1+1")  # not 30000.0, P0D
    assert list(result.lexical_rows()) == [("30000", "PT0S", "=1+1")]
    assert result.to_csv() == "double,duration,formula\r\n30000,PT0S,=1+1\r\n"
    assert f'"30000"^^<{XSD}double>\t"PT0S"^^<{XSD}dayTimeDuration>\t"=1+1"' in result.to_tsv()
    bindings = json.loads(result.to_json())["results"]["bindings"][0]
    assert bindings["double"] == {"type": "literal", "value": "30000", "datatype": f"{XSD}double"}
    assert bindings["duration"]["value"] == "PT0S"
    assert f'<literal datatype="{XSD}double">30000</literal>' in result.to_xml()
    assert "30000  " in result.to_table() and "PT0S" in result.to_table()
    row = result.rows()[0]
    assert row.double == 30000.0 and row.duration == "PT0S"  # typed values only where asked for


def test_the_dataframe_gives_typed_values_or_the_lexical_forms():
    pytest.importorskip("pandas", reason="to_dataframe() is the optional pandas extra")
    result = sparql(AS_WRITTEN)
    assert result.to_dataframe().loc[0, "double"] == 30000.0
    assert result.to_dataframe(lexical=True).loc[0].tolist() == ["30000", "PT0S", "=1+1"]


def test_the_text_does_not_depend_on_reading_the_rows_first():
    untouched, read = sparql(AS_WRITTEN), sparql(AS_WRITTEN)
    assert read.rows() and list(read.terms)
    assert (untouched.to_csv(), untouched.to_json(), untouched.to_tsv(), untouched.to_xml()) == (
        read.to_csv(), read.to_json(), read.to_tsv(), read.to_xml())


def test_csv_is_changed_for_spreadsheets_only_when_asked():
    result = sparql(AS_WRITTEN)
    assert "=1+1" in result.to_csv().splitlines()[1]
    assert result.to_csv(spreadsheet_safe=True).splitlines()[1] == "30000,PT0S,'=1+1"


def test_a_base_iri_resolves_relative_iris():
    result = sparql("SELECT ?x WHERE { BIND(<thing> AS ?x) }", base_iri="https://example.org/data/")
    assert result.terms[0][0] == URIRef("https://example.org/data/thing")
    with pytest.raises(QueryError, match="syntax error"):
        sparql("SELECT ?x WHERE { BIND(<thing> AS ?x) }")  # no base: Oxigraph refuses a relative IRI


def test_data_of_ones_own_from_files_without_the_ontology(tmp_path):
    (tmp_path / "a.ttl").write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    (tmp_path / "b.trig").write_text("<https://example.org/g> { <https://example.org/b> <https://example.org/p> 2 }\n",
                                     encoding="utf-8")
    graph = citynet.KnowledgeGraph.from_files([tmp_path])
    assert graph.ontology_file is None and len(graph) == 2
    assert [int(r.n) for r in sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph)] == [1]
    named = sparql("SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }", graph).rows()
    assert named == [{"g": URIRef("https://example.org/g"), "s": URIRef("https://example.org/b")}]
    notes = tmp_path / "notes.txt"
    notes.write_text("not RDF", encoding="utf-8")
    with pytest.raises(citynet.InputError, match="not an RDF file"):
        citynet.KnowledgeGraph.from_files([notes])


def test_data_of_ones_own_from_a_store():
    import pyoxigraph

    store = pyoxigraph.Store()
    example = "https://example.org/"
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(example + "a"), pyoxigraph.NamedNode(example + "p"),
                              pyoxigraph.Literal("1.50")))
    graph = citynet.KnowledgeGraph.from_store(store)
    assert graph.store is store and graph.files == []
    assert sparql("SELECT ?o WHERE { ?s ?p ?o }", graph).to_csv() == "o\r\n1.50\r\n"


@pytest.mark.parametrize(("text", "message"), [
    ("", "the query is empty"),
    ("   \n", "the query is empty"),
    ("# only a comment", "syntax error"),  # an empty update to rdflib: not called an update
    ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", "SERVICE is not allowed"),
])
def test_ad_hoc_queries_that_are_not_run_say_why(text, message):
    with pytest.raises(QueryError, match=message):
        sparql(text)


def test_a_bad_base_iri_is_a_clear_error():
    with pytest.raises(QueryError, match="Invalid base IRI"):
        sparql("SELECT * WHERE { <a> ?p ?o }", base_iri="not an iri")
