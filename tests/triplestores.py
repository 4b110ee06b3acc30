"""Real triplestores for tests and benchmarks, on 127.0.0.1 and free ports, started and stopped here.

- **Virtuoso 7** (Debian: ``apt-get install virtuoso-opensource-7-bin``, which brings
  ``virtuoso-t``) runs with Debian's stock ``virtuoso.ini`` (``tests/data/virtuoso-debian.ini``,
  copied unchanged from the ``virtuoso-opensource-7`` package): only the file locations and the
  ports are changed, so ``ResultSetMaxRows = 10000``, ``MaxQueryCostEstimationTime = 400`` and
  ``MaxQueryExecutionTime = 60`` hold as on a fresh Debian install. ``settings`` overrides more.
- **The Oxigraph server** (``pip install oxigraph`` brings the ``oxigraph`` binary), writable:
  Graph Store at ``/store``, queries at ``/query``, updates at ``/update``.

Without a binary, :func:`missing` names what to install (tests skip with it).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

STOCK_INI = Path(__file__).with_name("data") / "virtuoso-debian.ini"
STARTUP_SECONDS = 120
# A private instance on loopback, made for one test run: Virtuoso's default dba password.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"

INSTALL = {
    "virtuoso": "Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin (Debian; it brings `virtuoso-t`)",
    "oxigraph": "the Oxigraph server is not installed: pip install oxigraph (it brings the `oxigraph` binary)",
}


@dataclass
class Triplestore:
    """A running store: where its Graph Store, query and update services are, and how to log in."""

    name: str
    process: subprocess.Popen
    folder: Path
    log: Path
    store: str
    sparql: str
    update: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"

    @property
    def credentials(self) -> dict[str, str | None]:
        return {"user": self.user, "password": self.password, "auth": self.auth}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def missing(name: str) -> str | None:
    """Why the store ``name`` cannot run here, or None when it can."""
    binary = shutil.which("virtuoso-t") if name == "virtuoso" else oxigraph_binary()
    return INSTALL[name] if binary is None else None


def virtuoso_ini(folder: Path, http_port: int, sql_port: int,
                 settings: Mapping[tuple[str, str], str] | None = None) -> str:
    """Debian's stock virtuoso.ini with the files in ``folder``, both ports on loopback, and ``settings``
    ({(section, key): value}) changed."""
    changes = {
        ("Database", "DatabaseFile"): f"{folder}/virtuoso.db",
        ("Database", "ErrorLogFile"): f"{folder}/virtuoso.log",
        ("Database", "LockFile"): f"{folder}/virtuoso.lck",
        ("Database", "TransactionFile"): f"{folder}/virtuoso.trx",
        ("Database", "xa_persistent_file"): f"{folder}/virtuoso.pxa",
        ("TempDatabase", "DatabaseFile"): f"{folder}/virtuoso-temp.db",
        ("TempDatabase", "TransactionFile"): f"{folder}/virtuoso-temp.trx",
        ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}",
        ("Parameters", "DirsAllowed"): f"., {folder}",
        ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
        ("HTTPServer", "ServerRoot"): str(folder),
        ("URIQA", "DefaultHost"): f"127.0.0.1:{http_port}",
        **(settings or {}),
    }
    section = ""
    seen: set[tuple[str, str]] = set()
    lines = []
    for line in STOCK_INI.read_text(encoding="utf-8").splitlines():
        header = re.fullmatch(r"\[(.+)\]\s*", line)
        if header:
            section = header.group(1)
        setting = re.match(r"(\w+)(\s*=\s*)", line)
        if setting and (section, setting.group(1)) in changes:
            key = (section, setting.group(1))
            if key in seen:
                continue  # the stock file repeats a few keys: one is enough once changed
            seen.add(key)
            line = f"{setting.group(1)}{setting.group(2)}{changes[key]}"
        lines.append(line)
    unknown = set(changes) - seen
    if unknown:
        raise ValueError(f"not in the stock virtuoso.ini: {sorted(unknown)}")
    return "\n".join(lines) + "\n"


def start_virtuoso(folder: Path, settings: Mapping[tuple[str, str], str] | None = None) -> Triplestore:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError(INSTALL["virtuoso"])
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, http_port, sql_port, settings), encoding="utf-8")
    log = folder / "stdout.log"
    with log.open("w") as stream:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                   stdout=stream, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    server = Triplestore("virtuoso", process, folder, log, store=f"{base}/sparql-graph-crud-auth",
                         sparql=f"{base}/sparql", update=f"{base}/sparql-auth", user=VIRTUOSO_USER,
                         password=VIRTUOSO_PASSWORD, auth="digest")
    _wait_for(server, f"{base}/sparql?query=ASK%7B%7D")
    return server


def start_oxigraph_server(folder: Path, port: int | None = None) -> Triplestore:
    """The writable Oxigraph server on ``port`` (default: a free one), its data in ``folder``."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError(INSTALL["oxigraph"])
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = folder / "server.log"
    with log.open("w") as stream:
        process = subprocess.Popen([binary, "serve", "--location", str(folder / "data"),
                                    "--bind", f"127.0.0.1:{port}"],
                                   stdout=stream, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    server = Triplestore("oxigraph", process, folder, log, store=f"{base}/store", sparql=f"{base}/query",
                         update=f"{base}/update")
    _wait_for(server, f"{base}/query?query=ASK%7B%7D")
    return server


def start(name: str, folder: Path, **options) -> Triplestore:
    return start_virtuoso(folder, **options) if name == "virtuoso" else start_oxigraph_server(folder)


@contextlib.contextmanager
def running(name: str, folder: Path, **options) -> Iterator[Triplestore]:
    server = start(name, folder, **options)
    try:
        yield server
    finally:
        server.stop()


def _wait_for(server: Triplestore, url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} stopped while starting (exit {server.process.returncode}):\n"
                               f"{server.log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2, trust_env=False).status_code < 500:
                return
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {STARTUP_SECONDS} s:\n{server.log.read_text()[-2000:]}")
