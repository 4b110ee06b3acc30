"""The declared column types of stored queries, and the one answer they give on every store.

A stored query declares the type of each column in its header::

    #+ columns:
    #+   member: iri
    #+   lat: decimal
    #+   since: year-or-date
    #+   networks: {list: "; "}

Types: ``iri``; ``string`` (a literal's text); ``term`` (any term, as written); ``integer``;
``decimal``; ``boolean``; ``year`` (xsd:gYear); ``year-or-date`` (xsd:gYear or xsd:date);
``date``; ``{list: separator}`` (a concatenation, items in code-point order).

Stores answer the same query with different terms: Virtuoso writes the booleans of EXISTS as
``"0"^^xsd:integer`` and those of the data as ``"1"^^xsd:boolean``, and every store
concatenates a GROUP_CONCAT list in an order of its own. Read through its declared types, a
stored query gives the same terms, the same Python values and the same DataFrame dtypes on the
embedded store, the Oxigraph server and Virtuoso. A term that is not of a form its type knows
stays as the store wrote it.

This applies to stored queries only, and never to the raw terms of a result: ``QueryResult.terms``
and the formats written from them stay what the store answered (README, "Faithful results").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import XSD, Literal
from rdflib.term import Node

from citynet.querying.python_values import INTEGER_TYPES, python_value

_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")
_BOOLEAN_TEXT = {"true": True, "1": True, "false": False, "0": False}
_YEAR_TEXT = re.compile(r"-?\d{4,}")


@dataclass(frozen=True)
class ColumnType:
    """One column's type: how a store's term becomes the canonical term and a Python value.
    ``separator``: for ``list``, what separates the items, which are put in code-point order."""

    name: str
    separator: str | None = None

    def term(self, term: Node | None) -> Node | None:
        """The canonical term for ``term``, or ``term`` itself when it is not of a known form."""
        if not isinstance(term, Literal):
            return term
        canonical = _CANONICAL[self.name](self, term)
        return term if canonical is None else canonical

    def value(self, term: Node | None) -> Any:
        """The Python value of ``term`` read as this type."""
        canonical = self.term(term)
        if self.name == "list" and isinstance(canonical, Literal):
            return str(canonical)
        return python_value(canonical)

    @property
    def dtype(self) -> str | None:
        """The pandas dtype of the column (None: decided by the values, as for undeclared columns)."""
        return {"integer": "Int64", "year": "Int64", "decimal": "float64", "boolean": "boolean"}.get(self.name)


def _integer(_: ColumnType, term: Literal) -> Literal | None:
    if term.datatype in INTEGER_TYPES and _INTEGER_TEXT.fullmatch(str(term)):
        return Literal(str(int(str(term))), datatype=XSD.integer, normalize=False)
    return None


def _decimal(_: ColumnType, term: Literal) -> Literal | None:
    """xsd:decimal as Oxigraph writes it: no exponent, no trailing zeros, no ".0" (``52.5``, ``2``)."""
    if term.datatype != XSD.decimal and term.datatype not in INTEGER_TYPES:
        return None
    try:
        number = Decimal(str(term).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    text = format(number.normalize(), "f")
    return Literal("0" if text in ("-0", "0") else text, datatype=XSD.decimal, normalize=False)


def _boolean(_: ColumnType, term: Literal) -> Literal | None:
    # Virtuoso: EXISTS as "1"^^xsd:integer, booleans of the data as "1"^^xsd:boolean.
    if term.datatype in (XSD.boolean, XSD.integer):
        value = _BOOLEAN_TEXT.get(str(term).strip())
        if value is not None:
            return Literal("true" if value else "false", datatype=XSD.boolean, normalize=False)
    return None


def _year(_: ColumnType, term: Literal) -> Literal | None:
    return term if term.datatype == XSD.gYear and _YEAR_TEXT.match(str(term)) else None


def _year_or_date(_: ColumnType, term: Literal) -> Literal | None:
    if term.datatype == XSD.gYear and _YEAR_TEXT.match(str(term)):
        return term
    if term.datatype == XSD.date and isinstance(term.toPython(), datetime.date):
        return term
    return None


def _date(_: ColumnType, term: Literal) -> Literal | None:
    return term if term.datatype == XSD.date and isinstance(term.toPython(), datetime.date) else None


def _as_is(_: ColumnType, term: Literal) -> Literal | None:
    return term


def _list(column: ColumnType, term: Literal) -> Literal | None:
    """The items in code-point order: stores concatenate them in orders of their own."""
    assert column.separator is not None
    items = sorted(str(term).split(column.separator))
    return Literal(column.separator.join(items), lang=term.language, datatype=term.datatype, normalize=False)


_CANONICAL: dict[str, Callable[[ColumnType, Literal], Literal | None]] = {
    "iri": _as_is, "string": _as_is, "term": _as_is, "integer": _integer, "decimal": _decimal,
    "boolean": _boolean, "year": _year, "year-or-date": _year_or_date, "date": _date, "list": _list,
}
TYPE_NAMES = tuple(_CANONICAL)


def parse_column(name: str, spec: Any) -> ColumnType:
    """A column type from a header value: a type name, or ``{list: "separator"}``.
    Raises ValueError with what is wrong."""
    if isinstance(spec, dict) and set(spec) == {"list"} and isinstance(spec["list"], str) and spec["list"]:
        return ColumnType("list", separator=spec["list"])
    if isinstance(spec, str) and spec in _CANONICAL and spec != "list":
        return ColumnType(spec)
    raise ValueError(f"column {name!r} has type {spec!r}; types: {', '.join(t for t in TYPE_NAMES if t != 'list')}, "
                     "or {list: \"; \"} for a concatenated list")


def coerce_rows(variables: Sequence[str], rows: Sequence[tuple[Node | None, ...]],
                columns: Mapping[str, ColumnType]) -> list[tuple[Node | None, ...]]:
    """``rows`` with each declared column's terms made canonical."""
    types = [columns.get(v) for v in variables]
    return [tuple(t if c is None else c.term(t) for c, t in zip(types, row, strict=True)) for row in rows]
