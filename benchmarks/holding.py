"""How to hold a big graph for querying: the options pyoxigraph offers, measured side by side.

    .venv/bin/python benchmarks/holding.py --triples 1000000

For a generated graph (citynet.scale.generate, seed 1, cached in benchmarks/.data/, as run.py
makes it) it measures, for each way of holding it:

- the time to have it ready and the memory it takes, each in a fresh process (resident memory
  after loading, less the process's before);
- every stored query on it (processor time of its thread), with the example parameters of
  the generated graph. The options take turns query by query (a round runs the query once
  on each), so that all of them see the same machine; the medians of the rounds are compared.

The options: the on-disk store citynet builds (opened read-only, as the CLI does, and
read-write), an in-memory ``Store()`` loaded from the Turtle, from an N-Quads snapshot of
the on-disk store, or copied from the on-disk store, and the server worker's copy (the
named graphs only, queried as their union). Writes benchmarks/RESULTS-holding.md.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SEED = 1
#: The stored queries that read the whole graph (issue 16).
WHOLE_GRAPH = ("memberships", "memberships-in-year", "member-locations", "members-missing-data",
               "network-subgraph", "shared-networks")
OPTIONS = {
    "disk-read-only": "on-disk store, Store.read_only (the CLI today)",
    "disk-read-write": "on-disk store, Store(path)",
    "memory-turtle": "in-memory Store(), bulk_load of the Turtle files",
    "memory-nquads": "in-memory Store(), bulk_load of an N-Quads snapshot",
    "memory-copy": "in-memory Store(), bulk_extend from the on-disk store's default graph",
    "memory-first": "citynet's in_memory=True the first time: write the N-Triples snapshot of the "
                    "on-disk store, bulk_load it",
    "memory-again": "citynet's in_memory=True once the snapshot is there: bulk_load it",
    "memory-union": "in-memory copy of the named graphs, queried as their union (the server's worker)",
}


#: The stores the queries run on: memory-first holds the same store as memory-again.
QUERY_OPTIONS = [option for option in OPTIONS if option != "memory-first"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def graph_files(triples: int) -> tuple[Path, dict[str, Any]]:
    """The generated graph and its example parameters, as run.py caches them."""
    from citynet.scale.generate import generate

    path = DATA / f"generated-{triples}-seed{SEED}.ttl"
    examples = DATA / f"generated-{triples}-seed{SEED}.examples.json"
    if not path.exists() or not examples.exists():
        DATA.mkdir(exist_ok=True)
        report = generate(triples, SEED, path)
        examples.write_text(json.dumps(report.examples, indent=1))
    return path, json.loads(examples.read_text())


def prepare(path: Path, scratch: Path) -> dict[str, str]:
    """Build citynet's on-disk store, a read-write copy of it, and an N-Quads snapshot."""
    import pyoxigraph

    from citynet.graph.persistent import store_path

    files = _files(path)
    disk = store_path(files, scratch / "cache")
    writable = scratch / "writable"
    shutil.copytree(disk, writable)
    snapshot = scratch / "snapshot.nq"
    store = pyoxigraph.Store.read_only(str(disk))
    with snapshot.open("wb") as out:
        store.dump(out, pyoxigraph.RdfFormat.N_QUADS, from_graph=pyoxigraph.DefaultGraph())
    return {"disk": str(disk), "writable": str(writable), "snapshot": str(snapshot), "data": str(path)}


def _files(path: Path) -> list[Path]:
    from citynet import resources

    return [resources.ontology_path(), path]


