"""The deployments docs/server.md shows, with a real nginx: ``citynet serve`` behind nginx (the
proxy settings of docs/nginx/citynet-proxy.conf), and the static site served by nginx alone
(docs/nginx/citynet-static.conf, with the nginx-types.conf that publish writes). Skipped where
nginx is not installed (Debian: apt-get install nginx)."""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citynet.publish.site import MARKER, publish
from citynet.publish.site.webserver import HTACCESS, NGINX_TYPES, SITE_MEDIA_TYPES
from tests.crawl import crawl
from tests.server_harness import free_port, server_fixtures

NGINX = Path("/usr/sbin/nginx")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "nginx"
DOCUMENTED_UPSTREAM = "127.0.0.1:8000"
DOCUMENTED_ROOT = "/srv/citynet/site"

pytestmark = pytest.mark.skipif(not NGINX.exists(), reason=f"{NGINX} is missing: apt-get install nginx")

server = server_fixtures()[0]


@contextlib.contextmanager
def nginx(folder: Path, servers: str) -> Iterator[None]:
    """nginx in the foreground with ``servers`` (server blocks), its files in ``folder``."""
    temp = "".join(f"{kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                      "scgi"))
    config = folder / "nginx.conf"
    # The workers run as this test's user, who can read the site (nginx's default, nobody, cannot).
    config.write_text(f"daemon off;\nuser {getpass.getuser()};\npid {folder / 'nginx.pid'};\nevents {{}}\n"
                      f"http {{\naccess_log off;\n{temp}{servers}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([str(NGINX), "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield
    finally:
        process.send_signal(signal.SIGQUIT)  # a graceful stop
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_for(port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port}:\n{log.read_text() if log.exists() else ''}")


@pytest.fixture(scope="module")
def site(graph, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nginx-site") / "site"
    publish(graph, out)
    return out


@pytest.fixture(scope="module")
def proxied(server, site, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(the proxy's URL, the static site's URL), both nginx."""
    folder = tmp_path_factory.mktemp("nginx")
    proxy_port, static_port = free_port(), free_port()
    upstream = server.base_url.removeprefix("http://")
    proxy = (DOCS / "citynet-proxy.conf").read_text(encoding="utf-8").replace(DOCUMENTED_UPSTREAM, upstream)
    static = (DOCS / "citynet-static.conf").read_text(encoding="utf-8").replace(DOCUMENTED_ROOT, str(site))
    servers = (f"server {{ listen 127.0.0.1:{proxy_port};\n{proxy}\n}}\n"
               f"server {{ listen 127.0.0.1:{static_port};\n{static}\n}}\n")
    with nginx(folder, servers):
        wait_for(proxy_port, folder / "error.log")
        wait_for(static_port, folder / "error.log")
        yield f"http://127.0.0.1:{proxy_port}", f"http://127.0.0.1:{static_port}"


def test_behind_nginx_a_crawl_finds_no_broken_link_and_the_server_names_the_public_address(proxied):
    base, _ = proxied
    with httpx.Client(base_url=base, timeout=30) as client:
        result = crawl(client, base, ["/", "/query"])
        assert result.broken == [] and result.pages > 400
        description = client.get("/sparql", headers={"Accept": "text/turtle"}).text
        assert f"<{base}/sparql>" in description  # from the Host header nginx passes on
        download = client.get("/download/citynet.ttl")
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/turtle")
        again = client.get("/download/citynet.ttl", headers={"If-None-Match": download.headers["etag"]})
        assert again.status_code == 304


def test_nginx_serves_the_static_site_with_its_media_types(proxied, site):
    _, base = proxied
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in (p for p in site.rglob("*") if p.is_file()):
            answer = client.get("/" + path.relative_to(site).as_posix())
            if path.name in (MARKER, HTACCESS, NGINX_TYPES):
                assert answer.status_code == 404, path.name
                continue
            assert answer.status_code == 200, path
            assert answer.headers["content-type"] == SITE_MEDIA_TYPES[path.suffix] + "; charset=utf-8", path
            assert answer.content == path.read_bytes()
        for iri_path, kind in (("/id/city/rostock", "text/html"), ("/def", "text/html"), ("/catalog", "text/turtle"),
                               ("/dataset", "text/turtle"), ("/catalog/service/sparql", "text/turtle"),
                               ("/.well-known/void", "text/turtle")):
            answer = client.get(iri_path)
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind), iri_path
        result = crawl(client, base, ["/"])
        assert result.broken == [] and result.pages > 250
