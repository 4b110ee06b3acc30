"""Dereferenceable IRIs, following W3C "Cool URIs for the Semantic Web".

**Which IRIs.** Data IRIs are ``{base}id/{kind}/{slug}`` with ``base`` =
``https://w3id.org/citynet/`` (``Settings.base_iri``). The server answers for them at
the same path: ``https://w3id.org/citynet/id/city/rostock`` is ``/id/city/rostock``
here. Deployed, w3id.org forwards ``/citynet/*`` to this server with the rest of the
path kept (a rewrite of the base only); the documents keep the canonical w3id IRIs.

**303, not hash, for data.** An ``/id/…`` IRI names a thing (a city), not a
document, so ``GET /id/{kind}/{slug}`` answers ``303 See Other`` with
``Location: /doc/{kind}/{slug}``, the generic document about it. That document is
negotiated by ``Accept``: HTML for browsers, Turtle (the default), JSON-LD,
N-Triples or RDF/XML, with ``Vary: Accept``, ``Content-Location`` naming the variant
(``/doc/city/rostock.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``, each also served
directly) and ``Link`` headers to the alternates. ``/id/{kind}/{slug}.ttl`` (and the
other suffixes) are documents too, served directly, as the static site links them.

**Hash, for the ontology.** Ontology terms are ``{base}def#Term``; a client
dereferences them by fetching ``/def`` (the fragment never reaches a server), which is
the ontology document itself, negotiated the same way. ``/def/{version}`` serves it
too, and ``/def/{Term}`` is the term's own page (HTML), or a redirect to ``/def#Term``.

**What a description holds.** The entity document of :mod:`citynet.publish.entity_document`,
the same the static site publishes: the entity's own statements with the blank nodes they
lead to, the statements that point to it, and the labels of the things on either side. It is
read from the Oxigraph store; the server holds no rdflib copy of the graph.

**HTML** comes from :func:`citynet.publish.site.render_page`; an IRI the site has no page for
(a logo, a schedule) gets a small built-in page (the label and a table of statements).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pyoxigraph
from rdflib import Graph, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from citynet import resources
from citynet.graph.terms import to_rdflib_as_written
from citynet.publish.catalog import catalog_document
from citynet.publish.entity_document import document_bytes, entity_document, exists, ontology_document
from citynet.publish.site import CSS, render_page
from citynet.server import html, negotiation
from citynet.server.conditional import answer
from citynet.server.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format
from citynet.server.responses import error
from citynet.server.state import ServerState

_SEGMENT = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,200}$")
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,200}$")
_VERSION = re.compile(r"^\d+(\.\d+){1,3}$")
DOCUMENT_FORMATS: tuple[Format, ...] = (TURTLE, HTML, JSONLD, NTRIPLES, RDFXML)
_BY_SUFFIX = {f.suffix: f for f in DOCUMENT_FORMATS}
_lock = threading.Lock()


def _state(request: Request) -> ServerState:
    return request.app.state.citynet


def local_path(iri: str, base: str) -> str | None:
    """The path at which this server answers for ``iri``, or None if it is not ours."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    if rest.startswith("id/"):
        return "/" + rest
    if rest == "def" or rest.startswith("def#"):
        return "/" + rest
    return None


def split_suffix(slug: str) -> tuple[str, Format | None]:
    stem, dot, suffix = slug.rpartition(".")
    if dot and suffix in _BY_SUFFIX:
        return stem, _BY_SUFFIX[suffix]
    return slug, None


def _exists(state: ServerState, iri: str) -> bool:
    return exists(state.graph.store, iri)


def as_rdflib(triples: list[pyoxigraph.Triple]) -> Graph:
    """A document's few statements as an rdflib graph, for the built-in HTML page."""
    out = Graph()
    for triple in triples:
        out.add((to_rdflib_as_written(triple.subject), to_rdflib_as_written(triple.predicate),
                 to_rdflib_as_written(triple.object)))
    return out


def _links(path: str, current: Format | None) -> str:
    return ", ".join(f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
                     for f in DOCUMENT_FORMATS if f is not current)


# ---------------------------------------------------------------- HTML


