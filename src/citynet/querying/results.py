"""Query results: rows of typed Python values, and the standard result formats."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from citynet.graph.prefixes import compact
from citynet.querying.columns import ColumnType, coerce_rows
from citynet.querying.python_values import python_value
from citynet.querying.solutions import Solutions, serialize_boolean

if TYPE_CHECKING:
    import pandas

    from citynet.querying.constructed import ConstructedGraph  # its writers load only for graphs

__all__ = ["QueryResult", "Row", "python_value"]


class Row(dict[str, Any]):
    """One solution: a mapping from variable name to Python value, also by attribute."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class QueryResult:
    """The answer to a query. SELECT: ``variables`` and ``terms`` (rows of rdflib terms, each
    literal's lexical form as the engine wrote it); ASK: ``boolean``; CONSTRUCT and DESCRIBE:
    ``constructed``, read as ``graph``.

    Iterating gives :class:`Row` objects of typed Python values. Every serialized output
    (JSON, XML, CSV, TSV) is written by Oxigraph from the engine's own terms, unchanged.

    A stored query's result also has ``columns``, its declared column types: rows and
    DataFrames read the terms through them, and :meth:`coerced` gives the result in the
    canonical terms of those types, the same on every store (see :mod:`citynet.querying.columns`)."""

    form: str
    variables: Sequence[str] = ()
    terms: Sequence[tuple[Node | None, ...]] = ()
    boolean: bool | None = None
    constructed: ConstructedGraph | None = None
    columns: Mapping[str, ColumnType] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.form == "SELECT" and not isinstance(self.terms, Solutions):
            self.terms = Solutions(self.variables, rdflib_rows=[tuple(row) for row in self.terms])

    @property
    def graph(self) -> Graph | None:
        """The rdflib Graph of a CONSTRUCT or DESCRIBE answer, else None."""
        return None if self.constructed is None else self.constructed.graph

    def __iter__(self) -> Iterator[Row]:
        if self.constructed is not None:
            raise TypeError("a CONSTRUCT result is a graph: use .graph or .to_rdf()")
        readers = [self.columns[v].value if v in self.columns else python_value for v in self.variables]
        for row in self.terms:
            yield Row((v, read(t)) for v, read, t in zip(self.variables, readers, row, strict=False))

    def __len__(self) -> int:
        if self.constructed is not None:
            return len(self.constructed)
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.form == "ASK" else len(self) > 0

    def rows(self) -> list[Row]:
        return list(self)

    def coerced(self) -> QueryResult:
        """This result with every declared column in the canonical terms of its type; the
        result itself when nothing is declared (an ad-hoc query, ASK, CONSTRUCT)."""
        if self.form != "SELECT" or not self.columns:
            return self
        return QueryResult(form="SELECT", variables=list(self.variables),
                           terms=coerce_rows(self.variables, list(self.terms), self.columns), columns=self.columns)

    def lexical_rows(self) -> Iterator[tuple[str | None, ...]]:
        """Each row as the text of its terms (an IRI, a literal's lexical form, ``_:id``
        for a blank node, None where unbound): no typed values built, for fast tables."""
        return self._solutions().lexical()

    # ------------------------------------------------------------ formats

    def serialize(self, fmt: pyoxigraph.QueryResultsFormat) -> bytes:
        """A SELECT or ASK answer in a SPARQL result format, written by Oxigraph."""
        if self.form == "ASK":
            return serialize_boolean(bool(self.boolean), fmt)
        return self._solutions().serialize(fmt)

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (SELECT, ASK) or JSON-LD (graphs)."""
        if self.constructed is not None:
            return self.constructed.serialize("json-ld")
        return self.serialize(pyoxigraph.QueryResultsFormat.JSON).decode("utf-8")

    def to_xml(self) -> str:
        """SPARQL Query Results XML (SELECT, ASK)."""
        self._require_results()
        return self.serialize(pyoxigraph.QueryResultsFormat.XML).decode("utf-8")

    def to_csv(self, *, spreadsheet_safe: bool = False) -> str:
        """SPARQL 1.1 Query Results CSV, as the engine writes it: every value unchanged.

        ``spreadsheet_safe=True`` is for a file a person opens in a spreadsheet: a cell that
        the spreadsheet would run as a formula gets a leading ``'`` (numbers excepted). That
        changes values, so it is no longer SPARQL CSV for programs."""
        self._require_results()
        if not spreadsheet_safe:
            return self.serialize(pyoxigraph.QueryResultsFormat.CSV).decode("utf-8")
        if self.form == "ASK":
            return "true" if self.boolean else "false"
        return spreadsheet_csv(self.variables, self.lexical_rows())

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax."""
        self._require_results()
        return self.serialize(pyoxigraph.QueryResultsFormat.TSV).decode("utf-8")

    def to_table(self, max_width: int = 60) -> str:
        """A plain-text table for people."""
        if self.form == "ASK":
            return "yes" if self.boolean else "no"
        if self.constructed is not None:
            return self.to_rdf("turtle")
        headers = list(self.variables)
        cells = [[_cell(t, max_width) for t in row] for row in self.terms]
        widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
        def line(values: Sequence[str]) -> str:
            return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip()
        out = [line(headers), line(["-" * w for w in widths]), *map(line, cells)]
        out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(out)

    def to_dataframe(self, *, lexical: bool = False) -> pandas.DataFrame:
        """A pandas DataFrame (install citynet[pandas]): typed values as the rows give them,
        or with ``lexical=True`` each term's text exactly as the engine wrote it.

        Declared columns get their type's dtype: ``Int64`` for integers (and for year-or-date
        columns that hold only years), ``float64`` for decimals such as coordinates, ``boolean``
        for booleans; a missing value is ``<NA>``. Other columns hold Python objects."""
        self._require_table()
        try:
            import pandas
        except ImportError:
            raise ImportError("to_dataframe() needs pandas: pip install 'citynet[pandas]'") from None
        if lexical:
            return pandas.DataFrame(list(self.lexical_rows()), columns=list(self.variables), dtype=object)
        frame = pandas.DataFrame([list(r.values()) for r in self], columns=list(self.variables), dtype=object)
        for name in self.variables:
            if name in self.columns:
                dtype = _dtype(self.columns[name], frame[name])
                if dtype is not None:
                    frame[name] = frame[name].astype(dtype)
            else:  # as pandas reads a list of values
                frame[name] = pandas.Series(frame[name].tolist(), index=frame.index)
        return frame

    def to_rdf(self, format: str = "turtle") -> str:
        if self.constructed is None:
            raise TypeError(f"a {self.form} result has no graph; to_rdf() is for CONSTRUCT and DESCRIBE")
        return self.constructed.serialize(format)

    def _solutions(self) -> Solutions:
        self._require_table()
        assert isinstance(self.terms, Solutions)
        return self.terms

    def _require_table(self) -> None:
        if self.form != "SELECT":
            raise TypeError(f"a {self.form} result is not a table")

    def _require_results(self) -> None:
        if self.form not in ("SELECT", "ASK"):
            raise TypeError(f"a {self.form} result is a graph: use to_rdf()")


