"""The Jinja2 templates of the site and the server: text from the graph is always escaped, a
page for an IRI the site has no page for, and pages made from the store alone (no rdflib copy
of the whole graph)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.publish.entity_document import entity_document
from citynet.publish.site import Page, publish, render_page, render_resource_page, render_served_page
from citynet.publish.site.templating import environment

HOSTILE = '<script>alert("x")</script> & <b onclick="y">'
DATA = f"""
@prefix cn: <https://w3id.org/citynet/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/citynet/id/city/hostile> a cn:City ; rdfs:label {HOSTILE!r}@en ;
    dct:source <https://w3id.org/citynet/id/source/hostile> .
<https://w3id.org/citynet/id/source/hostile> a cn:Source ; rdfs:label "A source"@en ;
    cn:quote {HOSTILE!r}@en .
<https://w3id.org/citynet/id/thing/index> rdfs:label {HOSTILE!r}@en ;
    rdfs:seeAlso <https://w3id.org/citynet/id/city/hostile> .
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> KnowledgeGraph:
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(DATA, encoding="utf-8")
    return KnowledgeGraph([path])


def test_text_from_the_graph_is_escaped_on_every_page(hostile):
    for base in (None, "/"):
        page = render_page(hostile, "https://w3id.org/citynet/id/city/hostile", base=base)
        assert page is not None and HOSTILE not in page and "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b onclick=&#34;y&#34;&gt;" in page
    resource = render_resource_page(hostile, "https://w3id.org/citynet/id/thing/index", base="/",
                                    data_path="/doc/thing/index")
    assert resource is not None and "<script>alert" not in resource and "&lt;script&gt;" in resource


def test_every_template_escapes():
    assert environment().autoescape is True
    assert environment().from_string("{{ text }}").render(text="<a>") == "&lt;a&gt;"


def test_an_iri_without_a_site_page_gets_a_plain_page_in_the_same_frame(hostile):
    iri = "https://w3id.org/citynet/id/thing/index"  # "index" names a kind's index on the site: no page of its own
    assert render_page(hostile, iri, base="/") is None
    page = render_resource_page(hostile, iri, base="/", data_path="/doc/thing/index", query_page="/query")
    assert page is not None
    assert '<header class="site">' in page and '<a href="/query">Query</a>' in page
    assert '<thead><tr><th scope="col">Property</th><th scope="col">Value</th></tr></thead>' in page
    assert 'href="/id/city/hostile"' in page and 'href="/doc/thing/index.ttl"' in page
    assert '<link rel="canonical" href="https://w3id.org/citynet/doc/thing/index.html">' in page
    assert render_resource_page(hostile, "https://w3id.org/citynet/id/thing/nothing", base="/") is None


def test_a_served_page_has_the_sites_frame(hostile):
    page = render_served_page(hostile, Page(path="query", title="Query", template="query.html", section="query",
                                            data={"example": "SELECT * {}", "services": [("A", "/a", "b")]}),
                              base="/", query_page="/query")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert 'aria-current="page">Query</a>' in page and '<textarea id="query"' in page


def test_the_site_and_its_data_come_from_the_store_alone(tmp_path: Path, monkeypatch):
    """No rdflib graph of the whole data: at a million triples it takes gigabytes."""
    graph = KnowledgeGraph()

    def refuse(self: KnowledgeGraph) -> None:
        raise AssertionError("the whole graph was copied into rdflib")

    monkeypatch.setattr(KnowledgeGraph, "rdflib_graph", property(refuse))
    assert publish(graph, tmp_path / "site").pages > 250
    assert render_page(graph, "https://w3id.org/citynet/id/city/rostock", base="/", query_page="/query")
    assert len(entity_document(graph.store, "https://w3id.org/citynet/id/city/rostock")) == 42
