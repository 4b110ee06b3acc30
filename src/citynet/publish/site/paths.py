"""Where each IRI is published, and how one page links to another.

A page path is the IRI with the site base (``https://w3id.org/citynet/``) taken off:
``https://w3id.org/citynet/id/city/rostock`` is ``id/city/rostock``. The files are that
path plus ``.html``, ``.ttl`` and ``.jsonld``. Folder IRIs (``…/id/city/``) and the site
itself (``…/citynet/``) are index pages: ``id/city/index`` and ``index``. Ontology terms,
hash IRIs ``…/def#Term``, get a page of their own at ``def/Term``; the ontology
document ``…/def`` is ``def`` (with an anchor ``#Term`` per term, so the term IRI,
read as a URL, lands on the right spot).

Two link styles share this layout:

* :class:`RelativeLinks` (the published folder): ``../network/icncm.html``, relative
  to the page, so the site works from any folder, from ``file://`` and from any
  web server without rewriting.
* :class:`ServedLinks` (a server that does content negotiation): ``{base}id/network/icncm``,
  without a suffix for pages and with ``.ttl``/``.jsonld`` for the data, ``{base}style.css``
  for the stylesheet.
"""

from __future__ import annotations

import posixpath
import re
from typing import Literal, Protocol

SITE_BASE = "https://w3id.org/citynet/"
DATA_BASE = SITE_BASE + "id/"
ONTOLOGY = SITE_BASE + "def"
TERM_BASE = ONTOLOGY + "#"

Format = Literal["html", "ttl", "jsonld"]
SUFFIXES: dict[str, str] = {"html": ".html", "ttl": ".ttl", "jsonld": ".jsonld"}

# One path segment: letters, digits and - _ . ~ (as in every citynet slug), not "." or "..".
_SEGMENT = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9._~-]+$")
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
RESERVED_SLUGS = frozenset({"index"})


def page_path(iri: str) -> str | None:
    """The page path of ``iri`` (no suffix), or None if the IRI is not published here.

    >>> page_path("https://w3id.org/citynet/id/city/rostock")
    'id/city/rostock'
    >>> page_path("https://w3id.org/citynet/def#CityNetwork")
    'def/CityNetwork'
    >>> page_path("https://w3id.org/citynet/id/network/")
    'id/network/index'
    """
    if iri == SITE_BASE:
        return "index"
    if iri == ONTOLOGY:
        return "def"
    if iri.startswith(TERM_BASE):
        term = iri[len(TERM_BASE):]
        return f"def/{term}" if _TERM.match(term) else None
    if not iri.startswith(DATA_BASE):
        return None
    rest = iri[len(DATA_BASE):]
    if rest.endswith("/") and _SEGMENT.match(rest[:-1]):
        return f"id/{rest}index"
    segments = rest.split("/")
    if len(segments) < 2 or not all(_SEGMENT.match(s) for s in segments) or segments[-1] in RESERVED_SLUGS:
        return None
    return f"id/{rest}"


def page_url(path: str) -> str:
    """The address of the page people read at ``path``, below the site base: what the static
    site and ``citynet serve`` both answer (the canonical link of the page).

    >>> page_url("id/city/rostock")
    'https://w3id.org/citynet/id/city/rostock.html'
    >>> page_url("id/city/index"), page_url("index")
    ('https://w3id.org/citynet/id/city/', 'https://w3id.org/citynet/')
    """
    if path == "index" or path.endswith("/index"):
        return SITE_BASE + path[: -len("index")]
    return SITE_BASE + path + SUFFIXES["html"]


def kind_index_iri(kind: str) -> str:
    """The IRI of the index of one kind: ``…/id/city/``."""
    return f"{DATA_BASE}{kind}/"


def kind_of(iri: str) -> str | None:
    """``city`` for ``…/id/city/rostock``; None outside the data namespace."""
    if not iri.startswith(DATA_BASE):
        return None
    kind, _, rest = iri[len(DATA_BASE):].partition("/")
    return kind if rest else None


class Links(Protocol):
    """How a page refers to other pages, their data and the site's assets."""

    def page(self, path: str, fmt: Format = "html", fragment: str = "") -> str: ...

    def asset(self, name: str) -> str: ...


class RelativeLinks:
    """Links relative to the page at ``current`` (a page path such as ``id/city/rostock``)."""

    def __init__(self, current: str) -> None:
        self.folder = posixpath.dirname(current) or "."

    def _relative(self, target: str) -> str:
        return posixpath.relpath(target, self.folder)

    def page(self, path: str, fmt: Format = "html", fragment: str = "") -> str:
        link = self._relative(path + SUFFIXES[fmt])
        return f"{link}#{fragment}" if fragment else link

    def asset(self, name: str) -> str:
        return self._relative(name)


class ServedLinks:
    """Absolute links under ``base`` (such as ``https://example.org/`` or ``/``), for a
    server that serves ``{base}{path}`` with content negotiation and
    ``{base}{path}.ttl``/``.jsonld``/``.html`` directly."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def page(self, path: str, fmt: Format = "html", fragment: str = "") -> str:
        if fmt == "html" and (path == "index" or path.endswith("/index")):
            path = path[: -len("index")]
        link = self.base + path + ("" if fmt == "html" else SUFFIXES[fmt])
        return f"{link}#{fragment}" if fragment else link

    def asset(self, name: str) -> str:
        return self.base + name
