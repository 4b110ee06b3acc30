"""Every format citynet reads or writes, defined once: the RDF and SPARQL result formats on
pyoxigraph's own ``RdfFormat`` and ``QueryResultsFormat`` (which give the media type, the file
suffix and the name), plus the few that are not RDF (HTML, CSV for spreadsheets, GeoJSON).

A :class:`Format` knows the words that name it (``?format=``, the CLI, rdflib's format names)
and the media types a client may ask for it by. The groups below are what each part of citynet
offers: the server negotiates among them, the CLI lists them, the exports and the catalog
describe them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, cast

import pyoxigraph

from citynet.streams import SupportsWrite

_RDF = pyoxigraph.RdfFormat
_RESULTS = pyoxigraph.QueryResultsFormat
_W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One representation citynet can write."""

    name: str
    """citynet's name for it: ``turtle``, ``json``, ``geojson`` …"""
    media_type: str
    """The media type it is served with (without parameters)."""
    suffix: str = ""
    """The file suffix, without the dot."""
    label: str = ""
    """Its name for people: ``Turtle``, ``RDF/XML`` …"""
    also: tuple[str, ...] = ()
    """Other media types a client may ask for to get it."""
    names: tuple[str, ...] = ()
    """Other words that name it (in ``?format=``, ``to_rdf()``), besides ``name`` and ``suffix``."""
    rdf: pyoxigraph.RdfFormat | None = field(default=None, compare=False)
    results: pyoxigraph.QueryResultsFormat | None = field(default=None, compare=False)
    rdflib: str | None = None
    """rdflib's serializer for it, where rdflib writes it (the service description, entity pages)."""
    eu_file_type: str | None = None
    """Its code in the EU file-type vocabulary (DCAT-AP's ``dct:format``)."""
    w3c_iri: str | None = None
    """Its IRI at http://www.w3.org/ns/formats/ (SPARQL service descriptions), if it has one."""

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header: textual formats say that they are UTF-8."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json"))
        textual = textual or self.media_type in ("application/n-triples",)
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def takes_prefixes(self) -> bool:
        """Whether the syntax declares prefixes (Turtle, TriG, RDF/XML; not N-Triples or N-Quads)."""
        return self.rdf in (_RDF.TURTLE, _RDF.TRIG, _RDF.RDF_XML)

    @property
    def has_comments(self) -> bool:
        """Whether a ``#`` line is a comment in it (the Turtle family), so a note can go first."""
        return self.rdf in (_RDF.TURTLE, _RDF.TRIG, _RDF.N_TRIPLES, _RDF.N_QUADS)

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also)

    def is_named(self, word: str) -> bool:
        """Whether ``word`` (lower case) names this format: its name, suffix, another name or a media type."""
        return word in (self.name, self.suffix) or word in self.names or word in self.media_types()


def _rdf(name: str, rdf: pyoxigraph.RdfFormat, *, eu_file_type: str, rdflib: str, also: tuple[str, ...] = (),
         names: tuple[str, ...] = (), w3c_iri: str | None = None) -> Format:
    return Format(name, rdf.media_type, rdf.file_extension, rdf.name, also, names, rdf=rdf, rdflib=rdflib,
                  eu_file_type=eu_file_type, w3c_iri=w3c_iri or rdf.iri)


def _results(name: str, results: pyoxigraph.QueryResultsFormat, *, also: tuple[str, ...] = ()) -> Format:
    # pyoxigraph's CSV and TSV media types carry "; charset=utf-8": content_type adds it back.
    media_type = results.media_type.split(";")[0].strip()
    return Format(name, media_type, results.file_extension, results.name, also, results=results,
                  w3c_iri=results.iri)


# SELECT and ASK answers: the SPARQL 1.1 Query Results formats.
JSON = _results("json", _RESULTS.JSON, also=("application/json",))
XML = _results("xml", _RESULTS.XML)
CSV = _results("csv", _RESULTS.CSV)
TSV = _results("tsv", _RESULTS.TSV)
RESULT_FORMATS = (JSON, XML, CSV, TSV)
#: CSV for a person's spreadsheet, formulas defused: not SPARQL CSV (only where a person asks for it).
SPREADSHEET_CSV = Format("spreadsheet-csv", "text/csv", label="CSV")

# Graphs (CONSTRUCT and DESCRIBE answers, entity descriptions, the service description).
# Turtle is N3 too, so an N3 request gets Turtle; plain JSON gets JSON-LD.
TURTLE = _rdf("turtle", _RDF.TURTLE, eu_file_type="RDF_TURTLE", rdflib="turtle",
              also=("application/x-turtle", "application/turtle"),
              names=("n3", "text/n3", "text/rdf+n3", "application/n3"))