def render_html(state: ServerState, iri: str, triples: list[pyoxigraph.Triple] | None = None) -> str:
    """The HTML page for ``iri``: citynet.publish.site's where it has one, else the built-in one."""
    page = _site_page(state, iri)
    if page is not None:
        return page
    document = triples if triples is not None else entity_document(state.graph.store, iri)
    return html.entity_page(as_rdflib(document), URIRef(iri), lambda i: local_path(i, state.settings.base_iri))


def _site_page(state: ServerState, iri: str) -> str | None:
    # Links under "/": pages as /id/city/rostock (negotiated here), data as /id/city/rostock.ttl.
    with _lock:  # rdflib graphs and the site's caches are not promised to be thread-safe
        return render_page(state.graph, iri, base="/")


async def stylesheet(request: Request) -> Response:
    """``/style.css``: the stylesheet of citynet.publish.site's pages."""
    return answer(request, CSS.encode("utf-8"), _state(request).last_modified, media_type="text/css; charset=utf-8",
                  headers={"Cache-Control": "public, max-age=3600"})


async def home(request: Request) -> Response:
    """``/``: the site's home page (the base IRI, dereferenced) for browsers, else the query page."""
    state = _state(request)
    if negotiation.choose(request.headers.get("accept"), (HTML, TURTLE)) is HTML:
        page = await run_in_threadpool(_site_page, state, state.settings.base_iri)
        if page is not None:
            return HTMLResponse(page, headers={"Vary": "Accept"})
    from citynet.server.page import query_page

    return await query_page(request)


# ---------------------------------------------------------------- handlers


async def entity(request: Request) -> Response:
    """``/id/{kind}/{slug}``: 303 to the description (or, with a suffix, the document itself)."""
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    stem, suffix = split_suffix(slug)
    if suffix is not None:
        return await _document(request, kind, stem, suffix)
    state = _state(request)
    if not (_SEGMENT.match(kind) and _SEGMENT.match(slug)) \
            or not _exists(state, f"{state.settings.base_iri}id/{kind}/{slug}"):
        return error(request, 404, f"nothing is known as {state.settings.base_iri}id/{kind}/{slug}",
                     log_note="not-found")
    document = f"/doc/{kind}/{slug}"
    return RedirectResponse(document, status_code=303, headers={
        "Vary": "Accept", "Link": f'<{document}>; rel="describedby", ' + _links(document, None)})


async def document(request: Request) -> Response:
    """``/doc/{kind}/{slug}[.suffix]``: the description of an entity."""
    stem, suffix = split_suffix(request.path_params["slug"])
    return await _document(request, request.path_params["kind"], stem, suffix)


async def _document(request: Request, kind: str, slug: str, fixed: Format | None) -> Response:
    state = _state(request)
    iri = f"{state.settings.base_iri}id/{kind}/{slug}"
    if not (_SEGMENT.match(kind) and _SEGMENT.match(slug)) or not _exists(state, iri):
        return error(request, 404, f"nothing is known as {iri}", log_note="not-found")
    fmt = fixed or negotiation.choose(request.headers.get("accept"), DOCUMENT_FORMATS)
    if fmt is None:
        return error(request, 406, "an entity's description comes as " + negotiation.accepted_list(DOCUMENT_FORMATS),
                     log_note="not-acceptable")
    path = f"/doc/{kind}/{slug}"
    headers = {"Link": f'<{iri}>; rel="describes", ' + _links(path, fmt)}
    if fixed is None:
        headers.update({"Vary": "Accept", "Content-Location": f"{path}.{fmt.suffix}"})

    def build() -> bytes:
        document = entity_document(state.graph.store, iri)
        if fmt is HTML:
            return render_html(state, iri, document).encode("utf-8")
        return document_bytes(document, fmt.name)

    body = await run_in_threadpool(build)
    if fmt is HTML:
        return answer(request, body, state.last_modified, headers={**headers, **_page_headers(body)},
                      response_class=HTMLResponse)
    return answer(request, body, state.last_modified, media_type=fmt.content_type, headers=headers)


def _page_headers(body: bytes) -> dict[str, str]:
    # The built-in pages load nothing; a site page may use its own stylesheet (same origin).
    return {"Content-Security-Policy": html.CSP} if html.BUILT_IN_MARK.encode() in body else {}


async def kind_index(request: Request) -> Response:
    """``/id/{kind}/``: the site's index page of a kind, when citynet.publish.site provides one."""
    state = _state(request)
    kind = request.path_params["kind"]
    page = None
    if _SEGMENT.match(kind):
        page = await run_in_threadpool(_site_page, state, f"{state.settings.base_iri}id/{kind}/")
    if page is None:
        return error(request, 404, f"no index of {kind!r}", log_note="not-found")
    return HTMLResponse(page)


