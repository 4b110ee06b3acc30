"""Writing query answers (pyoxigraph terms) in the SPARQL result formats and RDF formats.

CSV cells that a spreadsheet would run as a formula (beginning with ``= + - @``, a
tab or a carriage return) get a leading ``'``, except numbers such as ``-0.5805``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph

from citynet.jsonld import by_subject, write_jsonld
from citynet.prefixes import PREFIXES
from citynet.results import neutralise_csv_cell
from citynet.terms import XSD_STRING

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Term = Any  # pyoxigraph.NamedNode | BlankNode | Literal | Triple


def truncation_note(limit: int, what: str = "rows") -> str:
    return (f"The answer was cut at this endpoint's limit of {limit} {what}; "
            "use LIMIT and OFFSET to page through it.")


# ---------------------------------------------------------------- SELECT


def json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, pyoxigraph.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def select_json(variables: Sequence[str], rows: Sequence[Sequence[Term | None]],
                truncated: bool, limit: int) -> bytes:
    bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    document: dict[str, Any] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        document.update(truncated=True, rowLimit=limit, note=truncation_note(limit))
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", text))


def _xml_term(term: Term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, pyoxigraph.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"unexpected term {term!r}")


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def select_xml(variables: Sequence[str], rows: Sequence[Sequence[Term | None]],
               truncated: bool, limit: int) -> bytes:
    out = [_XML_HEAD]
    if truncated:
        out.append(f"<!-- {truncation_note(limit)} -->\n")
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>\n<results>\n")
    for row in rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                        for v, t in zip(variables, row, strict=True) if t is not None)
        out.append(f"<result>{cells}</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.Literal)):
        return neutralise_csv_cell(term.value)
    return neutralise_csv_cell(str(term))


def select_csv(variables: Sequence[str], rows: Sequence[Sequence[Term | None]],
               truncated: bool, limit: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return out.getvalue().encode("utf-8")


def select_tsv(variables: Sequence[str], rows: Sequence[Sequence[Term | None]],
               truncated: bool, limit: int) -> bytes:
    # Terms in N-Triples syntax (str() of a pyoxigraph term), which escapes tabs and newlines.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


SELECT_WRITERS = {"json": select_json, "xml": select_xml, "csv": select_csv, "tsv": select_tsv}


def ask(boolean: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": boolean}).encode()
    if fmt == "xml":
        return (_XML_HEAD + f"<head/>\n<boolean>{'true' if boolean else 'false'}</boolean>\n</sparql>\n").encode()
    # SPARQL's CSV and TSV formats do not define ASK; write the one value, as other engines do.
    return (("true" if boolean else "false") + ("\r\n" if fmt == "csv" else "\n")).encode()


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
