"""Dereferenceable IRIs, following W3C "Cool URIs for the Semantic Web".

**Which IRIs.** Data IRIs are ``{base}id/{kind}/{slug}`` with ``base`` =
``https://w3id.org/citynet/`` (``Settings.base_iri``). The server answers for them at
the same path: ``https://w3id.org/citynet/id/city/rostock`` is ``/id/city/rostock``
here, and every file the static site has for it (``/id/city/rostock.html``, ``.ttl``,
``.jsonld``, ``/id/city/index.html``, ``/def/City.ttl`` …) is served at the site's path
too. Deployed, w3id.org forwards ``/citynet/*`` to this server with the rest of the path
kept (a rewrite of the base only); the documents keep the canonical w3id IRIs.

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
too, and ``/def/{Term}`` is the term's own page (HTML), or a redirect to ``/def#Term``;
``/def/{Term}.ttl`` (``.jsonld``, ``.nt``, ``.rdf``, ``.html``) is the term's entity document.

**What a description holds.** The entity document of :mod:`citynet.publish.entity_document`,
the same the static site publishes: the entity's own statements with the blank nodes they
lead to, the statements that point to it, and the labels of the things on either side. It is
read from the Oxigraph store; the server holds no rdflib copy of the graph.

**HTML** is the static site's page (:mod:`citynet.server.site_pages`); an IRI the site has no
page for gets a plain page in the same frame (its name and a table of its statements).
"""

from __future__ import annotations

import re

import pyoxigraph
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from citynet import resources
from citynet.publish.entity_document import document_bytes, entity_document, exists, ontology_document
from citynet.server import negotiation
from citynet.server.conditional import answer
from citynet.server.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format
from citynet.server.responses import error
from citynet.server.site_pages import html_answer, resource_page
from citynet.server.site_pages import site_page as _site_page  # state.py builds the site's model with it
from citynet.server.state import ServerState

_SEGMENT = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,200}$")
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,200}$")
_VERSION = re.compile(r"^\d+(\.\d+){1,3}$")
DOCUMENT_FORMATS: tuple[Format, ...] = (TURTLE, HTML, JSONLD, NTRIPLES, RDFXML)
_BY_SUFFIX = {f.suffix: f for f in DOCUMENT_FORMATS}
#: What the static site calls an index of one kind: ``id/city/index.html``.
_INDEX_FILE = "index.html"


def _state(request: Request) -> ServerState:
    return request.app.state.citynet


def split_suffix(slug: str) -> tuple[str, Format | None]:
    stem, dot, suffix = slug.rpartition(".")
    if dot and suffix in _BY_SUFFIX:
        return stem, _BY_SUFFIX[suffix]
    return slug, None


def _links(path: str, current: Format | None) -> str:
    return ", ".join(f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
                     for f in DOCUMENT_FORMATS if f is not current)


def _not_acceptable(request: Request, what: str) -> Response:
    return error(request, 406, f"{what} comes as " + negotiation.accepted_list(DOCUMENT_FORMATS),
                 log_note="not-acceptable")


# ---------------------------------------------------------------- entities


async def entity(request: Request) -> Response:
    """``/id/{kind}/{slug}``: 303 to the description (or, with a suffix, the document itself);
    ``/id/{kind}/index.html``: the index of the kind, as the static site names it."""
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    if slug == _INDEX_FILE:
        return await kind_index(request)
    stem, suffix = split_suffix(slug)
    if suffix is not None:
        return await _document(request, kind, stem, suffix)
    state = _state(request)
    if not (_SEGMENT.match(kind) and _SEGMENT.match(slug)) \
            or not exists(state.graph.store, f"{state.settings.base_iri}id/{kind}/{slug}"):
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
    if not (_SEGMENT.match(kind) and _SEGMENT.match(slug)) or not exists(state.graph.store, iri):
        return error(request, 404, f"nothing is known as {iri}", log_note="not-found")
    fmt = fixed or negotiation.choose(request.headers.get("accept"), DOCUMENT_FORMATS)
    if fmt is None:
        return _not_acceptable(request, "an entity's description")
    path = f"/doc/{kind}/{slug}"
    headers = {"Link": f'<{iri}>; rel="describes", ' + _links(path, fmt)}
    if fixed is None:
        headers.update({"Vary": "Accept", "Content-Location": f"{path}.{fmt.suffix}"})
    if fmt is HTML:
        page = await run_in_threadpool(lambda: _site_page(state, iri) or resource_page(state, iri, path))
        if page is None:  # pragma: no cover - the graph knows the IRI, so the plain page has statements
            return error(request, 404, f"no page for {iri}", log_note="not-found")
        return html_answer(request, state, page, headers)
    body = await run_in_threadpool(lambda: document_bytes(entity_document(state.graph.store, iri), fmt.name))
    return answer(request, body, state.last_modified, media_type=fmt.content_type, headers=headers)


