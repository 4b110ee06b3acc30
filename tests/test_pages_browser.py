"""What a person sees, in headless chromium driven over the DevTools protocol (tests/cdp.py):
the query page shows its answer in the first viewport, German pages come by Accept-Language,
the maps draw land and every located member with its label, and nothing is asked of any host
but 127.0.0.1."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.server_harness import server_fixtures

from .browser import assert_offline, needs_chromium
from .cdp import Browser

pytestmark = [pytest.mark.slow, needs_chromium]

server = server_fixtures()[0]

NETWORKS = """PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?network ?name WHERE { ?network a cn:CityNetwork ; rdfs:label ?name . FILTER (LANG(?name) = "en") }
ORDER BY ?name"""
SIZES = [(1280, 900, False), (390, 844, True)]

WHERE_IS_THE_TABLE = """(() => {
  const table = document.querySelector('#result table');
  if (!table) return null;
  const box = table.getBoundingClientRect();
  const first = table.querySelector('tbody tr');
  return {top: box.top, row: first ? first.getBoundingClientRect().bottom : null, height: innerHeight,
          scrolled: scrollY, rows: table.querySelectorAll('tbody tr').length,
          status: document.getElementById('status').textContent,
          downloads: [...document.querySelectorAll('#downloads a')].map(a => a.textContent),
          share: document.getElementById('share').getAttribute('href'),
          spellcheck: document.getElementById('query').getAttribute('spellcheck')};
})()"""


def type_query(browser: Browser, text: str) -> None:
    """Put ``text`` in the editor as a person would: select what is there and type over it."""
    browser.wait_for("document.querySelector('.CodeMirror [contenteditable]')")
    browser.evaluate("document.querySelector('.CodeMirror [contenteditable]').focus()")
    browser.send("Input.dispatchKeyEvent", session=True, type="keyDown", key="a", code="KeyA",
                 modifiers=2, windowsVirtualKeyCode=65, commands=["selectAll"])
    browser.send("Input.dispatchKeyEvent", session=True, type="keyUp", key="a", code="KeyA", modifiers=2)
    browser.send("Input.insertText", session=True, text=text)
    browser.wait_for("document.querySelector('.CodeMirror').CodeMirror.getValue() === " + json.dumps(text))


HIGHLIGHTED = """(() => {
  const editor = document.querySelector('.CodeMirror');
  const tokens = (name) => [...editor.querySelectorAll('.cm-' + name)].map(s => s.textContent);
  const input = editor.querySelector('[contenteditable]');
  return {keywords: tokens('keyword'), variables: tokens('variable-2'), iris: tokens('atom'),
          builtins: tokens('builtin'), strings: tokens('string'), comments: tokens('comment'),
          textarea: getComputedStyle(document.getElementById('query')).display,
          spellcheck: input.getAttribute('spellcheck'), label: input.getAttribute('aria-label')};
})()"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_editor_highlights_sparql_and_is_not_spell_checked(server, tmp_path, lang):
    query = '# the networks\nSELECT ?network WHERE { ?network a <https://w3id.org/citynet/def#CityNetwork> ; ' \
            '<http://www.w3.org/2000/01/rdf-schema#label> "x"@en }'
    with Browser(tmp_path) as browser:
        browser.open(f"{server.base_url}/{'de/' if lang == 'de' else ''}query")
        type_query(browser, query)
        seen = browser.evaluate(HIGHLIGHTED)
    assert seen["keywords"] == ["SELECT", "WHERE"] and seen["builtins"] == ["a"]
    assert seen["variables"] == ["?network", "?network"]
    assert seen["iris"] == ["<https://w3id.org/citynet/def#CityNetwork>", "<http://www.w3.org/2000/01/rdf-schema#label>"]
    assert seen["strings"] == ['"x"'] and seen["comments"] == ["# the networks"]
    assert seen["textarea"] == "none" and seen["spellcheck"] == "false"
    assert seen["label"] == ("SPARQL-Abfrage" if lang == "de" else "SPARQL query")
    assert_offline(browser.requests())


