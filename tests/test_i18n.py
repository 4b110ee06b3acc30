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
              "claim/iapmc-founded-1986", "city/"]
# Words of English sentences that are no German word too ("in", "an", "was" are).
ENGLISH = re.compile(r"\b(the|of|and|is|are|by|from|with|this|its|has|been|published|read|says|source|sources|"
                     r"member|members|since|until|entity|entities|statement|statements|edition|editions)\b")


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
    page = render_page(None, "https://w3id.org/citynet/id/" + path, lang="de")
    assert page is not None
    parser = _PageText()
    parser.feed(page)
    messages = {m for m in _catalog_ids() if ENGLISH.search(m)}
    graph_texts = _graph_texts()
    left = [text for text in parser.texts if text in messages
            or (ENGLISH.search(text) and not any(text in t or t in text for t in graph_texts))]
    assert not left, left


def _graph_texts() -> set[str]:
    """Every literal of the graph (data labels and titles that have no language tag are data)."""
    from rdflib import Literal

    import citynet
    graph = citynet.shipped_graph().rdflib_graph
    return {str(o) for o in graph.objects() if isinstance(o, Literal) and len(str(o)) > 3}
