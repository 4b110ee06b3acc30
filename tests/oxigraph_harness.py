"""Starting and stopping the Oxigraph server (``oxigraph serve-read-only``, from the ``oxigraph``
package of the test extra) as the reference the protocol and client tests compare citynet
with: loaded from given files first, on 127.0.0.1 and a free port, stopped at the end."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.server_harness import free_port

STARTUP_SECONDS = 60
MISSING = "the Oxigraph server is not installed: pip install oxigraph (it brings the `oxigraph` binary)"


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@dataclass
class OxigraphServer:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        """The query endpoint (Oxigraph's is /query; updates go to /update)."""
        return self.base_url + "/query"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_oxigraph(folder: Path, files: Sequence[Path], *, union_default_graph: bool = False) -> OxigraphServer:
    """Load ``files`` (N-Quads and TriG keep their graphs) into a new store in ``folder`` and
    serve it read-only. Skips the test when the binary is missing."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip(MISSING)
    location = folder / "store"
    log_path = folder / "oxigraph.log"
    with log_path.open("wb") as log:
        for path in files:
            subprocess.run([binary, "load", "--location", str(location), "--file", str(path)],
                           stdout=log, stderr=subprocess.STDOUT, check=True, timeout=300)
        port = free_port()
        options = ["--union-default-graph"] if union_default_graph else []
        process = subprocess.Popen([binary, "serve-read-only", "--location", str(location),
                                    "--bind", f"127.0.0.1:{port}", *options],
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = OxigraphServer(process, port, log_path)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Oxigraph server stopped while starting:\n{log_path.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=5, trust_env=False).status_code == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the Oxigraph server did not start within {STARTUP_SECONDS} s:\n{log_path.read_text()}")


@contextlib.contextmanager
def running_oxigraph(folder: Path, files: Sequence[Path], **options: bool) -> Iterator[OxigraphServer]:
    server = start_oxigraph(folder, files, **options)
    try:
        yield server
    finally:
        server.stop()
