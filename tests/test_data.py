"""The shipped data: it parses everywhere, says what its sources say, and cites them."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pyoxigraph
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from citynet import Severity, resources
from citynet.namespace import CN

from .conftest import REFERENCE, needs_reference, turtle_files

GN = Namespace("http://www.geonames.org/ontology#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
ID = "https://w3id.org/citynet/id/"


@pytest.mark.parametrize("path", turtle_files(), ids=lambda p: p.name)
def test_both_engines_parse_every_file_alike(path):
    rdflib_graph = Graph().parse(path, format="turtle")
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(rdflib_graph) == len(triples) > 0


def test_prefixes_are_declared_alike_in_every_file():
    """A prefix means the same IRI in every file (copied prefix blocks drift otherwise)."""
    seen: dict[str, tuple[str, str]] = {}
    for path in turtle_files():
        for prefix, iri in re.findall(r"^@prefix\s+([\w-]*):\s+<([^>]+)>", path.read_text(), re.M):
            first = seen.setdefault(prefix, (iri, path.name))
            assert first[0] == iri, f"{prefix}: is {iri} in {path.name} but {first[0]} in {first[1]}"


def test_shipped_graph_passes_without_warnings(report):
    assert report.passes(Severity.WARNING), [f.message for f in report.violations + report.warnings]


def data_graph() -> Graph:
    graph = Graph()
    for path in resources.data_files():
        graph.parse(path, format="turtle")
    return graph


def test_every_described_entity_cites_a_source():
    graph = data_graph()
    uncited = [
        s for s in set(graph.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(ID)
        and (s, RDF.type, CN.Source) not in graph
        and (s, RDF.type, SKOS.ConceptScheme) not in graph
        and not list(graph.objects(s, DCTERMS.source))
    ]
    assert uncited == []


def test_every_source_is_cited():
    graph = data_graph()
    unused = [s for s in graph.subjects(RDF.type, CN.Source) if not list(graph.subjects(DCTERMS.source, s))]
    assert unused == []


def test_every_quote_has_a_language():
    graph = data_graph()
    assert all(isinstance(q, Literal) and q.language for q in graph.objects(None, CN.quote))


def test_crisis_network_lists_22_members_one_a_region(graph):
    rows = list(graph.store.query("""
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX cn: <https://w3id.org/citynet/def#>
        SELECT ?member ?class WHERE {
          ?m org:organization <https://w3id.org/citynet/id/network/icncm> ; org:member ?member .
          ?member a ?class . FILTER (?class IN (cn:City, cn:Region)) }"""))
    assert len({r["member"] for r in rows}) == 22
    regions = [r["member"].value for r in rows if r["class"].value.endswith("#Region")]
    assert regions == [f"{ID}region/masovian-voivodeship"]


def test_the_2021_attendance_is_a_count_not_names():
    """The page says seven other cities attended, not which: only Rostock is named."""
    graph = data_graph()
    edition = URIRef(f"{ID}event/crisis-conference-2021")
    assert graph.value(edition, CN.participatingPlaceCount) == Literal(8)
    assert list(graph.objects(edition, URIRef("https://schema.org/attendee"))) == [URIRef(f"{ID}city/rostock")]


def test_iapmc_founding_is_recorded_as_conflicting_claims():
    graph = data_graph()
    iapmc = URIRef(f"{ID}network/iapmc")
    assert graph.value(iapmc, URIRef("https://schema.org/foundingDate")) is None
    claimed = {str(graph.value(c, RDF.object)) for c in graph.subjects(RDF.subject, iapmc)}
    assert {"1986", "1988"} <= claimed


@needs_reference
def test_places_agree_with_the_reference_table():
    """Identifiers, codes and coordinates in places.ttl are exactly those of facts.csv."""
    graph = data_graph()
    rows = [r for r in csv.DictReader((REFERENCE / "facts.csv").open(encoding="utf-8"))
            if not r["kind"].startswith("network")]
    assert len(rows) == 24
    for row in rows:
        wikidata = URIRef(f"http://www.wikidata.org/entity/{row['wikidata_qid']}")
        places = list(graph.subjects(CN.wikidataEntity, wikidata))
        assert len(places) == 1, row["name_in_page"]
        place = places[0]
        assert graph.value(place, CN.geonamesFeature) == URIRef(f"https://sws.geonames.org/{row['geonames_id']}/")
        assert str(graph.value(place, GN.countryCode)) == row["country_code"]
        assert Decimal(str(graph.value(place, WGS.lat))) == Decimal(row["lat"])
        assert Decimal(str(graph.value(place, WGS.long))) == Decimal(row["lon"])
        expected_kind = CN.Region if row["kind"].startswith("region") else CN.City
        assert (place, RDF.type, expected_kind) in graph
        labels = {str(label) for label in graph.objects(place, RDFS.label)}
        alternatives = {str(label) for label in graph.objects(place, SKOS.altLabel)}
        assert row["name_in_page"] in labels | alternatives, row["name_in_page"]


@needs_reference
def test_every_member_named_on_the_page_is_a_member():
    page = (REFERENCE / "source-page.txt").read_text(encoding="utf-8")
    listed = re.search(r"includes 22 cities: (.+?)\.\n", page).group(1)
    names = [n.strip() for n in re.split(r",| and ", listed) if n.strip()]
    assert len(names) == 22
    graph = data_graph()
    members = {graph.value(m, URIRef("http://www.w3.org/ns/org#member"))
               for m in graph.subjects(URIRef("http://www.w3.org/ns/org#organization"), URIRef(f"{ID}network/icncm"))}
    member_names = {str(n) for m in members for n in [*graph.objects(m, RDFS.label), *graph.objects(m, SKOS.altLabel)]}
    assert [n for n in names if n not in member_names] == []
