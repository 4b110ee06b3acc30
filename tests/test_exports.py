"""Exports: every RDF format reads back as the graph; tables match their queries."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

import citynet
from citynet.exports import GRAPH_BASE, RDF_FORMATS, export, jsonld_context

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


def test_jsonld_uses_short_keys_from_the_published_context(graph):
    document = json.loads(export(graph, "jsonld"))
    assert document["@context"] == jsonld_context()["@context"]
    rostock = next(n for n in document["@graph"] if n["id"] == "https://w3id.org/citynet/id/city/rostock")
    assert rostock["label"]["en"] == "Rostock" and rostock["country"] == "DE"


def test_csv_has_a_row_per_membership(graph):
    rows = list(csv.DictReader(io.StringIO(export(graph, "csv"))))
    assert len(rows) == len(citynet.query("memberships", graph)) == 44
    assert sum(1 for r in rows if r["abbreviation"] == "ICNCM") == 22


def test_geojson_has_a_feature_per_located_member(graph):
    collection = json.loads(export(graph, "geojson"))
    features = collection["features"]
    assert collection["type"] == "FeatureCollection"
    assert len(features) == len(citynet.query("member-locations", graph))
    rostock = next(f for f in features if f["properties"]["name"] == "Rostock")
    assert rostock["geometry"]["coordinates"] == [12.14049, 54.0887]
    assert len(rostock["properties"]["networks"]) == 4


def test_export_cli_writes_atomically(tmp_path, capsys):
    from citynet.cli import main

    target = tmp_path / "graph.nq"
    assert main(["export", "--format", "nquads", "-o", str(target)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]
    assert target.read_text(encoding="utf-8").count("\n") == len(citynet.shipped_graph())