def test_without_script_the_query_is_a_plain_textarea(server, tmp_path):
    with Browser(tmp_path) as browser:
        browser.send("Emulation.setScriptExecutionDisabled", session=True, value=True)
        browser.open(f"{server.base_url}/query")
        seen = browser.evaluate("[!!document.querySelector('.CodeMirror'), "
                                "getComputedStyle(document.getElementById('query')).display, "
                                "document.getElementById('query').getAttribute('spellcheck'), "
                                "document.getElementById('query').value.includes('SELECT')]")
    assert seen == [False, "inline-block", "false", True]


@pytest.mark.parametrize(("width", "height", "mobile"), SIZES)
def test_after_run_the_answer_is_in_the_first_viewport(server, tmp_path, width, height, mobile):
    with Browser(tmp_path) as browser:
        browser.open(f"{server.base_url}/query", width=width, height=height, mobile=mobile)
        type_query(browser, NETWORKS)
        browser.evaluate("document.getElementById('run').click()")
        browser.wait_for("document.querySelector('#result table')")
        seen = browser.evaluate(WHERE_IS_THE_TABLE)
    assert seen["scrolled"] == 0
    assert seen["rows"] == 4
    assert seen["top"] > 0 and seen["row"] <= seen["height"], seen  # the header and first row, unscrolled
    assert seen["status"].startswith("4 rows in ") and seen["status"].endswith(" s")
    assert seen["downloads"] == ["csv", "tsv", "json", "xml", "CSV for spreadsheets"]  # no Turtle for SELECT
    assert seen["share"].startswith("/query?query=PREFIX")
    assert seen["spellcheck"] == "false"
    assert_offline(browser.requests())


def test_a_shared_link_to_a_stored_query_runs_it_with_its_parameters(server, tmp_path):
    with Browser(tmp_path) as browser:
        browser.open(f"{server.base_url}/query?stored=networks-of-place&place=Rostock")
        browser.wait_for("document.querySelector('#result table')")
        seen = browser.evaluate(WHERE_IS_THE_TABLE)
        chosen = browser.evaluate("document.getElementById('stored').value")
    assert chosen == "networks-of-place" and seen["rows"] == 4
    assert seen["share"] == "/query?place=Rostock&stored=networks-of-place"


def test_a_construct_query_offers_graph_downloads_only(server, tmp_path):
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    with Browser(tmp_path) as browser:
        browser.open(f"{server.base_url}/query?query={quote(construct)}")
        browser.wait_for("document.querySelectorAll('#downloads a').length > 0")
        offered = browser.evaluate("[...document.querySelectorAll('#downloads a')].map(a => a.textContent)")
    assert offered == ["turtle", "ntriples", "jsonld", "rdfxml"]


def test_german_pages_come_by_accept_language(server, tmp_path):
    with Browser(tmp_path, languages="de-DE,de,en") as browser:
        browser.open(f"{server.base_url}/")
        home = browser.evaluate("[location.pathname, document.documentElement.lang, "
                                "document.querySelector('h1').textContent]")
        browser.open(f"{server.base_url}/id/city/rostock")
        rostock = browser.evaluate("[location.pathname, document.documentElement.lang, "
                                   "document.querySelector('#networks').textContent]")
        english = browser.evaluate("document.querySelector('link[hreflang=en]').href")
    assert home == ["/de/", "de", "Städtenetzwerke und ihre Mitglieder"]
    assert rostock == ["/de/id/city/rostock", "de", "Netzwerke (4)"]
    assert english == "https://w3id.org/citynet/id/city/rostock.html"
    assert_offline(browser.requests())
    with Browser(tmp_path, languages="en-GB,en") as browser:
        browser.open(f"{server.base_url}/id/city/rostock")
        assert browser.evaluate("[location.pathname, document.documentElement.lang]") == ["/doc/city/rostock", "en"]
