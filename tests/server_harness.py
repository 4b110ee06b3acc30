"""Starting and stopping a real citynet server for the server tests (and the load test):
``python -m citynet.server`` on 127.0.0.1 and a free port, in its own process group,
waited for until /health says its workers are up, and stopped at the end."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningServer:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    @property
    def sparql(self) -> str:
        return self.base_url + "/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_lines_once(self, *patterns: str, timeout: float = 10.0) -> list[str]:
        """The log's lines once each pattern (a regular expression) matches one of them: the
        server writes a request's access-log line after it has sent the answer, so a client
        that has its answer may still be ahead of the log. Whatever is there after ``timeout``
        seconds, if a pattern is still missing (the caller's assertion then says which)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.log().splitlines()
            if all(any(re.search(p, line) for line in lines) for p in patterns) or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def client(self, **options) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=options.pop("timeout", 30), **options)

    def health(self) -> dict:
        return httpx.get(self.base_url + "/health", timeout=10).json()

    def process_tree(self) -> list[int]:
        """The server's pid and all its descendants' (the fork server and the workers)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
        tree, stack = [], [self.process.pid]
        while stack:
            pid = stack.pop()
            tree.append(pid)
            stack.extend(children.get(pid, []))
        return tree

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        # The workers and the fork server share the server's process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def start_server(log_dir: Path, *options: str) -> RunningServer:
    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "citynet.server", "--host", "127.0.0.1", "--port", str(port), *options],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = RunningServer(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped while starting:\n{server.log()}")
        with contextlib.suppress(httpx.HTTPError):
            if server.health().get("status") == "ok":
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not start within {STARTUP_SECONDS} s:\n{server.log()}")


@contextlib.contextmanager
def running_server(log_dir: Path, *options: str) -> Iterator[RunningServer]:
    server = start_server(log_dir, *options)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Listener:
    """A TCP listener on a loopback port that records every connection made to it: the
    tests point SERVICE, FROM and LOAD at it and check that nothing arrived."""

    port: int = 0
    received: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.received.append(connection.recv(4096) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


def server_fixtures(*options: str):
    """Module-scoped pytest fixtures ``server`` (a running server started with ``options``)
    and ``http`` (a client for it): ``server, http = server_fixtures("--timeout", "2")``."""
    import pytest  # here, so that the load test can use this module without pytest

    @pytest.fixture(scope="module")
    def server(tmp_path_factory) -> Iterator[RunningServer]:
        running = start_server(tmp_path_factory.mktemp("server"), *options)
        yield running
        running.stop()

    @pytest.fixture(scope="module")
    def http(server: RunningServer) -> Iterator[httpx.Client]:
        with server.client() as client:
            yield client

    return server, http
