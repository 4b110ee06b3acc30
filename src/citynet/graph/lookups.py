"""Reading a store's default graph pattern by pattern, as the stored queries' patterns read it:
for views that walk the store instead of holding a query's answer."""

from __future__ import annotations

import pyoxigraph

from citynet.graph.terms import OxigraphTerm

DEFAULT_GRAPH = pyoxigraph.DefaultGraph()
RDFS_LABEL = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def objects(store: pyoxigraph.Store, subject: OxigraphTerm, predicate: pyoxigraph.NamedNode) -> list[OxigraphTerm]:
    """The objects of ``subject``'s ``predicate`` in the default graph (none for a literal)."""
    if isinstance(subject, pyoxigraph.Literal):
        return []
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None, DEFAULT_GRAPH)]


def holds(store: pyoxigraph.Store, subject: OxigraphTerm, predicate: pyoxigraph.NamedNode,
          value: OxigraphTerm) -> bool:
    """Whether the default graph has the triple (never, for a literal subject)."""
    if isinstance(subject, pyoxigraph.Literal):
        return False
    return next(store.quads_for_pattern(subject, predicate, value, DEFAULT_GRAPH), None) is not None


def is_english(literal: pyoxigraph.Literal) -> bool:
    """``LANGMATCHES(LANG(literal), "en")``: tagged ``en`` or ``en-…`` (Oxigraph keeps tags in lower case)."""
    language = literal.language
    return language is not None and (language == "en" or language.startswith("en-"))


def english_names(store: pyoxigraph.Store, subject: OxigraphTerm) -> list[pyoxigraph.Literal]:
    """The English ``rdfs:label`` values of ``subject``."""
    return [label for label in objects(store, subject, RDFS_LABEL)
            if isinstance(label, pyoxigraph.Literal) and is_english(label)]


def order_key(name: pyoxigraph.Literal) -> tuple[str, str, int, str]:
    """Where ORDER BY puts a language-tagged string: by its text, then its tag (as Oxigraph sorts
    them, code point by code point), then an RDF 1.2 direction before none. Oxigraph ties ``ltr``
    and ``rtl``; here ``ltr`` comes first, so that two names have one key only if they are one."""
    direction = name.direction
    return name.value, name.language or "", 0 if direction else 1, str(direction or "")


class EnglishNames:
    """:func:`english_names` of subjects met again and again (networks: few of them, each named
    by many memberships), read once each; up to ``kept`` subjects are kept."""

    def __init__(self, store: pyoxigraph.Store, kept: int = 10_000) -> None:
        self.store, self.kept = store, kept
        self.names: dict[OxigraphTerm, list[pyoxigraph.Literal]] = {}

    def of(self, subject: OxigraphTerm) -> list[pyoxigraph.Literal]:
        names = self.names.get(subject)
        if names is None:
            if len(self.names) == self.kept:  # a graph of very many such subjects
                self.names.clear()
            names = self.names[subject] = english_names(self.store, subject)
        return names
