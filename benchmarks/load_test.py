"""Load test of ``citynet serve`` beside the Oxigraph server (not part of the test suite).

Each server is started on 127.0.0.1 with its default settings, holding the shipped graph
(``oxigraph serve-read-only`` with ``--union-default-graph``; it has no stored queries, so
it is sent each stored query's text with the parameters bound by a VALUES block, as
``citynet query --endpoint`` does). Against each, in turn:

1. **Slow clients**: 250 connections send half a request and wait; a new client then asks
   a stored query, five times, each on a new connection (target: answered within 1 s).
2. **Mixed load** for 60 s: light clients ask stored queries (target: p99 ≤ 100 ms, no
   failure), heavy clients send cross products that no time limit lets finish (more heavy
   clients than citynet has workers), hostile clients send what must be refused (updates,
   SERVICE and FROM aimed at a loopback listener, deep nesting, oversized bodies, bad
   headers and parameters). Heavy clients wait as ``Retry-After`` asks (``--impatient``:
   they resend at once); hostile clients never wait.
3. **Memory**: the PSS of the server's process tree, sampled throughout (target for
   citynet: within its memory budget).
4. **Afterwards**: a stored query at once (target: answered, within 1 s).

It prints the figures side by side and writes them to ``benchmarks/RESULTS-load.md``.
Exit code 0 when citynet met every target and nothing unexpected happened, 1 otherwise.

    .venv/bin/python benchmarks/load_test.py [--heavy 4] [--light 8] [--hostile 4] [--seconds 60]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import queue
import random
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacks import REPO, Stack, memory_of, running
from tests.server_harness import Listener

CN = "https://w3id.org/citynet/def#"
RESULTS = REPO / "benchmarks" / "RESULTS-load.md"
HALF_OPEN = 250

Send = Callable[[httpx.Client], httpx.Response]
#: A request of the mix: its name, how to send it, and the statuses expected of citynet (None: any).
Job = tuple[str, Send, "set[int] | None"]


# ---------------------------------------------------------------- the request mix


def _stored(stack: Stack, name: str, params: dict[str, str], accept: str = "application/sparql-results+json") -> Send:
    path, query = stack.stored_query(name, params)
    return lambda c: c.get(path, params=query, headers={"Accept": accept})


def light_requests(stack: Stack) -> list[Job]:
    places = ["Rostock", "Wien", "Dunkirk", "krakow"]
    return [
        *((f"networks-of-place {p}", _stored(stack, "networks-of-place", {"place": p}), {200}) for p in places),
        ("members-of-network", _stored(stack, "members-of-network", {"network": "ICNCM"}), {200}),
        ("class-counts", _stored(stack, "class-counts", {}), {200}),
        ("search", _stored(stack, "search", {"text": "berg"}), {200}),
        ("twin-cities csv", _stored(stack, "twin-cities", {"place": "Rostock"}, "text/csv"), {200}),
    ]


def heavy_requests(stack: Stack) -> list[Job]:
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    strings = "SELECT (SUM(STRLEN(CONCAT(STR(?a), STR(?d), STR(?g)))) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    path = stack.sparql_path
    # citynet: cut off at the time limit (504), or refused when the heavy slots are taken (503).
    return [("heavy count", lambda c: c.get(path, params={"query": cross}), {503, 504}),
            ("heavy strings", lambda c: c.post(path, data={"query": strings}), {503, 504})]


def hostile_requests(stack: Stack, listener: str) -> list[Job]:
    path = stack.sparql_path
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def get(query: str, **headers: str) -> Send:
        return lambda c: c.get(path, params={"query": query}, headers=headers)

    jobs: list[Job] = [
        ("update", get("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), {400}),
        ("load", get(f"LOAD <{listener}/x.ttl>"), {400}),
        ("service", get(f"SELECT * WHERE {{ SERVICE <{listener}/sparql> {{ ?s ?p ?o }} }}"), {400}),
        ("from", get(f"SELECT * FROM <{listener}/g> WHERE {{ ?s ?p ?o }}"), {400}),  # noqa: S608 (SPARQL)
        ("deep nesting", get("SELECT * WHERE " + "{ " * 4000 + "?s ?p ?o " + "} " * 4000), {400}),
        ("huge body", lambda c: c.post(path, data={"query": count, "pad": "x" * 300_000}), {413}),
        ("long query", lambda c: c.post(path, content="#" * 30_000,
                                        headers={"Content-Type": "application/sparql-query"}), {413}),
        ("bad accept", get(count, Accept="image/png"), {406}),
        ("malformed", get("SELECT ?x WHERE { ?x ?y }"), {400}),
        ("90 patterns", get("SELECT * WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(90)) + " } LIMIT 1"),
         {503, 504, 500}),
    ]
    if not stack.oxigraph:
        jobs += [
            ("update endpoint", lambda c: c.post(path, content="CLEAR ALL",
                                                 headers={"Content-Type": "application/sparql-update"}), {403}),
            ("graph param", lambda c: c.get(path, params={"query": count, "default-graph-uri": listener}), {400}),
            ("bad parameter", lambda c: c.get("/queries/shared-networks", params={"place": "x\"}", "min_shared": "a"}),
             {400}),
            ("injection", lambda c: c.get("/queries/search", params={"text": '") } UNION { ?s ?p ?o } #'}), {200}),
            ("unknown entity", lambda c: c.get("/id/city/atlantis"), {404}),
        ]
    return jobs


# ---------------------------------------------------------------- measuring


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    light_ms: list[float] = field(default_factory=list)
    statuses: dict[str, Counter[str]] = field(
        default_factory=lambda: {"light": Counter(), "heavy": Counter(), "hostile": Counter()})
    unexpected: list[str] = field(default_factory=list)
    light_failures: int = 0
    requests: int = 0

    def record(self, role: str, name: str, status: int | None, expected: set[int] | None, seconds: float,
               failure: str = "") -> None:
        with self.lock:
            self.requests += 1
            self.statuses[role][str(status) if status is not None else failure.split(":")[0]] += 1
            if role == "light":
                if status == 200:
                    self.light_ms.append(seconds * 1000)
                else:
                    self.light_failures += 1
            if expected is not None and status not in expected:
                self.unexpected.append(f"{role}/{name}: {status} {failure}".strip())


def client_loop(stack: Stack, role: str, jobs: list[Job], until: float, tally: Tally, seed: int,
                patient: bool, judge: bool) -> None:
    chooser = random.Random(seed)  # noqa: S311 (a request mix, not a secret)
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        while time.monotonic() < until:
            name, send, expected = chooser.choice(jobs)
            started = time.monotonic()
            retry_after = 0.0
            try:
                answer = send(client)
                status, failure = answer.status_code, ""
                if answer.headers.get("retry-after", "").isdigit():
                    retry_after = float(answer.headers["retry-after"])
            except httpx.HTTPError as error:
                status, failure = None, f"{type(error).__name__}: {error}"
            tally.record(role, name, status, expected if judge else None, time.monotonic() - started, failure)
            if patient and retry_after:
                time.sleep(max(0.0, min(retry_after, until - time.monotonic())))


def other_clients(stack: Stack, roles: list[tuple[str, list[Job]]], until: float, patient: bool,
                  results: multiprocessing.Queue) -> None:
    """In a process of its own: the heavy and hostile clients; their tally goes to ``results``."""
    tally = Tally()
    threads = [threading.Thread(target=client_loop, daemon=True,
                                args=(stack, role, jobs, until, tally, 100 + i, role == "heavy" and patient,
                                      not stack.oxigraph))
               for i, (role, jobs) in enumerate(roles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, until - time.monotonic()) + 2)
    with tally.lock:
        results.put(({role: dict(c) for role, c in tally.statuses.items()}, list(tally.unexpected), tally.requests))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def new_client_query(stack: Stack) -> tuple[int | str, float]:
    """A stored query from a new client, on a new connection: its status and seconds."""
    path, params = stack.stored_query("networks-of-place", {"place": "Rostock"})
    port = int(stack.base_url.rsplit(":", 1)[1])
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"{path}?{urlencode(params)}", headers={"Accept": "application/sparql-results+json"})
        answer = connection.getresponse()
        answer.read()
        status: int | str = answer.status
    except (OSError, http.client.HTTPException) as error:
        status = type(error).__name__
    finally:
        connection.close()
    return status, time.monotonic() - started


def slow_clients(stack: Stack) -> list[tuple[int | str, float]]:
    port = int(stack.base_url.rsplit(":", 1)[1])
    path, _ = stack.stored_query("class-counts", {})
    attack = []
    for _ in range(HALF_OPEN):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        attack.append(sock)
    try:
        probes = []
        for _ in range(5):
            probes.append(new_client_query(stack))
            time.sleep(0.2)
        return probes
    finally:
        for sock in attack:
            sock.close()


@dataclass
class Outcome:
    name: str
    slow: list[tuple[int | str, float]]
    tally: Tally
    seconds: float
    peak_pss: int
    peak_rss: int
    after: tuple[int | str, float]
    health: dict | None = None
    budget_mib: int | None = None
    listener_hits: int = 0


def measure(name: str, args: argparse.Namespace, listener: Listener) -> Outcome:
    hits = len(listener.received)
    with running(name) as stack:
        health = httpx.get(stack.base_url + "/health", timeout=10).json() if not stack.oxigraph else None
        peak = {"rss": 0, "pss": 0}
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.25):
                rss, pss = memory_of(stack.process_tree())
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        slow = slow_clients(stack)
        tally = Tally()
        others = ([("heavy", heavy_requests(stack))] * args.heavy
                  + [("hostile", hostile_requests(stack, listener.url))] * args.hostile)
        started = time.monotonic()
        until = started + args.seconds
        # Heavy and hostile clients run in a process of their own: their requests cost the
        # client processor time too, which must not hold up the light clients' threads.
        results: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
        child = multiprocessing.get_context("fork").Process(
            target=other_clients, args=(stack, others, until, not args.impatient, results), daemon=True)
        child.start()
        threads = [threading.Thread(target=client_loop, daemon=True,
                                    args=(stack, "light", light_requests(stack), until, tally, i, False,
                                          not stack.oxigraph))
                   for i in range(args.light)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, until - time.monotonic()) + 30)
        with contextlib.suppress(queue.Empty):  # heavy requests to a server without a time limit may still run
            statuses, unexpected, requests = results.get(timeout=max(0.0, until - time.monotonic()) + 5)
            for role, counts in statuses.items():
                tally.statuses[role].update(counts)
            tally.unexpected += unexpected
            tally.requests += requests
        child.kill()
        elapsed = time.monotonic() - started
        after = new_client_query(stack)
        stop.set()
        sampler.join(timeout=5)
        if health is not None:
            health = httpx.get(stack.base_url + "/health", timeout=10).json()
        time.sleep(0.5)  # a connection on its way to the listener arrives
        return Outcome(name, slow, tally, elapsed, peak["pss"], peak["rss"], after, health,
                       health["limits"]["memoryBudgetMiB"] if health else None, len(listener.received) - hits)


# ---------------------------------------------------------------- reporting


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def rows(outcome: Outcome) -> dict[str, str]:
    t = outcome.tally
    light = t.light_ms
    slow_ok = [s for status, s in outcome.slow if status == 200]
    statuses = {role: ", ".join(f"{k}: {v}" for k, v in sorted(t.statuses[role].items())) for role in t.statuses}
    row = {
        "new client during 250 half-open connections": (
            f"{len(slow_ok)}/{len(outcome.slow)} answered, slowest {_ms(max(s for _, s in outcome.slow))}"),
        "requests in the mixed load": f"{t.requests} in {outcome.seconds:.0f} s ({t.requests / outcome.seconds:.0f}/s)",
        "light stored queries": f"{len(light)} answered, {t.light_failures} failed",
        "light p50 / p99 / max": (f"{statistics.median(light):.1f} / {percentile(light, 0.99):.1f} / "
                                  f"{max(light):.1f} ms" if light else "-"),
        "light statuses": statuses["light"] or "-",
        "heavy statuses": statuses["heavy"] or "-",
        "hostile statuses": statuses["hostile"] or "-",
        "peak memory of the process tree": (
            f"PSS {outcome.peak_pss / 2**20:.0f} MiB, RSS {outcome.peak_rss / 2**20:.0f} MiB"
            + (f" (budget {outcome.budget_mib} MiB)" if outcome.budget_mib else "")),
        "a stored query afterwards": f"{outcome.after[0]} in {_ms(outcome.after[1])}",
        "connections to the loopback listener (SERVICE, FROM, LOAD)": str(outcome.listener_hits),
    }
    if outcome.health:
        s = outcome.health["stats"]
        row["citynet's counters"] = (
            f"{s['timeouts']} timeouts, {s['heavy_refused']} heavy refused before running, {s['heavy_overflow']} "
            f"heavy overflows, {s['busy']} busy, {s['crashes']} crashes, {s['replaced']} workers replaced")
        c = outcome.health["connections"]
        row["citynet's connections"] = (f"{c['evicted']} closed to make room, {c['header_timeouts']} header "
                                        f"timeouts, {c['refused']} refused")
    return row


def targets(outcome: Outcome) -> dict[str, bool]:
    light = outcome.tally.light_ms
    return {
        "new client answered in under 1 s during 250 half-open connections":
            all(status == 200 and s < 1 for status, s in outcome.slow),
        "light stored queries p99 ≤ 100 ms": bool(light) and percentile(light, 0.99) <= 100,
        "no light failures": outcome.tally.light_failures == 0,
        "total PSS within the memory budget":
            outcome.budget_mib is None or outcome.peak_pss <= outcome.budget_mib * 2**20,
        "a stored query answered at once afterwards (under 1 s)": outcome.after[0] == 200 and outcome.after[1] < 1,
    }


def report(outcomes: list[Outcome], args: argparse.Namespace) -> str:
    load = os.getloadavg()
    lines = [
        "# Load test: citynet serve beside the Oxigraph server",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/load_test.py --heavy {args.heavy} --light "
        f"{args.light} --hostile {args.hostile} --seconds {args.seconds:g}"
        f"{' --impatient' if args.impatient else ''}`, on {os.cpu_count()} cores "
        f"(load average {load[0]:.1f} at the end: the machine was shared with other work, so the figures are "
        "pessimistic). Both servers on their default settings, one after the other, with the shipped graph. "
        f"Heavy clients {'resend at once' if args.impatient else 'wait as Retry-After asks'}; hostile clients "
        "never wait.",
        "",
        "| | " + " | ".join(o.name for o in outcomes) + " |",
        "|---|" + "---|" * len(outcomes),
    ]
    table = [rows(o) for o in outcomes]
    for key in table[0]:
        lines.append(f"| {key} | " + " | ".join(t.get(key, "-") for t in table) + " |")
    lines += ["", "Targets (citynet):", ""]
    citynet = next(o for o in outcomes if o.name == "citynet")
    for target, met in targets(citynet).items():
        lines.append(f"- {'met' if met else 'NOT met'}: {target}")
    unexpected = sorted(set(citynet.tally.unexpected))
    lines.append(f"- {len(citynet.tally.unexpected)} unexpected statuses from citynet"
                 + (": " + "; ".join(unexpected[:8]) if unexpected else ""))
    lines.append(f"- {citynet.listener_hits} connections from citynet to the loopback listener")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heavy", type=int, default=4, help="heavy clients (default 4: more than citynet's workers)")
    parser.add_argument("--light", type=int, default=8, help="light clients (default 8)")
    parser.add_argument("--hostile", type=int, default=4, help="hostile clients (default 4)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--impatient", action="store_true", help="heavy clients ignore Retry-After")
    parser.add_argument("--servers", default="citynet,oxigraph", help="citynet, oxigraph or both (default)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(REPO)})")
    args = parser.parse_args()
    listener = Listener()
    outcomes = []
    try:
        for name in args.servers.split(","):
            print(f"measuring {name} …", flush=True)
            outcomes.append(measure(name, args, listener))
    finally:
        time.sleep(0.2)
        listener.close()
    text = report(outcomes, args)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    citynet = next((o for o in outcomes if o.name == "citynet"), None)
    ok = (citynet is not None and all(targets(citynet).values()) and not citynet.tally.unexpected
          and not citynet.listener_hits)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
