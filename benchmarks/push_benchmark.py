"""Push a generated graph to real triplestores, several times in a row, and check every count.

    .venv/bin/python benchmarks/push_benchmark.py                      # 1M triples, 5 pushes per store
    .venv/bin/python benchmarks/push_benchmark.py --triples 100000 --pushes 2

Starts Virtuoso 7 with Debian's stock virtuoso.ini and the Oxigraph server on 127.0.0.1
(``tests/triplestores.py``), pushes the generated graph (``citynet generate``, seed 1, cached in
``benchmarks/.data/``) into the same named graph ``--pushes`` times per store, and counts the
graph after each push with a query of its own. Then it runs ``member-locations`` against the
stock Virtuoso, whose ResultSetMaxRows is 10,000, and compares it with the embedded store: once
read in pages, once with paging turned off (which must fail, naming the setting).

Writes ``benchmarks/PUSH-RESULTS.md`` (``--out``) and prints each step as it goes.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from tests.triplestores import Triplestore, missing, running  # noqa: E402

import citynet  # noqa: E402
from citynet.scale.generate import generate  # noqa: E402
from citynet.scale.remote import RemoteError, RowLimitError, push, remote_query  # noqa: E402
from citynet.scale.remote.http import Connection  # noqa: E402
from citynet.scale.remote.sparql import count_triples  # noqa: E402

DATA = REPO / "benchmarks" / ".data"
GRAPH = "https://w3id.org/citynet/graph/benchmark"
SEED = 1


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def graph_file(triples: int) -> Path:
    path = DATA / f"generated-{triples}-seed{SEED}.ttl"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        log(f"generating {triples:,} triples")
        generate(triples, SEED, path, progress=False)
    return path


def independent_count(server: Triplestore) -> int:
    """The target's triples, counted by a query of its own, after the push has returned."""
    with Connection(timeout=600).client() as client:
        return count_triples(client, server.sparql, GRAPH)


def push_rounds(server: Triplestore, graph: citynet.KnowledgeGraph, pushes: int) -> list[dict]:
    rows = []
    for number in range(1, pushes + 1):
        started = time.perf_counter()
        try:
            report = push(graph, server.store, GRAPH, **server.credentials, timeout=600)
            outcome = dict(sent=report.triples, stored=report.stored, previous=report.previous,
                           requests=report.requests, attempts=report.attempts, atomic=report.atomic, error="")
        except RemoteError as error:
            outcome = dict(sent=len(graph), stored=None, previous=None, requests=None, attempts=None, atomic=None,
                           error=str(error).splitlines()[0])
        seconds = time.perf_counter() - started
        counted = independent_count(server)
        exact = outcome["stored"] == outcome["sent"] == counted
        rows.append(dict(store=server.name, push=number, seconds=seconds, counted=counted, exact=exact, **outcome))
        log(f"{server.name} push {number}: sent {outcome['sent']:,}, the push counted {outcome['stored']}, "
            f"a separate count {counted:,}, {seconds:.1f} s, {outcome['requests']} requests, "
            f"{outcome['attempts']} load(s), one transaction: {outcome['atomic']} {outcome['error']}")
    return rows


def row_cap_check(server: Triplestore, graph: citynet.KnowledgeGraph) -> list[str]:
    lines = []
    local = citynet.query("member-locations", graph=graph)
    started = time.perf_counter()
    remote = remote_query("member-locations", server.sparql, graph_iri=GRAPH, timeout=600)
    seconds = time.perf_counter() - started

    def typed(result: citynet.QueryResult) -> list[tuple]:
        return sorted(tuple("" if t is None else t.n3() for t in row) for row in result.coerced().terms)

    equal = typed(remote) == typed(local)
    lines.append(f"member-locations on stock Virtuoso (ResultSetMaxRows 10,000): {len(remote):,} rows in "
                 f"{seconds:.1f} s; the embedded store: {len(local):,} rows; equal in their declared types: {equal}")
    try:
        remote_query("member-locations", server.sparql, graph_iri=GRAPH, timeout=600, paging=False)
        lines.append("with paging off: no error (the answer was under the cap)")
    except RowLimitError as error:
        lines.append(f"with paging off: RowLimitError: {error}".replace("\n", " "))
    for line in lines:
        log(line)
    return lines


def write_results(out: Path, triples: int, rows: list[dict], notes: list[str], started: str) -> None:
    lines = [
        "# Push benchmark",
        "",
        f"`benchmarks/push_benchmark.py --triples {triples}`, started {started}, on {platform.node()} "
        f"({platform.machine()}, Python {platform.python_version()}). Each push replaces the same named graph; "
        "'counted' is a separate COUNT after the push returned. MOVE: whether the store replaced the graph "
        "in one transaction, or (Virtuoso, above TransactionAfterImageLimit) in autocommit mode.",
        "",
        "| store | push | sent | stored (push's count) | counted | exact | requests | loads | MOVE | seconds | error |",
        "|---|---:|---:|---:|---:|---|---:|---:|---|---:|---|",
    ]
    for r in rows:
        stored = "–" if r["stored"] is None else f"{r['stored']:,}"
        move = {True: "one transaction", False: "autocommit", None: "–"}[r["atomic"]]
        lines.append(f"| {r['store']} | {r['push']} | {r['sent']:,} | {stored} | {r['counted']:,} "
                     f"| {'yes' if r['exact'] else 'NO'} | {r['requests']} | {r['attempts']} | {move} "
                     f"| {r['seconds']:.1f} | {r['error']} |")
    lines += ["", *[f"- {note}" for note in notes], ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    log(f"wrote {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--pushes", type=int, default=5)
    parser.add_argument("--stores", default="virtuoso,oxigraph")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "PUSH-RESULTS.md")
    args = parser.parse_args()
    started = f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    path = graph_file(args.triples)
    log(f"loading {path.name}")
    graph = citynet.KnowledgeGraph.from_paths([path])
    log(f"{len(graph):,} triples with the ontology")
    rows: list[dict] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="citynet-push-benchmark-") as folder:
        for name in args.stores.split(","):
            reason = missing(name)
            if reason:
                notes.append(f"{name}: skipped, {reason}")
                continue
            with running(name, Path(folder) / name) as server:
                log(f"{name} is up: {server.store}")
                rows += push_rounds(server, graph, args.pushes)
                if name == "virtuoso":
                    notes += row_cap_check(server, graph)
    write_results(args.out, args.triples, rows, notes, started)
    return 0 if rows and all(r["exact"] for r in rows) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except httpx.HTTPError as error:
        sys.exit(f"benchmark failed: {error}")
