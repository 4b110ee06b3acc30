"""Reading Turtle into a document that keeps what a parser throws away: comments, where
they stand, and every term as it is written.

The document is what :mod:`citynet.curate.turtle_layout` writes in citynet's layout and what
an import edits. Comments are attached by where they stand:

- before the first directive: the file's header;
- directly above a statement (no blank line between): that statement's;
- right after a statement (same line, or the lines below it without a blank line): that
  statement's trailer;
- inside a statement: the predicate below them (or, before the closing ``.`` or ``]``, the
  statement's or blank node's trailer);
- a comment block with blank lines around it: a section banner. Statements are kept in their
  section, so a banner such as ``# ---- UBC`` stays above the statements it introduces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from citynet.errors import InputError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

_TOKENS = [
    ("COMMENT", r"#[^\n\r]*"),
    ("IRI", r'<(?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'),
    ("PNAME", f"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("BLANK", f"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("STRING", r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""' + r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
               + r'|"(?:[^"\\\n\r]|\\.)*"' + r"|'(?:[^'\\\n\r]|\\.)*'"),
    ("AT", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("NUMBER", r"[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+|\d*\.\d+|\d+)"),
    ("DATATYPE", r"\^\^"),
    ("PUNCT", r"[\[\](),;.]"),
    ("WORD", r"[A-Za-z]+(?![\w:-])"),
    ("SPACE", r"[ \t\r\n]+"),
]
_TOKEN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _TOKENS), re.DOTALL)
_ESCAPED = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int
    end_line: int


def tokenize(text: str, path: Path) -> list[Token]:
    """Every token but white space, comments included, with its first and last line."""
    tokens: list[Token] = []
    position, line, line_start = 0, 1, 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise InputError(f"Turtle syntax error: unexpected {text[position:position + 20]!r}", path=path,
                             line=line, column=position - line_start + 1)
        kind, value = match.lastgroup or "", match.group()
        newlines = value.count("\n")
        if kind != "SPACE":
            tokens.append(Token(kind, value, line, position - line_start + 1, line + newlines))
        if newlines:
            line += newlines
            line_start = position + value.rindex("\n") + 1
        position = match.end()
    return tokens


# ---------------------------------------------------------------- the document


@dataclass
class Term:
    """An IRI, prefixed name, blank node label or literal, as written."""

    text: str


@dataclass
class Group:
    """One predicate of a subject with its objects (``pred o1 , o2``)."""

    verb: str
    """As written: ``a``, ``rdfs:label`` or ``<…>``."""
    iri: str
    objects: list[Node]
    comments: list[str] = field(default_factory=list)


@dataclass
class PropertyList:
    """A blank node written ``[ … ]``."""

    groups: list[Group]
    trailer: list[str] = field(default_factory=list)


@dataclass
class Collection:
    """An RDF list written ``( … )``."""

    items: list[Node]


Node = Term | PropertyList | Collection


@dataclass
class Statement:
    subject: Node
    groups: list[Group]
    comments: list[str] = field(default_factory=list)
    trailer: list[str] = field(default_factory=list)
    key: str | None = None
    """The subject's expanded IRI (or blank node label), where statements about it may be merged."""


@dataclass
class Section:
    banner: list[str]
    """Comment lines; "" stands for a blank line between two comment blocks."""
    statements: list[Statement]


@dataclass
class Document:
    header: list[str]
    base: str | None
    prefixes: dict[str, str]
    """Prefix name (without the colon) to namespace IRI."""
    sections: list[Section]
    footer: list[str]

    def statements(self) -> Iterator[Statement]:
        for section in self.sections:
            yield from section.statements

    def expand(self, text: str) -> str:
        """A prefixed name or ``<IRI>`` as a full IRI (``a`` is rdf:type)."""
        return expand(text, self.prefixes)


def expand(text: str, prefixes: dict[str, str]) -> str:
    if text == "a":
        return RDF_TYPE
    if text.startswith("<"):
        return text[1:-1]
    prefix, _, local = text.partition(":")
    return prefixes.get(prefix, prefix + ":") + _ESCAPED.sub(r"\1", local)


# ---------------------------------------------------------------- parsing


