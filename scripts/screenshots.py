"""Screenshots of the pages people read, at 1280 and 390 px wide, for a person to look at:
the home page, a network page, Rostock's page, the map, the query page with a result, and
German pages (Rostock, a network, a membership). It starts ``citynet serve`` on 127.0.0.1
(tests/server_harness.py) and drives Debian's headless chromium over the DevTools protocol
(tests/cdp.py), offline.

    python scripts/screenshots.py [OUTDIR]      # default: screenshots/ (PNG files, full pages)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cdp import Browser  # noqa: E402 - the repository's root first
from tests.server_harness import running_server  # noqa: E402

QUERY = """PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?network ?name WHERE { ?network a cn:CityNetwork ; rdfs:label ?name . FILTER (LANG(?name) = "en") }
ORDER BY ?name"""
#: name → (path, wait for this to be true, whole page or first viewport only)
SHOTS = {
    "home": ("/", "true", True),
    "network-icncm": ("/id/network/icncm", "true", True),
    "city-rostock": ("/id/city/rostock", "true", True),
    "map": ("/map.svg", "true", False),
    "query-with-result": (f"/query?query={quote(QUERY)}", "document.querySelector('#result table')", False),
    "german-rostock": ("/de/id/city/rostock", "true", True),
    "german-network-icncm": ("/de/id/network/icncm", "true", True),
    "german-membership": ("/de/id/membership/icncm-rostock", "true", True),
}
WIDTHS = {1280: 900, 390: 844}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", nargs="?", type=Path, default=ROOT / "screenshots",
                        help="where the PNG files go (default: screenshots/)")
    out = parser.parse_args().outdir
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, running_server(Path(work)) as server, \
            Browser(Path(work)) as browser:
        for name, (path, ready, full) in SHOTS.items():
            for width, height in WIDTHS.items():
                browser.open(server.base_url + path, width=width, height=height, mobile=width < 600)
                browser.wait_for(ready)
                target = out / f"{name}-{width}.png"
                browser.screenshot(target, full_page=full)
                print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
