"""Turtle files parsed once, by Oxigraph, for validation: the triples go straight into the
store that validation queries, and what validation reports about them is gathered on the way.

rdflib's parser was most of the time ``validate`` took (and an rdflib graph of every triple
most of its memory). Here each file is read by Oxigraph, one pass over its triples, which
also gathers:

* for each node, the first file that types it, describes it, or mentions it (where a
  finding points);
* each file's prefixes, as the parser read them (to find the line a node is written on);
* citynet's term checks (ill-typed literals, malformed IRIs), judged on each distinct term
  once, with the terms as rdflib's parser would give them, so that the findings do not change;
* each literal whose stored form Oxigraph may change, as rdflib would parse it (for
  ``OxigraphCopy``).

Blank node labels are per file, as in rdflib's parser: ``_:b1`` in two files is two nodes.
An IRI that Oxigraph's own term type refuses (a space in it: the lenient parser lets it
through, and citynet reports it) is stored as the stand-in ``OxigraphCopy`` uses for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from citynet.graph.files import parse_error, quiet_rdflib, read_text
from citynet.graph.terms import to_rdflib
from citynet.validation.oxigraph_copy import OxigraphCopy
from citynet.validation.term_checks import IRI_SYNTAX, LEXICAL_FORM, TermProblem, iri_problem, literal_problem

# Where Oxigraph's parser gives another term than rdflib's: an explicit xsd:string (Oxigraph
# drops it). A file that may hold one is validated from rdflib's parse instead (a rough
# look: it may also match in a string, which only costs time).
_PARSERS_DIFFER = re.compile(r"""\^\^\s*(?:<[^>]*#string>|[\w.-]*:string\b)""")
# Oxigraph's parser writes language tags in lower case, rdflib's as written: the tags are
# read from the text (roughly, as above) to give each literal its tag as written.
_LANGUAGE_TAG = re.compile(r"""["']@([A-Za-z][A-Za-z0-9-]*)""")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class ParsedFile:
    """One Turtle file as validation needs it after the parse: its text and its prefixes."""

    path: Path
    text: str
    prefixes: dict[str, str]


@dataclass
class ParsedFiles:
    """The files' triples in ``copy`` (an Oxigraph store), and what the one parse gathered."""

    files: list[ParsedFile]
    copy: OxigraphCopy
    problems: list[tuple[int, TermProblem]] = field(default_factory=list)  # (file index, problem)
    # Node -> index of the first file that types it, describes it, mentions it.
    typed: dict[ox.NamedNode | ox.BlankNode, int] = field(default_factory=dict)
    described: dict[ox.NamedNode | ox.BlankNode, int] = field(default_factory=dict)
    mentioned: dict[ox.NamedNode | ox.BlankNode, int] = field(default_factory=dict)
    # False where rdflib's parser could give other terms (see _PARSERS_DIFFER).
    faithful: bool = True

    def file_of(self, node: Node) -> ParsedFile | None:
        """The file a node is typed in, else described in, else mentioned in (the first one)."""
        try:
            term = self.copy.to_oxigraph(node)
        except TypeError:
            return None
        for index in (self.typed, self.described, self.mentioned):
            found = index.get(term)  # type: ignore[arg-type]
            if found is not None:
                return self.files[found]
        return None


def parse_files(paths: Sequence[Path], *, check_terms: bool = True) -> ParsedFiles:
    """Parse ``paths`` (Turtle) into one Oxigraph copy. Raises InputError, with the file and
    line, for a file that cannot be read or parsed."""
    quiet_rdflib()
    copy = OxigraphCopy.empty()
    parsed = ParsedFiles(files=[], copy=copy)
    iris: dict[str, ox.NamedNode] = {}  # each distinct IRI judged and converted once
    literal_messages: dict[ox.Literal, tuple[Literal, str | None]] = {}
    iri_messages: dict[str, str | None] = {}
    for index, path in enumerate(paths):
        text = read_text(path)
        cases = _tag_cases(text)
        if _PARSERS_DIFFER.search(text) or cases is None:
            parsed.faithful = False
            return parsed
        base = path.resolve().as_uri()
        parser = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base, lenient=True)
        blanks: dict[str, ox.BlankNode] = {}
        quads: list[ox.Quad] = []
        typed, described, mentioned = parsed.typed, parsed.described, parsed.mentioned
        try:
            for quad in parser:
                s, p, o = quad.subject, quad.predicate, quad.object
                if isinstance(s, ox.BlankNode):
                    s = blanks.get(s.value) or blanks.setdefault(s.value, ox.BlankNode())
                else:
                    s = iris.get(s.value) or iris.setdefault(s.value, copy.stand_in(s.value))
                p = iris.get(p.value) or iris.setdefault(p.value, copy.stand_in(p.value))
                if isinstance(o, ox.BlankNode):
                    o = blanks.get(o.value) or blanks.setdefault(o.value, ox.BlankNode())
                elif isinstance(o, ox.NamedNode):
                    o = iris.get(o.value) or iris.setdefault(o.value, copy.stand_in(o.value))
                elif isinstance(o, ox.Literal):
                    if o.language is not None and cases:
                        written = cases.get(o.language)
                        if written is not None:
                            o = ox.Literal(o.value, language=written)
                else:  # an RDF 1.2 triple term: rdflib's parser refuses it
                    raise SyntaxError("a triple term (RDF 1.2), which validation does not read")
                quads.append(ox.Quad(s, p, o))
                if p == _RDF_TYPE and s not in typed:
                    typed[s] = index
                if s not in described:
                    described[s] = index
                if not isinstance(o, ox.Literal) and o not in mentioned:
                    mentioned[o] = index
                if check_terms:
                    _check(quad, s, p, o, index, parsed, literal_messages, iri_messages)
        except (SyntaxError, MemoryError) as error:
            raise parse_error(error, path, ox.RdfFormat.TURTLE, text=text,
                              hint="fix the Turtle at that place; every statement ends with a dot") from None
        except ValueError:
            # A term the lenient parse let through that has no stand-in (an IRI with "[" in it,
            # say, from a file that is not Turtle at all): the rdflib route reports it as before.
            parsed.faithful = False
            return parsed
        copy.add(quads)
        parsed.files.append(ParsedFile(path, text, dict(parser.prefixes)))
    copy.finish()
    return parsed


