"""A link checker for the deployment tests: fetch pages from a real HTTP server, follow every link
and resource reference on them (``href``, ``src`` …, in HTML and SVG), and report each one that
does not answer 2xx, or that names a ``#fragment`` its page does not have.

Links to the public base (``https://w3id.org/citynet/…``) are followed on the server under test,
as w3id.org's redirect would send them there; links to other hosts are not followed."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

PUBLIC_BASE = "https://w3id.org/citynet/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_LINKING = ("href", "src", "xlink:href", "data", "poster")


class _Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINKING:
                self.links.append(value)
            elif name == "id":
                self.ids.add(value)
            elif name == "srcset":
                self.links += [candidate.strip().split(" ")[0] for candidate in value.split(",")]


@dataclass
class Crawl:
    pages: int = 0  # HTML and SVG documents read for links
    links: int = 0  # link occurrences checked (each URL fetched once)
    fetched: dict[str, int] = field(default_factory=dict)  # URL -> status
    broken: list[str] = field(default_factory=list)  # "page: link (why)"


def crawl(client: httpx.Client, base_url: str, starts: list[str]) -> Crawl:
    """Everything reachable from ``starts`` (paths) on ``base_url``, with links to the public
    base taken as links to ``base_url``."""
    base_url = base_url.rstrip("/") + "/"
    result = Crawl()
    anchors: dict[str, set[str] | None] = {}  # page URL -> its ids (None: not a page)
    queue = deque(urljoin(base_url, start) for start in starts)
    referrers = {url: "(start)" for url in queue}
    pending_fragments: list[tuple[str, str, str]] = []

    def local(url: str) -> str | None:
        if url.startswith(PUBLIC_BASE):
            url = base_url + url[len(PUBLIC_BASE):]
        return url if url.startswith(base_url) else None

    def fetch(url: str) -> httpx.Response | None:
        try:
            answer = client.get(url, headers={"Accept": BROWSER}, follow_redirects=True)
        except httpx.HTTPError as failure:
            result.fetched[url] = 0
            result.broken.append(f"{url} (linked from {referrers[url]}): {failure!r}")
            return None
        result.fetched[url] = answer.status_code
        return answer

    while queue:
        url = queue.popleft()
        answer = fetch(url)
        if answer is None or not answer.is_success:
            continue
        media_type = answer.headers.get("content-type", "").split(";")[0].strip()
        if media_type not in ("text/html", "image/svg+xml"):
            anchors[url] = None
            continue
        page = _Page(answer.text)
        url = str(answer.url)  # after redirects: what the page's relative links are relative to
        result.pages += 1
        anchors[url] = anchors[str(answer.request.url)] = page.ids
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("mailto", "data", "javascript", "tel"):
                continue
            target, fragment = urldefrag(urljoin(url, link))
            target = local(target)
            if target is None:
                continue  # another host: not ours to check here
            result.links += 1
            if fragment:
                pending_fragments.append((url, target, fragment))
            if target not in referrers:
                referrers[target] = url
                queue.append(target)

    for url, status in result.fetched.items():
        if status and not 200 <= status < 300:
            result.broken.append(f"{url} (linked from {referrers[url]}): status {status}")
    for page, target, fragment in pending_fragments:
        ids = anchors.get(target)
        if ids is not None and fragment not in ids:
            result.broken.append(f"{page}: {target}#{fragment} (no such id)")
    return result
