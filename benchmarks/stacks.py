"""What the load benchmarks share: servers to start on 127.0.0.1 (citynet, the same app under
other ASGI servers, the Oxigraph server), the stored queries as plain SPARQL for a server
that has no stored queries, and the memory of a process tree.

The other ASGI servers (hypercorn, granian) are not citynet's dependencies: install them
beside it to measure them (``pip install hypercorn granian``); a stack whose server is
missing is skipped. ``stack_app.py`` is the app they serve.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.server_harness import free_port  # noqa: E402

STARTUP_SECONDS = 90


def oxigraph_binary() -> str | None:
    """The Oxigraph server (the ``oxigraph`` package): beside this Python, in the project's venv, or on the PATH."""
    for candidate in (Path(sys.executable).with_name("oxigraph"), REPO / ".venv" / "bin" / "oxigraph"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which("oxigraph")


@dataclass
class Stack:
    """A running server: its process, address, and how to ask it a stored query."""

    name: str
    process: subprocess.Popen
    base_url: str
    oxigraph: bool = False

    def stored_query(self, name: str, params: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The path and parameters that run a stored query (on Oxigraph: its text, bound by VALUES)."""
        if self.oxigraph:
            return "/query", {"query": sparql_of(name, tuple(sorted(params.items())))}
        return f"/queries/{name}", params

    @property
    def sparql_path(self) -> str:
        return "/query" if self.oxigraph else "/sparql"

    def process_tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
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
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the stack's own process group only
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


_SPARQL_CACHE: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def sparql_of(name: str, params: tuple[tuple[str, str], ...]) -> str:
    """A stored query's text with its parameters bound by a VALUES block, as
    ``citynet query --endpoint`` sends it to a remote store."""
    key = (name, params)
    if key not in _SPARQL_CACHE:
        import citynet
        from citynet.querying.execute import bind_parameters
        from citynet.scale.remote import with_values

        stored = next(q for q in citynet.queries() if q.name == name)
        bindings = bind_parameters(stored, dict(params), citynet.shipped_graph())
        _SPARQL_CACHE[key] = with_values(stored.text, bindings)
    return _SPARQL_CACHE[key]


def memory_of(pids: list[int]) -> tuple[int, int]:
    """RSS and PSS (bytes) of these processes together; PSS shares common pages fairly."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) * 1024
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return rss, pss


def available(name: str) -> bool:
    if name == "oxigraph":
        return oxigraph_binary() is not None
    module = {"hypercorn": "hypercorn", "granian": "granian"}.get(name)
    return module is None or importlib.util.find_spec(module) is not None


def _command(name: str, port: int, store: Path) -> list[str]:
    python, app = sys.executable, "benchmarks.stack_app:app"
    commands = {
        "citynet": [python, "-m", "citynet.server", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        # The server as it was before the guard: uvicorn's one cap for everything.
        "uvicorn-limit": [python, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
                          "--limit-concurrency", "200", "--no-access-log", "--log-level", "warning"],
        "uvicorn": [python, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                    "--log-level", "warning"],
        "hypercorn": [python, "-m", "hypercorn", app, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        "granian": [python, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
                    "--workers", "1", "--log-level", "warning", app],
        "oxigraph": [oxigraph_binary() or "oxigraph", "serve-read-only", "--location", str(store),
                     "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
    }
    return commands[name]


def _load_oxigraph(folder: Path) -> Path:
    """An Oxigraph store holding the shipped graph (each file in its own named graph)."""
    store = folder / "oxigraph-store"
    nquads = folder / "citynet.nq"
    subprocess.run([sys.executable, "-m", "citynet", "export", "--format", "nquads", "-o", str(nquads)],  # noqa: S603
                   check=True, cwd=REPO)
    subprocess.run([oxigraph_binary() or "oxigraph", "load", "--location", str(store), "--file", str(nquads)],  # noqa: S603
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return store


@contextlib.contextmanager
def running(name: str, env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Start the stack ``name`` on a free loopback port, wait until it answers a stored query, stop it at the end.
    ``env``: variables to set for the server (PYTHONPATH, say, to run another checkout's citynet)."""
    with tempfile.TemporaryDirectory() as folder:
        store = _load_oxigraph(Path(folder)) if name == "oxigraph" else Path(folder)
        port = free_port()
        log = (Path(folder) / "server.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            _command(name, port, store), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, env={**os.environ, **(env or {})})
        stack = Stack(name, process, f"http://127.0.0.1:{port}", oxigraph=name == "oxigraph")
        try:
            path, params = stack.stored_query("class-counts", {})
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} stopped while starting:\n{(Path(folder) / 'server.log').read_text()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(stack.base_url + path, params=params, timeout=5).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start within {STARTUP_SECONDS} s")
                time.sleep(0.3)
            yield stack
        finally:
            stack.stop()
            log.close()
