"""Dereferenceable IRIs on a real server: 303 from /id/… to /doc/…, content negotiation
with Vary and Link headers, the ontology at /def (hash IRIs), the DCAT catalog and VoID."""

from __future__ import annotations

import json

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

import citynet
from tests.server_harness import server_fixtures

ROSTOCK = URIRef("https://w3id.org/citynet/id/city/rostock")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")


server, http = server_fixtures()


def test_a_data_iri_is_a_303_to_its_description(http):
    answer = http.get("/id/city/rostock", headers={"Accept": "text/turtle"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/doc/city/rostock"
    assert "Accept" in answer.headers["vary"]
    assert '</doc/city/rostock>; rel="describedby"' in answer.headers["link"]


@pytest.mark.parametrize(("accept", "media_type", "parser", "suffix"), [
    ("text/turtle", "text/turtle", "turtle", "ttl"),
    ("application/ld+json", "application/ld+json", "json-ld", "jsonld"),
    ("application/json", "application/ld+json", "json-ld", "jsonld"),  # plain JSON: JSON-LD
    ("application/n-triples", "application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml", "rdf"),
    ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle", "turtle", "ttl"),
    (None, "text/turtle", "turtle", "ttl"),
])
def test_machines_get_rdf_by_content_negotiation(http, accept, media_type, parser, suffix):
    headers = {"Accept": accept} if accept else {}
    answer = http.get("/id/city/rostock", headers=headers, follow_redirects=True)
    assert answer.status_code == 200
    assert str(answer.url).endswith("/doc/city/rostock")
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert answer.headers["content-location"] == f"/doc/city/rostock.{suffix}"
    assert "Accept" in answer.headers["vary"]
    links = answer.headers["link"]
    assert f'<{ROSTOCK}>; rel="describes"' in links
    assert all(f"/doc/city/rostock.{other}>" in links for other in {"ttl", "jsonld", "nt", "html"} - {suffix})
    graph = Graph().parse(data=answer.text, format=parser)
    # The canonical w3id IRIs stay in the data; the server only answers for them.
    assert (ROSTOCK, RDFS.label, Literal("Rostock", lang="en")) in graph
    memberships = set(graph.subjects(URIRef("http://www.w3.org/ns/org#member"), ROSTOCK))
    assert len(memberships) == 4  # the statements that point to Rostock are there too


def test_the_description_matches_the_graph(http):
    answer = http.get("/doc/city/rostock.nt")
    assert answer.status_code == 200 and "Accept" not in answer.headers.get("vary", "")
    served = Graph().parse(data=answer.text, format="nt")
    source = citynet.shipped_graph().rdflib_graph
    own = {(p, o) for p, o in source.predicate_objects(ROSTOCK)}
    assert own <= set(served.predicate_objects(ROSTOCK))


def test_browsers_get_html(http):
    answer = http.get("/id/network/icncm", headers={"Accept": BROWSER}, follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-location"] == "/doc/network/icncm.html"
    assert "International City Network for Crisis Management" in answer.text
    assert "<script src=" not in answer.text
    # Links to other entities are this server's paths, not the w3id.org ones.
    assert 'href="/id/city/' in answer.text


def test_documents_by_suffix_and_the_site_links(http):
    for path in ("/doc/network/ubc.ttl", "/id/network/ubc.ttl"):
        answer = http.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    jsonld = http.get("/id/network/ubc.jsonld")
    assert jsonld.status_code == 200
    assert json.loads(jsonld.text)
    assert http.get("/doc/network/ubc.html").headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/id/city/atlantis", "/doc/city/atlantis", "/id/city/..", "/id/..%2F..%2Fetc/x",
                                  "/doc/city/atlantis.ttl", "/id/nothing/rostock"])
def test_unknown_iris_are_404(http, path):
    answer = http.get(path, headers={"Accept": "text/turtle"})
    assert answer.status_code == 404


def test_unsupported_accept_is_406(http):
    answer = http.get("/doc/city/rostock", headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert "text/turtle" in answer.text


def test_every_kind_of_entity_dereferences(http):
    rdf = citynet.shipped_graph().rdflib_graph
    kinds: dict[str, str] = {}
    for subject in set(rdf.subjects()):
        text = str(subject)
        if text.startswith("https://w3id.org/citynet/id/"):
            kind = text.split("/")[5]
            kinds.setdefault(kind, text)
    assert len(kinds) >= 8
    for iri in kinds.values():
        path = iri.removeprefix("https://w3id.org/citynet")
        answer = http.get(path, headers={"Accept": "application/n-triples"}, follow_redirects=True)
        assert answer.status_code == 200, path
        assert (URIRef(iri), None, None) in Graph().parse(data=answer.text, format="nt")


def test_ontology_terms_are_hash_iris_served_by_def(http):
    turtle = http.get("/def", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Accept" in turtle.headers["vary"]
    ontology = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef("https://w3id.org/citynet/def"), RDF.type, OWL.Ontology) in ontology
    assert (URIRef("https://w3id.org/citynet/def#CityNetwork"), RDF.type, OWL.Class) in ontology
    jsonld = http.get("/def", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(ontology)
    page = http.get("/def", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="CityNetwork"' in page.text  # /def#CityNetwork lands on the term
    assert http.get("/def/0.1.0", headers={"Accept": "text/turtle"}).text == turtle.text
    term = http.get("/def/CityNetwork", headers={"Accept": BROWSER})
    assert term.status_code in (200, 303)
    if term.status_code == 303:
        assert term.headers["location"] == "/def#CityNetwork"
    assert http.get("/def/NoSuchTerm").status_code == 404


@pytest.mark.parametrize(("path", "kind"), [("/catalog", DCAT.Catalog), ("/.well-known/void", VOID.Dataset)])
def test_catalog_and_void_by_content_negotiation(http, path, kind):
    for accept, parser in (("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                           ("application/ld+json", "json-ld")):
        answer = http.get(path, headers={"Accept": accept})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == accept
        assert (None, RDF.type, kind) in Graph().parse(data=answer.text, format=parser)
    assert http.get(path, headers={"Accept": "text/csv"}).status_code == 406


# ---------------------------------------------------------------- conditional GETs

CONDITIONAL = [
    ("/catalog", {"Accept": "text/turtle"}),
    ("/catalog", {"Accept": "application/ld+json"}),
    ("/.well-known/void", {"Accept": "application/rdf+xml"}),
    ("/doc/city/rostock", {"Accept": "text/turtle"}),
    ("/doc/city/rostock", {"Accept": "text/html"}),
    ("/def", {"Accept": "text/turtle"}),
    ("/style.css", {}),
    ("/static/query.js", {}),
    ("/query", {}),
]


@pytest.mark.parametrize(("path", "headers"), CONDITIONAL, ids=[f"{p} {h}" for p, h in CONDITIONAL])
def test_conditional_get_answers_304_for_what_the_client_has(http, path, headers):
    """A harvester that sends back the ETag or the date it got skips an unchanged document."""
    first = http.get(path, headers=headers)
    assert first.status_code == 200
    tag, date = first.headers["etag"], first.headers["last-modified"]
    assert tag.startswith('"') and tag.endswith('"')
    again = http.get(path, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert http.get(path, headers={**headers, "If-None-Match": f'"other", W/{tag}'}).status_code == 304
    assert http.get(path, headers={**headers, "If-Modified-Since": date}).status_code == 304
    # a different tag, or an earlier date, gets the document
    changed = http.get(path, headers={**headers, "If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content
    assert http.get(path, headers={**headers, "If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110): a stale tag gets the document
    assert http.get(path, headers={**headers, "If-None-Match": '"stale"', "If-Modified-Since": date}).status_code == 200
    assert http.get(path, headers={**headers, "If-Modified-Since": "not a date"}).status_code == 200


def test_each_variant_has_its_own_etag(http):
    turtle = http.get("/catalog", headers={"Accept": "text/turtle"})
    jsonld = http.get("/catalog", headers={"Accept": "application/ld+json"})
    assert turtle.headers["etag"] != jsonld.headers["etag"]
    assert turtle.headers["last-modified"] == jsonld.headers["last-modified"]
    assert http.get("/catalog", headers={"Accept": "text/turtle", "If-None-Match": jsonld.headers["etag"]}
                    ).status_code == 200
    assert "Accept" in http.get("/catalog", headers={"Accept": "text/turtle",
                                                     "If-None-Match": turtle.headers["etag"]}).headers["vary"]
