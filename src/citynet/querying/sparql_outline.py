"""A quick reading of a SPARQL query: its form, its dataset (``FROM``, ``FROM NAMED``) and its
triple patterns, as rdflib's parser reads them, in a fraction of a millisecond where rdflib
takes tens of milliseconds (the server's workers read every new ad-hoc text this way first).

It reads the SPARQL that queries are mostly written in, and gives up (:func:`outline` returns
None) at anything else; the caller then has rdflib parse the text, as before. It gives up at:
``BASE``, a relative IRI, ``\\u`` escapes, escapes in prefixed names, an undeclared prefix,
``SERVICE``, ``EXISTS``, a keyword with a name run on after it (``FROM:g``, ``NOTEXISTS``),
an IRI with a bracket in it, a signed number or a language tag with a direction in a pattern, a
``FROM`` inside a subquery, two unary operators in a row (``!!``), and any token or construct
it does not know. It checks only what it reads: a text it reads may still be wrong SPARQL,
which Oxigraph, parsing the text itself, then refuses. ``tests/test_sparql_outline.py`` holds it
to rdflib's reading of the W3C suite's queries and the project's own.

The patterns are what rdflib's algebra holds in its basic graph patterns, which the server's
plan estimate (:mod:`citynet.server.plan_cost`) counts: those of every group, ``OPTIONAL``,
``MINUS``, ``UNION``, ``GRAPH`` and subquery, not those of a ``CONSTRUCT`` template; a
property path stands as :data:`PATH` (any predicate), a blank node as a fresh rdflib ``BNode``,
a collection as its ``rdf:first`` / ``rdf:rest`` chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from rdflib.namespace import RDF, XSD
from rdflib.term import BNode, Literal, URIRef, Variable

#: A property path in a pattern's predicate: rdflib keeps a Path object there, which the
#: estimate counts as any predicate.
PATH = "path"

_TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:[^\W\d_](?:[\w.\-]*[\w\-])?)?:(?:(?:[\w:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])
        (?:(?:[\w.:\-]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*(?:[\w:\-]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%]))?)?)
  | (?P<bnode>_:\w(?:[\w.\-]*[\w\-])?)
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<double>(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+\-]?[0-9]+)
  | (?P<decimal>[0-9]*\.[0-9]+)
  | (?P<integer>[0-9]+)
  | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        |\"(?:[^\"\\\n\r]|\\.)*\"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<nil>\((?:[\ \t\r\n])*\))
  | (?P<anon>\[(?:[\ \t\r\n])*\])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;|/^*+?!=<>\-])
""", re.VERBOSE)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
#: Keywords at which a text is left to rdflib (see the module's docstring).
_GIVE_UP = ("BASE", "SERVICE", "EXISTS")
#: Keywords read where they stand alone. With a name run on after them, a text is left to rdflib:
#: Oxigraph reads ``FROM:g`` as ``FROM :g``, ``NOTEXISTS`` as ``NOT EXISTS``, ``SERVICEa:x`` as
#: ``SERVICE a:x``, where the words of this reader (and of rdflib's) are names.
_READ_ALONE = ("FROM", "NAMED", "PREFIX", "NOT")
_RUN_ON = re.compile(r"[.\-][\w.\-]")
#: In an IRI read where Oxigraph may read "less than" (an expression), characters that would
#: start a comment, a string or a bracket for Oxigraph, and so hide text from this reader.
_NOT_IN_AN_OPERAND = frozenset("#'()")
_OPENING, _CLOSING = "{([", "})]"
_UNARY = frozenset({"!", "-", "+"})


class Outline(NamedTuple):
    form: str
    #: ``("FROM", iri)`` and ``("FROM NAMED", iri)``, in the text's order.
    dataset: tuple[tuple[str, str], ...]
    patterns: tuple[tuple[Any, Any, Any], ...]


class _GiveUp(Exception):
    pass


class _Token(NamedTuple):
    kind: str
    text: str


def outline(text: str) -> Outline | None:
    """The form, dataset and triple patterns of the query ``text``; None where this reader
    gives up (rdflib reads the text then)."""
    if "\\u" in text or "\\U" in text:  # SPARQL reads them before anything else
        return None
    try:
        tokens = list(_tokens(text))
        return _Reader(tokens).query()
    except (_GiveUp, RecursionError):
        return None