def _tag_cases(text: str) -> dict[str, str] | None:
    """Each language tag written with capitals, by its lower-case form; None where one tag
    is written in two ways (the parse could not tell which literal has which)."""
    forms: dict[str, set[str]] = {}
    for tag in set(_LANGUAGE_TAG.findall(text)):
        forms.setdefault(tag.lower(), set()).add(tag)
    if any(len(written) > 1 for written in forms.values()):
        return None
    return {lower: written.pop() for lower, written in forms.items() if lower not in written}


def _check(quad: ox.Quad, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal,
           index: int, parsed: ParsedFiles, literal_messages: dict[ox.Literal, tuple[Literal, str | None]],
           iri_messages: dict[str, str | None]) -> None:
    """citynet's term checks for one triple, as ``term_checks.graph_term_problems`` makes
    them from rdflib's triples."""
    if isinstance(o, ox.Literal) and (o.language is not None or o.datatype.value != _XSD_STRING):
        judged = literal_messages.get(o)
        if judged is None:
            term = to_rdflib(o, canonical=True)
            assert isinstance(term, Literal)  # a literal converts to a literal
            judged = literal_messages[o] = (term, literal_problem(term))
        if judged[1] is not None:
            parsed.problems.append((index, TermProblem(_node(s, quad.subject), _node(p, quad.predicate), judged[0],
                                                       judged[1], LEXICAL_FORM)))
    for written in (quad.subject, quad.predicate, quad.object):
        if isinstance(written, ox.NamedNode):
            message = iri_messages.get(written.value, "")
            if message == "":
                message = iri_messages[written.value] = iri_problem(written.value)
            if message is not None:
                parsed.problems.append((index, TermProblem(_node(s, quad.subject), _node(p, quad.predicate),
                                                           URIRef(written.value), message, IRI_SYNTAX)))


def _node(stored: ox.NamedNode | ox.BlankNode, written: object) -> Node:
    """A subject or predicate as rdflib's parser gives it (an IRI as written)."""
    if isinstance(written, ox.NamedNode):
        return URIRef(written.value)
    return to_rdflib(stored)
