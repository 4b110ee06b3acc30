"""What a parsed graph hides from SHACL: ill-typed literals and malformed IRIs.

rdflib accepts both silently, and pySHACL sees an ill-typed literal only where a shape asks
for its datatype. citynet reports each as a violation, with the file and line it is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from citynet.graph.files import TurtleFile, line_of
from citynet.validation import xsd_lexical

CNSH = "https://w3id.org/citynet/shapes#"
# The shape and constraint components its findings name in the SHACL report (see README).
TERM_CHECK_SHAPE = URIRef(CNSH + "WellFormedTerms")
LEXICAL_FORM = URIRef(CNSH + "LexicalFormConstraintComponent")
IRI_SYNTAX = URIRef(CNSH + "IRISyntaxConstraintComponent")

# Characters that RFC 3987 does not allow anywhere in an IRI.
_BAD_IRI_CHARACTERS = re.compile(r'[\x00-\x20<>"{}|\\^`]')


@dataclass(frozen=True)
class TermProblem:
    subject: Node
    predicate: Node
    term: Node
    message: str
    component: URIRef
    file: Path | None = None
    line: int | None = None


def term_problems(files: Iterable[TurtleFile]) -> Iterator[TermProblem]:
    """The problems in the files' triples, each with its file and line."""
    for turtle in files:
        yield from graph_term_problems(turtle.graph, turtle)


def graph_term_problems(graph: Graph, turtle: TurtleFile | None = None) -> Iterator[TermProblem]:
    """The problems in ``graph``'s triples; located in ``turtle`` where it is given."""
    literals: dict[Literal, str | None] = {}  # each distinct term is judged once
    iris: dict[URIRef, bool] = {}
    for s, p, o in graph:
        if isinstance(o, Literal):
            message = literals[o] if o in literals else literals.setdefault(o, _literal_problem(o))
            if message is not None:
                yield _located(TermProblem(s, p, o, message, LEXICAL_FORM), turtle, _literal_needles(o))
        for term in (s, p, o):
            if isinstance(term, URIRef):
                bad = iris.get(term)
                if bad is None:
                    bad = iris[term] = _BAD_IRI_CHARACTERS.search(str(term)) is not None
                if bad:
                    message = (f"<{term}> is not a valid IRI: it contains a space or one of "
                               '<>"{}|\\^` (percent-encode it, e.g. %20 for a space)')
                    yield _located(TermProblem(s, p, term, message, IRI_SYNTAX), turtle, [str(term)])


def _literal_problem(literal: Literal) -> str | None:
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
    line = next((n for n in (line_of(turtle.text, needle) for needle in needles) if n), None)
    return TermProblem(problem.subject, problem.predicate, problem.term, problem.message, problem.component,
                       turtle.path, line)
