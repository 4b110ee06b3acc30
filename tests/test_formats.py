"""The format registry: what each format is called, served as and saved as is what the format
tables it replaced said (pinned here), and what pyoxigraph says where it knows the format."""

from __future__ import annotations

import pyoxigraph
import pytest

from citynet import formats
from citynet.cli import build_parser
from citynet.publish.catalog import FILE_TYPE
from citynet.publish.exports import MEDIA_TYPES, RDF_FORMATS, SUFFIXES
from citynet.server import negotiation

OXIGRAPH_FORMATS = [*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS, *formats.DATASET_FORMATS]


@pytest.mark.parametrize("fmt", OXIGRAPH_FORMATS, ids=lambda f: f.name)
def test_media_type_and_suffix_are_pyoxigraphs(fmt):
    engine_format = fmt.rdf or fmt.results
    assert engine_format is not None
    assert engine_format.media_type.split(";")[0] == fmt.media_type
    assert engine_format.file_extension == fmt.suffix


def test_exports_are_described_as_before():
    assert MEDIA_TYPES == {
        "turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
        "trig": "application/trig", "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
        "csv": "text/csv", "geojson": "application/geo+json"}
    assert list(MEDIA_TYPES) == ["turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld", "csv", "geojson"]
    assert SUFFIXES == {"turtle": ".ttl", "ntriples": ".nt", "nquads": ".nq", "trig": ".trig", "rdfxml": ".rdf",
                        "jsonld": ".jsonld", "csv": ".csv", "geojson": ".geojson"}
    assert RDF_FORMATS == ["turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld"]
    assert {f.name: (f.eu_file_type, f.label) for f in formats.EXPORT_FORMATS} == {
        "turtle": ("RDF_TURTLE", "Turtle"), "ntriples": ("RDF_N_TRIPLES", "N-Triples"),
        "nquads": ("RDF_N_QUADS", "N-Quads"), "trig": ("RDF_TRIG", "TriG"), "rdfxml": ("RDF_XML", "RDF/XML"),
        "jsonld": ("JSON_LD", "JSON-LD"), "csv": ("CSV", "CSV"), "geojson": ("GEOJSON", "GeoJSON")}
    assert str(FILE_TYPE["RDF_TURTLE"]).endswith("/file-type/RDF_TURTLE")


def test_files_are_read_by_their_suffix_as_before():
    rdf = pyoxigraph.RdfFormat
    assert formats.RDF_SUFFIXES == {".ttl": rdf.TURTLE, ".nt": rdf.N_TRIPLES, ".nq": rdf.N_QUADS, ".trig": rdf.TRIG,
                                    ".rdf": rdf.RDF_XML, ".owl": rdf.RDF_XML, ".jsonld": rdf.JSON_LD}
    assert list(formats.RDF_SUFFIXES) == [".ttl", ".nt", ".nq", ".trig", ".rdf", ".owl", ".jsonld"]


# Every word the server's ?format= took before the registry, and the format it named.
NAMED = {
    "results": {"json": "json", "srj": "json", "application/sparql-results+json": "json",
                "application/json": "json", "xml": "xml", "srx": "xml", "application/sparql-results+xml": "xml",
                "csv": "csv", "text/csv": "csv", "tsv": "tsv", "text/tab-separated-values": "tsv",
                "turtle": None, "jsonld": None},
    "graphs": {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle",
               "application/n3": "turtle", "text/turtle": "turtle", "application/x-turtle": "turtle",
               "application/turtle": "turtle", "ntriples": "ntriples", "nt": "ntriples", "n-triples": "ntriples",
               "application/n-triples": "ntriples", "text/plain": "ntriples", "jsonld": "jsonld",
               "json-ld": "jsonld", "json": "jsonld", "ld+json": "jsonld", "application/ld+json": "jsonld",
               "application/json": "jsonld", "application/x-json+ld": "jsonld", "rdfxml": "rdfxml",
               "rdf": "rdfxml", "xml": "rdfxml", "rdf+xml": "rdfxml", "owl": "rdfxml",
               "application/rdf+xml": "rdfxml", "csv": None, "nquads": None},
    "datasets": {"nquads": "nquads", "nq": "nquads", "application/n-quads": "nquads", "trig": "trig",
                 "application/trig": "trig", "turtle": None},
}
OFFERS = {"results": formats.RESULT_FORMATS, "graphs": formats.GRAPH_FORMATS, "datasets": formats.DATASET_FORMATS}


CASES = [(group, word, expected) for group, words in NAMED.items() for word, expected in words.items()]


@pytest.mark.parametrize(("group", "word", "expected"), CASES)
def test_names_a_client_sends_choose_the_same_format(group, word, expected):
    chosen = negotiation.by_name(word.upper() + ";q=1" if "/" in word else word, OFFERS[group])
    assert (chosen.name if chosen else None) == expected


def test_media_types_a_client_accepts_are_those_of_before():
    assert {f.name: f.media_types() for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS,
                                              *formats.DATASET_FORMATS, formats.HTML)} == {
        "json": ("application/sparql-results+json", "application/json"),
        "xml": ("application/sparql-results+xml",), "csv": ("text/csv",), "tsv": ("text/tab-separated-values",),
        "turtle": ("text/turtle", "application/x-turtle", "application/turtle"),
        "ntriples": ("application/n-triples", "text/plain"),
        "jsonld": ("application/ld+json", "application/json", "application/x-json+ld"),
        "rdfxml": ("application/rdf+xml",), "nquads": ("application/n-quads",), "trig": ("application/trig",),
        "html": ("text/html", "application/xhtml+xml")}
    assert formats.CSV.content_type == "text/csv; charset=utf-8"
    assert formats.NTRIPLES.content_type == "application/n-triples; charset=utf-8"
    assert formats.NQUADS.content_type == "application/n-quads"


def test_the_service_description_names_the_w3c_format_iris():
    assert [f.w3c_iri for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)] == [
        f"http://www.w3.org/ns/formats/{name}" for name in (
            "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle", "N-Triples", "JSON-LD", "RDF_XML")]


def test_the_cli_offers_the_registrys_formats():
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]

    def choices(command: str) -> set[str]:
        return set(next(a for a in commands[command]._actions if a.dest == "format").choices)

    assert choices("export") == {"turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld", "csv", "geojson"}
    assert choices("catalog") == {"turtle", "rdfxml", "jsonld"}
    assert choices("query") == choices("sparql") == {"table", "json", "xml", "csv", "tsv", "turtle"}
