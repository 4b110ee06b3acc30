"""Writing query answers (pyoxigraph terms) in the SPARQL result formats and RDF formats.

SELECT and ASK answers are written by Oxigraph's own serializers (through the TSV record of
:mod:`citynet.querying.solutions`), so every value reaches the client as the engine wrote it, CSV
included. The one exception is the query page's separate "CSV for spreadsheets" download,
where a cell a spreadsheet would run as a formula gets a leading ``'``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph

from citynet.formats import (
    DATASET_FORMATS,
    GRAPH_FORMATS,
    JSONLD,
    RESULT_FORMATS,
    SPREADSHEET_CSV,
    Format,
    by_name,
    write,
)
from citynet.graph.prefixes import PREFIXES
from citynet.graph.terms import OxigraphTerm, lexical
from citynet.publish.jsonld import by_subject, write_jsonld
from citynet.querying.results import spreadsheet_csv
from citynet.querying.solutions import serialize_boolean, serialize_tsv, serialized, tsv_record


def truncation_note(limit: int, what: str = "rows") -> str:
    return (f"The answer was cut at this endpoint's limit of {limit} {what}; "
            "use LIMIT and OFFSET to page through it.")


def _results_format(name: str) -> pyoxigraph.QueryResultsFormat:
    results = by_name("csv" if name == SPREADSHEET_CSV.name else name, RESULT_FORMATS).results
    assert results is not None  # every result format is one of Oxigraph's
    return results


def ask(boolean: bool, fmt: str) -> bytes:
    """An ASK answer in ``fmt`` (a result format's name), written by Oxigraph."""
    return serialize_boolean(boolean, _results_format(fmt))


def select(variables: Sequence[str], rows: Sequence[Sequence[OxigraphTerm | None]], fmt: str,
           truncated: bool, limit: int) -> bytes:
    """Rows in ``fmt``, written by Oxigraph; a cut answer says so in JSON and XML."""
    if fmt == SPREADSHEET_CSV.name:
        return spreadsheet_csv(variables, (tuple(map(lexical, row)) for row in rows)).encode("utf-8")
    body = serialize_tsv(tsv_record(variables, rows), _results_format(fmt))
    if truncated and fmt == "json" and body.startswith(b"{"):
        # Members of our own beside "head" and "results", which SPARQL JSON readers ignore. Before
        # them: Oxigraph's reader takes unknown members there, but none after the bindings.
        note = truncation_note(limit).replace('"', "'")
        body = f'{{"truncated":true,"rowLimit":{limit},"note":"{note}",'.encode() + body[1:]
    elif truncated and fmt == "xml" and body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        body = body[:end] + f"<!-- {truncation_note(limit)} -->".encode() + body[end:]
    return body


#: The formats :func:`whole` writes: SPARQL's result formats (not the spreadsheet CSV).
WHOLE_FORMATS = frozenset(f.name for f in RESULT_FORMATS)


def whole(answer: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean, fmt: str) -> bytes:
    """A SELECT or ASK answer known to fit the row cap, written by Oxigraph straight from the
    engine in ``fmt`` (a result format's name, not the spreadsheet CSV): the bytes of
    :func:`select` and :func:`ask` for the same answer, without reading its rows first."""
    return serialized(answer, _results_format(fmt))


# ---------------------------------------------------------------- graphs

def graph(triples: Sequence[pyoxigraph.Triple], fmt: str, truncated: bool, limit: int) -> bytes:
    """Triples in ``fmt`` (a graph format's name): JSON-LD compacted with citynet's context,
    the others written by Oxigraph; a cut answer says so where the syntax has comments."""
    if fmt == JSONLD.name:
        return write_jsonld(by_subject(triples)).encode("utf-8")
    return _rdf(triples, by_name(fmt, GRAPH_FORMATS), truncated, truncation_note(limit, "triples"))


def dataset(quads: Sequence[pyoxigraph.Quad], fmt: str, truncated: bool, limit: int) -> bytes:
    """Quads in ``fmt`` (a dataset format's name), written by Oxigraph."""
    return _rdf(quads, by_name(fmt, DATASET_FORMATS), truncated, truncation_note(limit, "quads"))


def _rdf(statements: Sequence[pyoxigraph.Triple] | Sequence[pyoxigraph.Quad], fmt: Format,
         truncated: bool, note: str) -> bytes:
    body = write(statements, fmt, PREFIXES)
    if truncated and fmt.has_comments:
        body = f"# {note}\n".encode() + body
    return body
