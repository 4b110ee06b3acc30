"""Typed parameters of stored queries, turned into RDF terms that engines bind.

Values are never pasted into query text: they become rdflib terms that
pyoxigraph binds as ``substitutions`` and rdflib as ``initBindings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import XSD, Literal, URIRef

from citynet.errors import QueryError

# Types that name an entity of the graph, and the classes a name may resolve to.
ENTITY_TYPES: dict[str, tuple[str, ...]] = {
    "place": ("https://w3id.org/citynet/def#City", "https://w3id.org/citynet/def#Region",
              "https://w3id.org/citynet/def#Place"),
    "network": ("https://w3id.org/citynet/def#CityNetwork",),
    "series": ("https://w3id.org/citynet/def#ConferenceSeries",),
    "topic": ("http://www.w3.org/2004/02/skos/core#Concept",),
    "entity": (),
}
PARAMETER_TYPES = {*ENTITY_TYPES, "string", "integer", "year", "iri"}

_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """A parameter a stored query takes: bound to the variable of the same name."""

    name: str
    type: str
    description: str = ""
    required: bool = True
    default: Any = None
    example: Any = None

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "description": self.description,
                "required": self.required, "default": self.default, "example": self.example}

    def signature(self) -> str:
        text = f"{self.name} ({self.type}"
        text += ", required)" if self.required else f", default {self.default!r})"
        return text

    def to_literal_term(self, value: Any) -> Literal | URIRef:
        """Convert a non-entity value; entity types are resolved by citynet.graph.names."""
        try:
            if self.type == "string":
                if not isinstance(value, str):
                    raise TypeError
                return Literal(value)
            if self.type in ("integer", "year"):
                number = _as_int(value)
                if self.type == "year" and not 1 <= number <= 9999:
                    raise ValueError
                return Literal(number, datatype=XSD.integer)
            if self.type == "iri":
                text = str(value)
                if not _IRI.match(text):
                    raise ValueError
                return URIRef(text)
        except (TypeError, ValueError):
            raise QueryError(
                f"parameter {self.name!r} expects {_EXPECTED[self.type]}, got {value!r}") from None
        raise AssertionError(f"{self.type} is an entity type")


_EXPECTED = {"string": "a string", "integer": "a whole number", "year": "a year such as 2021",
             "iri": "an absolute IRI such as https://w3id.org/citynet/id/city/rostock"}


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        return int(value)
    raise ValueError