def ontology(state: ServerState) -> list[pyoxigraph.Triple]:
    """The ontology document's statements (the ontology file's), read once."""
    return state.remember("ontology", lambda: ontology_document(resources.ontology_path()))


def ontology_terms(state: ServerState) -> frozenset[str]:
    """The IRIs the ontology document says something about."""
    return state.remember("ontology-terms", lambda: frozenset(t.subject.value for t in ontology(state)))


async def ontology_document_handler(request: Request) -> Response:
    """``/def`` (and ``/def/{version}``): the ontology document; its terms are hash IRIs."""
    state = _state(request)
    fmt = negotiation.choose(request.headers.get("accept"), DOCUMENT_FORMATS)
    if fmt is None:
        return error(request, 406, "the ontology comes as " + negotiation.accepted_list(DOCUMENT_FORMATS),
                     log_note="not-acceptable")
    headers = {"Vary": "Accept", "Link": ", ".join(
        f'</def.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in DOCUMENT_FORMATS if f is not fmt)}
    return await _ontology_variant(request, state, fmt, headers)


async def ontology_file(request: Request) -> Response:
    """``/def.ttl`` and the other suffixes."""
    fmt = _BY_SUFFIX.get(request.path_params["suffix"])
    if fmt is None:
        return error(request, 404, "no such ontology document", log_note="not-found")
    return await _ontology_variant(request, _state(request), fmt, {})


async def _ontology_variant(request: Request, state: ServerState, fmt: Format, headers: dict[str, str]) -> Response:
    base = state.settings.base_iri
    if fmt is TURTLE:
        return answer(request, resources.ontology_path().read_bytes(), state.last_modified,
                      media_type=fmt.content_type, headers=headers)

    def build() -> bytes:
        if fmt is HTML:
            page = _site_page(state, base + "def")
            return (page or html.ontology_page(as_rdflib(ontology(state)), base + "def",
                                               lambda i: local_path(i, base))).encode("utf-8")
        return document_bytes(ontology(state), fmt.name)

    body = await run_in_threadpool(build)
    if fmt is HTML:
        return answer(request, body, state.last_modified, headers={**headers, **_page_headers(body)},
                      response_class=HTMLResponse)
    return answer(request, body, state.last_modified, media_type=fmt.content_type, headers=headers)


async def ontology_term(request: Request) -> Response:
    """``/def/{Term}``: the term's page from citynet.publish.site, else ``/def#Term``; ``/def/0.1.0``: the ontology."""
    state = _state(request)
    name = request.path_params["term"]
    if _VERSION.match(name):
        return await ontology_document_handler(request)
    iri = f"{state.settings.base_iri}def#{name}"
    if not _TERM.match(name) or iri not in ontology_terms(state):
        return error(request, 404, f"the ontology has no term {name!r}", log_note="not-found")
    page = await run_in_threadpool(_site_page, state, iri)
    if page is not None and negotiation.choose(request.headers.get("accept"), (HTML, TURTLE)) is HTML:
        return HTMLResponse(page, headers={"Vary": "Accept"})
    return RedirectResponse(f"/def#{name}", status_code=303, headers={"Vary": "Accept"})


# ---------------------------------------------------------------- catalog and VoID

CATALOG_FORMATS = (TURTLE, RDFXML, JSONLD)


def catalog_handler(what: str) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        fmt = negotiation.choose(request.headers.get("accept"), CATALOG_FORMATS)
        if fmt is None:
            return error(request, 406, "the description comes as " + negotiation.accepted_list(CATALOG_FORMATS),
                         log_note="not-acceptable")
        state = _state(request)

        def build() -> bytes:
            with _lock:
                return state.remember(("catalog", what, fmt.name),
                                      lambda: catalog_document(state.graph, fmt.name, what=what).encode("utf-8"))

        try:
            body = await run_in_threadpool(build)
        except Exception as failure:  # a missing or broken publication config, say
            return error(request, 503, f"the {what.upper()} description cannot be built: {failure}",
                         log_note="catalog-failed")
        return answer(request, body, state.last_modified, media_type=fmt.content_type, headers={"Vary": "Accept"})

    return handler