def _tokens(text: str) -> Iterator[_Token]:
    # One match at a time, not finditer: after a character no token starts with, finditer would
    # search on from every later position, where this stops.
    position, end = 0, len(text)
    previous = ""
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            raise _GiveUp
        position = match.end()
        kind = match.lastgroup
        if kind != "space":
            assert kind is not None
            lexeme = match.group()
            if kind in ("word", "pname") and _is_keyword_or_glued(lexeme):
                raise _GiveUp
            if kind == "iri" and ("(" in lexeme or ")" in lexeme):
                # Oxigraph reads ``<`` as "less than" inside an expression: ``FILTER(?a<a:b)
                # ?c ?d ?e . FILTER(?f>0)`` would hide the patterns between two brackets.
                raise _GiveUp
            if kind == "word" and _RUN_ON.match(text, position):
                # ``a.a.a…``, ``a..a..``, ``a-a-a…``: each word would first be tried as a prefix
                # to the end of the run (quadratic); no query says that outside a string.
                raise _GiveUp
            if lexeme in _UNARY and previous in _UNARY:
                # ``!!!!…``: Oxigraph's parser recurses once per operator, where rdflib's refuses
                # such a chain as nested too deeply (no bracket shows its depth to the guard).
                raise _GiveUp
            previous = lexeme if kind == "punct" else ""
            yield _Token(kind, lexeme)


def _is_keyword_or_glued(lexeme: str) -> bool:
    """Is the word or prefixed name one of :data:`_GIVE_UP`, or a keyword with more run on?"""
    upper = lexeme.upper()
    return upper not in _READ_ALONE and upper.startswith(_GIVE_UP + _READ_ALONE)


