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


def _measured(function: Callable[[], int]) -> tuple[float, float, int]:
    """Wall clock and this thread's processor time (ms), and the rows: pyoxigraph evaluates
    in the calling thread, so its processor time is the query's, whatever else the machine runs."""
    started, cpu = time.perf_counter(), time.thread_time()
    rows = function()
    return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000, rows


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

            runs: dict[str, Callable[[], tuple[float, float, int]]] = {
                "citynet": lambda: _measured(lambda: ours(in_memory)),
                "citynet-disk": lambda: _measured(lambda: ours(on_disk)),
                "raw-memory": lambda: _measured(lambda: raw(raw_memory)),
                "raw-disk": lambda: _measured(lambda: raw(raw_disk)),
            }
            if peer is not None:
                runs["jena"] = lambda f=query_file, t=terms: peer.run(f, t)  # type: ignore[union-attr]
            rows = {engine: run()[2] for engine, run in runs.items()}  # the warm-up round
            samples: dict[str, list[float]] = {engine: [] for engine in runs}
            cpu: dict[str, list[float]] = {engine: [] for engine in runs}
            for _ in range(rounds):
                for engine, run in runs.items():
                    wall, spent, _rows = run()
                    samples[engine].append(wall)
                    cpu[engine].append(spent)
            out["queries"][stored.name] = {"rows": rows, "rounds": rounds,
                                           "p50": {e: statistics.median(s) for e, s in samples.items()},
                                           "cpu_p50": {e: statistics.median(s) for e, s in cpu.items()}}
            shown = "  ".join(f"{e} {statistics.median(s):8.1f}" for e, s in samples.items())
            print(f"  {size:>9,} {stored.name:22} {shown}", file=sys.stderr, flush=True)
    finally:
        if peer is not None:
            peer.close()
    return out


def geometric_mean_ratio(queries: dict[str, Any], engine: str, peer: str, key: str = "p50") -> float | None:
    """The geometric mean over the six whole-graph queries of engine ÷ peer, or None."""
    ratios = [queries[n][key][engine] / queries[n][key][peer] for n in WHOLE_GRAPH
              if n in queries and queries[n][key].get(engine) and queries[n][key].get(peer)]
    return statistics.geometric_mean(ratios) if len(ratios) == len(WHOLE_GRAPH) else None


