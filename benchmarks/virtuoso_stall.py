"""Why pushes of 1M triples to Virtuoso stalled: the same graph loaded in different ways, each on a
fresh Virtuoso with Debian's stock virtuoso.ini, and what each left behind.

    .venv/bin/python benchmarks/virtuoso_stall.py                                  # every way once
    .venv/bin/python benchmarks/virtuoso_stall.py --ways curl-put,curl-put,curl-put --timeout 240
    .venv/bin/python benchmarks/virtuoso_stall.py --ways curl-put-x5,httpx-put-x5   # 5 loads in a row, one store

Ways (``--ways``, comma-separated, a way may repeat; ``WAY-xN`` loads N times in a row into the same
graph of one Virtuoso, as repeated pushes do):

- ``curl-put``: ``curl --digest -T graph.nt`` to the Graph Store: one PUT of the whole file, as the
  issue's working comparison did. curl sends ``Expect: 100-continue`` and a Content-Length;
- ``curl-put-no-expect``: the same with ``-H 'Expect:'``, so the body follows at once;
- ``httpx-put``: one PUT as citynet sent it before (httpx, a HEAD for the Digest challenge first,
  a Content-Length, no ``Expect``, the file streamed in blocks of 1 MiB);
- ``posts-100k``: the file as POSTs of 100,000 lines each (about 14 MB), one after the other (a POST
  adds: loaded again, the graph grows by the triples with blank nodes, which are new nodes each time);
- ``posts-10k``: as POSTs of 10,000 lines each (about 1.4 MB);
- ``citynet-push``: ``citynet.push`` (chunks of about 4 MB into a staging graph, counted, MOVE).

After each load: the HTTP status and time of each request, the request headers as sent (curl
``-v``; httpx's request), the triples the graph then holds, Virtuoso's own count of deadlocks and
lock waits (``status()`` through isql, when ``isql-vt`` is installed), and whether small writes
still go through within 30 s (SPARQL Update and Graph Store PUT, each of one triple into
another graph). Prints each step and writes ``benchmarks/STALL-RESULTS.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import pyoxigraph  # noqa: E402
from tests.triplestores import Triplestore, missing, running  # noqa: E402

import citynet  # noqa: E402
from citynet.scale.generate import generate  # noqa: E402
from citynet.scale.remote import RemoteError, push  # noqa: E402

DATA = REPO / "benchmarks" / ".data"
GRAPH = "https://w3id.org/citynet/graph/stall"
PROBE = "https://w3id.org/citynet/graph/probe"
WAYS = ("curl-put", "curl-put-no-expect", "httpx-put", "posts-100k", "posts-10k", "citynet-push")


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def ntriples(triples: int, folder: Path) -> tuple[Path, citynet.KnowledgeGraph]:
    """The generated graph (seed 1) with the ontology, as one N-Triples file, and the graph."""
    source = DATA / f"generated-{triples}-seed1.ttl"
    if not source.exists():
        DATA.mkdir(exist_ok=True)
        log(f"generating {triples:,} triples")
        generate(triples, 1, source, progress=False)
    graph = citynet.KnowledgeGraph.from_paths([source])
    path = folder / "graph.nt"
    quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    pyoxigraph.serialize(quads, output=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return path, graph


# ---------------------------------------------------------------- the ways of loading

def curl_put(server: Triplestore, path: Path, timeout: float, expect: bool = True) -> list[dict]:
    command = [shutil.which("curl") or "curl", "-sS", "-v", "--digest", "-u", f"{server.user}:{server.password}",
               "-T", str(path), "-H", "Content-Type: application/n-triples", "--max-time", str(int(timeout)),
               "-o", "/dev/null", "-w", "%{http_code}", f"{server.store}?graph={GRAPH}"]
    if not expect:
        command[command.index("-T"):command.index("-T")] = ["-H", "Expect:"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own arguments)
    seconds = time.perf_counter() - started
    sent = [line[2:] for line in done.stderr.splitlines() if line.startswith("> ")]
    answers = [line[2:] for line in done.stderr.splitlines() if line.startswith("< HTTP")]
    notes = [line[2:] for line in done.stderr.splitlines()
             if line.startswith("* ") and re.search(r"connection|Re-using|Closing|left intact|timed out", line, re.I)]
    status = done.stdout.strip() or f"curl exit {done.returncode}"
    if done.returncode == 28:
        status = f"no answer within {timeout:.0f} s"
    return [dict(request=f"PUT {path.stat().st_size:,} bytes", status=status, seconds=seconds,
                 headers=[h for h in sent if h and not h.lower().startswith("authorization")],
                 answers=answers, notes=notes)]


def httpx_put(server: Triplestore, path: Path, timeout: float) -> list[dict]:
    sent: list[str] = []

    def record(request: httpx.Request) -> None:
        sent.append(f"{request.method} " + ", ".join(f"{k}: {v}" for k, v in request.headers.items()
                                                        if k.lower() != "authorization"))

    size = path.stat().st_size
    url = f"{server.store}?graph={GRAPH}"
    with httpx.Client(auth=httpx.DigestAuth(server.user or "", server.password or ""), trust_env=False,
                      timeout=httpx.Timeout(timeout, connect=10), event_hooks={"request": [record]}) as client:
        started = time.perf_counter()
        try:
            client.head(url)  # the Digest challenge, before the body, as citynet did
            response = client.put(url, content=_FileBody(path),
                                  headers={"Content-Type": "application/n-triples", "Content-Length": str(size)})
            status = str(response.status_code)
        except httpx.TimeoutException:
            status = f"no answer within {timeout:.0f} s"
        seconds = time.perf_counter() - started
    return [dict(request=f"PUT {size:,} bytes", status=status, seconds=seconds, headers=sent, answers=[], notes=[])]


class _FileBody:
    """The body as citynet's PUT streamed it: the file in blocks of 1 MiB, iterable again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as stream:
            while block := stream.read(1 << 20):
                yield block


