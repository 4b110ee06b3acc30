"""Query results: rows of typed Python values, and the standard result formats."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.constructed import ConstructedGraph
from citynet.prefixes import compact

if TYPE_CHECKING:
    import pandas

_INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                  XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
                  XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}


def python_value(term: Node | None) -> Any:
    """A plain Python value for a result term: int, Decimal, float, bool, date,
    datetime, str; IRIs stay rdflib URIRefs (a str subclass)."""
    if term is None or isinstance(term, URIRef):
        return term
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    if term.ill_typed:
        return str(term)
    datatype = term.datatype
    if datatype in _INTEGER_TYPES:
        return int(term)
    if datatype == XSD.gYear:
        year = re.match(r"-?\d{4,}", str(term))  # drops a time zone such as "Z" or "+02:00"
        return int(year.group()) if year else str(term)
    if datatype == XSD.decimal:
        return Decimal(str(term))
    if datatype in (XSD.double, XSD.float):
        return float(term)
    if datatype == XSD.boolean:
        return bool(term.toPython())
    if datatype in (XSD.date, XSD.dateTime):
        value = term.toPython()
        return value if isinstance(value, (datetime.date, datetime.datetime)) else str(term)
    return str(term)


class Row(dict):
    """One solution: a mapping from variable name to Python value, also by attribute."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class QueryResult:
    """The answer to a query. SELECT: ``variables`` and ``terms`` (rdflib terms per
    row); ASK: ``boolean``; CONSTRUCT and DESCRIBE: ``constructed``, read as ``graph``."""

    form: str
    variables: Sequence[str] = ()
    terms: Sequence[tuple[Node | None, ...]] = ()
    boolean: bool | None = None
    constructed: ConstructedGraph | None = None

    @property
    def graph(self) -> Graph | None:
        """The rdflib Graph of a CONSTRUCT or DESCRIBE answer, else None."""
        return None if self.constructed is None else self.constructed.graph

    def __iter__(self) -> Iterator[Row]:
        if self.constructed is not None:
            raise TypeError("a CONSTRUCT result is a graph: use .graph or .to_rdf()")
        for row in self.terms:
            yield Row((v, python_value(t)) for v, t in zip(self.variables, row, strict=False))

    def __len__(self) -> int:
        if self.constructed is not None:
            return len(self.constructed)
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.form == "ASK" else len(self) > 0

    def rows(self) -> list[Row]:
        return list(self)

    def lexical_rows(self) -> Iterator[tuple[str | None, ...]]:
        """Each row as the text of its terms (an IRI, a literal's lexical form, ``_:id``
        for a blank node, None where unbound): no typed values built, for fast tables."""
        self._require_table()
        lexical = getattr(self.terms, "lexical", None)
        return lexical() if lexical is not None else lexical_rows(self.terms)

    # ------------------------------------------------------------ formats

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (SELECT, ASK) or JSON-LD (graphs)."""
        if self.constructed is not None:
            return self.constructed.serialize("json-ld")
        if self.form == "ASK":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        bindings = [{v: _json_term(t) for v, t in zip(self.variables, row, strict=False) if t is not None}
                    for row in self.terms]
        return json.dumps({"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)

    def to_csv(self, *, spreadsheet_safe: bool = False) -> str:
        """SPARQL 1.1 Query Results CSV: plain values, IRIs as text. ``spreadsheet_safe``
        puts ``'`` before a cell a spreadsheet would run as a formula (numbers excepted)."""
        self._require_table()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        cell = neutralise_csv_cell if spreadsheet_safe else str
        writer.writerows(["" if value is None else cell(value) for value in row] for row in self.lexical_rows())
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
        self._require_table()
        lines = ["\t".join("?" + v for v in self.variables)]
        lines += ["\t".join("" if t is None else t.n3() for t in row) for row in self.terms]
        return "\n".join(lines) + "\n"

    def to_table(self, max_width: int = 60) -> str:
        """A plain-text table for people."""
        if self.form == "ASK":
            return "yes" if self.boolean else "no"
        if self.constructed is not None:
            return self.to_rdf("turtle")
        headers = list(self.variables)
        cells = [[_cell(python_value(t), max_width) for t in row] for row in self.terms]
        widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
        def line(values: Sequence[str]) -> str:
            return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip()
        out = [line(headers), line(["-" * w for w in widths]), *map(line, cells)]
        out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(out)

    def to_dataframe(self) -> pandas.DataFrame:
        """A pandas DataFrame of typed values (install citynet[pandas])."""
        self._require_table()
        try:
            import pandas
        except ImportError:
            raise ImportError("to_dataframe() needs pandas: pip install 'citynet[pandas]'") from None
        return pandas.DataFrame([list(r.values()) for r in self], columns=list(self.variables))

    def to_rdf(self, format: str = "turtle") -> str:
        if self.constructed is None:
            raise TypeError(f"a {self.form} result has no graph; to_rdf() is for CONSTRUCT and DESCRIBE")
        return self.constructed.serialize(format)

    def _require_table(self) -> None:
        if self.form != "SELECT":
            raise TypeError(f"a {self.form} result is not a table")


def lexical_rows(rows: Iterable[Sequence[Node | None]]) -> Iterator[tuple[str | None, ...]]:
    for row in rows:
        yield tuple(None if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_csv_cell(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (OWASP's advice for
    CSV injection); numbers such as ``-0.5805`` stay as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _cell(value: Any, max_width: int) -> str:
    text = "" if value is None else (compact(value) if isinstance(value, URIRef) else str(value))
    text = " ".join(text.split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"