def _dtype(column: ColumnType, values: pandas.Series) -> str | None:
    """The dtype for a declared column, or None where its values do not all fit one."""
    present = [v for v in values if v is not None]
    fits: dict[str, type | tuple[type, ...]] = {"Int64": int, "float64": (int, float, Decimal), "boolean": bool}
    dtype = column.dtype
    if column.name == "year-or-date":
        dtype = "Int64"
    if dtype is None or not all(isinstance(v, fits[dtype]) and not (dtype != "boolean" and isinstance(v, bool))
                                for v in present):
        return None
    return dtype


class SupportsWriteText(Protocol):
    def write(self, text: str, /) -> object: ...


def spreadsheet_csv(variables: Sequence[str], rows: Iterable[Sequence[str | None]]) -> str:
    """CSV for spreadsheets: the values' text, with formulas defused (see :func:`neutralise_csv_cell`)."""
    out = io.StringIO()
    write_spreadsheet_csv(variables, rows, out)
    return out.getvalue()


def write_spreadsheet_csv(variables: Sequence[str], rows: Iterable[Sequence[str | None]],
                          out: SupportsWriteText) -> None:
    """:func:`spreadsheet_csv`'s text written to ``out`` row by row."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows(["" if value is None else neutralise_csv_cell(value) for value in row] for row in rows)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_csv_cell(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (OWASP's advice for
    CSV injection); numbers such as ``-0.5805`` stay as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _cell(term: Node | None, max_width: int) -> str:
    """A table cell: the term's text as the engine wrote it, IRIs shortened by citynet's prefixes."""
    if term is None:
        text = ""
    elif isinstance(term, URIRef):
        text = compact(term)
    else:
        text = f"_:{term}" if isinstance(term, BNode) else str(term)
    text = " ".join(text.split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"
