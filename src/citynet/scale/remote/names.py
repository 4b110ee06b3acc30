"""Entity names and IRIs looked up in the remote store, as the local index looks them up.

The local index (:mod:`citynet.graph.names`) reads every label and compares them without regard to
case or accents. Reading every label of a large remote store for one parameter would be slow,
so the store is asked only for names that *may* match, and the same index then decides among
them: the answer and the messages are those of a local lookup.

Which names may match is decided on their ASCII letters alone. Virtuoso 7.2 keeps some strings
in Latin-1 and others in UTF-8, and its regular expressions and ENCODE_FOR_URI see bytes, so an
expression with an accented letter in it finds some names and misses others. Without its
non-ASCII characters and in lower case, a name that normalises to the text is an ordered
subsequence of the text's ASCII characters ("Šiaulinu" gives "iaulinu", part of "siaulinu"), with
hyphens for spaces. The store is asked for those with at least half of the text's ASCII letters,
which leaves out only names with more accented than plain letters.
"""

from __future__ import annotations

import httpx
from rdflib import Literal, URIRef

from citynet.graph.names import ENGLISH_LABEL, LABEL_PROPERTIES, PREFIXES, NameIndex, normalise
from citynet.scale.remote import sparql
from citynet.scale.remote.addresses import redact_url
from citynet.scale.remote.sparql import Method

_SEPARATORS = r"[ \t\n\r\-]*"
_SPECIAL = set("\\.^$|?*+()[]{}-")  # escaped with a backslash, as XPath regular expressions allow


class RemoteLookup:
    """Entities of the store at ``endpoint`` (in the named graph ``graph_iri`` when given)."""

    def __init__(self, client: httpx.Client, endpoint: str, graph_iri: str | None = None,
                 method: Method = "auto") -> None:
        self.client, self.endpoint, self.graph_iri, self.method = client, endpoint, graph_iri, method

    def classes_of(self, iri: str) -> frozenset[str]:
        text = (f"SELECT DISTINCT ?class {self._from()}WHERE {{ ?entity a ?class . "
                f"VALUES ?entity {{ {URIRef(iri).n3()} }} }}")
        result = sparql.query(self.client, self.endpoint, text, "SELECT", self.method).result
        return frozenset(str(row[0]) for row in result.terms if row[0] is not None)

    def resolve(self, text: str, kind: str, allowed_classes: tuple[str, ...]) -> str:
        rows = self.candidates(text, allowed_classes)
        search = f"`citynet query search --param text=… --endpoint {redact_url(self.endpoint)}`"
        index = NameIndex(rows=rows, search_hint=search)
        return index.resolve(text, kind, allowed_classes)

    def candidates(self, text: str, allowed_classes: tuple[str, ...]) -> list[tuple[str, str, str, str | None]]:
        """Rows of names that may normalise to ``text``'s normal form."""
        wanted = normalise(text)
        if not wanted:
            return []
        classes = (f"FILTER (?class IN ({', '.join(URIRef(c).n3() for c in allowed_classes)}))\n    "
                   if allowed_classes else "")
        query = (f"{PREFIXES}SELECT ?entity ?class ?name ?english {self._from()}WHERE {{\n"
                 f"    ?entity {LABEL_PROPERTIES} ?name .\n"
                 f"    FILTER (isIRI(?entity) && {skeleton_filter(wanted)})\n"
                 f"    ?entity a ?class .\n    {classes}{ENGLISH_LABEL}\n}}")
        result = sparql.query(self.client, self.endpoint, query, "SELECT", self.method).result
        return [(str(entity), str(cls), str(name), None if english is None else str(english))
                for entity, cls, name, english in result.terms]

    def _from(self) -> str:
        return f"FROM {URIRef(self.graph_iri).n3()} " if self.graph_iri else ""


def skeleton_filter(wanted: str) -> str:
    """A SPARQL filter on ``?name`` that holds for every name whose normal form is ``wanted``."""
    letters = [c for c in wanted if c.isascii()]
    parts = [_SEPARATORS if c == " " else ("\\" + c if c in _SPECIAL else c) + "?" for c in letters]
    pattern = "^" + _SEPARATORS + "".join(parts) + _SEPARATORS + "$"
    least = (sum(c != " " for c in letters) + 1) // 2
    skeleton = 'LCASE(REPLACE(STR(?name), "[^ -~]", ""))'
    return f"STRLEN({skeleton}) >= {least} && REGEX({skeleton}, {Literal(pattern).n3()})"
