"""Writing query answers (pyoxigraph terms) in the SPARQL result formats and RDF formats.

SELECT and ASK answers are written by Oxigraph's own serializers (through the TSV record of
:mod:`citynet.querying.solutions`), so every value reaches the client as the engine wrote it, CSV
included. The one exception is the query page's separate "CSV for spreadsheets" download,
where a cell a spreadsheet would run as a formula gets a leading ``'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph

from citynet.graph.prefixes import PREFIXES
from citynet.graph.terms import lexical
from citynet.publish.jsonld import by_subject, write_jsonld
from citynet.querying.results import spreadsheet_csv
from citynet.querying.solutions import serialize_boolean, serialize_tsv, tsv_record

Term = Any  # pyoxigraph.NamedNode | BlankNode | Literal | Triple

#: The result formats by the names the server's negotiation uses.
RESULT_FORMATS = {"json": pyoxigraph.QueryResultsFormat.JSON, "xml": pyoxigraph.QueryResultsFormat.XML,
                  "csv": pyoxigraph.QueryResultsFormat.CSV, "tsv": pyoxigraph.QueryResultsFormat.TSV}
#: CSV for people who open it in a spreadsheet (formulas defused): not SPARQL CSV.
SPREADSHEET_CSV = "spreadsheet-csv"


def truncation_note(limit: int, what: str = "rows") -> str:
    return (f"The answer was cut at this endpoint's limit of {limit} {what}; "
            "use LIMIT and OFFSET to page through it.")


def ask(boolean: bool, fmt: str) -> bytes:
    if fmt == SPREADSHEET_CSV:
        fmt = "csv"
    return serialize_boolean(boolean, RESULT_FORMATS[fmt])


def select(variables: Sequence[str], rows: Sequence[Sequence[Term | None]], fmt: str,
           truncated: bool, limit: int) -> bytes:
    """Rows in ``fmt``, written by Oxigraph; a cut answer says so in JSON and XML."""
    if fmt == SPREADSHEET_CSV:
        return spreadsheet_csv(variables, (tuple(map(lexical, row)) for row in rows)).encode("utf-8")
    body = serialize_tsv(tsv_record(variables, rows), RESULT_FORMATS[fmt])
    if truncated and fmt == "json" and body.endswith(b"}"):
        # Members of our own beside "head" and "results", which SPARQL JSON readers ignore.
        note = truncation_note(limit).replace('"', "'")
        body = body[:-1] + f',"truncated":true,"rowLimit":{limit},"note":"{note}"}}'.encode()
    elif truncated and fmt == "xml" and body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        body = body[:end] + f"<!-- {truncation_note(limit)} -->".encode() + body[end:]
    return body


# ---------------------------------------------------------------- graphs

_OXIGRAPH_FORMATS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
}


def graph(triples: Sequence[pyoxigraph.Triple], fmt: str, truncated: bool, limit: int) -> bytes:
    if fmt == "jsonld":
        return write_jsonld(by_subject(triples)).encode("utf-8")
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    body = pyoxigraph.serialize(triples, format=_OXIGRAPH_FORMATS[fmt], prefixes=prefixes)
    if truncated and fmt in ("turtle", "ntriples"):
        body = f"# {truncation_note(limit, 'triples')}\n".encode() + body
    return body


_DATASET_FORMATS = {"nquads": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG}


def dataset(quads: Sequence[pyoxigraph.Quad], fmt: str, truncated: bool, limit: int) -> bytes:
    prefixes = PREFIXES if fmt == "trig" else None
    body = pyoxigraph.serialize(quads, format=_DATASET_FORMATS[fmt], prefixes=prefixes)
    if truncated:
        body = f"# {truncation_note(limit, 'quads')}\n".encode() + body
    return body