class _Parser:
    def __init__(self, tokens: list[Token], path: Path) -> None:
        self.tokens = tokens
        self.path = path
        self.position = 0
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.header: list[str] = []
        self.sections: list[Section] = [Section([], [])]
        self.seen_statement = False

    # -- tokens

    def peek(self) -> Token | None:
        while self.position < len(self.tokens) and self.tokens[self.position].kind == "COMMENT":
            self.position += 1
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def comments(self) -> list[Token]:
        """The comment tokens before the next other token, consumed."""
        found = []
        while self.position < len(self.tokens) and self.tokens[self.position].kind == "COMMENT":
            found.append(self.tokens[self.position])
            self.position += 1
        return found

    def take(self, kind: str | None = None, text: str | None = None) -> Token:
        token = self.peek()
        if token is None:
            self.fail(None, f"unexpected end of file (expected {text or kind})")
        if (kind and token.kind != kind) or (text and token.text != text):
            self.fail(token, f"expected {text or kind}, found {token.text!r}")
        self.position += 1
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "PUNCT" and token.text == text

    def fail(self, token: Token | None, message: str) -> NoReturn:
        last = self.tokens[-1] if self.tokens else None
        where = token or last
        raise InputError(f"Turtle syntax error: {message}", path=self.path,
                         line=where.line if where else None, column=where.column if where else None)

    # -- document

    def document(self) -> Document:
        previous_end = 0
        last: Statement | None = None
        while True:
            comments = self.comments()
            token = self.peek()
            if token is None:
                footer = self.place_comments(comments, previous_end, None, last)
                sections, leftover = _without_empty_sections(self.sections)
                return Document(self.header, self.base, self.prefixes, sections,
                                _blocks_joined([leftover, footer]))
            if self.is_directive(token):
                if self.seen_statement:
                    self.header_or_attach(comments, previous_end, token, last)
                else:
                    self.header.extend(_text(comments))
                previous_end = self.directive()
                continue
            leading = self.place_comments(comments, previous_end, token, last)
            statement = self.statement()
            statement.comments = leading
            self.sections[-1].statements.append(statement)
            self.seen_statement = True
            last = statement
            previous_end = self.tokens[self.position - 1].end_line

    def header_or_attach(self, comments: list[Token], previous_end: int, token: Token,
                         last: Statement | None) -> None:
        """Comments before a directive that follows statements: the directive moves to the top,
        its comments stay where they were (a banner, or a trailer)."""
        leftover = self.place_comments(comments, previous_end, token, last)
        if leftover:
            self.sections.append(Section(leftover, []))

    def place_comments(self, comments: list[Token], previous_end: int, following: Token | None,
                       last: Statement | None) -> list[str]:
        """Share the comments between the last statement's trailer, section banners and the
        next statement; return what belongs to the next statement (or, at the end, the footer)."""
        index = 0
        if last is not None:
            line = previous_end
            while index < len(comments) and comments[index].line <= line + 1:
                last.trailer.append(comments[index].text.rstrip())
                line = comments[index].line
                index += 1
        blocks: list[list[Token]] = []
        for comment in comments[index:]:
            if blocks and comment.line == blocks[-1][-1].line + 1:
                blocks[-1].append(comment)
            else:
                blocks.append([comment])
        if not self.seen_statement and not self.prefixes and self.base is None and not self.header and blocks \
                and (following is None or following.line > blocks[0][-1].line + 1):
            self.header.extend(_text(blocks.pop(0)))  # a file without directives: its opening comment
        if following is None:
            return _joined(blocks)
        attached: list[str] = []
        if blocks and following.line == blocks[-1][-1].line + 1:
            attached = _text(blocks.pop())
        if blocks:
            self.sections.append(Section(_joined(blocks), []))
        return attached

    @staticmethod
    def is_directive(token: Token) -> bool:
        return (token.kind == "AT" and token.text in ("@prefix", "@base")) or (
            token.kind == "WORD" and token.text.upper() in ("PREFIX", "BASE"))

    def directive(self) -> int:
        keyword = self.take()
        sparql_style = keyword.kind == "WORD"
        if keyword.text.lower().lstrip("@") == "prefix":
            name = self.take("PNAME")
            if not name.text.endswith(":") or name.text.count(":") != 1:
                self.fail(name, f"expected a prefix name ending in ':', found {name.text!r}")
            iri = self.take("IRI")
            prefix = name.text[:-1]
            if prefix in self.prefixes and self.prefixes[prefix] != iri.text[1:-1]:
                self.fail(name, f"prefix {name.text} is declared twice with different IRIs: the layout "
                                "puts prefixes once at the top, which would change what the file says")
            self.prefixes[prefix] = iri.text[1:-1]
        else:
            iri = self.take("IRI")
            if self.seen_statement or (self.base is not None and self.base != iri.text):
                self.fail(keyword, "a base IRI that changes within the file cannot be kept in the layout")
            self.base = iri.text
        end = iri
        if not sparql_style:
            end = self.take("PUNCT", ".")
        return end.end_line

    def statement(self) -> Statement:
        trailing: list[str] = []
        if self.at("["):
            subject: Node = self.property_list()
            groups: list[Group] = []
            if not self.at("."):
                groups, trailing = self.predicate_objects(closing=".")
        else:
            subject = self.collection() if self.at("(") else self.subject_term()
            groups, trailing = self.predicate_objects(closing=".")
        trailer = trailing + _text(self.comments())
        self.take("PUNCT", ".")
        key = None
        if isinstance(subject, Term):
            key = subject.text if subject.text.startswith("_:") else expand(subject.text, self.prefixes)
        return Statement(subject, groups, trailer=trailer, key=key)

    def subject_term(self) -> Term:
        token = self.take()
        if token.kind not in ("IRI", "PNAME", "BLANK"):
            self.fail(token, f"expected a subject, found {token.text!r}")
        return Term(token.text)

    def predicate_objects(self, closing: str) -> tuple[list[Group], list[str]]:
        """The predicates and objects up to ``closing`` (not consumed), and the comments
        that stand after the last of them."""
        groups: list[Group] = []
        pending: list[str] = []
        while True:
            pending += _text(self.comments())
            token = self.peek()
            if token is not None and token.kind == "PUNCT" and token.text == ";":
                self.position += 1
                continue
            if token is None or (token.kind == "PUNCT" and token.text == closing):
                return groups, pending
            verb = self.take()
            if not (verb.kind in ("IRI", "PNAME") or (verb.kind == "WORD" and verb.text == "a")):
                self.fail(verb, f"expected a predicate, found {verb.text!r}")
            group = Group(verb.text, expand(verb.text, self.prefixes), [], pending)
            pending = []
            while True:
                group.comments += _text(self.comments())
                group.objects.append(self.object())
                following = self.comments()
                if self.at(","):
                    group.comments += _text(following)
                    self.position += 1
                    continue
                pending = _text(following)
                break
            groups.append(group)
            if not self.at(";"):
                if pending and not self.at(closing):
                    group.comments += pending
                    pending = []
                return groups, pending

    def object(self) -> Node:
        if self.at("["):
            return self.property_list()
        if self.at("("):
            return self.collection()
        token = self.take()
        if token.kind in ("IRI", "PNAME", "BLANK", "NUMBER") or token.text in ("true", "false"):
            return Term(token.text)
        if token.kind == "STRING":
            text = token.text
            following = self.peek()
            if following is not None and following.kind == "AT":
                self.position += 1
                text += following.text
            elif following is not None and following.kind == "DATATYPE":
                self.position += 1
                datatype = self.take()
                if datatype.kind not in ("IRI", "PNAME"):
                    self.fail(datatype, "expected a datatype IRI after ^^")
                text += "^^" + datatype.text
            return Term(text)
        self.fail(token, f"expected an object, found {token.text!r}")

    def property_list(self) -> PropertyList:
        self.take("PUNCT", "[")
        groups, trailing = self.predicate_objects(closing="]")
        trailer = trailing + _text(self.comments())
        self.take("PUNCT", "]")
        return PropertyList(groups, trailer)

    def collection(self) -> Collection:
        self.take("PUNCT", "(")
        items: list[Node] = []
        while not self.at(")"):
            if self.peek() is None:
                self.fail(None, "unexpected end of file in a collection ( … )")
            items.append(self.object())
        self.take("PUNCT", ")")
        return Collection(items)


