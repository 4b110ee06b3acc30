"""One deployable: ``citynet serve`` answers everything ``citynet publish`` writes and everything
the catalog names, with the catalog's media types and the same bytes; a crawl of the server
from ``/`` and ``/query``, and of the static site from ``/``, finds no broken link.

Both run for real: the server as ``python -m citynet.server`` (tests/server_harness.py), the
static site from Python's file server, each on 127.0.0.1."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from citynet.publish.site import MARKER
from citynet.publish.site.webserver import HTACCESS, NGINX_TYPES, SITE_MEDIA_TYPES
from tests.crawl import PUBLIC_BASE, crawl
from tests.server_harness import server_fixtures
from tests.static_server import serving

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "https://www.iana.org/assignments/media-types/"
#: Files publish writes for the web server that hosts them, not content: nothing to serve.
NOT_CONTENT = {MARKER, HTACCESS, NGINX_TYPES}

server, http = server_fixtures()


@pytest.fixture(scope="module")
def catalog() -> Graph:
    """The catalog as ``citynet catalog`` prints it."""
    printed = subprocess.run([sys.executable, "-m", "citynet", "catalog"], capture_output=True, text=True,
                             check=True).stdout
    return Graph().parse(data=printed, format="turtle")


def media_type(answer) -> str:
    return answer.headers.get("content-type", "").split(";")[0].strip()


def local(iri: str) -> str:
    return "/" + iri[len(PUBLIC_BASE):]


# ---------------------------------------------------------------- the server


def test_a_crawl_of_the_server_from_home_and_query_finds_no_broken_link(server, http):
    result = crawl(http, server.base_url, ["/", "/query"])
    assert result.broken == []
    assert result.pages > 400 and result.links > 10_000  # every entity's page, twice: /id/… and its .html
    fetched = {url.removeprefix(server.base_url) for url in result.fetched}
    for path in ("/map.svg", "/def/City.ttl", "/def/City.jsonld", "/id/city/rostock.ttl", "/download/citynet.ttl",
                 "/download/citynet.geojson", "/catalog", "/.well-known/void", "/sparql", "/id/city/"):
        assert path in fetched, path
    print(f"server crawl: {result.pages} pages, {result.links} links, {len(result.fetched)} URLs, "
          f"{len(result.broken)} broken")


def test_every_iri_the_catalog_names_answers_with_the_catalogs_media_type(http, catalog):
    named = {str(node) for triple in catalog for node in triple if str(node).startswith(PUBLIC_BASE)}
    downloads = {str(catalog.value(d, DCAT.downloadURL)): d for d in catalog.subjects(DCAT.downloadURL, None)}
    described = {str(s) for kind in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService)
                 for s in catalog.subjects(RDF.type, kind)}
    assert len(downloads) == 8 and {PUBLIC_BASE + "catalog", PUBLIC_BASE + "dataset"} <= described
    for iri in sorted(named):
        answer = http.get(local(iri), headers={"Accept": "text/turtle"} if iri in described else {},
                          follow_redirects=True)
        assert answer.status_code == 200, iri
        if iri in downloads:
            distribution = downloads[iri]
            assert IANA + media_type(answer) == str(catalog.value(distribution, DCAT.mediaType)), iri
            assert len(answer.content) == int(catalog.value(distribution, DCAT.byteSize)), iri
            checksum = catalog.value(catalog.value(distribution, SPDX.checksum), SPDX.checksumValue)
            assert hashlib.sha256(answer.content).hexdigest() == str(checksum), iri
        elif iri in described:
            assert media_type(answer) == "text/turtle", iri
            assert (URIRef(iri), None, None) in Graph().parse(data=answer.text, format="turtle"), iri


def test_the_server_serves_every_file_publish_writes(http, site):
    """The same path, the media type a web server gets from the shipped mapping, and for
    everything but the pages and the map (whose links are the server's) the same bytes."""
    files = [p for p in site.rglob("*") if p.is_file() and p.name not in NOT_CONTENT]
    assert len(files) > 700
    for path in files:
        relative = path.relative_to(site).as_posix()
        answer = http.get("/" + relative)
        assert answer.status_code == 200, relative
        assert media_type(answer) == SITE_MEDIA_TYPES[path.suffix], relative
        if path.suffix not in (".html", ".svg"):
            assert answer.content == path.read_bytes(), relative


def test_downloads_answer_conditional_gets_with_the_catalogs_checksum(http, catalog):
    distribution = next(d for d in catalog.subjects(DCAT.downloadURL, None)
                        if str(catalog.value(d, DCAT.downloadURL)).endswith(".ttl"))
    checksum = str(catalog.value(catalog.value(distribution, SPDX.checksum), SPDX.checksumValue))
    first = http.get("/download/citynet.ttl")
    assert first.headers["etag"] == f'"{checksum[:32]}"'
    assert http.get("/download/citynet.ttl", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert http.get("/download/citynet.ttl", headers={"If-Modified-Since": first.headers["last-modified"]}
                    ).status_code == 304
    head = http.head("/download/citynet.ttl")
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(first.content)


@pytest.mark.parametrize("path", [
    "/download/citynet.xyz", "/download/", "/catalog.xyz", "/void.rdf", "/dataset/nothing", "/catalog/service/nothing",
    "/nothing", "/def/NoSuchTerm.ttl", "/def/City.xyz", "/id/city/atlantis.html", "/id/nothing/index.html",
    "/.htaccess", "/nginx-types.conf"])
def test_unknown_paths_are_a_clear_404(http, path):
    answer = http.get(path)
    assert answer.status_code == 404, path
    assert media_type(answer) == "text/plain" and "Traceback" not in answer.text


def test_odd_accept_headers_get_406_not_an_error(http):
    for path in ("/dataset", "/catalog", "/catalog/service/sparql"):
        answer = http.get(path, headers={"Accept": "image/png"})
        assert answer.status_code == 406, path
        assert "text/turtle" in answer.text


def test_canonical_links_point_at_the_pages_people_read(http):
    for path, canonical in (("/id/city/rostock", PUBLIC_BASE + "id/city/rostock.html"),
                            ("/def/City", PUBLIC_BASE + "def/City.html"), ("/def", PUBLIC_BASE + "def.html"),
                            ("/id/city/", PUBLIC_BASE + "id/city/"), ("/", PUBLIC_BASE),
                            ("/query", PUBLIC_BASE + "query")):
        page = http.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert re.search(f'<link rel="canonical" href="{re.escape(canonical)}">', page.text), path
        target = http.get(local(canonical), headers={"Accept": "text/html"})
        assert target.status_code == 200 and media_type(target) == "text/html", canonical  # a page, not a 303


def test_the_query_page_and_the_site_are_one_product(http):
    """The same frame: stylesheet, header, navigation (with the query page) and footer."""
    query = http.get("/query").text
    rostock = http.get("/id/city/rostock.html").text
    for page in (query, rostock):
        assert '<link rel="stylesheet" href="/style.css">' in page
        assert '<header class="site"><a href="/" class="brand">citynet</a>' in page
        assert '<a href="/query"' in page and '<footer class="site">' in page
    assert 'aria-current="page">Query</a>' in query


# ---------------------------------------------------------------- the static site


def test_a_crawl_of_the_static_site_finds_no_broken_link(site):
    with serving(site, SITE_MEDIA_TYPES) as (base, _), httpx.Client(timeout=30) as client:
        result = crawl(client, base, ["/"])
    assert result.broken == []
    fetched = {url.removeprefix(base.rstrip("/")) for url in result.fetched}
    fetched |= {path + "index.html" for path in fetched if path.endswith("/")}  # a folder's index.html
    pages = {"/" + p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert pages <= fetched  # every page of the site is reachable from its home page
    assert result.links > 8000
    print(f"static site crawl: {result.pages} pages, {result.links} links, {len(result.fetched)} URLs, "
          f"{len(result.broken)} broken")


def test_the_static_site_ships_the_media_types_for_web_servers(site, catalog):
    apache = dict(re.findall(r"^AddType (\S+) (\.\w+)$", (site / HTACCESS).read_text(encoding="utf-8"), re.M))
    apache = {suffix: kind for kind, suffix in apache.items()}
    nginx_text = (site / NGINX_TYPES).read_text(encoding="utf-8")
    nginx = {"." + suffix: kind for kind, suffix in re.findall(r"^\s+(\S+/\S+)\s+(\w+);$", nginx_text, re.M)}
    suffixes = {p.suffix for p in site.rglob("*") if p.is_file() and p.name not in NOT_CONTENT}
    assert apache == nginx == SITE_MEDIA_TYPES and suffixes <= set(SITE_MEDIA_TYPES)
    for distribution in catalog.subjects(DCAT.downloadURL, None):
        suffix = Path(str(catalog.value(distribution, DCAT.downloadURL))).suffix
        assert IANA + apache[suffix] == str(catalog.value(distribution, DCAT.mediaType))


def test_the_servers_downloads_are_made_once_and_remade_when_a_file_is_damaged(graph, tmp_path, monkeypatch):
    from citynet.publish.downloads import download_path
    from citynet.publish.exports import MEDIA_TYPES, export_bytes
    from citynet.publish.publication import load_config
    from citynet.server.downloads import _prepare, cache_folder

    monkeypatch.setenv("CITYNET_CACHE_DIR", str(tmp_path))
    config = load_config()
    first = _prepare(graph, config)
    expected = {download_path(config, fmt): export_bytes(graph, fmt) for fmt in MEDIA_TYPES}
    assert {path: stored.file.read_bytes() for path, stored in first.items()} == expected
    assert cache_folder(graph).is_relative_to(tmp_path)
    ttl = first["download/citynet.ttl"].file
    made = ttl.stat().st_mtime_ns
    assert _prepare(graph, config)["download/citynet.ttl"].file.stat().st_mtime_ns == made  # reused
    ttl.write_bytes(ttl.read_bytes()[:100])  # cut short
    again = _prepare(graph, config)
    assert again["download/citynet.ttl"].file.read_bytes() == expected["download/citynet.ttl"]
