"""The memberships table asks for the stored query's rows one network name at a time
(citynet.curate.membership_groups): the answers, one after another, must be the stored query's
rows in its order, and the table the one the held answer gave (tests/previous_exports.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

import citynet
from citynet.curate import membership_groups
from citynet.graph.terms import lexical
from citynet.publish.exports import export_bytes
from citynet.querying.stored_queries import catalogue
from citynet.scale.generate import generate
from tests import previous_exports as previous

PREFIXES = """\
@prefix cn: <https://w3id.org/citynet/def#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix time: <http://www.w3.org/2006/time#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gn: <http://www.geonames.org/ontology#> . @prefix ex: <http://example.org/> .
"""

# What changes how many rows a membership has, or where: several English names of a network
# (en, en-GB, the same text with two tags), a network in two networks' names, a member that is
# both a city and a region, coordinates without a longitude, two periods (years and dates),
# names a SPARQL text has to escape, a label that is not a literal, blank nodes.
EDGE_CASES = PREFIXES + r"""
ex:n1 a cn:CityNetwork ; rdfs:label "Net"@en, "Net"@en-gb, "Zed net"@EN-US, "Netz"@de ; cn:abbreviation "N", "NN" .
ex:n2 a cn:CityNetwork ; rdfs:label "Quote \" back \\ slash } { ?networkName\nline"@en .
ex:n3 a cn:CityNetwork ; rdfs:label ex:notALiteral, "Aardvark"@en .
ex:n4 a cn:CityNetwork ; rdfs:label "Ünïcode 🌍"@en-x-private .
ex:a a cn:City, cn:Region ; rdfs:label "Aberdeen"@en, "Obar Dheathain"@en-gb ; gn:countryCode "GB" ;
    wgs:lat 57.15, 57.2 ; wgs:long -2.11 .
ex:b a cn:City ; rdfs:label "Bergen"@en ; wgs:lat 60.39 .
ex:c a cn:City ; rdfs:label "Bergen"@en ; wgs:lat 1.0 ; wgs:long 2.0 .
ex:p1 time:hasBeginning ex:i1 ; time:hasEnd ex:i2 . ex:p2 time:hasBeginning ex:i1, ex:i3 .
ex:i1 time:inXSDgYear "2001"^^xsd:gYear . ex:i2 time:inXSDDate "2005-06-01"^^xsd:date .
ex:i3 time:inXSDgYear "2001"^^xsd:gYear ; time:inXSDDate "2001-02-03"^^xsd:date .
ex:chair skos:prefLabel "chair"@en . ex:host skos:prefLabel "host"@en, "Gastgeber"@de .
ex:m1 a org:Membership ; org:organization ex:n1, ex:n3 ; org:member ex:a ; org:memberDuring ex:p1, ex:p2 ;
    org:role ex:chair, ex:host ; dct:source ex:s1 .