def _text(comments: list[Token]) -> list[str]:
    return [comment.text.rstrip() for comment in comments]


def _joined(blocks: list[list[Token]]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines += _text(block)
    return lines


def _without_empty_sections(sections: list[Section]) -> tuple[list[Section], list[str]]:
    """The sections that hold statements. A banner with no statement below it (two banners
    with a directive between them) joins the next section's banner, so it stays where it stood;
    banners after the last statement are returned, for the footer."""
    kept: list[Section] = []
    pending: list[str] = []
    for section in sections:
        pending = _blocks_joined([pending, section.banner])
        if section.statements:
            kept.append(Section(pending, section.statements))
            pending = []
    return kept or [Section([], [])], pending


def _blocks_joined(blocks: list[list[str]]) -> list[str]:
    """Comment blocks one after the other, a blank line ("") between two."""
    lines: list[str] = []
    for block in blocks:
        if block:
            lines += ([""] if lines else []) + block
    return lines


def parse_document(text: str, path: Path) -> Document:
    """The Turtle ``text`` (of the file ``path``, named in errors) as a document."""
    return _Parser(tokenize(text, path), path).document()


def comments_of(text: str, path: Path) -> list[str]:
    """Every comment of a Turtle text, as the tokenizer finds them (for checking that none is lost)."""
    return [token.text.rstrip() for token in tokenize(text, path) if token.kind == "COMMENT"]
