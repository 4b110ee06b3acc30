"""The plain Python value of a result term, as rows and DataFrames give it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

INTEGER_TYPES = frozenset({XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                           XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
                           XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte})


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
    if datatype in INTEGER_TYPES:
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