ex:m2 a org:Membership ; org:organization ex:n1 ; org:member ex:b, ex:c ; org:role ex:host .
ex:m3 a org:Membership ; org:organization ex:n2 ; org:member ex:a .
ex:m4 org:organization ex:n4 ; org:member ex:c ; org:memberDuring ex:p1 .
_:m5 a org:Membership ; org:organization ex:n2 ; org:member ex:b .
ex:m6 a org:Membership ; org:organization ex:n1 ; org:member ex:b .
ex:m7 a org:Membership ; org:organization "a literal" ; org:member ex:b .
ex:s1 cn:quote "Aberdeen joined." .
"""


def _rows(answer) -> list[tuple[str | None, ...]]:
    return [tuple(lexical(term) for term in solution) for solution in answer]


def _stored_rows(store: pyoxigraph.Store) -> list[tuple[str | None, ...]]:
    return _rows(store.query(catalogue().get("memberships").text))


def _rows_by_name(store: pyoxigraph.Store) -> list[tuple[str | None, ...]]:
    rows = []
    for name in membership_groups.network_names(store):
        for part in membership_groups._parts(store, name):
            answer = _rows(store.query(membership_groups.rows_query(name, part)))
            assert {row[2] for row in answer} <= {name.value}  # each answer holds one name's rows
            rows += answer
    return rows


@pytest.fixture(params=[5_000, 7], ids=["whole-names", "names-in-parts"])
def part_size(request, monkeypatch) -> int:
    """The rows of a network name asked for at once, or in parts of about seven memberships."""
    monkeypatch.setattr(membership_groups, "_PART_MEMBERSHIPS", request.param)
    monkeypatch.setattr(membership_groups, "_SAMPLES", 50)
    return request.param


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "generated.ttl"
    generate(30_000, 3, path, progress=False)
    return path


def _edge_cases(tmp_path: Path) -> Path:
    path = tmp_path / "edge.ttl"
    path.write_text(EDGE_CASES, encoding="utf-8")
    return path


@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_the_answers_name_by_name_are_the_stored_querys_rows_in_its_order(generated, persistent, part_size, tmp_path):
    graph = citynet.KnowledgeGraph([generated], persistent=persistent, cache_dir=tmp_path / "cache")
    stored = _stored_rows(graph.store)
    assert len(stored) > 1000
    assert _rows_by_name(graph.store) == stored
    assert export_bytes(graph, "csv").decode("utf-8") == previous.memberships_csv(graph)
    if part_size < 100:
        name = membership_groups.network_names(graph.store)[0]
        assert len(membership_groups._parts(graph.store, name)) > 2


def test_the_shipped_datas_answers_name_by_name_are_the_stored_querys_rows(part_size):
    store = citynet.KnowledgeGraph().store
    assert _rows_by_name(store) == _stored_rows(store)


def test_edge_cases_give_the_stored_querys_rows(part_size, tmp_path):
    store = citynet.KnowledgeGraph([_edge_cases(tmp_path)], cache_dir=tmp_path / "cache").store
    stored = _stored_rows(store)
    by_name = _rows_by_name(store)
    assert by_name == stored
    names = [(name.value, name.language) for name in membership_groups.network_names(store)]
    assert names == sorted(set(names))
    assert ("Net", "en") in names and ("Net", "en-gb") in names and ("Zed net", "en-us") in names
    assert ("Aardvark", "en") in names and not any(value == "Netz" for value, _ in names)
    assert any(row[2] and "\n" in row[2] for row in stored)  # the escaped name was asked for and found


@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_the_table_of_edge_cases_is_the_one_the_held_answer_gave(persistent, part_size, tmp_path):
    graph = citynet.KnowledgeGraph([_edge_cases(tmp_path)], persistent=persistent, cache_dir=tmp_path / "cache")
    written = export_bytes(graph, "csv").decode("utf-8")
    assert written == previous.memberships_csv(graph)
    # m1 is in two networks with four English names: one row, where its first name puts it.
    assert written.count("http://example.org/m1,") == 1


def test_a_changed_stored_query_is_noticed(monkeypatch):
    class Changed:
        text = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s"

    monkeypatch.setattr(membership_groups, "catalogue", lambda: {"memberships": Changed})
    with pytest.raises(RuntimeError, match="no longer has"):
        membership_groups.rows_query(pyoxigraph.Literal("x", language="en"))


# Found by a review's fuzzer: rows that tied in the query's order before it named ?network and
# ?member, and a name with an RDF 1.2 direction beside the same name without one.
TIES = {
    "two-networks-one-name": """
ex:n1 rdfs:label "Net"@en . ex:n2 rdfs:label "Net"@en .
ex:c a cn:City ; rdfs:label "Bergen"@en .
ex:m org:organization ex:n2, ex:n1 ; org:member ex:c .
""",
    "two-members-one-name": "".join(
        f"ex:m{k} org:organization ex:n ; org:member ex:c{k}, ex:e{k} . ex:c{k} a cn:City ; rdfs:label \"C{k}\"@en . "
        f"ex:e{k} a cn:City ; rdfs:label \"C{k}\"@en .\n" for k in range(16))
    + """ex:n rdfs:label "A"@en . ex:o rdfs:label "B"@en .
ex:x0 org:organization ex:o ; org:member ex:d0 . ex:d0 a cn:City ; rdfs:label "D0"@en .
""",
    "a-direction": """
ex:n rdfs:label "Net"@en, "Net"@en--ltr .
ex:c a cn:City ; rdfs:label "Bergen"@en ; wgs:lat 1.0 ; wgs:long 2.0 .
ex:m org:organization ex:n ; org:member ex:c .
""",
}


@pytest.mark.parametrize("case", TIES)
@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_rows_that_tied_give_the_held_table(case, persistent, part_size, tmp_path):
    path = tmp_path / "ties.ttl"
    path.write_text(PREFIXES + TIES[case], encoding="utf-8")
    graph = citynet.KnowledgeGraph([path], persistent=persistent, cache_dir=tmp_path / "cache")
    written = export_bytes(graph, "csv").decode("utf-8")
    assert written == previous.memberships_csv(graph)
    assert len(written.splitlines()) == 1 + len({line.split(",")[0] for line in written.splitlines()[1:]})