async def kind_index(request: Request) -> Response:
    """``/id/{kind}/``: the site's index page of a kind, when citynet.publish.site provides one."""
    state = _state(request)
    kind = request.path_params["kind"]
    page = None
    if _SEGMENT.match(kind):
        page = await run_in_threadpool(_site_page, state, f"{state.settings.base_iri}id/{kind}/")
    if page is None:
        return error(request, 404, f"no index of {kind!r}", log_note="not-found")
    return html_answer(request, state, page)


# ---------------------------------------------------------------- the ontology


def ontology(state: ServerState) -> list[pyoxigraph.Triple]:
    """The ontology document's statements (the ontology file's), read once."""
    return state.remember("ontology", lambda: ontology_document(resources.ontology_path()))


def ontology_terms(state: ServerState) -> frozenset[str]:
    """The IRIs the ontology document says something about."""
    return state.remember("ontology-terms", lambda: frozenset(
        t.subject.value for t in ontology(state) if isinstance(t.subject, pyoxigraph.NamedNode)))


async def ontology_document_handler(request: Request) -> Response:
    """``/def`` (and ``/def/{version}``): the ontology document; its terms are hash IRIs."""
    fmt = negotiation.choose(request.headers.get("accept"), DOCUMENT_FORMATS)
    if fmt is None:
        return _not_acceptable(request, "the ontology")
    headers = {"Vary": "Accept", "Link": ", ".join(
        f'</def.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in DOCUMENT_FORMATS if f is not fmt)}
    return await _ontology_variant(request, _state(request), fmt, headers)


async def ontology_file(request: Request) -> Response:
    """``/def.ttl`` and the other suffixes."""
    fmt = _BY_SUFFIX.get(request.path_params["suffix"])
    if fmt is None:
        return error(request, 404, "no such ontology document", log_note="not-found")
    return await _ontology_variant(request, _state(request), fmt, {})


async def _ontology_variant(request: Request, state: ServerState, fmt: Format, headers: dict[str, str]) -> Response:
    if fmt is TURTLE:  # the file as it is
        return answer(request, resources.ontology_path().read_bytes(), state.last_modified,
                      media_type=fmt.content_type, headers=headers)
    if fmt is HTML:
        page = await run_in_threadpool(_site_page, state, state.settings.base_iri + "def")
        if page is None:  # pragma: no cover - the site always has the ontology's page
            return error(request, 404, "no page for the ontology", log_note="not-found")
        return html_answer(request, state, page, headers)
    body = await run_in_threadpool(lambda: document_bytes(ontology(state), fmt.name))
    return answer(request, body, state.last_modified, media_type=fmt.content_type, headers=headers)


async def ontology_term(request: Request) -> Response:
    """``/def/{Term}``: the term's page, else ``/def#Term``; ``/def/{Term}.ttl`` (and the other
    suffixes): the term's own document, as the static site has it; ``/def/0.1.0``: the ontology."""
    state = _state(request)
    name = request.path_params["term"]
    if _VERSION.match(name):
        return await ontology_document_handler(request)
    name, fixed = split_suffix(name)
    iri = f"{state.settings.base_iri}def#{name}"
    if not _TERM.match(name) or iri not in ontology_terms(state):
        return error(request, 404, f"the ontology has no term {name!r}", log_note="not-found")
    if fixed is not None and fixed is not HTML:
        body = await run_in_threadpool(lambda: document_bytes(entity_document(state.graph.store, iri), fixed.name))
        return answer(request, body, state.last_modified, media_type=fixed.content_type,
                      headers={"Link": f'<{iri}>; rel="describes"'})
    page = await run_in_threadpool(_site_page, state, iri)
    wants_html = fixed is HTML or negotiation.choose(request.headers.get("accept"), (HTML, TURTLE)) is HTML
    if page is not None and wants_html:
        return html_answer(request, state, page, {} if fixed else {"Vary": "Accept"})
    return RedirectResponse(f"/def#{name}", status_code=303, headers={"Vary": "Accept"})