def targets(size: int, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 16's engine targets at ``size`` (benchmarks/targets.py). A target is met when it
    is met both on the wall clock and in the processor time of the evaluating thread."""
    from target_rows import target

    queries = result.get("queries", {})
    source = "RESULTS.md, engines"
    if not queries:
        return [target(f"engines at {size:,} triples", f"not measured: {result.get('error') or result}", None, source)]

    def row(what: str, wall: float | None, cpu: float | None, limit: float) -> dict[str, Any]:
        if wall is None or cpu is None:
            return target(what, "not measured", None, source)
        return target(what, f"{wall:.2f}× wall clock, {cpu:.2f}× processor time",
                      wall <= limit and cpu <= limit, source)

    rows = []
    for name in WHOLE_GRAPH:
        entry = queries.get(name, {})
        wall, cpu = (entry[key]["citynet"] / entry[key]["raw-memory"] if entry else None
                     for key in ("p50", "cpu_p50"))
        rows.append(row(f"{name} within 1.1× raw in-memory pyoxigraph", wall, cpu, 1.1))
    jena = [geometric_mean_ratio(queries, "citynet", "jena", key) for key in ("p50", "cpu_p50")]
    rows.append(row("the six whole-graph queries, geometric mean, no slower than Jena in memory", *jena, 1.0)
                if result.get("jena_version") else
                target("the six whole-graph queries no slower than Jena in memory",
                       f"not measured: {result.get('jena_skipped')}", None, source))
    small = [n for n in queries if n not in WHOLE_GRAPH]
    small_means = [statistics.geometric_mean([queries[n][key]["citynet"] / queries[n][key]["citynet-disk"]
                                              for n in small]) for key in ("p50", "cpu_p50")]
    rows.append(row(f"the other {len(small)} stored queries no slower than before (citynet on disk), geometric mean",
                    *small_means, 1.0))
    return rows


def report(size: int, result: dict[str, Any], load_average: str) -> list[str]:
    """The engines section of RESULTS.md at one size: the targets, then every query."""
    queries = result.get("queries", {})
    if not queries:
        return [f"## Engines at {size:,} triples", "", f"Not measured: {result.get('error') or result}", ""]

    def mark(value: float | None, limit: float) -> str:
        return "–" if value is None else f"{value:.2f}× {'✓' if value <= limit else '✗'}"

    def both(measure: Callable[[str], float | None], limit: float) -> str:
        return f"{mark(measure('p50'), limit)} | {mark(measure('cpu_p50'), limit)}"

    def versus(name: str, engine: str, peer: str) -> Callable[[str], float | None]:
        def ratio(key: str) -> float | None:
            entry = queries.get(name, {}).get(key, {})
            return entry[engine] / entry[peer] if entry.get(engine) and entry.get(peer) else None
        return ratio

    small = [n for n in queries if n not in WHOLE_GRAPH]

    def small_mean(key: str) -> float | None:
        ratios = [queries[n][key]["citynet"] / queries[n][key]["citynet-disk"] for n in small]
        return statistics.geometric_mean(ratios) if ratios else None

    rounds = next(iter(queries.values()))["rounds"]
    jena_note = result.get("jena_skipped") or f"Jena {result.get('jena_version', '?')} in memory"
    lines = [f"## Engines at {size:,} triples: citynet, raw pyoxigraph, Jena", "",
             f"Load average (1, 5, 15 min) {load_average} (2 cores: a busy machine makes the wall "
             f"clock wait for a processor, so the processor time of the evaluating thread is shown too). "
             f"Medians of {rounds} interleaved rounds (each runs the query once on every engine), after a "
             f"warm-up round. {jena_note}. citynet is `KnowledgeGraph(..., in_memory=True)`; citynet-disk is the "
             "on-disk store `citynet query` opens.", "",
             "| target | wall clock | processor time |", "|---|---|---|"]
    for name in WHOLE_GRAPH:
        lines.append(f"| {name}: citynet within 1.1× raw in-memory pyoxigraph | "
                     f"{both(versus(name, 'citynet', 'raw-memory'), 1.1)} |")
    lines.append("| the six, geometric mean: citynet no slower than Jena in memory | "
                 f"{both(lambda key: geometric_mean_ratio(queries, 'citynet', 'jena', key), 1.0)} |")
    lines.append(f"| the other {len(small)} stored queries no slower than today (citynet on disk), geometric mean | "
                 f"{both(small_mean, 1.0)} |")

    def reference(engine: str, peer: str) -> str:
        values = [geometric_mean_ratio(queries, engine, peer, key) for key in ("p50", "cpu_p50")]
        return " / ".join("–" if v is None else f"{v:.2f}×" for v in values)

    lines += ["", "For reference, geometric means over the six (wall clock / processor time): raw pyoxigraph "
              f"in memory ÷ Jena {reference('raw-memory', 'jena')}; raw pyoxigraph on disk ÷ in memory "
              f"{reference('raw-disk', 'raw-memory')}; citynet on disk ÷ Jena {reference('citynet-disk', 'jena')}.",
              "", "| ready in (ms) | " + " | ".join(e for e in ENGINES if e in result["load_ms"]) + " |",
              "|---|" + "---:|" * len(result["load_ms"]),
              "| | " + " | ".join(f"{result['load_ms'][e]:,.0f}" for e in ENGINES if e in result["load_ms"]) + " |"]
    for key, title in (("p50", "wall clock"), ("cpu_p50", "processor time")):
        lines += ["", f"Medians, {title}, ms:", "",
                  "| query | rows | " + " | ".join(ENGINES) + " | citynet ÷ raw-memory | citynet ÷ jena |",
                  "|---|---:|" + "---:|" * (len(ENGINES) + 2)]
        for name, entry in queries.items():
            p50 = entry[key]
            rows = "/".join(str(r) for r in sorted(set(entry["rows"].values())))
            cells = [f"{p50[e]:,.1f}" if e in p50 else "–" for e in ENGINES]
            to_jena = f"{p50['citynet'] / p50['jena']:.2f}×" if p50.get("jena") else "–"
            lines.append(f"| {name} | {rows} | " + " | ".join(cells) +
                         f" | {p50['citynet'] / p50['raw-memory']:.2f}× | {to_jena} |")
    return [*lines, "", "Rows differ where a CONSTRUCT makes a triple more than once: raw pyoxigraph counts "
            "every triple it gives, citynet and Jena the graph's.", "",
            "Where a target is not met, the README's benchmark section says why.", ""]
