"""Exports: every RDF format reads back as the graph; tables match their queries."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

import citynet
from citynet.graph.dataset import GRAPH_BASE
from citynet.publish.exports import MEDIA_TYPES, RDF_FORMATS, export, export_bytes
from citynet.publish.jsonld import jsonld_context

READ_AS = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "rdfxml": "xml",
           "jsonld": "json-ld"}


def same_graph(a: Graph, b: Graph) -> bool:
    # rdflib's isomorphic() reports false negatives on this graph; canonical forms compare exactly.
    return set(to_canonical_graph(a)) == set(to_canonical_graph(b))


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_rdf_export_round_trips(graph, fmt):
    text = export(graph, fmt)
    if fmt in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=text, format=READ_AS[fmt])
        names = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert names == {f"{GRAPH_BASE}{p.stem}" for p in graph.files}
        back = Graph()
        for named in dataset.graphs():
            back += named
    else:
        back = Graph().parse(data=text, format=READ_AS[fmt])
    assert len(back) == len(graph.rdflib_graph)
    assert same_graph(back, graph.rdflib_graph)


@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_jsonld_uses_short_keys_from_the_published_context(persistent, tmp_path):
    graph = citynet.KnowledgeGraph(persistent=persistent, cache_dir=tmp_path)
    document = json.loads(export(graph, "jsonld"))
    assert document["@context"] == jsonld_context()["@context"]
    ids = [node["id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids))  # one node object per subject
    rostock = next(n for n in document["@graph"] if n["id"] == "https://w3id.org/citynet/id/city/rostock")
    assert rostock["label"] == {"de": "Rostock", "en": "Rostock"} and rostock["country"] == "DE"
    assert rostock["lat"] == "54.0887" and rostock["type"] == "cn:City"


def read_jsonld(text: str, reader: str) -> Graph:
    if reader == "rdflib":
        return Graph().parse(data=text, format="json-ld")
    # PyLD implements the JSON-LD 1.1 algorithms on its own: it shares no code with rdflib.
    from pyld import jsonld

    return Graph().parse(data=jsonld.to_rdf(json.loads(text), {"format": "application/n-quads"}), format="nquads")


@pytest.mark.parametrize("reader", ["rdflib", "pyld"])
def test_jsonld_reads_back_in_independent_processors(graph, reader):
    assert same_graph(read_jsonld(export(graph, "jsonld"), reader), graph.rdflib_graph)


@pytest.mark.parametrize("reader", ["rdflib", "pyld"])
def test_jsonld_keeps_values_the_context_would_otherwise_retype(tmp_path, reader):
    # Each object below would change meaning under a coercing term (source is @id-typed,
    # lat is xsd:decimal, label a language map, country plain): they must keep their own.
    # PyLD 2 reformats a string @value typed xsd:double as if it were a JSON number (and
    # fails); JSON-LD 1.1 does that only for numbers, so PyLD reads an xsd:float here.
    double = "xsd:float" if reader == "pyld" else "xsd:double"
    data = tmp_path / "odd.ttl"
    data.write_text(f"""
        @prefix dct: <http://purl.org/dc/terms/> . @prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix gn: <http://www.geonames.org/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://example.org/x> dct:source "a text, not an IRI", <https://example.org/s> ;
            wgs:lat "54.1"^^{double}, "54.1"^^xsd:decimal ; rdfs:label "no language", "en"@en ;
            gn:countryCode "DE"@de, <https://example.org/de> ; <https://example.org/p> _:b .
        _:b rdfs:label "blank"@en .
    """, encoding="utf-8")
    graph = citynet.KnowledgeGraph([data])
    assert same_graph(read_jsonld(export(graph, "jsonld"), reader), graph.rdflib_graph)


def test_csv_has_a_row_per_membership(graph):
    rows = list(csv.DictReader(io.StringIO(export(graph, "csv"))))
    assert len(rows) == len(citynet.query("memberships", graph=graph)) == 43  # 22 + 1 + 2 + 18
    assert sum(1 for r in rows if r["abbreviation"] == "ICNCM") == 22


def test_geojson_has_a_feature_per_located_member(graph):
    collection = json.loads(export(graph, "geojson"))
    features = collection["features"]
    assert collection["type"] == "FeatureCollection"
    assert len(features) == len(citynet.query("member-locations", graph=graph))
    rostock = next(f for f in features if f["properties"]["name"] == "Rostock")
    assert rostock["geometry"]["coordinates"] == [12.14049, 54.0887]
    assert len(rostock["properties"]["networks"]) == 4


def test_export_cli_writes_atomically(tmp_path, capsys):
    from citynet.cli import main

    target = tmp_path / "graph.nq"
    assert main(["export", "--format", "nquads", "-o", str(target)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]
    assert target.read_text(encoding="utf-8").count("\n") == len(citynet.shipped_graph())


def test_quad_exports_keep_the_blank_nodes_of_two_files_apart(tmp_path):
    # Both files say `_:b`; in one graph they would be one node, across two files they are two.
    for stem in ("first", "second"):
        (tmp_path / f"{stem}.ttl").write_text(
            f'_:b <http://example.org/p> "{stem}" .\n', encoding="utf-8")
    graph = citynet.KnowledgeGraph(sorted(tmp_path.glob("*.ttl")))
    dataset = Dataset()
    dataset.parse(data=export(graph, "nquads"), format="nquads")
    subjects = {s for s, p, o, g in dataset.quads() if str(p) == "http://example.org/p"}
    assert len(subjects) == 2


def test_csv_export_defuses_formulas_but_not_numbers():
    result = citynet.sparql('SELECT ?cell WHERE { VALUES ?cell { "=HYPERLINK(\\"x\\")" "@SUM(A1)" '
                            '"+1 call me" "-0.5805" "-12" "Rostock" } }')
    plain = [row[0] for row in csv.reader(io.StringIO(result.to_csv()))][1:]
    safe = [row[0] for row in csv.reader(io.StringIO(result.to_csv(spreadsheet_safe=True)))][1:]
    assert plain == ['=HYPERLINK("x")', "@SUM(A1)", "+1 call me", "-0.5805", "-12", "Rostock"]
    assert safe == ['\'=HYPERLINK("x")', "'@SUM(A1)", "'+1 call me", "-0.5805", "-12", "Rostock"]


def test_jsonld_refuses_an_iri_a_reader_would_take_for_a_compact_iri(tmp_path):
    # <cn:x> is an absolute IRI with the scheme "cn"; in JSON-LD with citynet's context
    # "cn:x" would be read as https://w3id.org/citynet/def#x: refuse rather than change it.
    data = tmp_path / "odd.ttl"
    data.write_text("<cn:x> <https://example.org/p> <https://example.org/o> .\n", encoding="utf-8")
    with pytest.raises(citynet.CitynetError, match="cannot be written in JSON-LD"):
        export(citynet.KnowledgeGraph([data]), "jsonld")


def test_every_export_is_the_same_bytes_in_another_process(graph):
    """The parser names blank nodes at random; the exports must not show it, or every
    publish would change the checksums in the catalog and harvesters would fetch it all again."""
    script = ("import hashlib, json, citynet; from citynet.publish.exports import MEDIA_TYPES, export_bytes; "
              "g = citynet.shipped_graph(); "
              "print(json.dumps({f: hashlib.sha256(export_bytes(g, f)).hexdigest() for f in MEDIA_TYPES}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    there = json.loads(done.stdout)
    here = {fmt: hashlib.sha256(export_bytes(graph, fmt)).hexdigest() for fmt in MEDIA_TYPES}
    assert here == there
    assert len(list(graph.store.query("SELECT * WHERE { ?s ?p ?o FILTER isBLANK(?s) }"))) > 0, \
        "the shipped graph has blank nodes, so this test can see random names"


def test_export_file_is_export_bytes(graph, tmp_path):
    """What `citynet export -o` writes is what the catalog describes (a newline at the end included)."""
    from citynet.cli import main

    for fmt in ("geojson", "turtle"):
        target = tmp_path / f"out.{fmt}"
        assert main(["export", "--format", fmt, "-o", str(target)]) == 0
        assert target.read_bytes() == export_bytes(graph, fmt)
