"""Finding entities by name: any label in any language, or an abbreviation,
matched without regard to case or accents ("krakow" finds Kraków, "nis" Niš).

The local index reads every label of the store (:data:`LABEL_PROPERTIES`); a remote store is
asked only for the names that may match (:mod:`citynet.scale.remote.names`), and the same index then
decides among them."""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph

from citynet.errors import QueryError
from citynet.graph.select import select

PREFIXES = """PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
#: The properties whose values name an entity, and those whose English value stands for it.
LABEL_PROPERTIES = "rdfs:label|skos:prefLabel|skos:altLabel|cn:abbreviation"
ENGLISH_LABEL = """OPTIONAL {
        ?entity rdfs:label|skos:prefLabel ?english .
        FILTER (LANGMATCHES(LANG(?english), "en"))
    }"""
# Three queries, not one join: one row per fact instead of one per combination of them.
_CLASSES_QUERY = PREFIXES + "SELECT ?entity ?class WHERE { ?entity a ?class . FILTER (isIRI(?entity)) }"
_NAMES_QUERY = PREFIXES + f"""SELECT ?entity ?name WHERE {{
    ?entity {LABEL_PROPERTIES} ?name . FILTER (isIRI(?entity)) }}"""
_ENGLISH_QUERY = PREFIXES + """SELECT ?entity ?english WHERE {
    ?entity rdfs:label|skos:prefLabel ?english . FILTER (isIRI(?entity) && LANGMATCHES(LANG(?english), "en")) }"""
#: A row of names: the entity's IRI, one of its classes, one of its names, and its English label.
NameRow = tuple[str, str, str, str | None]


def normalise(text: str) -> str:
    """Case- and accent-insensitive key: "Kraków" and "KRAKOW" give "krakow"."""
    if text.isascii():  # nothing to strip: the common case, taken quickly
        return " ".join(text.casefold().replace("-", " ").split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().replace("-", " ").split())


@dataclass(frozen=True)
class Candidate:
    iri: str
    label: str
    classes: frozenset[str]


class NameIndex:
    """Named entities by normalised name: every labelled entity of a store, or the rows given."""

    def __init__(self, store: pyoxigraph.Store | None = None, *, rows: Iterable[NameRow] = (),
                 search_hint: str = "`citynet query search --param text=…`") -> None:
        classes: dict[str, set[str]] = defaultdict(set)
        english: dict[str, str] = {}
        self._by_name: dict[str, set[str]] = defaultdict(set)
        self._search_hint = search_hint
        if store is not None:
            for entity, cls in select(store, _CLASSES_QUERY):
                classes[entity.value].add(cls.value)
            for entity, name in select(store, _NAMES_QUERY):
                if entity.value in classes:  # typed entities only, as parameters name them
                    self._by_name[normalise(name.value)].add(entity.value)
            for entity, label in select(store, _ENGLISH_QUERY):
                english.setdefault(entity.value, label.value)
        for iri, cls, name, label in rows:
            classes[iri].add(cls)
            if label is not None:
                english.setdefault(iri, label)
            self._by_name[normalise(name)].add(iri)
        self._candidates = {
            iri: Candidate(iri, english.get(iri, iri), frozenset(cls)) for iri, cls in classes.items()}

    def resolve(self, text: str, kind: str, allowed_classes: tuple[str, ...]) -> str:
        """The IRI of the one entity of ``allowed_classes`` that ``text`` names."""
        def fits(iri: str) -> bool:
            return not allowed_classes or bool(self._candidates[iri].classes & set(allowed_classes))

        if text in self._candidates and fits(text):
            return text
        found = sorted(iri for iri in self._by_name.get(normalise(text), ()) if fits(iri))
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(f"{self._candidates[i].label} <{i}>" for i in found)
            raise QueryError(f"{text!r} names several {kind}s: {listed}",
                             hint="pass the IRI of the one you mean")
        names = [n for n, iris in self._by_name.items() if any(fits(i) for i in iris)]
        close = difflib.get_close_matches(normalise(text), names, n=5, cutoff=0.6)
        suggestions = sorted({self._candidates[i].label for n in close for i in self._by_name[n] if fits(i)})
        hint = (f"did you mean: {', '.join(suggestions)}?" if suggestions
                else f"{self._search_hint} finds {kind}s by part of a name")
        raise QueryError(f"no {kind} is named {text!r}", hint=hint)