def load(option: str, paths: dict[str, str]) -> tuple[Any, bool]:
    """The store of ``option``, and whether its default graph is asked for as the union."""
    import pyoxigraph

    from citynet.graph.dataset import named_graph_quads
    from citynet.graph.persistent import load_into_memory, snapshot_path

    if option == "disk-read-only":
        return pyoxigraph.Store.read_only(paths["disk"]), False
    if option == "disk-read-write":
        return pyoxigraph.Store(paths["writable"]), False
    store = pyoxigraph.Store()
    if option == "memory-turtle":
        for file in _files(Path(paths["data"])):
            store.bulk_load(path=str(file), format=pyoxigraph.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
    elif option == "memory-nquads":
        store.bulk_load(path=paths["snapshot"], format=pyoxigraph.RdfFormat.N_QUADS)
    elif option == "memory-copy":
        disk = pyoxigraph.Store.read_only(paths["disk"])
        store.bulk_extend(disk.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    elif option in ("memory-first", "memory-again"):
        snapshot = snapshot_path(Path(paths["disk"]))
        if option == "memory-first":
            snapshot.unlink(missing_ok=True)
        return load_into_memory(_files(Path(paths["data"])), Path(paths["disk"]).parent), False
    elif option == "memory-union":
        named_graph_quads(pyoxigraph.Store.read_only(paths["disk"]), store)
        return store, True
    else:
        raise ValueError(option)
    return store, False


def measure_load(option: str, paths: dict[str, str]) -> dict[str, float]:
    """Run in a fresh process: the time to have the store ready and the memory it holds."""
    import pyoxigraph

    import citynet.graph.dataset
    import citynet.graph.persistent  # noqa: F401 - imported before the clock starts

    before = rss_mb()
    started = time.perf_counter()
    store, union = load(option, paths)
    # A first query, so that a lazily opened store has done its opening work too.
    list(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", use_default_graph_as_union=union))
    elapsed = (time.perf_counter() - started) * 1000
    assert isinstance(store, pyoxigraph.Store)
    return {"ms": elapsed, "rss_mb": rss_mb() - before}


def cold_cli(paths: dict[str, str], scratch: Path) -> list[float]:
    """``citynet sparql --data FILE`` in a fresh process, three times after a first run that
    builds its store: the CLI's cold start on a big graph, reopening the on-disk store."""
    query = scratch / "one-entity.rq"
    query.write_text("SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 10\n", encoding="utf-8")
    command = [sys.executable, "-m", "citynet", "sparql", "--data", paths["data"], "--format", "csv", str(query)]
    environment = {**os.environ, "CITYNET_CACHE_DIR": str(scratch / "cli-cache")}
    subprocess.run(command, check=True, capture_output=True, env=environment)  # noqa: S603 - builds the store
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment)  # noqa: S603
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_query(store: Any, union: bool, text: str, substitutions: dict[Any, Any]) -> int:
    import pyoxigraph

    answer = store.query(text, substitutions=substitutions, use_default_graph_as_union=union)
    if isinstance(answer, pyoxigraph.QuerySolutions):
        return len([tuple(solution) for solution in answer])
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return int(bool(answer))
    return len(list(answer))


def measure_queries(paths: dict[str, str], examples: dict[str, Any], rounds: int,
                    names: list[str]) -> dict[str, Any]:
    """Every query, the options taking turns round by round."""
    import pyoxigraph

    import citynet
    from citynet.graph.terms import to_oxigraph
    from citynet.querying.execute import bind_parameters
    from citynet.querying.stored_queries import catalogue

    stores = {option: load(option, paths) for option in QUERY_OPTIONS}
    graph = citynet.KnowledgeGraph([Path(paths["data"])], persistent=True,
                                   cache_dir=Path(paths["disk"]).parent)
    out: dict[str, Any] = {}
    for stored in catalogue():
        if names and stored.name not in names:
            continue
        given = examples.get(stored.name, {})
        params = {p.name: given[p.name] for p in stored.parameters if p.name in given}
        bindings = bind_parameters(stored, params, graph)
        substitutions = {pyoxigraph.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        samples: dict[str, list[float]] = {option: [] for option in QUERY_OPTIONS}
        rows: dict[str, int] = {}
        for option, (store, union) in stores.items():  # warm up
            rows[option] = run_query(store, union, stored.text, substitutions)
        for _ in range(rounds):
            for option, (store, union) in stores.items():
                started = time.thread_time()
                run_query(store, union, stored.text, substitutions)
                samples[option].append((time.thread_time() - started) * 1000)
        out[stored.name] = {"rows": rows, "p50": {o: statistics.median(s) for o, s in samples.items()}}
        shown = "  ".join(f"{o} {statistics.median(s):8.1f}" for o, s in samples.items())
        print(f"  {stored.name:22} {shown}", file=sys.stderr, flush=True)
    return out


def report(triples: int, loads: dict[str, Any], queries: dict[str, Any], load_average: str,
           cold: list[float]) -> str:
    lines = ["# How a big graph is held: the options, measured", "",
             f"Generated by `python benchmarks/holding.py --triples {triples}` on {time.strftime('%Y-%m-%d')}: "
             f"CPython {platform.python_version()}, {os.cpu_count()} cores, pyoxigraph {_version('pyoxigraph')}. "
             f"Load average (1, 5, 15 min): {load_average}. Medians of interleaved rounds in one process; "
             "memory is the resident set after loading, less the process's before, each option in a "
             "fresh process.", "",
             "| option | ready in | memory |", "|---|---:|---:|"]
    for option, text in OPTIONS.items():
        entry = loads[option]
        lines.append(f"| {option}: {text} | {entry['ms']:,.0f} ms | {entry['rss_mb']:,.0f} MB |")
    lines += ["", f"A cold `citynet sparql --data FILE` (a new process that reopens the on-disk store and "
              f"answers a small query), median of 3: {statistics.median(cold):,.0f} ms "
              f"({', '.join(f'{t:,.0f}' for t in cold)})."]
    lines += ["", "Query medians, processor time of the query thread (steadier than the wall clock on a busy "
              "machine), ms; the ratio is to memory-turtle (raw in-memory pyoxigraph).", "",
              "| query | rows | " + " | ".join(QUERY_OPTIONS) + " |", "|---|---:|" + "---:|" * len(QUERY_OPTIONS)]
    whole: dict[str, list[float]] = {option: [] for option in QUERY_OPTIONS}
    for name, entry in queries.items():
        base = entry["p50"]["memory-turtle"]
        cells = [f"{entry['p50'][o]:,.1f} ({entry['p50'][o] / base:.2f}×)" for o in QUERY_OPTIONS]
        rows = set(entry["rows"].values())
        lines.append(f"| {name} | {'/'.join(str(r) for r in sorted(rows))} | " + " | ".join(cells) + " |")
        if name in WHOLE_GRAPH:
            for option in QUERY_OPTIONS:
                whole[option].append(entry["p50"][option] / base)
    if all(len(ratios) == len(WHOLE_GRAPH) for ratios in whole.values()):
        means = [f"{statistics.geometric_mean(whole[o]):.2f}×" for o in QUERY_OPTIONS]
        lines.append("| the six whole-graph queries, geometric mean | | " + " | ".join(means) + " |")
    return "\n".join(lines) + "\n"


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per query (each runs every option once)")
    parser.add_argument("--queries", default="", help="comma-separated stored query names (default: all)")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(measure_load(args.load, json.loads(args.paths))))
        return
    load_average = " ".join(f"{x:.2f}" for x in os.getloadavg())
    path, examples = graph_files(args.triples)
    with tempfile.TemporaryDirectory(prefix="citynet-holding-") as folder:
        paths = prepare(path, Path(folder))
        loads = {}
        for option in OPTIONS:
            command = [sys.executable, __file__, "--load", option, "--paths", json.dumps(paths)]
            finished = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
            loads[option] = json.loads(finished.stdout)
            print(f"  load {option:16} {loads[option]['ms']:8.0f} ms {loads[option]['rss_mb']:6.0f} MB",
                  file=sys.stderr, flush=True)
        cold = cold_cli(paths, Path(folder))
        print(f"  cold citynet sparql {cold}", file=sys.stderr, flush=True)
        names = [n for n in args.queries.split(",") if n]
        queries = measure_queries(paths, examples, args.rounds, names)
    load_average += f" at the start, {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end"
    text = report(args.triples, loads, queries, load_average, cold)
    _write(HERE / "RESULTS-holding.md", text)
    print(text)


def _write(target: Path, text: str) -> None:
    partial = target.with_suffix(".md.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


if __name__ == "__main__":
    main()