def posts(server: Triplestore, path: Path, timeout: float, lines_per_post: int) -> list[dict]:
    results = []
    with httpx.Client(auth=httpx.DigestAuth(server.user or "", server.password or ""), trust_env=False,
                      timeout=httpx.Timeout(timeout, connect=10)) as client:
        client.head(f"{server.store}?graph={GRAPH}")
        for number, body in enumerate(_parts(path, lines_per_post), start=1):
            started = time.perf_counter()
            try:
                response = client.post(server.store, params={"graph": GRAPH}, content=body,
                                       headers={"Content-Type": "application/n-triples"})
                status = str(response.status_code)
                if response.status_code >= 300:
                    status += " " + " ".join(response.text.split())[:160]
            except httpx.TimeoutException:
                status = f"no answer within {timeout:.0f} s"
            results.append(dict(request=f"POST {number} ({len(body):,} bytes)", status=status,
                                seconds=time.perf_counter() - started, headers=[], answers=[], notes=[]))
            if not status.startswith("2"):
                break
    return results


def _parts(path: Path, lines_per_post: int) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while lines := [line for _, line in zip(range(lines_per_post), stream, strict=False)]:
            yield b"".join(lines)


def citynet_push(server: Triplestore, graph: citynet.KnowledgeGraph, timeout: float) -> list[dict]:
    started = time.perf_counter()
    try:
        report = push(graph, server.store, GRAPH, **server.credentials, timeout=timeout)
        status = f"pushed: {report.stored:,} counted, {report.requests} requests, {report.attempts} load(s)"
    except RemoteError as error:
        status = f"RemoteError: {error.message}"
    return [dict(request="citynet.push", status=status, seconds=time.perf_counter() - started,
                 headers=[], answers=[], notes=[])]


# ---------------------------------------------------------------- what a load left behind

def graph_count(server: Triplestore) -> str:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    try:
        answer = httpx.get(server.sparql, params={"query": query}, timeout=120, trust_env=False,
                           headers={"Accept": "application/sparql-results+json"})
        return answer.json()["results"]["bindings"][0]["n"]["value"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError) as error:
        return f"no count ({type(error).__name__})"


def small_writes(server: Triplestore, seconds: float = 30) -> str:
    """Whether small writes go through: one triple inserted into another graph by SPARQL Update,
    and a one-triple Graph Store PUT into another graph."""
    auth = httpx.DigestAuth(server.user or "", server.password or "")
    outcomes = []
    for what, send in (
            ("INSERT into another graph", lambda: httpx.post(
                server.update or "", auth=auth, timeout=seconds, trust_env=False,
                data={"update": f"INSERT DATA {{ GRAPH <{PROBE}> {{ <urn:x:s> <urn:x:p> <urn:x:o> }} }}"})),
            ("Graph Store PUT into another graph", lambda: httpx.put(
                server.store, params={"graph": PROBE + "/put"}, auth=auth, timeout=seconds, trust_env=False,
                content=b"<urn:x:s> <urn:x:p> <urn:x:o> .\n", headers={"Content-Type": "application/n-triples"}))):
        started = time.perf_counter()
        try:
            outcomes.append(f"{what}: HTTP {send().status_code} in {time.perf_counter() - started:.1f} s")
        except httpx.TimeoutException:
            outcomes.append(f"{what}: no answer within {seconds:.0f} s (waits)")
    return "; ".join(outcomes)


