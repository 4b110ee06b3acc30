"""The server's pages in a real browser (Debian's chromium, headless): the query page runs a
query and shows the results as a table, a dereferenced IRI shows its page, and neither asks
any host but 127.0.0.1 for anything."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.server_harness import server_fixtures

from .browser import assert_offline, chromium, needs_chromium

pytestmark = [pytest.mark.slow, needs_chromium]

NETWORKS = """PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE { ?n a cn:CityNetwork ; rdfs:label ?name . FILTER (LANG(?name) = "en") } ORDER BY ?name"""


server = server_fixtures()[0]
def rendered(tmp_path, url: str) -> str:
    """The DOM after the page's scripts ran (virtual time lets the fetches finish)."""
    out, requests = chromium(tmp_path, url, "--dump-dom", "--virtual-time-budget=15000")
    assert "</html>" in out, out[-2000:]
    assert_offline(requests)
    return out


def test_query_page_runs_a_query_and_shows_a_table(server, tmp_path):
    page = rendered(tmp_path, f"{server.base_url}/query?query={quote(NETWORKS)}")
    table = page[page.index("<table"):page.index("</table>")]
    for name in ("International City Network for Crisis Management", "Union of the Baltic Cities",
                 "International Association of Peace Messenger Cities", "Memory Cities"):
        assert name in table
    assert "networks-of-place" in page  # the stored queries are offered as examples


def test_a_dereferenced_iri_shows_its_page(server, tmp_path):
    page = rendered(tmp_path, f"{server.base_url}/id/city/rostock")
    assert "<h1>Rostock</h1>" in page
    assert "Rostock Fire Department" in page and "since 2016" in page
