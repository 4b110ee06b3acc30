"""The one entity document: which statements it holds, the same bytes in every process, and the
same document from the site, ``citynet export --entity`` and (in test_deployable) the server."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pyoxigraph
import pytest
from rdflib import RDF, Graph, URIRef

from citynet.cli import main
from citynet.publish.entity_document import document_bytes, entity_document, exists
from citynet.publish.site import render_data

ID = "https://w3id.org/citynet/id/"
ROSTOCK = ID + "city/rostock"
LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}


def test_rostock_is_its_statements_those_pointing_to_it_and_the_labels_of_both_sides(graph):
    document = entity_document(graph.store, ROSTOCK)
    rostock = pyoxigraph.NamedNode(ROSTOCK)
    own = [t for t in document if t.subject == rostock]
    pointing = [t for t in document if t.object == rostock]
    labels = [t for t in document if t not in own and t not in pointing]
    # 4 memberships, 5 events (hosted or attended), 1 public body point to Rostock.
    assert (len(own), len(pointing), len(labels)) == (13, 10, 19)
    assert all(t.predicate.value in LABELS for t in labels)
    linked = {t.object.value for t in own} | {t.subject.value for t in pointing}
    assert {t.subject.value for t in labels} <= linked


def test_a_class_document_does_not_list_its_instances(graph):
    document = entity_document(graph.store, "https://w3id.org/citynet/def#City")
    assert document and not any(t.predicate.value == str(RDF.type) and t.object.value.endswith("#City")
                                for t in document)


def test_blank_nodes_come_along_with_stable_names(graph):
    document = entity_document(graph.store, ID + "membership/ubc-rostock")
    blanks = list(dict.fromkeys(t.subject.value for t in document if isinstance(t.subject, pyoxigraph.BlankNode)))
    assert blanks == ["b0", "b1"]  # the membership's interval and its beginning


def test_the_same_bytes_in_every_process(graph):
    script = ("import hashlib, citynet; from citynet.publish.entity_document import document_bytes, entity_document; "
              f"print(hashlib.sha256(document_bytes(entity_document(citynet.shipped_graph().store, "
              f"{ID + 'membership/ubc-rostock'!r}), 'turtle')).hexdigest())")
    here = hashlib.sha256(document_bytes(entity_document(graph.store, ID + "membership/ubc-rostock"), "turtle"))
    there = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert there.strip() == here.hexdigest()


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld"])
def test_every_format_holds_the_same_statements(graph, fmt):
    document = entity_document(graph.store, ROSTOCK)
    parser = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}[fmt]
    parsed = Graph().parse(data=document_bytes(document, fmt), format=parser)
    assert len(parsed) == len(document)
    assert (URIRef(ROSTOCK), None, None) in parsed


def test_the_site_and_the_export_write_the_same_document(graph, tmp_path, capsys):
    site = render_data(graph, ROSTOCK, "ttl")
    assert main(["export", "--entity", ROSTOCK, "--format", "turtle", "-o", str(tmp_path / "rostock.ttl")]) == 0
    assert (tmp_path / "rostock.ttl").read_text(encoding="utf-8") == site
    assert site.encode("utf-8") == document_bytes(entity_document(graph.store, ROSTOCK), "turtle")


def test_unknown_iris_and_formats_are_clear_errors(capsys):
    assert main(["export", "--entity", ID + "city/atlantis", "--format", "turtle"]) == 2
    assert "says nothing about" in capsys.readouterr().err
    assert main(["export", "--entity", ROSTOCK, "--format", "csv"]) == 2
    assert "turtle, ntriples, rdfxml, jsonld" in capsys.readouterr().err


def test_exists(graph):
    assert exists(graph.store, ROSTOCK) and exists(graph.store, "http://www.wikidata.org/entity/Q2861")
    assert not exists(graph.store, ID + "city/atlantis")
