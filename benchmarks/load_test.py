"""Load test of ``citynet serve`` (not part of the test suite).

Starts the server on 127.0.0.1 (a free port, default settings), then runs 16 concurrent
clients for 60 seconds: 11 send light queries (ad-hoc SPARQL by GET and POST, stored
queries, linked-data lookups), 2 send heavy queries that the time limit must cut off,
and 3 send hostile requests (updates, SERVICE and FROM aimed at a loopback listener,
deep nesting, oversized bodies, bad Accept headers, bad parameters). It prints
requests/s, p50/p99 latency of the light requests, the error counts (an unexpected
status or failure is counted as unexpected: it must be 0) and the peak memory of the
server's process tree, then stops the server. Loopback only; it stops by itself.

    .venv/bin/python benchmarks/load_test.py [--seconds 60] [--clients 16]

Exit code 0 when nothing unexpected happened, 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.server_harness import Listener, RunningServer, start_server  # noqa: E402

CN = "https://w3id.org/citynet/def#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

# ---------------------------------------------------------------- the request mix

Request = Callable[[httpx.Client], httpx.Response]


def light_requests() -> list[tuple[str, Request, set[int]]]:
    networks = (f"PREFIX cn: <{CN}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "SELECT ?n ?name WHERE { ?n a cn:CityNetwork ; rdfs:label ?name } LIMIT 20")
    return [
        ("sparql GET", lambda c: c.get("/sparql", params={"query": networks}), {200}),
        ("sparql POST form", lambda c: c.post("/sparql", data={"query": COUNT}), {200}),
        ("sparql POST direct", lambda c: c.post(
            "/sparql", content=f"ASK {{ ?x a <{CN}City> }}", headers={"Content-Type": "application/sparql-query"}),
         {200}),
        ("sparql CSV", lambda c: c.get("/sparql", params={"query": networks}, headers={"Accept": "text/csv"}), {200}),
        ("construct", lambda c: c.get("/queries/network-subgraph", params={"network": "UBC"},
                                      headers={"Accept": "text/turtle"}), {200}),
        ("stored query", lambda c: c.get("/queries/networks-of-place",
                                         params={"place": random.choice(["Rostock", "Wien", "Dunkirk", "krakow"])}),  # noqa: S311
         {200}),
        ("stored query 2", lambda c: c.get("/queries/members-of-network", params={"network": "ICNCM"}), {200}),
        ("entity 303", lambda c: c.get("/id/city/rostock", headers={"Accept": "text/turtle"}), {303}),
        ("entity doc", lambda c: c.get("/doc/network/icncm", headers={"Accept": "application/ld+json"}), {200}),
        ("entity html", lambda c: c.get("/doc/city/gdansk", headers={"Accept": "text/html"}), {200}),
        ("query list", lambda c: c.get("/queries"), {200}),
    ]


def heavy_requests() -> list[tuple[str, Request, set[int]]]:
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    strings = "SELECT (SUM(STRLEN(CONCAT(STR(?a), STR(?d), STR(?g)))) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    # Cut off at the time limit (504), or stopped early when the long-query slots are taken (503).
    return [("heavy count", lambda c: c.get("/sparql", params={"query": cross}), {503, 504}),
            ("heavy filter", lambda c: c.post("/sparql", data={"query": strings}), {503, 504})]


def hostile_requests(listener: str) -> list[tuple[str, Request, set[int]]]:
    def get(query: str, **headers: str) -> Request:
        return lambda c: c.get("/sparql", params={"query": query}, headers=headers)

    return [
        ("update", get("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), {400}),
        ("update endpoint", lambda c: c.post("/sparql", content="CLEAR ALL",
                                              headers={"Content-Type": "application/sparql-update"}), {403}),
        ("load", get(f"LOAD <{listener}/x.ttl>"), {400}),
        ("service", get(f"SELECT * WHERE {{ SERVICE <{listener}/sparql> {{ ?s ?p ?o }} }}"), {400}),
        ("from", get(f"SELECT * FROM <{listener}/g> WHERE {{ ?s ?p ?o }}"), {400}),  # noqa: S608 (SPARQL)
        ("graph param", lambda c: c.get("/sparql", params={"query": COUNT, "default-graph-uri": listener}), {400}),
        ("deep nesting", get("SELECT * WHERE " + "{ " * 4000 + "?s ?p ?o " + "} " * 4000), {400}),
        ("huge body", lambda c: c.post("/sparql", data={"query": COUNT, "pad": "x" * 300_000}), {413}),
        ("long query", lambda c: c.post("/sparql", content="#" * 30_000,
                                         headers={"Content-Type": "application/sparql-query"}), {413}),
        ("bad accept", get(COUNT, Accept="image/png"), {406}),
        ("malformed", get("SELECT ?x WHERE { ?x ?y }"), {400}),
        ("bad parameter", lambda c: c.get("/queries/shared-networks", params={"place": "x\"}", "min_shared": "a"}),
         {400}),
        ("injection", lambda c: c.get("/queries/search", params={"text": '") } UNION { ?s ?p ?o } #'}), {200}),
        ("unknown entity", lambda c: c.get("/id/city/atlantis"), {404}),
    ]


# ---------------------------------------------------------------- running


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    light_ms: list[float] = field(default_factory=list)
    statuses: dict[str, Counter] = field(default_factory=lambda: {"light": Counter(), "heavy": Counter(),
                                                                   "hostile": Counter()})
    unexpected: list[str] = field(default_factory=list)
    requests: int = 0

    def record(self, role: str, name: str, status: int | None, expected: set[int], seconds: float,
               failure: str = "") -> None:
        with self.lock:
            self.requests += 1
            self.statuses[role][status if status is not None else "failed"] += 1
            if role == "light" and status in expected:
                self.light_ms.append(seconds * 1000)
            if status not in expected:
                self.unexpected.append(f"{role}/{name}: {status} {failure}".strip())


def client_loop(server: RunningServer, role: str, requests: list, until: float, tally: Tally, seed: int) -> None:
    chooser = random.Random(seed)  # noqa: S311 (a request mix, not a secret)
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        while time.monotonic() < until:
            name, send, expected = chooser.choice(requests)
            started = time.monotonic()
            try:
                status, failure = send(client).status_code, ""
            except httpx.HTTPError as error:
                status, failure = None, f"{type(error).__name__}: {error}"
            tally.record(role, name, status, expected, time.monotonic() - started, failure)


def memory_of(pids: list[int]) -> tuple[int, int]:
    """Summed RSS and PSS (bytes) of ``pids``; PSS counts pages shared by forked workers once."""
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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    heavy_clients, hostile_clients = 2, 3
    light_clients = args.clients - heavy_clients - hostile_clients
    listener = Listener()
    with tempfile.TemporaryDirectory() as logs:
        server = start_server(Path(logs))
        try:
            health = server.health()
            triples_before = httpx.post(server.sparql, data={"query": COUNT}, timeout=30).json()
            peak = {"rss": 0, "pss": 0, "processes": 0}
            stop_sampling = threading.Event()

            def sample() -> None:
                while not stop_sampling.wait(0.25):
                    pids = server.process_tree()
                    rss, pss = memory_of(pids)
                    if rss > peak["rss"]:
                        peak.update(rss=rss, processes=len(pids))
                    peak["pss"] = max(peak["pss"], pss)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            tally = Tally()
            started = time.monotonic()
            until = started + args.seconds
            roles = ([("light", light_requests())] * light_clients + [("heavy", heavy_requests())] * heavy_clients
                     + [("hostile", hostile_requests(listener.url))] * hostile_clients)
            threads = [threading.Thread(target=client_loop, args=(server, role, mix, until, tally, i), daemon=True)
                       for i, (role, mix) in enumerate(roles)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 90)
            elapsed = time.monotonic() - started
            stop_sampling.set()
            sampler.join(timeout=5)
            triples_after = httpx.post(server.sparql, data={"query": COUNT}, timeout=30).json()
            stats = server.health()["stats"]
        finally:
            server.stop()
    time.sleep(0.2)
    listener.close()

    limits = health["limits"]
    light = tally.light_ms
    expected_refusals = sum(n for role in ("heavy", "hostile") for status, n in tally.statuses[role].items()
                            if status != 200)
    unchanged = triples_before == triples_after
    print(f"citynet load test: {args.clients} clients ({light_clients} light, {heavy_clients} heavy, "
          f"{hostile_clients} hostile) for {args.seconds:g} s on 127.0.0.1")
    print(f"server: {len(health['workers'])} query workers, timeout {limits['queryTimeout']:g} s, "
          f"max rows {limits['maxRows']}, network isolation of workers: {health['networkIsolation']}")
    print(f"requests: {tally.requests} in {elapsed:.1f} s = {tally.requests / elapsed:.1f} requests/s")
    if light:
        print(f"light requests: {len(light)}, p50 {statistics.median(light):.1f} ms, "
              f"p99 {percentile(light, 0.99):.1f} ms, max {max(light):.1f} ms")
    for role in ("light", "heavy", "hostile"):
        counts = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses[role].items(), key=str))
        print(f"  {role:8} statuses: {counts}")
    print(f"errors: {expected_refusals} expected refusals (timeouts, busy, 4xx), "
          f"{len(tally.unexpected)} unexpected")
    for line in sorted(set(tally.unexpected))[:10]:
        print(f"  unexpected: {line}")
    print(f"server counters: {stats['timeouts']} timeouts, {stats['busy']} busy, {stats['crashes']} worker crashes, "
          f"{stats['replaced']} workers replaced")
    print(f"peak memory of the server process tree ({peak['processes']} processes): "
          f"RSS {peak['rss'] / 2**20:.0f} MiB (PSS {peak['pss'] / 2**20:.0f} MiB)")
    print(f"store unchanged: {unchanged}; connections to the loopback listener: {len(listener.received)}")
    return 0 if not tally.unexpected and not listener.received and unchanged else 1


if __name__ == "__main__":
    sys.exit(main())
