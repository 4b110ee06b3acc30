"""Changing what data files say about an entity, keeping everything else of the files: their
comments, their sections, and every term as written that the change does not touch.

The files are read as :class:`~citynet.curate.turtle_syntax.Document` objects, edited at the
level of one subject's predicate, and written in the layout of ``citynet format``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.curate.turtle_layout import merge_subjects, render
from citynet.curate.turtle_syntax import Document, Group, PropertyList, Section, Statement, Term, parse_document
from citynet.graph.files import read_text
from citynet.graph.prefixes import PREFIXES

_LOCAL_NAME_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_LOCAL_NAME = _LOCAL_NAME_START | set("-")


@dataclass
class DataFile:
    path: Path
    text: str
    document: Document
    changed: bool = False


class DataFiles:
    """The data files of a repository, open for editing."""

    def __init__(self, paths: list[Path]) -> None:
        self.files: list[DataFile] = []
        for path in paths:
            text = read_text(path)
            document = parse_document(text, path)
            merge_subjects(document)
            self.files.append(DataFile(path, text, document))

    def file_named(self, name: str) -> DataFile:
        for file in self.files:
            if file.path.name == name:
                return file
        raise KeyError(name)

    def find(self, subject: URIRef, predicate: URIRef | None = None) -> tuple[DataFile, Statement] | None:
        """The statement about ``subject``; where several files say something about it, the one
        that has ``predicate``."""
        found = [(file, statement) for file in self.files for statement in file.document.statements()
                 if statement.key == str(subject)]
        if predicate is not None:
            for file, statement in found:
                if any(group.iri == str(predicate) for group in statement.groups):
                    return file, statement
        return found[0] if found else None

    def statement(self, subject: URIRef, predicate: URIRef, default_file: str) -> tuple[DataFile, Statement]:
        """The statement to put ``predicate`` in: the one holding it, else the subject's, else a
        new one in ``default_file``."""
        found = self.find(subject, predicate)
        if found is not None:
            return found
        file = self.file_named(default_file)
        statement = Statement(Term(term_text(subject, file.document)), [], key=str(subject))
        _best_section(file.document, str(subject)).statements.append(statement)
        return file, statement

    def set_objects(self, subject: URIRef, predicate: URIRef, wanted: list[Node], default_file: str,
                    language: str | None = None) -> bool:
        """Make ``subject``'s values of ``predicate`` (of those with ``language``, if given) be
        ``wanted``; values that stay keep their text. Returns whether anything changed."""
        found = self.find(subject, predicate)
        if found is None and not wanted:
            return False
        file, statement = found if found is not None else self.statement(subject, predicate, default_file)
        group = _group(statement, predicate, file.document)
        current = [(item, term_value(item.text, _prefix_key(file.document)) if isinstance(item, Term) else None)
                   for item in group.objects]
        managed = [(item, value) for item, value in current
                   if language is None or (isinstance(value, Literal) and value.language == language)]
        present = {value for _, value in current}
        added = [Term(term_text(node, file.document)) for node in wanted if node not in present]
        removed = [item for item, value in managed if value not in wanted]
        if not added and not removed:
            _drop_if_empty(statement, group)
            return False
        objects: list = []
        for item, _ in current:  # a new value takes the place of the one it replaces
            if item in removed:
                if added:
                    objects.append(added.pop(0))
            else:
                objects.append(item)
        group.objects = objects + added
        _drop_if_empty(statement, group)
        file.changed = True
        return True

    def add_objects(self, subject: URIRef, predicate: URIRef, nodes: list[Node], default_file: str) -> bool:
        """Add values that are not there yet (a source, a quote); never removes one."""
        found = self.find(subject, predicate)
        file, statement = found if found is not None else self.statement(subject, predicate, default_file)
        group = _group(statement, predicate, file.document)
        prefixes = _prefix_key(file.document)
        present = {term_value(item.text, prefixes) for item in group.objects if isinstance(item, Term)}
        added = [node for node in nodes if node not in present]
        if not added:
            _drop_if_empty(statement, group)
            return False
        group.objects += [Term(term_text(node, file.document)) for node in added]
        file.changed = True
        return True

    def set_structure(self, subject: URIRef, predicate: URIRef, structure: PropertyList | None,
                      default_file: str) -> None:
        """Replace ``subject``'s values of ``predicate`` with one blank node (or none)."""
        found = self.find(subject, predicate)
        if found is None and structure is None:
            return
        file, statement = found if found is not None else self.statement(subject, predicate, default_file)
        group = _group(statement, predicate, file.document)
        for item in group.objects:  # comments inside the old node stay, above the predicate
            if isinstance(item, PropertyList):
                group.comments += _comments_inside(item)
        group.objects = [] if structure is None else [_with_prefixes(structure, file.document)]
        _drop_if_empty(statement, group)
        file.changed = True

    def rendered(self) -> dict[Path, str]:
        """The text of every file an edit changed, in the layout."""
        return {file.path: render(file.document) for file in self.files if file.changed}


