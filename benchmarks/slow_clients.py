"""Slow and flooding clients against server stacks: what a slowloris attack does to each.

For each stack: N connections each send half a request and then one more header line every
2 seconds (the slowloris attack); meanwhile a new client asks a stored query twice a second,
each time on a new connection. It reports how many of those were answered and how fast, how
many attack connections the server closed (what the flood cost its sender), and the server's
memory. Then, without an attack, 8 clients ask stored queries for some seconds (what the
stack costs light requests). Loopback only; every server is started and stopped here.

    .venv/bin/python benchmarks/slow_clients.py [--stacks citynet,uvicorn-limit,oxigraph] \\
        [--connections 250] [--seconds 20]

Stacks: citynet (``citynet serve``: uvicorn with citynet's connection guard), uvicorn-limit
(the same app on plain uvicorn with ``limit_concurrency`` 200, as citynet ran before),
uvicorn (plain, no limit), hypercorn, granian (where installed), oxigraph (``oxigraph
serve-read-only``, the stored query sent as SPARQL).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacks import Stack, available, memory_of, running

STORED = ("networks-of-place", {"place": "Rostock"})


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def attack(stack: Stack, connections: int, seconds: float) -> dict[str, object]:
    host, port = "127.0.0.1", int(stack.base_url.rsplit(":", 1)[1])
    path, params = stack.stored_query(*STORED)
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode()
    sockets: list[socket.socket] = []
    opened = 0
    for _ in range(connections):
        with contextlib.suppress(OSError):
            sock = socket.create_connection((host, port), timeout=2)
            sock.sendall(head)
            sockets.append(sock)
            opened += 1
    closed = 0
    statuses: list[str] = []
    latencies: list[float] = []
    peak_pss = 0
    stop = threading.Event()

    def trickle() -> None:
        nonlocal closed
        while not stop.wait(2.0):
            for sock in list(sockets):
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    sockets.remove(sock)
                    closed += 1

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    until = time.monotonic() + seconds
    target = f"{path}?{urlencode(params)}"
    while time.monotonic() < until:
        started = time.monotonic()
        connection = http.client.HTTPConnection(host, port, timeout=10)  # a new client: a new connection
        try:
            connection.request("GET", target)
            answer = connection.getresponse()
            answer.read()
            statuses.append(str(answer.status))
            if answer.status == 200:
                latencies.append((time.monotonic() - started) * 1000)
        except (OSError, http.client.HTTPException) as error:
            statuses.append(type(error).__name__)
        finally:
            connection.close()
        peak_pss = max(peak_pss, memory_of(stack.process_tree())[1])
        time.sleep(max(0.0, 0.5 - (time.monotonic() - started)))
    stop.set()
    trickler.join(timeout=10)
    for sock in sockets:  # still open: probe without waiting
        sock.setblocking(False)
        try:
            if sock.recv(1) in (b"",):
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        sock.close()
    return {"opened": opened, "closed_by_server": closed, "probes": len(statuses),
            "answered": statuses.count("200"), "statuses": dict(Counter(statuses)),
            "p50": statistics.median(latencies) if latencies else None,
            "max": max(latencies) if latencies else None, "pss_mib": peak_pss / 2**20}


def light_load(stack: Stack, clients: int, seconds: float) -> dict[str, object]:
    path, params = stack.stored_query(*STORED)
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def client() -> None:
        nonlocal failures
        with httpx.Client(base_url=stack.base_url, timeout=10) as http:
            while time.monotonic() < until:
                started = time.monotonic()
                try:
                    ok = http.get(path, params=params).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    if ok:
                        latencies.append((time.monotonic() - started) * 1000)
                    else:
                        failures += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests_per_s": len(latencies) / seconds, "p50": statistics.median(latencies) if latencies else None,
            "p99": percentile(latencies, 0.99) if latencies else None, "failures": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", default="citynet,uvicorn-limit,uvicorn,granian,oxigraph")
    parser.add_argument("--connections", type=int, default=250)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--light-seconds", type=float, default=10)
    args = parser.parse_args()
    print(f"{args.connections} half-open connections for {args.seconds:g} s, a new client every 0.5 s; then 8 light "
          f"clients for {args.light_seconds:g} s without an attack (127.0.0.1, {sys.executable})")
    for name in args.stacks.split(","):
        if not available(name):
            print(f"{name}: not installed, skipped")
            continue
        with running(name) as stack:
            result = attack(stack, args.connections, args.seconds)
            time.sleep(1)
            light = light_load(stack, 8, args.light_seconds)
        fmt = lambda v: "-" if v is None else f"{v:.0f}"  # noqa: E731
        print(f"{name}: new clients answered {result['answered']}/{result['probes']} {result['statuses']}, "
              f"p50 {fmt(result['p50'])} ms, max {fmt(result['max'])} ms; attack connections opened "
              f"{result['opened']}, closed by the server {result['closed_by_server']}; peak PSS "
              f"{result['pss_mib']:.0f} MiB | no attack: {light['requests_per_s']:.0f} stored queries/s, "
              f"p50 {fmt(light['p50'])} ms, p99 {fmt(light['p99'])} ms, {light['failures']} failures", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