def deadlocks(server: Triplestore) -> str:
    """Virtuoso's own words on locks since it started (status() through isql)."""
    isql = shutil.which("isql-vt")
    ini = (server.folder / "virtuoso.ini").read_text(encoding="utf-8")
    port = re.search(r"^\[Parameters\][^\[]*?^ServerPort\s*=\s*(\S+)", ini, re.M | re.S)
    if isql is None or port is None:
        return "(isql-vt not installed)"
    try:
        done = subprocess.run([isql, port.group(1), server.user or "dba", server.password or "dba",  # noqa: S603
                               "exec=status('');"], capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return "isql got no answer within 60 s"
    wanted = [line.strip() for line in done.stdout.splitlines()
              if re.search(r"deadlock|lock escalation|Lock Status", line, re.I)]
    return "; ".join(wanted) or "no lock lines in status()"


def load(way: str, server: Triplestore, path: Path, graph: citynet.KnowledgeGraph, timeout: float) -> list[dict]:
    if way in ("curl-put", "curl-put-no-expect"):
        return curl_put(server, path, timeout, expect=way == "curl-put")
    if way == "httpx-put":
        return httpx_put(server, path, timeout)
    if way in ("posts-100k", "posts-10k"):
        return posts(server, path, timeout, 100_000 if way == "posts-100k" else 10_000)
    return citynet_push(server, graph, timeout)


def _monitor_lines(server: Triplestore) -> str:
    """What Virtuoso's monitor has logged so far ("Locks are held for a long time", ...)."""
    log_file = server.folder / "virtuoso.log"
    lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines() if log_file.exists() else []
    said: dict[str, int] = {}
    for line in lines:
        if "Monitor:" in line:
            words = line.split("Monitor:", 1)[1].strip()
            said[words] = said.get(words, 0) + 1
    return "; ".join(f"{words} ({times}×)" for words, times in said.items()) or "–"


def trial(way: str, path: Path, graph: citynet.KnowledgeGraph, folder: Path, timeout: float) -> list[dict]:
    """One fresh Virtuoso, loaded ``way``; ``way-xN``: N times in a row into the same graph, as
    pushes repeated against a running store. Stops after a load that left writes waiting."""
    base, _, repeat = way.partition("-x")
    expected = len(graph)
    results = []
    with running("virtuoso", folder) as server:
        log(f"{way}: a fresh Virtuoso at {server.store}")
        for number in range(1, int(repeat or 1) + 1):
            requests = load(base, server, path, graph, timeout)
            result = dict(way=f"{base} {number}" if repeat else base, server=folder.name, requests=requests,
                          count=graph_count(server),
                          locks=deadlocks(server), write=small_writes(server), expected=expected,
                          monitor=_monitor_lines(server))
            results.append(result)
            last = requests[-1]
            log(f"{result['way']}: {len(requests)} request(s), last {last['request']}: {last['status']} after "
                f"{last['seconds']:.1f} s; the graph holds {result['count']} of {expected:,}; small writes: "
                f"{result['write']}; {result['locks']}")
            if number == 1:
                for header in requests[0]["headers"]:
                    log(f"{way}:   sent  {header}")
                for line in requests[0]["answers"] + requests[0]["notes"]:
                    log(f"{way}:   {line}")
            if "waits" in result["write"]:
                break
    return results


def write_results(out: Path, results: list[dict], started: str, size: int, triples: int, timeout: float) -> None:
    lines = ["# Virtuoso stall experiments", "",
             f"`benchmarks/virtuoso_stall.py`, started {started}, on {platform.node()} ({platform.machine()}, "
             f"Python {platform.python_version()}). Each row is a fresh Virtuoso 7 with Debian's stock "
             f"virtuoso.ini, loaded with the same {triples:,} triples ({size:,} bytes of N-Triples) one way; "
             f"each request may take {timeout:.0f} s.", "",
             "| server | way | requests | last request | its answer | seconds (all) | graph holds "
             "| small writes after | Virtuoso's lock status | its log's monitor |",
             "|---|---|---:|---|---|---:|---:|---|---|---|"]
    for r in results:
        last = r["requests"][-1]
        total = sum(q["seconds"] for q in r["requests"])
        lines.append(f"| {r['server']} | {r['way']} | {len(r['requests'])} | {last['request']} | {last['status']} "
                     f"| {total:.1f} | {r['count']} | {r['write']} | {r['locks']} | {r['monitor']} |")
    lines += ["", "Request headers as sent:", ""]
    seen = set()
    for r in results:
        if r["way"] in seen or not r["requests"][0]["headers"]:
            continue
        seen.add(r["way"])
        lines += [f"- {r['way']}:", "", "  ```", *[f"  {h}" for h in r["requests"][0]["headers"]],
                  *[f"  {a}" for a in r["requests"][0]["answers"] + r["requests"][0]["notes"]], "  ```", ""]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log(f"wrote {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds one request may take")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "STALL-RESULTS.md")
    args = parser.parse_args()
    ways = args.ways.split(",")
    unknown = sorted({way.partition("-x")[0] for way in ways} - set(WAYS))
    if unknown:
        parser.error(f"unknown ways {unknown}; ways: {', '.join(WAYS)}")
    reason = missing("virtuoso") or (None if shutil.which("curl") else "curl is not installed")
    if reason:
        sys.exit(reason)
    started = f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    results = []
    with tempfile.TemporaryDirectory(prefix="citynet-stall-") as folder:
        path, graph = ntriples(args.triples, Path(folder))
        log(f"{path.stat().st_size:,} bytes of N-Triples, {len(graph):,} triples")
        for number, way in enumerate(ways):
            results += trial(way, path, graph, Path(folder) / f"virtuoso-{number}", args.timeout)
        write_results(args.out, results, started, path.stat().st_size, len(graph), args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
