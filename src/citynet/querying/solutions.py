"""A SELECT answer kept as the engine wrote it, and written out by the engine's serializers.

The answer is held as Oxigraph's own SPARQL TSV serialization: every term in N-Triples
syntax, so nothing is lost (a lexical form such as ``"30000"^^xsd:double`` or ``"PT0S"``
stays as it is). Rows are read back with Oxigraph's parser when first asked for, and every
result format (JSON, XML, CSV, TSV) is written by Oxigraph from that record: the text is the
same whether or not the rows were read before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import pyoxigraph
from rdflib.term import Node

from citynet.errors import QueryError
from citynet.graph.terms import OxigraphNode, OxigraphTerm, lexical, rdflib_converter, to_oxigraph

TSV = pyoxigraph.QueryResultsFormat.TSV


def tsv_term(term: OxigraphTerm | None) -> str:
    """A term as SPARQL TSV writes it (N-Triples syntax; RDF 1.2 triple terms in ``<<( )>>``)."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Triple):
        return f"<<( {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} )>>"
    return str(term)


def tsv_record(variables: Sequence[str], rows: Iterable[Sequence[OxigraphTerm | None]]) -> bytes:
    """Rows of Oxigraph terms as a SPARQL TSV document (what Oxigraph's parser reads back exactly).

    The one piece of a result format written here, not by Oxigraph: pyoxigraph cannot make a
    ``QuerySolutions`` of rows held in Python (the server's, cut at its row limit; rows of
    rdflib terms), so they reach its parser as TSV, whose terms are N-Triples: ``str()`` of
    an Oxigraph term. Every format a client receives is then written by Oxigraph."""
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(map(tsv_term, row)) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize_tsv(record: bytes, fmt: pyoxigraph.QueryResultsFormat) -> bytes:
    """A SPARQL TSV document written again by Oxigraph, in ``fmt``."""
    return serialized(pyoxigraph.parse_query_results(record, TSV), fmt)


def serialize_boolean(value: bool, fmt: pyoxigraph.QueryResultsFormat) -> bytes:
    """An ASK answer written by Oxigraph in ``fmt``."""
    answer = b'{"head":{},"boolean":true}' if value else b'{"head":{},"boolean":false}'
    return serialized(pyoxigraph.parse_query_results(answer, pyoxigraph.QueryResultsFormat.JSON), fmt)


def serialized(answer: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean,
               fmt: pyoxigraph.QueryResultsFormat) -> bytes:
    """An answer written by Oxigraph in ``fmt``, as bytes."""
    body = answer.serialize(format=fmt)
    assert body is not None  # serialize returns the bytes when given no output
    return body


class Solutions(Sequence[tuple[Node | None, ...]]):
    """The rows of a SELECT answer: read as rdflib terms (lexical forms as the engine wrote
    them), as Oxigraph terms, as text; written in any SPARQL result format by Oxigraph."""

    __slots__ = ("_length", "_oxigraph", "_oxigraph_wrote", "_rdflib", "_record", "variables")

    def __init__(self, variables: Sequence[str], *, record: bytes | None = None,
                 rdflib_rows: list[tuple[Node | None, ...]] | None = None) -> None:
        if (record is None) == (rdflib_rows is None):
            raise TypeError("give either a TSV record or rdflib rows")
        self.variables = list(variables)
        self._record = record
        self._rdflib = rdflib_rows
        self._oxigraph: list[tuple[OxigraphTerm | None, ...]] | None = None
        self._oxigraph_wrote = False  # whether the record is Oxigraph's own TSV
        self._length = _rows_in(record) if record is not None else len(rdflib_rows or ())

    @classmethod
    def from_oxigraph(cls, answer: pyoxigraph.QuerySolutions) -> Solutions:
        solutions = cls([v.value for v in answer.variables], record=serialized(answer, TSV))
        solutions._oxigraph_wrote = True
        return solutions

    @property
    def record(self) -> bytes:
        """The answer as Oxigraph's SPARQL TSV."""
        if self._record is None:
            self._record = tsv_record(self.variables, self.oxigraph_rows())
        return self._record

    def serialize(self, fmt: pyoxigraph.QueryResultsFormat) -> bytes:
        """The answer in ``fmt``, written by Oxigraph."""
        if fmt == TSV and self._oxigraph_wrote:
            return self.record
        return serialize_tsv(self.record, fmt)

    def oxigraph_rows(self) -> list[tuple[OxigraphTerm | None, ...]]:
        """The rows as Oxigraph terms, in the order of ``variables``."""
        if self._oxigraph is None:
            if self._record is not None:
                parsed = pyoxigraph.parse_query_results(self._record, TSV)
                assert isinstance(parsed, pyoxigraph.QuerySolutions)  # a TSV document is never a boolean
                self._oxigraph = [tuple(solution) for solution in parsed]
            else:
                self._oxigraph = [tuple(None if t is None else _to_oxigraph(t) for t in row)
                                  for row in self._rdflib or ()]
        return self._oxigraph

    def _rows(self) -> list[tuple[Node | None, ...]]:
        # Built when first read: an rdflib Literal costs microseconds (it parses its lexical
        # form), more than Oxigraph takes to find it, so a caller that only counts or writes
        # the rows does not pay for them.
        if self._rdflib is None:
            convert = rdflib_converter()
            self._rdflib = [tuple(map(convert, row)) for row in self.oxigraph_rows()]
        return self._rdflib

    def lexical(self) -> Iterator[tuple[str | None, ...]]:
        """Each row as the text of its terms (a literal's lexical form, an IRI, ``_:id``)."""
        for row in self.oxigraph_rows():
            yield tuple(map(lexical, row))

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> tuple[Node | None, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Node | None, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Node | None, ...] | list[tuple[Node | None, ...]]:
        return self._rows()[index]

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self._rows())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Solutions({self.variables!r}, {self._rows()!r})"


def _rows_in(record: bytes) -> int:
    # Oxigraph writes one line per row, after the header, and escapes line breaks inside terms.
    return record.count(b"\n") - 1


def _to_oxigraph(term: Node) -> OxigraphNode:
    try:
        return to_oxigraph(term)
    except ValueError as error:
        raise QueryError(f"the answer holds a term Oxigraph cannot represent ({term!r}): {error}") from None
