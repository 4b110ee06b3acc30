"""Helpers of the hostile suite (``tests/test_hostile_*.py``, the regression suite of
``../shared/reference/hostile-catalogue.md``): the citynet command in a process of its own,
with a umask, a file-size limit or a ``kill -9`` at a chosen point; and a fake Graph Store on
127.0.0.1 that records what it is sent."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

CLI_SECONDS = 300  # every command in these tests ends well within this, or the test fails

# Code run before the command in a killed run: ``kill_before(owner, "name", when)`` makes the
# process SIGKILL itself when ``owner.name`` is called (and ``when`` holds for the arguments);
# ``kill_after`` once it has returned. A real SIGKILL: no handler, no ``finally`` runs.
_PRELUDE = """
import os, signal, sys
from pathlib import Path

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def kill_before(owner, name, when=lambda *args, **kwargs: True):
    original = getattr(owner, name)
    def replaced(*args, **kwargs):
        if when(*args, **kwargs):
            die()
        return original(*args, **kwargs)
    setattr(owner, name, replaced)

def kill_after(owner, name):
    original = getattr(owner, name)
    def replaced(*args, **kwargs):
        original(*args, **kwargs)
        die()
    setattr(owner, name, replaced)
"""
_MAIN = "\nfrom citynet.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def _limits(umask: int | None, file_size: int | None) -> Callable[[], None] | None:
    if umask is None and file_size is None:
        return None

    def apply() -> None:
        if umask is not None:
            os.umask(umask)
        if file_size is not None:  # Python ignores SIGXFSZ: a write past it fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return apply


def _environment(changes: Mapping[str, str | None] | None) -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop("CITYNET_PASSWORD", None)
    for key, value in (changes or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


def citynet(*args: str, cwd: Path | None = None, env: Mapping[str, str | None] | None = None,
            umask: int | None = None, file_size: int | None = None, stdin: str | None = None,
            timeout: float = CLI_SECONDS) -> subprocess.CompletedProcess[str]:
    """``python -m citynet ARGS`` in a process of its own; standard input empty unless given."""
    return subprocess.run([sys.executable, "-m", "citynet", *args], cwd=cwd, env=_environment(env),
                          input=stdin if stdin is not None else "", capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_limits(umask, file_size), check=False)


def python(code: str, *args: str, cwd: Path | None = None, env: Mapping[str, str | None] | None = None,
           file_size: int | None = None, timeout: float = CLI_SECONDS) -> subprocess.CompletedProcess[str]:
    """``code`` (after the kill helpers) in a Python process of its own."""
    return subprocess.run([sys.executable, "-c", _PRELUDE + code, *args], cwd=cwd, env=_environment(env),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_limits(None, file_size), check=False)


def citynet_killed(setup: str, *args: str, cwd: Path | None = None,
                   env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """The citynet command ARGS with ``setup`` run first (it places the kill, see _PRELUDE)."""
    return python(setup + _MAIN, *args, cwd=cwd, env=env)


def was_killed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode == -signal.SIGKILL


def starts_with_dot(folder: Path, name: str) -> list[str]:
    """The hidden entries next to ``name`` that citynet makes while writing it."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


# ---------------------------------------------------------------- a fake Graph Store


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body_bytes: int


@dataclass
class FakeStore:
    """An HTTP server on 127.0.0.1 that records each request and answers ``status`` with
    ``body`` and ``headers`` (``echo=True``: the request's headers as the body, as some stores
    do in errors).
    While ``hold`` is clear, answers wait for it (up to a minute).

    With a status below 300 it speaks just enough of a store for ``push`` (Graph Store POSTs at
    ``/store``, counts at ``/query``, MOVE and DROP at ``/update``), keeping a count of triples
    per named graph in ``graphs``."""

    status: int = 204
    body: bytes = b""
    echo: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    graphs: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.hold.set()
        store = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                remaining, parts = length, []
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    parts.append(chunk)
                    remaining -= len(chunk)
                sent = b"".join(parts)
                store.received.append(Received(self.command, self.path, dict(self.headers.items()), len(sent)))
                store.hold.wait(timeout=60)
                body = str(self.headers).encode() if store.echo else store.body
                status, content_type = store.status, "text/plain"
                if status < 300:
                    status, body, content_type = store.as_a_store(self.command, self.path, sent, body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Type", content_type)
                for name, value in store.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def as_a_store(self, method: str, path: str, sent: bytes, body: bytes) -> tuple[int, bytes, str]:
        """The answer of a store to a push's request: status, body, content type."""
        where, _, query = path.partition("?")
        fields = parse_qs(query if method in ("GET", "HEAD") else sent.decode() if where != "/store" else query)
        if where == "/store" and method == "POST":
            graph = parse_qs(query)["graph"][0]
            self.graphs[graph] = self.graphs.get(graph, 0) + sent.count(b"\n")
        elif where == "/update":
            update = fields["update"][0]
            iris = re.findall(r"<([^>]*)>", update)
            if update.startswith("MOVE"):
                self.graphs[iris[1]] = self.graphs.pop(iris[0], 0)
            else:  # DROP or DELETE WHERE
                self.graphs.pop(iris[0], None)
        elif where == "/query":
            graph = re.findall(r"GRAPH <([^>]*)>", fields["query"][0])[0]
            count = {"type": "literal", "value": str(self.graphs.get(graph, 0)),
                     "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
            answer = {"head": {"vars": ["triples"]}, "results": {"bindings": [{"triples": count}]}}
            return 200, json.dumps(answer).encode(), "application/sparql-results+json"
        return self.status, body, "text/plain"

    def authorization(self) -> list[str]:
        """The user:password pairs the requests carried in Basic Authorization headers."""
        found = []
        for request in self.received:
            value = request.headers.get("Authorization", "")
            if value.startswith("Basic "):
                found.append(base64.b64decode(value[6:]).decode("utf-8"))
        return found

    def close(self) -> None:
        self.hold.set()
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def fake_store(**options: object) -> Iterator[FakeStore]:
    store = FakeStore(**options)  # type: ignore[arg-type]
    try:
        yield store
    finally:
        store.close()