class _Reader:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        #: The IRI tokens read as IRIs (terms, FROM, PREFIX): where a pattern, a dataset or a
        #: prologue has one, Oxigraph reads an IRI too.
        self.iris_read: set[int] = set()
        self.at = 0
        self.prefixes: dict[str, str] = {}
        self.dataset: list[tuple[str, str]] = []
        self.patterns: list[tuple[Any, Any, Any]] = []

    # ------------------------------------------------------------ tokens

    def peek(self) -> _Token:
        return self.tokens[self.at] if self.at < len(self.tokens) else _Token("end", "")

    def take(self) -> _Token:
        token = self.peek()
        if token.kind == "end":
            raise _GiveUp
        self.at += 1
        return token

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.upper() in words

    def is_punct(self, *marks: str) -> bool:
        token = self.peek()
        return token.kind == "punct" and token.text in marks

    def expect_punct(self, mark: str) -> None:
        if not self.is_punct(mark):
            raise _GiveUp
        self.at += 1

    def skip_balanced(self) -> None:
        """Skip from an opening bracket to the one that closes it."""
        depth = 0
        while True:
            token = self.take()
            if token.kind == "punct" and token.text in _OPENING:
                depth += 1
            elif token.kind == "punct" and token.text in _CLOSING:
                depth -= 1
                if depth == 0:
                    return

    # ------------------------------------------------------------ the query

    def query(self) -> Outline:
        while self.is_word("PREFIX"):
            self.at += 1
            name, iri = self.take(), self.take()
            if name.kind != "pname" or not name.text.endswith(":") or iri.kind != "iri":
                raise _GiveUp
            self.read_as_iri(iri)
            self.prefixes[name.text[:-1]] = self.absolute(iri.text[1:-1])
        if not self.is_word(*_FORMS):
            raise _GiveUp  # an update, or no query at all: rdflib says which
        form = self.take().text.upper()
        if form == "CONSTRUCT" and self.is_punct("{"):
            self.skip_balanced()  # the template: not patterns
        self.skip_to_where(form)
        if self.is_punct("{"):
            self.group()
        elif form != "DESCRIBE":
            raise _GiveUp
        # The solution modifiers and a closing VALUES block hold no patterns.
        self.check_skipped_iris()
        return Outline(form, tuple(self.dataset), tuple(self.patterns))

    def check_skipped_iris(self) -> None:
        """Give up at an IRI token skipped over (in an expression, or after the WHERE clause)
        that Oxigraph may read otherwise: after an operand, ``<`` is "less than" to Oxigraph,
        and a ``#``, ``'`` or bracket after it then starts a comment, a string or a group."""
        for index, token in enumerate(self.tokens):
            if token.kind != "iri" or index in self.iris_read or not _NOT_IN_AN_OPERAND.intersection(token.text):
                continue
            before = self.tokens[index - 1]
            if before.kind != "punct" or before.text in ")]":
                raise _GiveUp

    def skip_to_where(self, form: str) -> None:
        """Skip what comes between a query's form and its WHERE clause (a SELECT's variables
        and expressions, a DESCRIBE's resources), reading the dataset clauses, up to the
        group of the WHERE clause (or the end of a DESCRIBE without one). A subquery (``form``
        ``"SUBQUERY"``) has no dataset clause."""
        while not self.is_punct("{"):
            token = self.peek()
            if token.kind == "end" and form == "DESCRIBE":
                return
            if self.is_word("WHERE"):
                self.at += 1
                if not self.is_punct("{"):
                    raise _GiveUp
                return
            if self.is_word("FROM") and form != "SUBQUERY":
                self.at += 1
                named = self.is_word("NAMED")
                self.at += named
                self.dataset.append(("FROM NAMED" if named else "FROM", str(self.iri(self.take()))))
            elif self.is_punct("(") and form in ("SELECT", "SUBQUERY"):
                self.skip_balanced()  # (expression AS ?name)
            elif (token.kind == "var" or self.is_punct("*") or self.is_word("DISTINCT", "REDUCED")
                  or (token.kind in ("iri", "pname") and form == "DESCRIBE")):
                self.at += 1
            else:
                raise _GiveUp

    def group(self) -> None:
        """A group ``{ … }``: a subquery, or patterns and the rest."""
        self.expect_punct("{")
        if self.is_word("SELECT"):
            self.at += 1
            self.skip_to_where("SUBQUERY")
            self.group()
            self.skip_rest_of_group()
            return
        while not self.is_punct("}"):
            if self.is_punct("{"):
                self.group()
                while self.is_word("UNION"):
                    self.at += 1
                    self.group()
            elif self.is_word("OPTIONAL", "MINUS"):
                self.at += 1
                self.group()
            elif self.is_word("GRAPH"):
                self.at += 1
                self.term(self.take())
                self.group()
            elif self.is_word("FILTER"):
                self.at += 1
                if self.peek().kind in ("word", "pname", "iri"):
                    self.at += 1  # a function's name: its arguments follow
                if not self.is_punct("("):
                    raise _GiveUp
                self.skip_balanced()
            elif self.is_word("BIND"):
                self.at += 1
                if not self.is_punct("("):
                    raise _GiveUp
                self.skip_balanced()
            elif self.is_word("VALUES"):
                self.at += 1
                self.skip_values()
            elif self.is_punct("."):
                self.at += 1
            else:
                self.triples()
        self.at += 1

    def skip_rest_of_group(self) -> None:
        """Skip a subquery's solution modifiers and VALUES, and the ``}`` that ends its group."""
        while not self.is_punct("}"):
            if self.is_punct("(", "{", "["):
                self.skip_balanced()
            else:
                self.take()
        self.at += 1

    def skip_values(self) -> None:
        """Skip a VALUES block: its variables, then its rows of terms (IRIs there are IRIs)."""
        if self.peek().kind == "var":
            self.at += 1
        elif self.is_punct("(") or self.peek().kind == "nil":
            if self.peek().kind == "nil":
                self.at += 1
            else:
                self.skip_balanced()
        else:
            raise _GiveUp
        self.expect_punct("{")
        while not self.is_punct("}"):
            token = self.take()
            if token.kind == "iri":
                self.read_as_iri(token)
            elif token.kind == "punct" and token.text not in ("(", ")", "^^"):
                raise _GiveUp
        self.at += 1

    # ------------------------------------------------------------ triples

    def triples(self) -> None:
        """A subject and its properties (``TriplesSameSubjectPath``)."""
        token = self.peek()
        if token.kind == "punct" and token.text == "[":
            subject = self.blank_node_properties()
            if self.is_punct(".", "}") or (self.peek().kind == "word" and not self.is_verb_a()):
                return
        elif token.kind == "punct" and token.text == "(":
            subject = self.collection()
            if self.is_punct(".", "}"):
                return
        else:
            subject = self.term(self.take())
        self.properties(subject)

    def is_verb_a(self) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text == "a"

    def properties(self, subject: Any) -> None:
        """Verbs and their objects, after a subject (``PropertyListPathNotEmpty``)."""
        while True:
            verb = self.verb()
            while True:
                self.patterns.append((subject, verb, self.object()))
                if not self.is_punct(","):
                    break
                self.at += 1
            if not self.is_punct(";"):
                return
            while self.is_punct(";"):
                self.at += 1
            if self.is_punct(".", "}", "]") or self.peek().kind == "end":
                return

    def verb(self) -> Any:
        token = self.peek()
        if token.kind == "var":
            self.at += 1
            return Variable(token.text[1:])
        return self.path_alternative()

    # A path is one IRI (in brackets or not), as rdflib reads it, or PATH.

    def path_alternative(self) -> Any:
        return self.path_joined("|", self.path_sequence)

    def path_sequence(self) -> Any:
        return self.path_joined("/", self.path_element)

    def path_joined(self, mark: str, part: Callable[[], Any]) -> Any:
        """Parts joined by ``mark``: the one part itself, or PATH."""
        first = part()
        if not self.is_punct(mark):
            return first
        while self.is_punct(mark):
            self.at += 1
            part()
        return PATH

    def path_element(self) -> Any:
        inverse = self.is_punct("^")
        self.at += inverse
        token = self.take()
        if token.kind == "punct" and token.text == "(":
            path = self.path_alternative()
            self.expect_punct(")")
        elif token.kind == "punct" and token.text == "!":
            self.negated_set()
            path = PATH
        else:
            path = self.predicate(token)
        if self.is_punct("*", "+", "?"):
            self.at += 1
            return PATH
        return PATH if inverse else path

    def negated_set(self) -> None:
        if self.is_punct("("):
            self.at += 1
            while not self.is_punct(")"):
                if self.is_punct("^"):
                    self.at += 1
                self.predicate(self.take())
                if self.is_punct("|"):
                    self.at += 1
            self.at += 1
        elif self.peek().kind == "nil":
            self.at += 1
        else:
            if self.is_punct("^"):
                self.at += 1
            self.predicate(self.take())

    def predicate(self, token: _Token) -> URIRef:
        if token.kind == "word" and token.text == "a":
            return URIRef(RDF.type)
        if token.kind in ("iri", "pname"):
            return self.iri(token)
        raise _GiveUp

    def object(self) -> Any:
        token = self.peek()
        if token.kind == "punct" and token.text == "[":
            return self.blank_node_properties()
        if token.kind == "punct" and token.text == "(":
            return self.collection()
        return self.term(self.take())

    def blank_node_properties(self) -> BNode:
        """``[ verb object … ]``: a blank node, and the patterns it is the subject of."""
        self.expect_punct("[")
        node = BNode()
        self.properties(node)
        self.expect_punct("]")
        return node

    def collection(self) -> Any:
        """``( item … )``: a chain of rdf:first and rdf:rest from a blank node."""
        self.expect_punct("(")
        items = []
        while not self.is_punct(")"):
            items.append(self.object())
        self.at += 1
        nodes = [BNode() for _ in items]
        for index, (node, item) in enumerate(zip(nodes, items, strict=True)):
            self.patterns.append((node, URIRef(RDF.first), item))
            rest = nodes[index + 1] if index + 1 < len(nodes) else URIRef(RDF.nil)
            self.patterns.append((node, URIRef(RDF.rest), rest))
        return nodes[0] if nodes else URIRef(RDF.nil)

    def term(self, token: _Token) -> Any:
        """A variable, IRI, blank node or literal."""
        kind, text = token
        if kind == "var":
            return Variable(text[1:])
        if kind in ("iri", "pname"):
            return self.iri(token)
        if kind in ("bnode", "anon"):
            return BNode()
        if kind == "nil":
            return URIRef(RDF.nil)
        if kind == "integer":
            return Literal(text, datatype=XSD.integer)
        if kind == "decimal":
            return Literal(text, datatype=XSD.decimal)
        if kind == "double":
            return Literal(text, datatype=XSD.double)
        if kind == "word" and text in ("true", "false"):
            return Literal(text, datatype=XSD.boolean)
        if kind == "string":
            return self.literal(text)
        raise _GiveUp

    def literal(self, text: str) -> Literal:
        quote = 3 if text[:3] in ('"""', "'''") else 1
        value = _ESCAPE.sub(_unescape, text[quote:-quote])
        if self.peek().kind == "lang":
            tag = self.take().text[1:]
            if "--" in tag:
                raise _GiveUp
            return Literal(value, lang=tag)
        if self.is_punct("^^"):
            self.at += 1
            return Literal(value, datatype=self.iri(self.take()))
        return Literal(value)

    def iri(self, token: _Token) -> URIRef:
        if token.kind == "iri":
            self.read_as_iri(token)
            return URIRef(self.absolute(token.text[1:-1]))
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes or "\\" in local or "%" in local:
                raise _GiveUp
            return URIRef(self.prefixes[prefix] + local)
        raise _GiveUp

    def read_as_iri(self, token: _Token) -> None:
        """Note ``token``, the one just taken, as read where Oxigraph reads an IRI too."""
        if self.tokens[self.at - 1] is not token:
            raise _GiveUp  # not the token just taken: a bug here, and rdflib reads the text
        self.iris_read.add(self.at - 1)

    @staticmethod
    def absolute(iri: str) -> str:
        if not _ABSOLUTE.match(iri):
            raise _GiveUp  # relative: rdflib resolves it against the base
        return iri


def _unescape(match: re.Match[str]) -> str:
    character = _ESCAPES.get(match.group(1))
    if character is None:
        raise _GiveUp
    return character
