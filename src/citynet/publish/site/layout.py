"""The frame every page shares (``templates/layout.html``): head, navigation, main, footer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from rdflib import URIRef

import citynet
from citynet.publish.site.collect import DCT, kind_name
from citynet.publish.site.paths import ONTOLOGY, kind_index_iri, page_path, page_url
from citynet.publish.site.schemaorg import script
from citynet.publish.site.templating import render
from citynet.publish.site.values import View

# The sections in the navigation, after "Home".
NAV_KINDS = ("network", "city", "region", "event", "topic", "source")
# An icon drawn inline, so that the browser asks no server for /favicon.ico.
FAVICON = ("data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%2016%2016'%3E"
           "%3Ccircle%20cx='8'%20cy='8'%20r='7'%20fill='%23083f6e'/%3E"
           "%3Ccircle%20cx='8'%20cy='8'%20r='3'%20fill='%23fff'/%3E%3C/svg%3E")


@dataclass
class Page:
    """One HTML page: where it lives, its template and what the template shows."""

    path: str
    title: str
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    section: str = ""  # the navigation entry this page belongs to
    iri: str | None = None  # the IRI the page describes
    has_data: bool = False  # .ttl and .jsonld beside the page
    schema: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    #: The address of the page itself, where people read it (``<link rel="canonical">``): not
    #: the IRI of the thing it describes, which answers 303 or depends on Accept. By default
    #: :func:`~citynet.publish.site.paths.page_url` of the page's path.
    url: str | None = None

    @property
    def canonical(self) -> str:
        return self.url or page_url(self.path)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool


def nav(view: View, current: str, query_page: str | None = None) -> list[NavItem]:
    """Home, the kinds of entity the graph has, the ontology (and the query page, when served)."""
    items = [("Home", view.links.page("index"), "home")]
    items += [(kind_name(k, plural=True), view.links.page(page_path(kind_index_iri(k)) or ""), k)
              for k in NAV_KINDS if k in view.model.kinds]
    items.append(("Ontology", view.links.page("def"), "def"))
    if query_page is not None:
        items.append(("Query", query_page, "query"))
    return [NavItem(label, href, key == current) for label, href, key in items]


def frame(view: View, page: Page, query_page: str | None = None) -> str:
    """The whole HTML page: ``page.template`` (which extends layout.html) with its data."""
    licence = view.model.value(URIRef(ONTOLOGY), DCT.license)
    return render(
        page.template, page=page, data=page.data, view=view, links=view.links, version=citynet.__version__,
        favicon=FAVICON, nav=nav(view, page.section, query_page),
        licence={"href": str(licence), "text": "CC BY 4.0" if "by/4.0" in str(licence) else str(licence)}
        if licence is not None else None,
        schema=[Markup(script(data)) for data in page.schema])  # noqa: S704 - script() escapes < > & itself