def _group(statement: Statement, predicate: URIRef, document: Document) -> Group:
    for group in statement.groups:
        if group.iri == str(predicate):
            return group
    group = Group(term_text(predicate, document) if str(predicate) != _RDF_TYPE else "a", str(predicate), [])
    statement.groups.append(group)
    return group


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _drop_if_empty(statement: Statement, group: Group) -> None:
    if group.objects:
        return
    statement.groups.remove(group)
    if group.comments:  # a comment outlives the values it stood above
        if statement.groups:
            statement.groups[0].comments += group.comments
        else:
            statement.trailer += group.comments


def _comments_inside(node: PropertyList) -> list[str]:
    comments = list(node.trailer)
    for group in node.groups:
        comments += group.comments
        for item in group.objects:
            if isinstance(item, PropertyList):
                comments += _comments_inside(item)
    return comments


def _best_section(document: Document, key: str) -> Section:
    """The section whose subjects share the longest start with ``key`` (the last such)."""
    best, length = document.sections[-1], -1
    for section in document.sections:
        for statement in section.statements:
            if statement.key is None:
                continue
            common = len(_common_start(statement.key, key))
            if common >= length:
                best, length = section, common
    return best


def _common_start(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


# ---------------------------------------------------------------- terms


def term_text(node: Node, document: Document) -> str:
    """A term as Turtle, with the document's prefixes (adding citynet's where one fits)."""
    if isinstance(node, URIRef):
        return _iri_text(str(node), document)
    if isinstance(node, Literal):
        text = '"' + str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
            "\r", "\\r").replace("\t", "\\t") + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{_iri_text(str(node.datatype), document)}"
        return text
    raise TypeError(f"cannot write {node!r} as a term")


def _iri_text(iri: str, document: Document) -> str:
    candidates = [(prefix, namespace) for prefix, namespace in document.prefixes.items() if iri.startswith(namespace)]
    if not candidates:
        candidates = [(prefix, namespace) for prefix, namespace in PREFIXES.items()
                      if iri.startswith(namespace) and prefix not in document.prefixes]
    for prefix, namespace in sorted(candidates, key=lambda pair: -len(pair[1])):
        local = iri[len(namespace):]
        if local and local[0] in _LOCAL_NAME_START and set(local) <= _LOCAL_NAME:
            document.prefixes.setdefault(prefix, namespace)
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _with_prefixes(node: PropertyList, document: Document) -> PropertyList:
    """A structure built with full IRIs, written with the document's prefixes."""
    groups = []
    for group in node.groups:
        verb = "a" if group.iri == _RDF_TYPE else _iri_text(group.iri, document)
        objects = [_with_prefixes(item, document) if isinstance(item, PropertyList)
                   else Term(term_text(item.value, document)) if isinstance(item, _Value) else item
                   for item in group.objects]
        groups.append(Group(verb, group.iri, objects))
    return PropertyList(groups)


@dataclass
class _Value(Term):
    """An rdflib term waiting to be written with a document's prefixes."""

    value: Node = field(default_factory=lambda: URIRef(""))


def structure(pairs: list[tuple[URIRef, Node | list]]) -> PropertyList:
    """A blank node ``[ p o ; … ]`` from (predicate, value) pairs; a value that is a list of
    pairs is a nested blank node."""
    groups = []
    for predicate, value in pairs:
        item = structure(value) if isinstance(value, list) else _Value("", value)
        groups.append(Group(str(predicate), str(predicate), [item]))
    return PropertyList(groups)


def _prefix_key(document: Document) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(document.prefixes.items()))


@lru_cache(maxsize=4096)
def term_value(text: str, prefixes: tuple[tuple[str, str], ...]) -> Node:
    """What a term written ``text`` is, under ``prefixes``."""
    declarations = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in prefixes)
    graph = Graph().parse(data=f"{declarations}<urn:x:s> <urn:x:p> {text} .", format="turtle")
    value = next(iter(graph.objects()))
    return BNode(text) if isinstance(value, BNode) else value
