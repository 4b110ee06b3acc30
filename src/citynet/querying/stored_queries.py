"""Stored SPARQL queries: ``queries/*.rq`` files with a grlc-style metadata header.

A header is a block of ``#+ `` comment lines holding YAML::

    #+ summary: Networks a place belongs to
    #+ description: Since when, in what role, and represented by whom.
    #+ tags: [places, memberships]
    #+ params:
    #+   place: {type: place, required: true, example: Rostock,
    #+           description: The city or region, by name in any language}
    #+ columns:
    #+   network: iri
    #+   since: year-or-date

``columns`` declares the type of each projected variable of a SELECT query
(:mod:`citynet.querying.columns`), so that its rows are the same on every store.
The files stay valid SPARQL: the header is a comment to every engine.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citynet import resources
from citynet.errors import InputError, QueryError
from citynet.querying.columns import ColumnType, parse_column
from citynet.querying.header_cache import HeaderCache
from citynet.querying.parameters import PARAMETER_TYPES, Parameter
from citynet.querying.sparql_lexer import lexemes
from citynet.querying.sparql_safety import parse_read_only_query

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query as PreparedQuery

_HEADER_LINE = re.compile(r"^#\+ ?(.*)$")
_KNOWN_KEYS = {"summary", "description", "tags", "params", "columns"}
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


@dataclass(frozen=True)
class StoredQuery:
    """One stored query: its text, its metadata and its typed parameters."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    columns: Mapping[str, ColumnType] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @cached_property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE: the first of these words outside strings, IRIs
        and comments (the prologue before it has none), so that neither rdflib's parser nor its
        grammar is needed to list the queries. Tests hold it to rdflib's algebra."""
        found = next((word.upper() for _, word in lexemes(self.text) if word.upper() in _FORMS), None)
        return found or self.prepared.algebra.name.removesuffix("Query").upper()

    @cached_property
    def prepared(self) -> PreparedQuery:
        """The query parsed once, at first use (rdflib's parser is not thread-safe)."""
        with self._lock:
            return parse_read_only_query(self.text, source=self.path)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name, "summary": self.summary, "description": self.description,
            "tags": list(self.tags), "form": self.form,
            "parameters": [p.describe() for p in self.parameters],
            "columns": {name: (f"list ({c.separator!r})" if c.name == "list" else c.name)
                        for name, c in self.columns.items()},
        }


def parse_stored_query(path: Path, cache: HeaderCache | None = None) -> StoredQuery:
    """The stored query in ``path``; its header from ``cache`` where it holds it."""
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        match = _HEADER_LINE.match(line)
        if match:
            header_lines.append(match.group(1))
    header_text = "\n".join(header_lines)
    if cache is not None:
        # A cache entry gone wrong, or the header's own error: either way the file's own parse
        # below decides, and raises what it finds.
        with suppress(Exception):
            return _stored_query(path, text, cache.header(header_text, lambda t: _parse_yaml(path, t)))
    return _stored_query(path, text, _parse_yaml(path, header_text))


def _parse_yaml(path: Path, header_text: str) -> Any:
    import yaml  # only for a header the cache does not hold

    try:
        return yaml.safe_load(header_text) or {}
    except yaml.YAMLError as error:
        raise InputError(f"query header is not valid YAML: {error}", path=path) from None


def _stored_query(path: Path, text: str, header: Any) -> StoredQuery:
    if not isinstance(header, dict):
        raise InputError("query header must be a mapping of `#+ key: value` lines", path=path)
    unknown = set(header) - _KNOWN_KEYS
    if unknown:
        raise InputError(f"unknown header keys: {', '.join(sorted(unknown))}", path=path,
                         hint=f"known keys: {', '.join(sorted(_KNOWN_KEYS))}")
    if not header.get("summary"):
        raise InputError("query header needs a `#+ summary:` line", path=path)
    parameters = tuple(_parse_parameter(path, text, name, spec)
                       for name, spec in (header.get("params") or {}).items())
    return StoredQuery(
        name=path.stem, path=path, text=text, summary=str(header["summary"]).strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(header.get("tags") or ()), parameters=parameters,
        columns=_parse_columns(path, text, header.get("columns")))


def _parse_columns(path: Path, text: str, spec: Any) -> dict[str, ColumnType]:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise InputError("`#+ columns:` needs a mapping of column name to type", path=path)
    columns = {}
    for name, kind in spec.items():
        if not re.search(rf"[?$]{re.escape(str(name))}\b", text):
            raise InputError(f"column {name!r} does not occur in the query as ?{name}", path=path)
        try:
            columns[str(name)] = parse_column(str(name), kind)
        except ValueError as error:
            raise InputError(str(error), path=path) from None
    return columns


def _parse_parameter(path: Path, text: str, name: str, spec: Any) -> Parameter:
    if not isinstance(spec, dict):
        raise InputError(f"parameter {name!r} needs a mapping (type, description, …)", path=path)
    kind = spec.get("type", "string")
    if kind not in PARAMETER_TYPES:
        raise InputError(f"parameter {name!r} has unknown type {kind!r}", path=path,
                         hint=f"types: {', '.join(sorted(PARAMETER_TYPES))}")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise InputError(f"parameter name {name!r} is not a SPARQL variable name", path=path)
    if not re.search(rf"[?$]{name}\b", text):
        raise InputError(f"parameter {name!r} does not occur in the query as ?{name}", path=path)
    return Parameter(
        name=name, type=kind, description=str(spec.get("description", "")).strip(),
        required=bool(spec.get("required", "default" not in spec)),
        default=spec.get("default"), example=spec.get("example"))


class QueryCatalogue:
    """The stored queries of a folder, read once and parsed at first use."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or resources.queries_dir()
        cache = HeaderCache()
        self._queries = {q.name: q for q in (parse_stored_query(path, cache)
                                             for path in sorted(self.folder.glob("*.rq")))}
        cache.save()

    def __iter__(self) -> Iterator[StoredQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def names(self) -> list[str]:
        return list(self._queries)

    def get(self, name: str) -> StoredQuery:
        try:
            return self._queries[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._queries, n=3)
            hint = f"did you mean: {', '.join(close)}?" if close else "`citynet queries` lists them"
            raise QueryError(f"no stored query named {name!r}", hint=hint) from None


_catalogue: QueryCatalogue | None = None
_catalogue_lock = threading.Lock()


def catalogue() -> QueryCatalogue:
    """The stored queries citynet ships."""
    global _catalogue
    with _catalogue_lock:
        if _catalogue is None:
            _catalogue = QueryCatalogue()
        return _catalogue
