"""How long `citynet serve` takes to be ready, and how much memory its process tree holds,
beside a raw pyoxigraph bulk load of the same file, in one run.

    .venv/bin/python benchmarks/serve_start.py --triples 1000000 --workers 3

The graph is generated once (citynet.scale.generate, seed 1, cached in benchmarks/.data/). The
server is started on 127.0.0.1 with the file as --data, and is ready when /sparql answers
an ASK. Memory is the proportional set size (PSS) of the server and all its children,
read from /proc/<pid>/smaps_rollup, so that pages shared between processes count once.
It is read after a first query has run on every worker. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SEED = 1


def graph_file(triples: int) -> Path:
    path = DATA / f"graph-{triples}.ttl"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "citynet", "generate",  # noqa: S603 - our own command str(path), "--triples", str(triples),
                        "--seed", str(SEED)], check=True, stdout=subprocess.DEVNULL)
    return path


def raw_bulk_load_seconds(path: Path) -> float:
    """pyoxigraph's own bulk load into an in-memory store, in a fresh process."""
    code = ("import time, pyoxigraph; s = pyoxigraph.Store(); t = time.perf_counter(); "
            f"s.bulk_load(path={str(path)!r}, format=pyoxigraph.RdfFormat.TURTLE); "
            "print(time.perf_counter() - t)")
    finished = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)  # noqa: S603
    return float(finished.stdout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of any of its threads, and theirs)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = []
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids += [int(c) for c in children.read_text().split()]
            except OSError:
                continue
        found += kids
        todo += kids
    return found


def pss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def ask(port: int) -> bool:
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?{query}", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def measure(triples: int, workers: int, timeout: float) -> dict[str, float | int | str]:
    """A first start (which may build the store and validate), then a second one, measured
    after a query has run on every worker."""
    path = graph_file(triples)
    bulk = raw_bulk_load_seconds(path)
    first = start(path, workers, timeout)
    second = start(path, workers, timeout)
    return {"triples": triples, "workers": workers, "raw_bulk_load_s": round(bulk, 1),
            "first_start_s": first.get("ready_s", first.get("error")), **second,
            "ready_over_bulk_load": round(float(second.get("ready_s", 0)) / bulk, 2)}


def start(path: Path, workers: int, timeout: float) -> dict[str, float | int | str]:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "citynet", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--data", str(path), "--no-access-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not ask(port):
            if server.poll() is not None or time.perf_counter() - started > timeout:
                return {"error": "the server did not become ready"}
            time.sleep(0.2)
        ready = time.perf_counter() - started
        for _ in range(workers * 2):
            ask(port)
        pids = [server.pid, *descendants(server.pid)]
        return {"ready_s": round(ready, 1), "processes": len(pids), "pss_mb": round(pss_mb(pids))}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the server")
    args = parser.parse_args()
    print(json.dumps(measure(args.triples, args.workers, args.timeout), indent=1))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
