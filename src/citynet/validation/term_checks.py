"""What a parsed graph hides from SHACL: ill-typed literals, malformed IRIs, and a prefix
bound twice in one file.

rdflib accepts all three silently, and pySHACL sees an ill-typed literal only where a shape
asks for its datatype. citynet reports the first two as violations and the third as a
warning (the same name then means two things in one file), with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rdflib import SH, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.graph.files import TurtleFile, line_of
from citynet.graph.turtle_scan import prefix_conflicts
from citynet.validation import xsd_lexical

CNSH = "https://w3id.org/citynet/shapes#"
# The shape and constraint components its findings name in the SHACL report (see README).
TERM_CHECK_SHAPE = URIRef(CNSH + "WellFormedTerms")
LEXICAL_FORM = URIRef(CNSH + "LexicalFormConstraintComponent")
IRI_SYNTAX = URIRef(CNSH + "IRISyntaxConstraintComponent")
PREFIX_REBOUND = URIRef(CNSH + "PrefixRebindingConstraintComponent")

# Characters that RFC 3987 does not allow anywhere in an IRI.
_BAD_IRI_CHARACTERS = re.compile(r'[\x00-\x20<>"{}|\\^`]')


class _Text(Protocol):
    path: Path
    text: str


@dataclass(frozen=True)
class TermProblem:
    subject: Node
    predicate: Node | None
    term: Node
    message: str
    component: URIRef
    file: Path | None = None
    line: int | None = None
    severity: URIRef = SH.Violation


def term_problems(files: Iterable[TurtleFile]) -> Iterator[TermProblem]:
    """The problems in the files' triples, each with its file and line."""
    for turtle in files:
        yield from graph_term_problems(turtle.graph, turtle)


def prefix_problems(files: Iterable[TurtleFile | _Text]) -> Iterator[TermProblem]:
    """A warning for each ``@prefix`` that binds a prefix of the file again, to another
    namespace: its focus node is the file, its value the new namespace."""
    for turtle in files:
        for conflict in prefix_conflicts(turtle.text):
            message = (f"@prefix {conflict.prefix}: is bound again, to <{conflict.namespace}>; line "
                       f"{conflict.earlier_line} bound it to <{conflict.earlier}>, so {conflict.prefix}:… "
                       "means one namespace above this line and another below it (give one of them "
                       "another prefix)")
            yield TermProblem(URIRef(turtle.path.resolve().as_uri()), None, URIRef(conflict.namespace), message,
                              PREFIX_REBOUND, turtle.path, conflict.line, SH.Warning)


def graph_term_problems(graph: Graph, turtle: TurtleFile | None = None) -> Iterator[TermProblem]:
    """The problems in ``graph``'s triples; located in ``turtle`` where it is given."""
    literals: dict[Literal, str | None] = {}  # each distinct term is judged once
    iris: dict[URIRef, bool] = {}
    for s, p, o in graph:
        if isinstance(o, Literal):
            message = literals[o] if o in literals else literals.setdefault(o, literal_problem(o))
            if message is not None:
                yield _located(TermProblem(s, p, o, message, LEXICAL_FORM), turtle, _literal_needles(o))
        datatype = o.datatype if isinstance(o, Literal) else None  # an IRI as written too
        for term in (s, p, o, datatype):
            if isinstance(term, URIRef):
                bad = iris.get(term)
                if bad is None:
                    bad = iris[term] = _BAD_IRI_CHARACTERS.search(str(term)) is not None
                if bad:
                    message = _iri_message(str(term))
                    yield _located(TermProblem(s, p, term, message, IRI_SYNTAX), turtle, [str(term)])


def iri_problem(iri: str) -> str | None:
    """What is wrong with an IRI as written, if anything."""
    return _iri_message(iri) if _BAD_IRI_CHARACTERS.search(iri) is not None else None


def _iri_message(iri: str) -> str:
    return (f"<{iri}> is not a valid IRI: it contains a space or one of "
            '<>"{}|\\^` (percent-encode it, e.g. %20 for a space)')


def literal_problem(literal: Literal) -> str | None:
    """What is wrong with a literal's lexical form for its datatype, if anything."""
    if literal.datatype is None:
        return None
    found = xsd_lexical.problem(str(literal), str(literal.datatype))
    if found is None and literal.ill_typed and not xsd_lexical.knows(str(literal.datatype)):
        found = "is not a valid value of its datatype"  # rdflib knows a datatype we do not
    return None if found is None else f'"{literal}" {found}'


def _literal_needles(literal: Literal) -> list[str]:
    text = str(literal)
    return [f'"{text}"^^', f'"{text}"', text]


def _located(problem: TermProblem, turtle: TurtleFile | None, needles: list[str]) -> TermProblem:
    if turtle is None:
        return problem
    return located(problem, turtle.path, turtle.text)


def located(problem: TermProblem, path: Path, text: str) -> TermProblem:
    """``problem`` with the file and the line its term is first written on."""
    needles = _literal_needles(problem.term) if isinstance(problem.term, Literal) else [str(problem.term)]
    line = next((n for n in (line_of(text, needle) for needle in needles) if n), None)
    return TermProblem(problem.subject, problem.predicate, problem.term, problem.message, problem.component,
                       path, line, problem.severity)
