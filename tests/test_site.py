"""The published site: one page per entity, links that resolve, data that parses, nothing
loaded from another host, safe replacement of OUTDIR; and what a person sees in a real
browser (Debian's chromium, headless; skipped when /usr/bin/chromium is missing)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph, URIRef

import citynet
from citynet.errors import InputError
from citynet.publish.site import MARKER, page_path, publish, render_data, render_map, render_page

from .browser import assert_offline, chromium, needs_chromium
from .static_server import serving

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BASE = "https://w3id.org/citynet/"
ID = BASE + "id/"
PREFIXES = """
PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""
# Folder of the site → the classes whose entities it holds: the kinds a person browses.
KINDS = {
    "network": "cn:CityNetwork",
    "city": "cn:City",
    "region": "cn:Region",
    "membership": "org:Membership",
    "event": "cn:ConferenceSeries cn:ConferenceEdition cn:FoundingEvent",
    "topic": "skos:Concept skos:ConceptScheme",
    "source": "cn:Source",
}
# Elements that make the browser load something, and the attributes that say what.
LOADING = {"img": ("src", "srcset"), "script": ("src",), "iframe": ("src",), "frame": ("src",),
           "embed": ("src",), "object": ("data",), "source": ("src", "srcset"), "track": ("src",),
           "audio": ("src",), "video": ("src", "poster"), "input": ("src",), "image": ("href",),
           "use": ("href",), "feimage": ("href",)}
LOADING_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "prefetch", "preconnect",
                     "dns-prefetch", "modulepreload", "manifest", "prerender", "mask-icon"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def count(graph: citynet.KnowledgeGraph, where: str) -> int:
    rows = citynet.sparql(PREFIXES + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}", graph)
    return next(iter(rows)).n


def iris(graph: citynet.KnowledgeGraph, where: str) -> set[str]:
    return {str(row.e) for row in citynet.sparql(PREFIXES + f"SELECT DISTINCT ?e WHERE {{ {where} }}", graph)}


