"""A folder served over HTTP on 127.0.0.1, as a host that only serves files would serve the
published site: Python's own file server, from a thread, with the requests it got."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    requests: list[tuple[str, int]]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.requests.append((self.path, int(code) if str(code).isdigit() else 0))


@contextmanager
def serving(folder: Path, media_types: Mapping[str, str] | None = None) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """``folder`` on http://127.0.0.1:{a free port}/, and the requests it got. ``media_types``
    (suffix → type) adds to the server's own table, as a web server's config would."""
    requests: list[tuple[str, int]] = []
    extensions = {**SimpleHTTPRequestHandler.extensions_map, **(media_types or {})}
    handler = type("Handler", (QuietHandler,), {"requests": requests, "extensions_map": extensions})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
