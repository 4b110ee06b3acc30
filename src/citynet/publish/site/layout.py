"""The frame every page shares: head, navigation, main content, footer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

import citynet
from citynet.publish.site.collect import DCT, kind_name
from citynet.publish.site.markup import Markup, el, join
from citynet.publish.site.paths import ONTOLOGY, kind_index_iri, page_path
from citynet.publish.site.schemaorg import script
from citynet.publish.site.values import View

# The sections in the navigation: (label, page path).
NAV_KINDS = ("network", "city", "region", "event", "topic", "source")
# An icon drawn inline, so that the browser asks no server for /favicon.ico.
FAVICON = ("data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%2016%2016'%3E"
           "%3Ccircle%20cx='8'%20cy='8'%20r='7'%20fill='%23083f6e'/%3E"
           "%3Ccircle%20cx='8'%20cy='8'%20r='3'%20fill='%23fff'/%3E%3C/svg%3E")


@dataclass
class Page:
    """One HTML page to be framed: where it lives, what it shows."""

    path: str
    title: str
    main: Markup
    section: str = ""  # the navigation entry this page belongs to
    iri: str | None = None  # the IRI the page describes (for rel=alternate data and the footer)
    has_data: bool = False  # .ttl and .jsonld beside the page
    schema: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""


def nav(view: View, current: str) -> Markup:
    items = [("Home", "index", "home")]
    kinds = [k for k in NAV_KINDS if k in view.model.kinds]
    items += [(kind_name(k, plural=True), page_path(kind_index_iri(k)) or "", k) for k in kinds]
    items.append(("Ontology", "def", "def"))
    return el("nav", el("ul", [
        el("li", el("a", label, href=view.links.page(path), aria_current="page" if key == current else None))
        for label, path, key in items]), aria_label="Site")


def frame(view: View, page: Page) -> str:
    links = view.links
    head = [
        Markup('<meta charset="utf-8">'),
        el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        el("title", f"{page.title} · citynet"),
        el("meta", name="description", content=page.description) if page.description else None,
        el("meta", name="generator", content=f"citynet {citynet.__version__}"),
        el("link", rel="stylesheet", href=links.asset("style.css")),
        el("link", rel="icon", href=FAVICON, type="image/svg+xml"),
    ]
    if page.iri:
        head.append(el("link", rel="canonical", href=page.iri))
    if page.has_data:
        head.append(el("link", rel="alternate", type="text/turtle", href=links.page(page.path, "ttl"),
                       title="This page's data as Turtle"))
        head.append(el("link", rel="alternate", type="application/ld+json", href=links.page(page.path, "jsonld"),
                       title="This page's data as JSON-LD"))
    for data in page.schema:
        head.append(Markup(f'<script type="application/ld+json">\n{script(data)}\n</script>'))

    licence = view.model.value(URIRef(ONTOLOGY), DCT.license)
    footer = [
        "citynet: what cities publish about their international networks, as linked data. ",
        el("a", "About the data and the ontology", href=links.page("def")), ". ",
    ]
    if licence is not None:
        footer += ["Licence: ", el("a", "CC BY 4.0" if "by/4.0" in str(licence) else str(licence), href=str(licence),
                                   class_="external"), ". "]
    if page.has_data:
        footer += ["This page as data: ", el("a", "Turtle", href=links.page(page.path, "ttl")), ", ",
                   el("a", "JSON-LD", href=links.page(page.path, "jsonld")), "."]
    body = [
        el("a", "Skip to the content", href="#content", class_="skip"),
        el("header", el("a", "citynet", href=links.page("index"), class_="brand"), nav(view, page.section),
           class_="site"),
        el("main", page.main, id="content"),
        el("footer", el("p", footer), class_="site"),
    ]
    newline = Markup("\n")
    return "<!DOCTYPE html>\n" + el("html", newline, el("head", newline, join(head, newline), newline), newline,
                                    el("body", newline, join(body, newline), newline), newline, lang="en") + "\n"
