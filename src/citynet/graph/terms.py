"""The one conversion of RDF terms between pyoxigraph and rdflib.

Oxigraph's terms are what the engine answers with; rdflib's are citynet's term and graph API
(and pySHACL's). Going from Oxigraph to rdflib keeps a literal's lexical form exactly as the
engine wrote it (rdflib would rewrite ``"30000"^^xsd:double`` as ``"30000.0"`` and ``"PT0S"``
as ``"P0D"``), unless a caller asks for rdflib's own canonical form to compare with a graph that
rdflib parsed. Every module that crosses between the two libraries does it here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar, overload

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from citynet.errors import QueryError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: A term as Oxigraph gives it in answers (RDF 1.2 triple terms included).
OxigraphTerm: TypeAlias = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
#: A term rdflib can hand to Oxigraph (rdflib has no triple terms).
OxigraphNode: TypeAlias = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal
_Term = TypeVar("_Term")
_Converted = TypeVar("_Converted")
RdflibTriple: TypeAlias = tuple[Node, Node, Node]

_XSD_STRING_IRI = URIRef(XSD_STRING)


def to_oxigraph(term: Node) -> OxigraphNode:
    """The Oxigraph term for an rdflib one. Raises ValueError where Oxigraph refuses it (an IRI
    with a space, say) and TypeError for what is not an RDF term."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def to_oxigraph_triple(triple: tuple[Node, Node, Node]) -> pyoxigraph.Triple:
    subject, predicate, value = map(to_oxigraph, triple)
    if isinstance(subject, pyoxigraph.Literal) or not isinstance(predicate, pyoxigraph.NamedNode):
        raise ValueError(f"not an RDF triple: {triple!r}")
    return pyoxigraph.Triple(subject, predicate, value)


@overload
def to_rdflib(term: None, *, canonical: bool = False) -> None: ...
@overload
def to_rdflib(term: OxigraphTerm, *, canonical: bool = False) -> Node: ...
def to_rdflib(term: OxigraphTerm | None, *, canonical: bool = False) -> Node | None:
    """The rdflib term for an Oxigraph term (None stays None, as an unbound value).

    A literal keeps the engine's lexical form (``normalize=False``). ``canonical=True`` builds
    it as rdflib's parsers do instead, so that it equals the term of a graph rdflib parsed.
    A simple literal (``xsd:string``) has no datatype in rdflib, as rdflib parses one."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        normalize = None if canonical else False  # None: rdflib's setting, which its parsers use
        if term.language:
            return Literal(term.value, lang=term.language, normalize=normalize)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype), normalize=normalize)
    if isinstance(term, pyoxigraph.Triple):
        raise QueryError("the answer holds an RDF 1.2 triple term, which rdflib cannot represent",
                         hint="read it with to_csv() or lexical_rows(), or query for its parts")
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib_triple(triple: pyoxigraph.Triple | pyoxigraph.Quad) -> RdflibTriple:
    return to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)


def once_per_term(convert: Callable[[_Term], _Converted]) -> Callable[[_Term], _Converted]:
    """``convert`` that converts each distinct term once, for one pass over many triples or
    rows: terms recur, and an rdflib Literal costs microseconds to build (it parses its
    lexical form)."""
    cache: dict[_Term, _Converted] = {}

    def converted(term: _Term) -> _Converted:
        try:
            return cache[term]
        except KeyError:
            node = cache[term] = convert(term)
            return node

    return converted


def rdflib_converter() -> Callable[[OxigraphTerm | None], Node | None]:
    """:func:`to_rdflib` that converts each distinct term once (None, an unbound value, to None)."""
    return once_per_term(lambda term: None if term is None else to_rdflib(term))


def written_alike(term: Node, stored: OxigraphNode) -> bool:
    """Whether ``to_rdflib(stored)`` gives ``term`` exactly: lexical form, datatype and the case
    of the language tag included (found without building an rdflib Literal, which parses
    its value: slow for a million literals)."""
    if isinstance(term, Literal):
        if not isinstance(stored, pyoxigraph.Literal) or stored.value != str(term):
            return False
        if term.language:
            return stored.language == term.language
        if term.datatype is None:
            return True  # a simple literal: xsd:string in Oxigraph, no datatype back in rdflib
        return str(term.datatype) != XSD_STRING and stored.datatype.value == str(term.datatype)
    return stored.value == str(term)


@overload
def as_simple_literal(term: None) -> None: ...
@overload
def as_simple_literal(term: Node) -> Node: ...
def as_simple_literal(term: Node | None) -> Node | None:
    """An rdflib term as Oxigraph holds it: rdflib keeps ``"a"^^xsd:string`` apart from ``"a"``,
    where Oxigraph (and RDF 1.1) make them one term, written ``"a"``."""
    if isinstance(term, Literal) and term.datatype == _XSD_STRING_IRI:
        return Literal(str(term))
    return term


def lexical(term: Any) -> str | None:
    """The text of a pyoxigraph term as SPARQL's CSV results write it."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    if isinstance(term, pyoxigraph.Triple):
        return f"<< {term} >>"
    return str(term.value)