@pytest.fixture(scope="module")
def site(graph, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    publish(graph, out)
    return out


class Page(HTMLParser):
    """What the tests look at in one HTML (or SVG) file."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, dict[str, str]]] = []  # (tag, url, attributes)
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.scripts: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._script: str | None = None
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        for name in ("href", "src", "data", "poster", "xlink:href"):
            if name in a:
                self.links.append((tag, a[name], a))
        if "srcset" in a:
            for candidate in a["srcset"].split(","):
                self.links.append((tag, candidate.strip().split(" ")[0], a))
        if tag == "script":
            self._script = a.get("type", "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"end tag for void element {tag}")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))
        else:
            self.text.append(data)

    def count(self, tag: str, **attrs: str) -> int:
        return sum(1 for t, a in self.tags if t == tag and all(v in a.get(k, "").split() for k, v in attrs.items()))


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def entity_pages(site: Path, folder: str) -> set[str]:
    """IRIs of the entity pages in one folder of the site (its index left out)."""
    return {ID + folder + "/" + p.stem for p in (site / "id" / folder).glob("*.html") if p.name != "index.html"}


def visible_text(page: Page) -> str:
    return " ".join(" ".join(page.text).split())


# ---------------------------------------------------------------- what is published


@pytest.mark.parametrize("folder", sorted(KINDS))
def test_one_page_per_entity_of_each_kind(graph, site, folder):
    of_kind = f"VALUES ?class {{ {KINDS[folder]} }} ?e a ?class . FILTER (STRSTARTS(STR(?e), \"{ID}{folder}/\"))"
    in_folder = f'?e ?p ?o . FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{ID}{folder}/"))'
    published = entity_pages(site, folder)
    assert count(graph, of_kind) > 0
    assert iris(graph, of_kind) <= published
    assert len(published) == count(graph, in_folder)  # e.g. event/ also holds the series' schedule
    assert (site / "id" / folder / "index.html").is_file()


def test_every_entity_under_id_has_its_page_and_data(graph, site):
    where = f'?e ?p ?o . FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{ID}"))'
    expected = iris(graph, where)
    published = {ID + str(p.relative_to(site / "id").with_suffix("")) for p in (site / "id").rglob("*.html")
                 if p.name != "index.html"}
    assert published == expected
    for iri in expected:
        path = site / (page_path(iri) or "")
        assert path.with_suffix(".ttl").is_file() and path.with_suffix(".jsonld").is_file(), iri


def test_one_page_per_ontology_term(graph, site):
    where = ('?e rdfs:isDefinedBy <https://w3id.org/citynet/def> . '
             'FILTER (STRSTARTS(STR(?e), "https://w3id.org/citynet/def#"))')
    terms = iris(graph, where)
    published = {BASE + "def#" + p.stem for p in (site / "def").glob("*.html")}
    assert len(published) == count(graph, where)
    assert published == terms
    classes_and_properties = iris(graph, "VALUES ?t { owl:Class owl:ObjectProperty owl:DatatypeProperty } ?e a ?t . "
                                         'FILTER (STRSTARTS(STR(?e), "https://w3id.org/citynet/def#"))')
    assert classes_and_properties <= published
    ontology = parse(site / "def.html")
    assert {BASE + "def#" + i for i in ontology.ids} >= terms


def test_term_pages_document_labels_definitions_domain_range_and_subclasses(site):
    text = visible_text(parse(site / "def" / "City.html"))
    for words in ("city", "Stadt", "A city or town, standing for its municipal authority.",
                  "Eine Stadt, stellvertretend für ihre kommunale Verwaltung.", "Subclass of", "Place",
                  "schema:City", "Disjoint with", "Region"):
        assert words in text
    text = visible_text(parse(site / "def" / "representedBy.html"))
    assert "Domain (used on)" in text and "org:Membership" in text and "Range (values)" in text
    assert 'href="Place.html"' in (site / "def" / "City.html").read_text(encoding="utf-8")


def test_home_page_has_the_networks_and_a_map_point_per_located_member(graph, site):
    home = parse(site / "index.html")
    text = visible_text(home)
    for network in iris(graph, "?e a cn:CityNetwork"):
        assert f'href="{page_path(network)}.html"' in (site / "index.html").read_text(encoding="utf-8")
    assert "Union of the Baltic Cities" in text and "Memory Cities" in text
    located = iris(graph, "?m org:member ?e . ?e wgs:lat ?lat ; wgs:long ?long")
    points = {a.get("data-iri") for t, a in home.tags if t == "g" and "map-point" in a.get("class", "").split()}
    assert points == located
    svg = next(a for t, a in home.tags if t == "svg")
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    for label_id in svg["aria-labelledby"].split():
        assert label_id in home.ids


def test_network_page_lists_its_members_in_a_table(site):
    page = parse(site / "id" / "network" / "icncm.html")
    text = visible_text(page)
    assert "International City Network for Crisis Management" in text
    members_table = (site / "id" / "network" / "icncm.html").read_text(encoding="utf-8").split('class="members"')[1]
    assert members_table.split("</table>")[0].count("<tr>") - 1 == 22  # the header row left out
    assert "Masovian Voivodeship" in text and "region" in text


def test_place_page_shows_networks_since_when_and_represented_by_whom(site):
    text = visible_text(parse(site / "id" / "city" / "rostock.html"))
    assert "Rostock is a member of 4 city networks" in text
    assert "International City Network for Crisis Management (ICNCM) since 2016, represented by " \
           "Rostock Fire Department" in text
    assert "Union of the Baltic Cities (UBC) since 1991, as co-founder" in text
    assert "Dunkirk" in text  # twin city


def test_sources_with_their_quotes(site):
    page = (site / "id" / "membership" / "icncm-rostock.html").read_text(encoding="utf-8")
    assert "The City of Rostock has been a member of the International City Network for Crisis Management" in page
    assert 'href="../source/rostock-page-en.html"' in page


# ---------------------------------------------------------------- links and resources


def test_every_relative_link_resolves(site):
    checked = 0
    anchors: dict[Path, set[str]] = {}
    for path in [*pages(site), site / "map.svg"]:
        page = parse(path)
        assert not page.errors, (path, page.errors)
        for _tag, url, _attrs in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(site)}: {url} does not resolve"
            assert target.is_relative_to(site.resolve()), f"{path}: {url} leaves the site"
            if parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = set(parse(target).ids)
                assert parts.fragment in anchors[target], f"{path.relative_to(site)}: no #{parts.fragment}"
            checked += 1
    assert checked > 1000


def test_pages_link_their_turtle_and_json_ld(site):
    page = parse(site / "id" / "city" / "rostock.html")
    alternates = {a["type"]: a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "alternate"}
    assert alternates == {"text/turtle": "rostock.ttl", "application/ld+json": "rostock.jsonld"}
    body_links = {url for t, url, _ in page.links if t == "a"}
    assert {"rostock.ttl", "rostock.jsonld"} <= body_links


def test_no_page_loads_anything_from_another_host(site):
    for path in [*pages(site), site / "map.svg"]:
        page = parse(path)
        for tag, attrs in page.tags:
            urls = [attrs[name] for name in LOADING.get(tag, ()) if name in attrs]
            if tag == "link" and set(attrs.get("rel", "").lower().split()) & LOADING_LINK_RELS:
                urls.append(attrs.get("href", ""))
            for url in urls:
                for candidate in url.split(","):
                    candidate = candidate.strip().split(" ")[0]
                    parts = urlsplit(candidate)
                    assert parts.scheme in ("", "data") and not candidate.startswith("//"), \
                        f"{path.relative_to(site)}: <{tag}> loads {candidate}"
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", attrs.get("style", "")), path
        assert not any(t == "script" and "src" in a for t, a in page.tags)
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text)


def test_pages_are_accessible_html5(site):
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        page = parse(path)
        assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\">"), path
        assert page.count("h1") == 1, path
        assert page.count("main") == 1 and page.count("title") >= 1, path
        assert len(page.ids) == len(set(page.ids)), (path, [i for i in page.ids if page.ids.count(i) > 1])
        assert '<meta charset="utf-8">' in text
        for table in re.findall(r"<table.*?</table>", text, re.S):
            assert "<thead><tr><th scope=\"col\">" in table and "<caption>" in table, path
        for svg in re.findall(r"<svg.*?</svg>", text, re.S):
            assert "<title" in svg and 'role="img"' in svg, path
        for _tag, attrs in (t for t in page.tags if t[0] == "img"):
            assert "alt" in attrs, path


def test_turtle_and_json_ld_parse_and_agree(site):
    ttl_files = sorted(site.rglob("*.ttl"))
    assert len(ttl_files) == len(list(site.rglob("*.jsonld"))) > 200
    for ttl in ttl_files:
        turtle = Graph().parse(ttl, format="turtle")
        jsonld = Graph().parse(ttl.with_suffix(".jsonld"), format="json-ld")
        assert len(turtle) == len(jsonld) > 0, ttl
    rostock = Graph().parse(site / "id" / "city" / "rostock.ttl", format="turtle")
    assert (URIRef(ID + "city/rostock"), None, None) in rostock
    assert (None, URIRef("http://www.w3.org/ns/org#member"), URIRef(ID + "city/rostock")) in rostock


def test_embedded_schema_org_json_ld(site):
    expected = {"id/city/rostock": "City", "id/region/masovian-voivodeship": "AdministrativeArea",
                "id/network/icncm": "Organization", "id/event/crisis-conference": "EventSeries",
                "id/event/crisis-conference-2021": "Event", "id/source/rostock-page-en": "CreativeWork",
                "id/topic/water": "DefinedTerm", "def/City": "DefinedTerm"}
    found = {}
    for path in pages(site):
        blocks = [text for kind, text in parse(path).scripts if kind == "application/ld+json"]
        assert blocks, path
        for block in blocks:
            data = json.loads(block)
            assert data["@context"] == "https://schema.org" and data["@type"], path
            found[str(path.relative_to(site).with_suffix(""))] = data
    for key, schema_type in expected.items():
        assert found[key]["@type"] == schema_type, key
    rostock = found["id/city/rostock"]
    assert rostock["geo"] == {"@type": "GeoCoordinates", "longitude": 12.14049, "latitude": 54.0887}
    assert {r["memberOf"]["name"] for r in rostock["memberOf"]} >= {"Union of the Baltic Cities"}
    icncm = found["id/network/icncm"]
    assert len(icncm["member"]) == 22
    assert any(r.get("startDate") == "2016" and r["member"]["name"] == "Rostock" for r in icncm["member"])


# ---------------------------------------------------------------- render_page, render_data


def test_render_page_is_the_published_page(graph, site):
    for iri, path in ((ID + "city/rostock", "id/city/rostock.html"), (BASE, "index.html"),
                      (BASE + "def#City", "def/City.html"), (BASE + "def", "def.html"),
                      (ID + "network/", "id/network/index.html")):
        assert render_page(graph, iri) == (site / path).read_text(encoding="utf-8"), iri
    assert render_page(graph, ID + "city/atlantis") is None
    assert render_page(graph, "https://example.org/x") is None


def test_render_page_with_a_base_links_under_it(graph):
    html = render_page(graph, ID + "city/rostock", base="https://example.org/cn/")
    assert 'href="https://example.org/cn/id/network/icncm"' in html
    assert 'href="https://example.org/cn/style.css"' in html
    assert 'href="https://example.org/cn/id/city/rostock.ttl"' in html
    assert 'href="https://example.org/cn/"' in html  # home
    served = render_page(graph, ID + "city/rostock", base="/")
    assert 'href="/id/network/icncm"' in served and 'href="/def"' in served


def test_render_map_is_the_published_map(graph, site):
    assert render_map(graph) == (site / "map.svg").read_text(encoding="utf-8")
    assert 'href="/id/city/rostock"' in render_map(graph, base="/")


def test_render_data(graph):
    turtle = render_data(graph, ID + "network/ubc", "ttl")
    assert (URIRef(ID + "network/ubc"), None, None) in Graph().parse(data=turtle, format="turtle")
    assert json.loads(render_data(graph, BASE + "def#City", "jsonld"))
    assert render_data(graph, ID + "city/atlantis", "ttl") is None


# ---------------------------------------------------------------- writing OUTDIR


def test_publish_replaces_a_previous_site_whole(graph, tmp_path):
    out = tmp_path / "site"
    first = publish(graph, out)
    (out / "stale.html").write_text("old", encoding="utf-8")
    second = publish(graph, out)
    assert not (out / "stale.html").exists()
    assert first.files == second.files == sum(1 for p in out.rglob("*") if p.is_file()) - 1  # the marker
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left


def test_publish_into_an_empty_folder(graph, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    publish(graph, out)
    assert (out / "index.html").is_file() and (out / MARKER).is_file()


def test_publish_refuses_a_folder_that_is_not_a_citynet_site(graph, tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(InputError) as error:
        publish(graph, out)
    assert str(out) in str(error.value)
    assert [p.name for p in out.iterdir()] == ["chapter1.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


def test_publish_refuses_a_file_and_a_missing_parent(graph, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError):
        publish(graph, tmp_path / "file")
    with pytest.raises(InputError):
        publish(graph, tmp_path / "missing" / "site")


def test_a_failed_build_leaves_the_old_site(graph, tmp_path, monkeypatch):
    out = tmp_path / "site"
    publish(graph, out)
    before = (out / "index.html").read_text(encoding="utf-8")

    def broken(graph):
        yield "style.css", "body {}"
        raise RuntimeError("disk full")

    monkeypatch.setattr("citynet.publish.site.writer.site_files", broken)
    with pytest.raises(RuntimeError):
        publish(graph, out)
    assert (out / "index.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ---------------------------------------------------------------- in a real browser

@pytest.fixture(scope="module")
def served(site) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    with serving(site) as server:
        yield server


def dom(tmp_path: Path, url: str) -> tuple[Page, str, list[dict]]:
    out, requests = chromium(tmp_path, url, "--dump-dom")
    assert "</html>" in out, out[-2000:]
    assert_offline(requests)
    return Page(out), out, requests


@pytest.mark.slow
@needs_chromium
def test_browser_home_shows_the_networks_and_the_map(graph, served, tmp_path):
    base, log = served
    page, _, _ = dom(tmp_path, base + "index.html")
    text = visible_text(page)
    for network in ("International City Network for Crisis Management", "Union of the Baltic Cities",
                    "International Association of Peace Messenger Cities", "Memory Cities"):
        assert network in text
    located = count(graph, "?m org:member ?e . ?e wgs:lat ?lat ; wgs:long ?long")
    assert page.count("svg", **{"class": "map"}) == 1
    assert page.count("g", **{"class": "map-point"}) == located > 0
    assert ("/style.css", 200) in log
    assert all(status == 200 for _, status in log), log


@pytest.mark.slow
@needs_chromium
def test_browser_network_page_lists_22_members(served, tmp_path):
    base, _ = served
    _, html, _ = dom(tmp_path, base + "id/network/icncm.html")
    table = html.split('class="members"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>.*?</tr>", table.split("<tbody>")[1], re.S)
    assert len(rows) == 22
    names = [re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip() for row in rows]
    assert "Masovian Voivodeship" in names and "Rostock" in names
    region_row = rows[names.index("Masovian Voivodeship")]
    assert "<td>region</td>" in region_row


@pytest.mark.slow
@needs_chromium
def test_browser_rostock_page_shows_its_networks(served, tmp_path):
    base, _ = served
    page, _, _ = dom(tmp_path, base + "id/city/rostock.html")
    text = visible_text(page)
    assert "since 2016" in text and "Rostock Fire Department" in text
    assert "since 1991, as co-founder" in text
    for network in ("International City Network for Crisis Management", "Union of the Baltic Cities",
                    "International Association of Peace Messenger Cities", "Memory Cities"):
        assert network in text


@pytest.mark.slow
@needs_chromium
def test_browser_works_from_a_file_url(site, tmp_path):
    out, requests = chromium(tmp_path, (site / "id" / "city" / "vienna.html").as_uri(), "--dump-dom")
    assert "Vienna" in out and "International City Network for Crisis Management" in out
    assert_offline(requests, served=False)


@pytest.mark.slow
@needs_chromium
def test_browser_screenshots(served, tmp_path):
    base, _ = served
    keep = Path(os.environ.get("CITYNET_SCREENSHOTS", tmp_path))
    for name, path, height in (("site-home", "index.html", 2400), ("site-icncm", "id/network/icncm.html", 2400)):
        shot = keep / f"{name}.png"
        _, requests = chromium(tmp_path, base + path, f"--screenshot={shot}", f"--window-size=1280,{height}")
        assert_offline(requests)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
        width, tall = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, tall) == (1280, height)


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("how", ["http", "file"])
def test_the_network_log_catches_a_page_that_loads_from_another_host(tmp_path, how):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title>'
        '<link rel="stylesheet" href="https://cdn.example.org/a.css"></head>'
        '<body><img src="//img.example.net/x.png" alt="x"></body></html>', encoding="utf-8")
    if how == "file":
        _, requests = chromium(tmp_path, (folder / "index.html").as_uri(), "--dump-dom")
    else:
        with serving(folder) as (base, _):
            _, requests = chromium(tmp_path, base + "index.html", "--dump-dom")
    with pytest.raises(AssertionError, match=r"cdn\.example\.org"):
        assert_offline(requests, served=how == "http")


def test_site_serves_the_downloads_and_catalog_it_describes(site):
    """Every download URL and the catalog named in the DCAT catalog exist in the site."""
    from rdflib import Namespace

    from citynet.publish.publication import load_config

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    base = load_config().base_url
    catalog = Graph().parse(site / "catalog.ttl", format="turtle")
    urls = {str(u) for u in catalog.objects(None, dcat.downloadURL)}
    assert urls, "the catalog names no downloads"
    for url in urls:
        assert url.startswith(base)
        assert (site / url[len(base):]).is_file(), url


def test_downloads_are_the_files_the_catalog_measures(site):
    """Each download's size and checksum in the published catalog are those of the published file."""
    import hashlib

    from rdflib import Namespace

    from citynet.publish.publication import load_config

    dcat, spdx = Namespace("http://www.w3.org/ns/dcat#"), Namespace("http://spdx.org/rdf/terms#")
    base = load_config().base_url
    catalog = Graph().parse(site / "catalog.ttl", format="turtle")
    distributions = list(catalog.subjects(dcat.downloadURL, None))
    assert len(distributions) == 8
    for distribution in distributions:
        content = (site / str(catalog.value(distribution, dcat.downloadURL))[len(base):]).read_bytes()
        assert int(catalog.value(distribution, dcat.byteSize)) == len(content)
        checksum = catalog.value(distribution, spdx.checksum)
        assert str(catalog.value(checksum, spdx.checksumValue)) == hashlib.sha256(content).hexdigest()


def test_republishing_keeps_the_times_of_unchanged_files(graph, tmp_path):
    """A web server's Last-Modified comes from the file's time: unchanged files keep theirs."""
    out = tmp_path / "site"
    publish(graph, out)
    past = 1_000_000_000  # 2001: no file written now has this time
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    download = out / "download" / "citynet.ttl"
    download.write_bytes(download.read_bytes() + b"# changed by hand\n")
    os.utime(download, (past, past))
    publish(graph, out)
    changed = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.stat().st_mtime != past}
    assert changed == {"download/citynet.ttl"}
    assert b"changed by hand" not in download.read_bytes()