NTRIPLES = _rdf("ntriples", _RDF.N_TRIPLES, eu_file_type="RDF_N_TRIPLES", rdflib="nt", also=("text/plain",),
                names=("n-triples", "nt11"))
# pyoxigraph gives JSON-LD the IRI .../ns/formats/data/JSON-LD; the W3C list names it .../ns/formats/JSON-LD.
JSONLD = _rdf("jsonld", _RDF.JSON_LD, eu_file_type="JSON_LD", rdflib="json-ld",
              also=("application/json", "application/x-json+ld"), names=("json-ld", "json", "ld+json"),
              w3c_iri=_W3C_FORMATS + "JSON-LD")
RDFXML = _rdf("rdfxml", _RDF.RDF_XML, eu_file_type="RDF_XML", rdflib="pretty-xml",
              names=("xml", "rdf+xml", "owl"))
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML)

# Datasets: every graph with its name.
NQUADS = _rdf("nquads", _RDF.N_QUADS, eu_file_type="RDF_N_QUADS", rdflib="nquads")
TRIG = _rdf("trig", _RDF.TRIG, eu_file_type="RDF_TRIG", rdflib="trig")
DATASET_FORMATS = (NQUADS, TRIG)

HTML = Format("html", "text/html", "html", "HTML", also=("application/xhtml+xml",))

# The tabular and map views of the graph that `citynet export` writes beside the RDF.
MEMBERSHIPS_CSV = Format("csv", "text/csv", "csv", "CSV", eu_file_type="CSV")
GEOJSON = Format("geojson", "application/geo+json", "geojson", "GeoJSON", eu_file_type="GEOJSON")

#: What `citynet export` writes and the catalog describes as downloads, in the catalog's order.
RDF_EXPORT_FORMATS = (TURTLE, NTRIPLES, NQUADS, TRIG, RDFXML, JSONLD)
EXPORT_FORMATS = (*RDF_EXPORT_FORMATS, MEMBERSHIPS_CSV, GEOJSON)

#: The formats of a dataset description (the DCAT catalog, VoID, the schema.org Dataset).
DESCRIPTION_FORMATS = (TURTLE, RDFXML, JSONLD)

#: The RDF files citynet reads as data, by suffix (``.owl`` is RDF/XML too).
RDF_SUFFIXES: dict[str, pyoxigraph.RdfFormat] = {
    **{f".{f.suffix}": f.rdf for f in (TURTLE, NTRIPLES, NQUADS, TRIG, RDFXML) if f.rdf is not None},
    ".owl": _RDF.RDF_XML,
    f".{JSONLD.suffix}": _RDF.JSON_LD,
}


def named(word: str, offers: Iterable[Format]) -> Format | None:
    """The first of ``offers`` that ``word`` names (any case; media-type parameters ignored)."""
    wanted = word.split(";")[0].strip().lower()
    return next((offer for offer in offers if offer.is_named(wanted)), None)


def by_name(name: str, offers: Iterable[Format]) -> Format:
    """The offer called exactly ``name`` (a name citynet itself passes around, e.g. to a worker)."""
    return next(offer for offer in offers if offer.name == name)


def names(offers: Iterable[Format]) -> list[str]:
    return [offer.name for offer in offers]


def write(statements: Iterable[pyoxigraph.Triple] | Iterable[pyoxigraph.Quad], fmt: Format,
          prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples or quads in ``fmt``, written by Oxigraph, with ``prefixes`` where the syntax has them."""
    if fmt.rdf is None:
        raise ValueError(f"Oxigraph does not write {fmt.label or fmt.name}")
    body = pyoxigraph.serialize(statements, format=fmt.rdf,
                                prefixes=dict(prefixes) if prefixes is not None and fmt.takes_prefixes else None)
    assert body is not None  # serialize returns the bytes when given no output
    return body


def write_into(statements: Iterable[pyoxigraph.Triple] | Iterable[pyoxigraph.Quad], fmt: Format,
               stream: SupportsWrite, prefixes: Mapping[str, str] | None = None) -> None:
    """As :func:`write`, into ``stream`` as Oxigraph writes (in chunks of a few kilobytes):
    the same bytes, never held whole."""
    if fmt.rdf is None:
        raise ValueError(f"Oxigraph does not write {fmt.label or fmt.name}")
    pyoxigraph.serialize(statements, cast(IO[bytes], stream), fmt.rdf,
                         prefixes=dict(prefixes) if prefixes is not None and fmt.takes_prefixes else None)
