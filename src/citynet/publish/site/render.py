"""One page or one entity's data at a time, for a web server; and every file of the site."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from rdflib import URIRef

from citynet.formats import EXPORT_FORMATS
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.publish.site.collect import SiteModel, sort_key
from citynet.publish.site.i18n import DEFAULT, LANGUAGES, language
from citynet.publish.site.layout import Page, frame
from citynet.publish.site.legal import LEGAL_PAGES
from citynet.publish.site.maps import home_map
from citynet.publish.site.pages import all_pages, entity_page, home_page, kind_index_page, ontology_page
from citynet.publish.site.paths import (
    ONTOLOGY,
    SITE_BASE,
    Links,
    RelativeLinks,
    ServedLinks,
    kind_index_iri,
    language_folder,
    page_path,
)
from citynet.publish.site.rdfdata import DATA_FORMATS, data_file
from citynet.publish.site.style import CSS
from citynet.publish.site.values import View
from citynet.publish.site.webserver import HTACCESS, NGINX_TYPES, htaccess, nginx_types


def _links(path: str, base: str | None, lang: str = "en") -> Links:
    return RelativeLinks(path, lang) if base is None else ServedLinks(base, lang)


def _page_for(model: SiteModel, iri: str, view: View) -> Page | None:
    if iri == SITE_BASE:
        return home_page(view)
    if iri == ONTOLOGY:
        return ontology_page(view)
    if iri in LEGAL_PAGES:
        return LEGAL_PAGES[iri](view)
    for kind in model.kinds:
        if iri == kind_index_iri(kind):
            return kind_index_page(view, kind)
    entity = model.entity(URIRef(iri))
    return entity_page(view, entity) if entity is not None else None


def render_page(graph: KnowledgeGraph | None, iri: str, *, base: str | None = None,
                query_page: str | None = None, lang: str = "en") -> str | None:
    """The HTML page of ``iri``, or None if the site has no page for it.

    ``iri`` is an entity (``…/id/city/rostock``), an ontology term (``…/def#City``),
    the ontology (``…/def``), an index of one kind (``…/id/city/``) or the site
    (``https://w3id.org/citynet/``). With ``base=None`` the links are relative, and the
    page is byte for byte the one :func:`publish` writes. With ``base`` (``"/"``,
    ``"https://example.org/citynet/"``) links are absolute under it: pages as
    ``{base}id/city/rostock`` (no suffix, for content negotiation), data as
    ``{base}id/city/rostock.ttl`` and ``.jsonld``, the stylesheet as ``{base}style.css``
    (serve :data:`citynet.publish.site.CSS` there) and the ontology as ``{base}def``.
    ``query_page`` (a URL) adds a "Query" entry to the navigation. ``lang`` is the page's
    language (``"en"``, ``"de"``): German pages are the same paths below ``de/``.
    """
    graph = graph if graph is not None else shipped_graph()
    model = SiteModel.of(graph)
    path = page_path(iri)
    if path is None:
        return None
    with language(lang):
        view = View(model, _links(path, base, lang))
        page = _page_for(model, iri, view)
        return frame(view, page, query_page) if page is not None else None


def render_resource_page(graph: KnowledgeGraph, iri: str, *, base: str, data_path: str | None = None,
                         query_page: str | None = None, lang: str = "en") -> str | None:
    """The page of an IRI the graph knows but the site has no page for: its name and every
    statement about it and pointing to it (``templates/resource.html``), links under ``base``.
    ``data_path`` is where its data is served (``/doc/city/x`` for ``.ttl``, ``.jsonld``, ``.nt``).
    None if the graph says nothing about ``iri``."""
    with language(lang):
        return _resource_page(graph, iri, base=base, data_path=data_path, query_page=query_page, lang=lang)


def _resource_page(graph: KnowledgeGraph, iri: str, *, base: str, data_path: str | None, query_page: str | None,
                   lang: str) -> str | None:
    model = SiteModel.of(graph)
    view = View(model, ServedLinks(base, lang))
    node = URIRef(iri)
    statements = sorted(((model.property_label(p), o) for p, o in model.rdf.predicate_objects(node)),
                        key=lambda row: (sort_key(row[0]), model._order(row[1])))
    pointing = sorted(((s, model.property_label(p)) for s, p in model.rdf.subject_predicates(node)),
                      key=lambda row: (model._order(row[0]), sort_key(row[1])))
    if not statements and not pointing:
        return None
    data = {"statements": [(words, view.value(value)) for words, value in statements],
            "pointing": [(view.value(subject), words) for subject, words in pointing], "data_path": data_path}
    where = (data_path or "").lstrip("/")
    page = Page(path="", title=model.label(node, lang), template="resource.html", data=data, iri=iri,
                url=SITE_BASE + where + ".html" if data_path else iri,
                urls={code: SITE_BASE + language_folder(code) + where + ".html" for code in LANGUAGES} if where else {},
                hrefs={code: ServedLinks(base).base + language_folder(code) + where for code in LANGUAGES}
                if where else {})
    return frame(view, page, query_page)


def render_served_page(graph: KnowledgeGraph, page: Page, *, base: str, query_page: str | None = None,
                       lang: str = "en") -> str:
    """A page a server makes (``page.template`` extends layout.html), in the site's frame: the
    same head, navigation and footer as every page of the site, links under ``base``."""
    with language(lang):
        return frame(View(SiteModel.of(graph), ServedLinks(base, lang)), page, query_page)


def render_data(graph: KnowledgeGraph | None, iri: str, fmt: str) -> str | None:
    """The Turtle (``fmt="ttl"``) or JSON-LD (``"jsonld"``) published beside the page of
    ``iri``; None if the site has no data for it."""
    graph = graph if graph is not None else shipped_graph()
    model = SiteModel.of(graph)
    if fmt not in DATA_FORMATS:
        raise ValueError(f"unknown data format {fmt!r}: ttl or jsonld")
    if iri != ONTOLOGY and model.entity(URIRef(iri)) is None:
        return None
    return data_file(model, iri, fmt).decode("utf-8")


#: A file of the site: its text, its bytes, or a function that writes its bytes into a stream
#: (a download: written as it is made, never held whole). The writer of the site calls it before
#: it asks for the next file.
SiteFile = str | bytes | Callable[[BinaryIO], None]


def site_files(graph: KnowledgeGraph) -> Iterator[tuple[str, SiteFile]]:
    """Every file of the site as (relative path, content: see :data:`SiteFile`)."""
    model = SiteModel.of(graph)
    yield "style.css", CSS
    for lang in LANGUAGES:
        with language(lang):
            for page, view in all_pages(lambda path, lang=lang: View(model, RelativeLinks(path, lang))):  # type: ignore[misc]
                yield language_folder(lang) + page.path + ".html", frame(view, page)
                if lang == DEFAULT and page.has_data and page.iri:
                    for suffix in DATA_FORMATS:
                        yield f"{page.path}.{suffix}", data_file(model, page.iri, suffix)
    yield "map.svg", render_map(graph)
    yield from download_files(graph)
    yield HTACCESS, htaccess()
    yield NGINX_TYPES, nginx_types()


def download_files(graph: KnowledgeGraph) -> Iterator[tuple[str, SiteFile]]:
    """The exports and dataset descriptions at the addresses the DCAT catalog gives them
    (``config/publication.toml``), so a site hosted at the base URL serves what it describes.
    The catalog gives each export's size and checksum: those of the bytes written here, counted
    and hashed while they are written (so each export is written before the catalog is made)."""
    from citynet.publish import downloads
    from citynet.publish.catalog import catalog_document
    from citynet.publish.publication import load_config
    from citynet.publish.versions import release_downloads

    config = load_config()
    files: dict[str, downloads.Download] = {}

    def writer(fmt: str) -> Callable[[BinaryIO], None]:
        def write(stream: BinaryIO) -> None:
            files[fmt] = downloads.write_download(graph, config, fmt, stream)
        return write

    for fmt in EXPORT_FORMATS:
        yield downloads.download_path(config, fmt.name), writer(fmt.name)
    yield from release_downloads(graph, config)  # the dumps of earlier releases the catalog lists
    for path, (what, fmt_name) in downloads.description_files(config).items():
        if what == "dcat" and len(files) != len(EXPORT_FORMATS):
            raise RuntimeError("the downloads must be written before the catalog that describes them")
        yield path, catalog_document(graph, fmt_name, what, config, files if what == "dcat" else None)


def render_map(graph: KnowledgeGraph | None, *, base: str | None = None, lang: str = "en") -> str:
    """The home page's map as an SVG file of its own (``map.svg``): its points link to the
    places' pages, relative to the site's top folder, or under ``base`` as in :func:`render_page`."""
    model = SiteModel.of(graph if graph is not None else shipped_graph())
    with language(lang):
        figure = str(home_map(View(model, _links("index", base, lang))))  # plain text: not escaped
    start, end = figure.index("<svg"), figure.index("</svg>") + len("</svg>")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + figure[start:end] + "\n"
