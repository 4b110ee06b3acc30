"""The engines worker of benchmarks/run.py: every stored query through citynet, beside raw
pyoxigraph and Apache Jena, all holding the same graph, taking turns query by query.

Per size, in one process:

- **citynet in memory**: ``KnowledgeGraph(..., in_memory=True)``, how a long session holds a
  big graph (README, "How the graph is held"), queried with ``citynet.query``;
- **citynet on disk**: the persistent store as ``citynet query`` opens it (today's path);
- **raw pyoxigraph in memory**: ``Store()`` with pyoxigraph's bulk load of the same Turtle,
  the same query text and substitutions;
- **raw pyoxigraph on disk**: ``Store.read_only`` on citynet's store, the same text;
- **Jena in memory**: benchmarks/jena/JenaBench.java (compiled here when ``java`` and
  ``javac`` are present, else skipped with the reason), the same text and substitutions.

A round runs a query once on each engine; each query gets ``rounds`` rounds after a warm-up
round, and its figures are the medians. Times cover evaluating the query and reading the
whole answer.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The stored queries that read the whole graph (issue 16).
WHOLE_GRAPH = ("memberships", "memberships-in-year", "member-locations", "members-missing-data",
               "network-subgraph", "shared-networks")
ENGINES = ("citynet", "citynet-disk", "raw-memory", "raw-disk", "jena")


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def worker_engines(size: int, scratch: Path, data: Path, examples: dict[str, dict[str, Any]],
                   rounds: int) -> dict[str, Any]:
    import jena
    import pyoxigraph

    import citynet
    from citynet import resources
    from citynet.graph.terms import to_oxigraph
    from citynet.querying.execute import bind_parameters
    from citynet.querying.stored_queries import catalogue

    files = [resources.ontology_path(), data]
    cache = scratch / "cache"
    out: dict[str, Any] = {"queries": {}, "load_ms": {}}
    out["load_ms"]["citynet-disk"], on_disk = _timed(
        lambda: citynet.KnowledgeGraph([data], persistent=True, cache_dir=cache))
    out["load_ms"]["citynet"], in_memory = _timed(
        lambda: citynet.KnowledgeGraph([data], persistent=True, cache_dir=cache, in_memory=True))

    def bulk_load() -> pyoxigraph.Store:
        store = pyoxigraph.Store()
        for file in files:
            store.bulk_load(path=str(file), format=pyoxigraph.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        return store

    out["load_ms"]["raw-memory"], raw_memory = _timed(bulk_load)
    raw_disk = on_disk.store  # read-only, as citynet opens it
    command, why = jena.compile_harness(scratch / "jena")
    peer: jena.Jena | None = None
    if command is None:
        out["jena_skipped"] = why
    else:
        peer = jena.Jena(command, files)
        out["load_ms"]["jena"] = peer.loaded["load_ms"]
        out["jena_version"] = jena.version()
    texts = scratch / "queries"
    texts.mkdir(exist_ok=True)
    try:
        for stored in catalogue():
            given = examples.get(stored.name, {})
            params = {p.name: given[p.name] for p in stored.parameters if p.name in given}
            bindings = bind_parameters(stored, params, on_disk)
            substitutions = {pyoxigraph.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
            query_file = texts / f"{stored.name}.rq"
            query_file.write_text(stored.text, encoding="utf-8")
            terms = {name: str(term) for name, term in
                     ((k.value, v) for k, v in substitutions.items())}

            def raw(store: pyoxigraph.Store, text: str = stored.text, subs: dict = substitutions) -> int:
                answer = store.query(text, substitutions=subs)
                if isinstance(answer, pyoxigraph.QuerySolutions):
                    return len([tuple(solution) for solution in answer])
                return len(list(answer))

            def ours(graph: citynet.KnowledgeGraph, name: str = stored.name, params: dict = params) -> int:
                return len(citynet.query(name, graph=graph, **params))

            runs: dict[str, Callable[[], tuple[float, int]]] = {
                "citynet": lambda: _timed(lambda: ours(in_memory)),
                "citynet-disk": lambda: _timed(lambda: ours(on_disk)),
                "raw-memory": lambda: _timed(lambda: raw(raw_memory)),
                "raw-disk": lambda: _timed(lambda: raw(raw_disk)),
            }
            if peer is not None:
                runs["jena"] = lambda f=query_file, t=terms: peer.run(f, t)  # type: ignore[union-attr]
            rows = {engine: run()[1] for engine, run in runs.items()}  # the warm-up round
            samples: dict[str, list[float]] = {engine: [] for engine in runs}
            for _ in range(rounds):
                for engine, run in runs.items():
                    samples[engine].append(run()[0])
            out["queries"][stored.name] = {"rows": rows, "rounds": rounds,
                                           "p50": {e: statistics.median(s) for e, s in samples.items()}}
            shown = "  ".join(f"{e} {statistics.median(s):8.1f}" for e, s in samples.items())
            print(f"  {size:>9,} {stored.name:22} {shown}", file=sys.stderr, flush=True)
    finally:
        if peer is not None:
            peer.close()
    return out


def geometric_mean_ratio(queries: dict[str, Any], engine: str, peer: str) -> float | None:
    """The geometric mean over the six whole-graph queries of engine ÷ peer, or None."""
    ratios = [queries[n]["p50"][engine] / queries[n]["p50"][peer] for n in WHOLE_GRAPH
              if n in queries and queries[n]["p50"].get(engine) and queries[n]["p50"].get(peer)]
    return statistics.geometric_mean(ratios) if len(ratios) == len(WHOLE_GRAPH) else None


def report(size: int, result: dict[str, Any], load_average: str) -> list[str]:
    """The engines section of RESULTS.md at one size: the targets, then every query."""
    queries = result.get("queries", {})
    if not queries:
        return [f"## Engines at {size:,} triples", "", f"Not measured: {result.get('error') or result}", ""]

    def mark(value: float | None, limit: float) -> str:
        return "–" if value is None else f"{value:.2f}× {'✓' if value <= limit else '✗'}"

    rounds = next(iter(queries.values()))["rounds"]
    jena_note = result.get("jena_skipped") or f"Jena {result.get('jena_version', '?')} in memory"
    lines = [f"## Engines at {size:,} triples: citynet, raw pyoxigraph, Jena", "",
             f"Load average at the start of this worker: {load_average}. Medians of {rounds} interleaved "
             f"rounds (each runs the query once on every engine), after a warm-up round. {jena_note}. "
             "citynet is `KnowledgeGraph(..., in_memory=True)`; citynet-disk is the on-disk store "
             "`citynet query` opens.", "",
             "| target | measured |", "|---|---|"]
    for name in WHOLE_GRAPH:
        entry = queries.get(name, {}).get("p50", {})
        value = entry["citynet"] / entry["raw-memory"] if entry.get("raw-memory") else None
        lines.append(f"| {name}: citynet within 1.1× raw in-memory pyoxigraph | {mark(value, 1.1)} |")
    lines.append(f"| the six, geometric mean: citynet no slower than Jena in memory | "
                 f"{mark(geometric_mean_ratio(queries, 'citynet', 'jena'), 1.0)} |")
    small = [n for n in queries if n not in WHOLE_GRAPH]
    ratios = [queries[n]["p50"]["citynet"] / queries[n]["p50"]["citynet-disk"] for n in small]
    if ratios:
        lines.append(f"| the other {len(small)} stored queries no slower than today (citynet on disk), "
                     f"geometric mean; worst {max(ratios):.2f}× | {mark(statistics.geometric_mean(ratios), 1.0)} |")
    raw_jena = geometric_mean_ratio(queries, "raw-memory", "jena")
    disk_memory = geometric_mean_ratio(queries, "raw-disk", "raw-memory")
    lines += ["", "For reference, geometric means over the six: raw pyoxigraph in memory ÷ Jena "
              f"{'–' if raw_jena is None else f'{raw_jena:.2f}×'}; raw pyoxigraph on disk ÷ in memory "
              f"{'–' if disk_memory is None else f'{disk_memory:.2f}×'}.", "",
              "| ready in | " + " | ".join(e for e in ENGINES if e in result["load_ms"]) + " |",
              "|---|" + "---:|" * len(result["load_ms"]),
              "| ms | " + " | ".join(f"{result['load_ms'][e]:,.0f}" for e in ENGINES if e in result["load_ms"]) + " |",
              "", "| query | rows | " + " | ".join(ENGINES) + " | citynet ÷ raw-memory | citynet ÷ jena |",
              "|---|---:|" + "---:|" * (len(ENGINES) + 2)]
    for name, entry in queries.items():
        p50 = entry["p50"]
        rows = "/".join(str(r) for r in sorted(set(entry["rows"].values())))
        cells = [f"{p50[e]:,.1f}" if e in p50 else "–" for e in ENGINES]
        versus_jena = f"{p50['citynet'] / p50['jena']:.2f}×" if p50.get("jena") else "–"
        lines.append(f"| {name} | {rows} | " + " | ".join(cells) +
                     f" | {p50['citynet'] / p50['raw-memory']:.2f}× | {versus_jena} |")
    return [*lines, "", "Times in ms. Where a target is not met, the README's benchmark section says why.", ""]
