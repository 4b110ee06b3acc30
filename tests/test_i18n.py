"""The site in English and German: the gettext catalog is complete, each language has its own
URL, Accept-Language only picks a redirect (with Vary), data labels are German where the graph
has them and marked English where it has not, quotes are never translated, and the imprint and
accessibility statement say only what the publication configuration gives."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from citynet.errors import InputError
from citynet.publish.publication import load_config
from citynet.publish.site import render_page
from citynet.publish.site.i18n import language, translations
from citynet.publish.site.legal import imprint_page
from tests.server_harness import server_fixtures

ROOT = Path(__file__).resolve().parent.parent
ROSTOCK = "https://w3id.org/citynet/id/city/rostock"
server, http = server_fixtures()


def test_the_german_catalog_has_every_message_of_the_templates_and_the_code_translated():
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert translations("de").gettext("Imprint") == "Impressum"


def test_data_labels_are_german_where_the_graph_has_them_and_marked_english_elsewhere():
    page = render_page(None, ROSTOCK, lang="de")
    assert page is not None and page.startswith('<!DOCTYPE html>\n<html lang="de">')
    assert ">Union der Ostseestädte</a>" in page  # the network's @de label
    # a source with an English title only: shown in English, marked so
    assert re.search(r'<a href="[^"]+" lang="en">City of Rostock: International Associations \(English page\)</a>'
                     r'<small class="fallback"[^>]*> \(en\)</small>', page)


def test_quotes_from_sources_are_never_translated():
    english, german = (render_page(None, ROSTOCK, lang=lang) for lang in ("en", "de"))
    assert english is not None and german is not None
    quotes = re.findall(r"<blockquote[^>]*>.*?</blockquote>", english, re.S)
    assert quotes and all(quote in german for quote in quotes)


def test_each_page_links_itself_in_the_other_language():
    german = render_page(None, ROSTOCK, lang="de")
    english = render_page(None, ROSTOCK)
    assert german is not None and english is not None
    assert '<link rel="canonical" href="https://w3id.org/citynet/de/id/city/rostock.html">' in german
    assert '<a href="../../../id/city/rostock.html" hreflang="en" lang="en">English</a>' in german
    assert '<a href="../../de/id/city/rostock.html" hreflang="de" lang="de">Deutsch</a>' in english
    ontology = render_page(None, "https://w3id.org/citynet/def", lang="de")
    assert ontology is not None and "<h2 id=\"class-list\">Klassen</h2>" in ontology


def test_accept_language_picks_only_the_redirect(http):
    german = {"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
    home = http.get("/", headers=german, follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/de/"
    assert "Accept-Language" in home.headers["vary"]
    entity = http.get("/id/city/rostock", headers=german, follow_redirects=False)
    assert entity.status_code == 303 and entity.headers["location"] == "/de/id/city/rostock"
    assert "Accept-Language" in entity.headers["vary"]
    english = http.get("/id/city/rostock", headers={**german, "Accept-Language": "en, de;q=0.5"},
                       follow_redirects=False)
    assert english.headers["location"] == "/doc/city/rostock"
    turtle = http.get("/id/city/rostock", headers={"Accept": "text/turtle", "Accept-Language": "de"},
                      follow_redirects=False)
    assert turtle.headers["location"] == "/doc/city/rostock"  # data is the same in every language
    # a page's own address answers the same whatever the header says
    for lang in ("de", "en", ""):
        page = http.get("/de/id/city/rostock", headers={"Accept-Language": lang})
        assert page.status_code == 200 and '<html lang="de">' in page.text
        assert "Accept-Language" not in page.headers.get("vary", "")
    for path in ("/de/", "/de/def", "/de/def/City", "/de/id/city/", "/de/query", "/de/imprint", "/de/accessibility",
                 "/imprint", "/accessibility.html", "/de/id/network/ubc.html"):
        assert http.get(path).status_code == 200, path
    assert http.get("/de/nothing/here").status_code == 404


def test_the_imprint_says_only_what_the_configuration_gives(tmp_path):
    page = render_page(None, "https://w3id.org/citynet/imprint", lang="de")
    assert page is not None
    config = load_config()
    assert config.publisher.name in page
    assert "Noch nicht angegeben" in page and "[imprint] address" in page  # not configured: a marked placeholder
    statement = render_page(None, "https://w3id.org/citynet/accessibility")
    assert statement is not None and "[accessibility] status" in statement and "BITV 2.0" in statement


def test_a_misspelt_key_of_the_imprint_is_an_error(monkeypatch):
    config = load_config()
    broken = type(config)(**{**config.__dict__, "site_texts": {"imprint": {"adress": "x"}}})
    monkeypatch.setattr("citynet.publish.site.legal.load_config", lambda: broken)
    with language("en"), pytest.raises(InputError, match="adress"):
        imprint_page(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- no English on German pages

#: One entity of every kind that has a page of its own.
EVERY_KIND = ["city/rostock", "network/icncm", "region/masovian-voivodeship", "membership/icncm-rostock",
              "event/crisis-conference-2021", "event/crisis-conference", "topic/water", "source/rostock-page-en",
              "claim/iapmc-founded-1986", "city/", "source/", "membership/", "../def#Source", "../def#hostedBy"]
# Words of English sentences that are no German word too ("in", "an", "was" are), and the words
# the code once wrote itself (event roles, kinds of place and page).
ENGLISH = re.compile(r"\b(the|of|and|is|are|by|from|with|this|its|has|been|published|read|says|source|sources|"
                     r"member|members|since|until|entity|entities|statement|statements|edition|editions|"
                     r"host|hosted|attended|city|region|term)\b")
# A decimal point between digits: German writes a comma (54,0887), in the data's numbers too.
DECIMAL_POINT = re.compile(r"\d\.\d")
NUMBER = re.compile(r"[+-]?\d+\.\d+")


class _PageText(HTMLParser):
    """The text of a page that the site wrote, not the graph: outside quotes, code, and data
    marked as being in another language (``lang`` other than ``de``)."""

    VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "wbr", "source", "col", "base"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, tag in ("blockquote", "code", "script", "style", "title")
                           or (lang is not None and lang != "de")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(skip for _, skip in self.stack):
            self.texts.append(data.strip())


def _catalog_ids() -> set[str]:
    from babel.messages.pofile import read_po
    with (ROOT / "src/citynet/publish/site/locale/de/LC_MESSAGES/messages.po").open("rb") as stream:
        catalog = read_po(stream, locale="de")
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("path", EVERY_KIND)
def test_german_pages_show_no_english_message_of_the_site(path):
    page = render_page(None, "https://w3id.org/citynet/" + (path[3:] if path.startswith("../") else "id/" + path),
                       lang="de")
    assert page is not None
    parser = _PageText()
    parser.feed(page)
    messages = {m for m in _catalog_ids() if ENGLISH.search(m)}
    graph_texts = _graph_texts()
    # English words are allowed only inside data that is not English (a German or untagged
    # literal); an English literal must be marked lang="en", which _PageText skips.
    left = [text for text in parser.texts if text in messages
            or (ENGLISH.search(text) and not any(text in t for t in graph_texts))
            or (DECIMAL_POINT.search(text) and text != "CC BY 4.0" and not any(text in t for t in graph_texts))
            or NUMBER.fullmatch(text)]
    assert not left, left


def test_german_pages_write_what_the_code_builds_in_german():
    """The words the site builds in Python rather than in a template: coordinates, the roles in a
    place's events, the kind on a class's page, a membership's name, the query page's services."""
    rostock = render_page(None, ROSTOCK, lang="de")
    assert rostock is not None
    assert "bei 54,0887° N, 12,1405° O." in rostock  # decimal comma; east is Ost
    roles = re.findall(r'<td>(\w+)</td></tr>', rostock.split('id="events"', 1)[1].split("</table>", 1)[0])
    assert roles and set(roles) == {"ausgerichtet", "teilgenommen"}, roles
    source = render_page(None, "https://w3id.org/citynet/def#Source", lang="de")
    assert source is not None
    assert re.search(r'In diesem Graphen: \d+ Einträge der Art Quelle</h2>', source)
    assert '<p class="kind">Begriff der Ontologie</p>' in source
    membership = render_page(None, "https://w3id.org/citynet/id/membership/icncm-rostock", lang="de")
    assert membership is not None
    title = "Rostock im Netzwerk „Internationales Städtenetzwerk für das Krisenmanagement“"
    assert f"<title>{title} · citynet</title>" in membership and f"<h1>{title}</h1>" in membership
    assert "in the International City Network" not in membership.split("<main", 1)[1].split("<blockquote", 1)[0]
    network = render_page(None, "https://w3id.org/citynet/id/network/icncm", lang="de")
    assert network is not None and "<td>Stadt</td>" in network and "(Stadt, DE)" in network
    assert "<td>city</td>" not in network and "(city, " not in network


def test_the_german_query_page_tells_programs_in_german(http):
    page = http.get("/de/query").text
    services = page.split('id="programs"', 1)[1].split("</dl>", 1)[0]
    assert "<dt>SPARQL-Endpunkt</dt>" in services and "<dt>Gespeicherte Abfragen</dt>" in services
    assert "the whole graph" not in services and "der ganze Graph" in services


def _graph_texts() -> set[str]:
    """Every literal of the graph that is not in English (data labels and titles that have no
    language tag are data): an English one is shown marked as English, or not at all."""
    from rdflib import Literal

    import citynet
    graph = citynet.shipped_graph().rdflib_graph
    return {str(o) for o in graph.objects()
            if isinstance(o, Literal) and len(str(o)) > 3 and o.language not in ("en", "en-GB", "en-US")}
