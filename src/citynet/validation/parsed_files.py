"""Turtle files read by Oxigraph for validation: the triples go straight into the store that
validation queries, and what validation reports about them is gathered on the way.

rdflib's parser was most of the time ``validate`` took (and an rdflib graph of every triple
most of its memory). Here Oxigraph loads each file into the store, on a second thread, while
one pass over the triples of Oxigraph's parse of the same text gathers:

* for each node, the first file that types it, describes it, or mentions it (where a
  finding points);
* each file's prefixes, as the parser read them (to find the line a node is written on);
* citynet's term checks (ill-typed literals, malformed IRIs), judged on each distinct term
  once, with the terms as rdflib's parser would give them, so that the findings do not change;
* each literal whose stored form Oxigraph may change, as rdflib would parse it (for
  ``OxigraphCopy``).

Blank node labels are per file, as in rdflib's parser: ``_:b1`` in two files is two nodes.
An IRI that Oxigraph's own term type refuses (a space in it: the lenient parser lets it
through, and citynet reports it) is stored as the stand-in ``OxigraphCopy`` uses for it; the
pass then stores the triples itself, as it does where the load's blank nodes could not be
told apart (see ``_parse_files``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

from citynet.graph.files import parse_error, quiet_rdflib, read_text
from citynet.graph.terms import to_oxigraph, to_rdflib
from citynet.validation.oxigraph_copy import OxigraphCopy, as_written
from citynet.validation.term_checks import IRI_SYNTAX, LEXICAL_FORM, TermProblem, iri_problem, literal_problem

# Where Oxigraph's parser gives another term than rdflib's: an explicit xsd:string (Oxigraph
# drops it). A file that may hold one is validated from rdflib's parse instead (a rough
# look: it may also match in a string, which only costs time).
_PARSERS_DIFFER = re.compile(r"""\^\^\s*(?:<[^>]*#string>|[\w.-]*:string\b)""")
# Oxigraph's parser writes language tags in lower case, rdflib's as written: the tags are
# read from the text (roughly, as above) to give each literal its tag as written.
_LANGUAGE_TAG = re.compile(r"""["']@([A-Za-z][A-Za-z0-9-]*)""")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DEFAULT = ox.DefaultGraph()
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Text that may write a blank node: a label, brackets, a collection (a rough look: a match in
# a string or an IRI costs only speed).
_MAY_WRITE_BLANK_NODES = re.compile(r"_:|\[|\(")
_TRIPLE_TERM = "a triple term (RDF 1.2), which validation does not read"  # rdflib's parser refuses it


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
    # Node -> where a finding about it points: 3 × the index of the first file that types it
    # (+ 0), else describes it (+ 1), else mentions it (+ 2). One dict, small numbers: at a
    # million triples three dicts of nodes took about 400 MB.
    where: dict[ox.NamedNode | ox.BlankNode, int] = field(default_factory=dict)
    # False where rdflib's parser could give other terms (see _PARSERS_DIFFER).
    faithful: bool = True
    # The file whose blank nodes Oxigraph's own load made (``where`` does not know them).
    blank_file: int | None = None

    def file_of(self, node: Node) -> ParsedFile | None:
        """The file a node is typed in, else described in, else mentioned in (the first one)."""
        try:
            term = self.copy.to_oxigraph(node)
        except TypeError:
            return None
        found = self.where.get(term)  # type: ignore[arg-type]
        if found is not None:
            return self.files[found // 3]
        if self.blank_file is not None and isinstance(term, ox.BlankNode) and self.copy.has_node(term):
            return self.files[self.blank_file]  # a blank node of the file Oxigraph loaded
        return None


def parse_files(paths: Sequence[Path], *, check_terms: bool = True) -> ParsedFiles:
    """Parse ``paths`` (Turtle) into one Oxigraph copy. Raises InputError, with the file and
    line, for a file that cannot be read or parsed."""
    quiet_rdflib()
    parsed = _parse_files(paths, check_terms, load_alongside=True)
    if parsed is None:  # the store's own load could not stand for the parse's triples
        parsed = _parse_files(paths, check_terms, load_alongside=False)
        assert parsed is not None  # nothing is loaded alongside
    return parsed


def _parse_files(paths: Sequence[Path], check_terms: bool, *, load_alongside: bool) -> ParsedFiles | None:
    """``parse_files``. With ``load_alongside``, Oxigraph loads a file into the store itself, on
    a thread, while the parse here gathers the rest: pyoxigraph lets go of Python's lock as it
    loads, so the two run on two cores. The parse then stores the triples itself only for a
    file that may write blank nodes after one that did: the store's blank nodes of one file
    need no index, those of two would. None where the load could not stand for the parse's
    triples: it failed, a term needs a stand-in, or a term problem on a blank node cannot be
    given the stored node (see ``_name_stored_nodes``)."""
    parsed = ParsedFiles(files=[], copy=OxigraphCopy.empty())
    reader = _Reader(parsed, check_terms)
    tags: dict[str, str] = {}  # each language tag as the files write it, by its lower-case form
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="citynet-load") as loader:
        for index, path in enumerate(paths):
            text = read_text(path)
            if _PARSERS_DIFFER.search(text) or not _add_tags(text, tags):
                parsed.faithful = False
                return parsed
            cases = {lower: written for lower, written in tags.items() if written != lower}
            base = path.resolve().as_uri()
            data = text.encode("utf-8")
            loading = None
            if load_alongside and not reader.rebuild and not (
                    parsed.blank_file is not None and _MAY_WRITE_BLANK_NODES.search(text)):
                loading = loader.submit(parsed.copy.store.load, data, format=ox.RdfFormat.TURTLE, base_iri=base,
                                        lenient=True)
            problems = len(parsed.problems)
            parser = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base, lenient=True)
            try:
                if loading is None:
                    parsed.copy.add(reader.statements(parser, index, cases))
                else:
                    deque(reader.statements(parser, index, cases, stored=False), maxlen=0)
            except (SyntaxError, MemoryError) as error:
                raise parse_error(error, path, ox.RdfFormat.TURTLE, text=text,
                                  hint="fix the Turtle at that place; every statement ends with a dot") from None
            except ValueError:
                # A term the lenient parse let through that has no stand-in (an IRI with "[" in it,
                # say, from a file that is not Turtle at all): the rdflib route reports it as before.
                parsed.faithful = False
                return parsed
            if loading is not None:
                if loading.exception() is not None or reader.rebuild or not _name_stored_nodes(parsed, problems):
                    return None
                if reader.wrote_blank_nodes:
                    if parsed.blank_file is not None:  # the rough look above should not let this happen
                        return None
                    parsed.blank_file = index
            parsed.files.append(ParsedFile(path, text, dict(parser.prefixes)))
    parsed.copy.finish()
    return parsed


def _name_stored_nodes(parsed: ParsedFiles, first: int) -> bool:
    """Give the term problems from ``first`` on that name a blank subject by the parse's label
    the node Oxigraph's load stored instead: the one blank node with the problem's triple.
    False where there is not exactly one."""
    store = parsed.copy.store
    for position in range(first, len(parsed.problems)):
        index, problem = parsed.problems[position]
        if not isinstance(problem.subject, BNode):
            continue
        try:
            triples = store.quads_for_pattern(None, ox.NamedNode(str(problem.predicate)), to_oxigraph(problem.term),
                                              _DEFAULT)
            found = {quad.subject for quad in triples if isinstance(quad.subject, ox.BlankNode)}
        except (TypeError, ValueError):  # a term Oxigraph cannot look up as written
            return False
        if len(found) != 1:
            return False
        parsed.problems[position] = (index, replace(problem, subject=to_rdflib(found.pop())))
    return True


class _Reader:
    """One pass over the parsed triples of the files, in order, gathering what ``ParsedFiles``
    holds as the triples go into the store."""

    def __init__(self, parsed: ParsedFiles, check_terms: bool) -> None:
        self.parsed, self.copy, self.check_terms = parsed, parsed.copy, check_terms
        self.iris: dict[str, ox.NamedNode] = {}  # each distinct IRI judged and converted once
        self.bad_iris: dict[str, str] = {}  # the IRIs with a problem, each with its message
        self.literal_messages: dict[ox.Literal, str | None] = {}  # each distinct literal judged once
        self.rebuild = False  # once any IRI has a stand-in, every quad is built anew
        self.wrote_blank_nodes = False  # does the file read last write any

    def statements(self, parser: Iterable[ox.Quad], index: int, cases: dict[str, str], *,
                   stored: bool = True) -> Iterator[ox.Quad]:
        """The triples of file number ``index``, for ``OxigraphCopy.add``; what is gathered
        about each is gathered when the store asks for the next one. Not ``stored`` (Oxigraph's
        own load stores the file, naming its blank nodes otherwise): blank nodes are neither
        renamed nor indexed, only noticed (``wrote_blank_nodes``)."""
        iris, first_seen, literal_messages = self.iris, self._first_seen, self.literal_messages
        blanks: dict[str, ox.BlankNode] = {}  # blank nodes are apart per file
        where, typed, described, mentioned = self.parsed.where, 3 * index, 3 * index + 1, 3 * index + 2
        self.wrote_blank_nodes = False
        for quad in parser:
            s, p, o = quad.subject, quad.predicate, quad.object
            renamed = False  # a blank node renamed
            if isinstance(s, ox.NamedNode):
                s = iris.get(value := s.value) or first_seen(value)
            elif isinstance(s, ox.BlankNode):
                self.wrote_blank_nodes = True
                if stored:
                    s, renamed = blanks.get(s.value) or blanks.setdefault(s.value, ox.BlankNode()), True
            else:  # an RDF 1.2 triple term: rdflib's parser refuses it
                raise SyntaxError(_TRIPLE_TERM)
            p = iris.get(value := p.value) or first_seen(value)
            if isinstance(o, ox.BlankNode):
                self.wrote_blank_nodes = True
                if stored:
                    o, renamed = blanks.get(o.value) or blanks.setdefault(o.value, ox.BlankNode()), True
            elif isinstance(o, ox.NamedNode):
                o = iris.get(value := o.value) or first_seen(value)
            elif not isinstance(o, ox.Literal):
                raise SyntaxError(_TRIPLE_TERM)
            # The parsed quad itself where no term can have changed (most): building one costs more.
            yield ox.Quad(s, p, o) if renamed or (stored and self.rebuild) else quad
            # An earlier file wins within a rank: a later one only with a better rank.
            if stored or isinstance(s, ox.NamedNode):
                rank = typed if p == _RDF_TYPE else described
                known = where.get(s)
                if known is None or rank % 3 < known % 3:
                    where[s] = rank
            if isinstance(o, ox.Literal):
                if o.language is not None or o.datatype.value != _XSD_STRING:  # else nothing to check
                    message = literal_messages.get(o, "")
                    if message == "":
                        message = literal_messages[o] = self._first_sight(o, cases)
                    if message is not None:
                        self._problem(quad, s, p, as_written(o, cases), message, LEXICAL_FORM, index)
            elif (stored or isinstance(o, ox.NamedNode)) and o not in where:
                where[o] = mentioned
            if self.bad_iris:
                self._check_iris(quad, s, p, index)

    def _first_seen(self, iri: str) -> ox.NamedNode:
        node = self.iris[iri] = self.copy.stand_in(iri)
        self.rebuild = self.copy.has_stand_ins
        message = iri_problem(iri) if self.check_terms else None
        if message is not None:
            self.bad_iris[iri] = message
        return node

    def _first_sight(self, literal: ox.Literal, cases: dict[str, str]) -> str | None:
        """The copy notes a literal that is not a simple string, and citynet's check judges it:
        both read it as rdflib parses it, made once."""
        written = as_written(literal, cases)
        self.copy.note_literal(literal, written, cases)
        return literal_problem(written) if self.check_terms else None

    def _check_iris(self, quad: ox.Quad, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, index: int) -> None:
        """citynet's IRI checks for one triple, as ``term_checks.graph_term_problems`` makes them
        from rdflib's triples (``bad_iris``: the IRIs seen so far that have a problem). A datatype
        IRI is not checked here: Oxigraph's store refuses one with a problem, and the files then
        go to rdflib's parse, whose checks read it."""
        for written in (quad.subject, quad.predicate, quad.object):
            if isinstance(written, ox.NamedNode):
                message = self.bad_iris.get(written.value)
                if message is not None:
                    self._problem(quad, s, p, URIRef(written.value), message, IRI_SYNTAX, index)

    def _problem(self, quad: ox.Quad, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, term: Node, message: str,
                 component: URIRef, index: int) -> None:
        problem = TermProblem(_node(s, quad.subject), _node(p, quad.predicate), term, message, component)
        self.parsed.problems.append((index, problem))


def _add_tags(text: str, tags: dict[str, str]) -> bool:
    """Add the language tags ``text`` writes to ``tags``; False where a tag is written in two
    ways, here or in an earlier file (Oxigraph gives both literals one tag: the copy could not
    tell which literal has which)."""
    for tag in _LANGUAGE_TAG.findall(text):
        first = tags.setdefault(tag.lower(), tag)
        if first != tag:
            return False
    return True


def _node(stored: ox.NamedNode | ox.BlankNode, written: object) -> Node:
    """A subject or predicate as rdflib's parser gives it (an IRI as written)."""
    if isinstance(written, ox.NamedNode):
        return URIRef(written.value)
    return to_rdflib(stored)
