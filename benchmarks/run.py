"""citynet at scale: load, query, validate and export generated graphs, beside raw
pyoxigraph and rdflib, in one run.

    .venv/bin/python benchmarks/run.py --sizes 10000,100000,1000000

Each size gets a generated graph (citynet.scale.generate, seed 1, cached in benchmarks/.data/).
The measurements run in separate worker processes so that each one's peak memory is its
own: citynet (persistent build, reopen, raw pyoxigraph bulk load, every stored query on
citynet and on raw pyoxigraph with the same text and substitutions, exports beside
pyoxigraph's serializers), rdflib (parse and every stored query, with a time budget per
query on large graphs), validation (with a time budget), and up to 1M triples the engines
(benchmarks/engines.py: citynet in memory and on disk, raw pyoxigraph in memory and on disk,
and Jena in memory, taking turns query by query; ``--parts engines`` runs only these and
changes only their sections of NAME.md). The results go to
benchmarks/results.csv and benchmarks/RESULTS.md, which opens with the issue's targets,
checked at 1M triples; ratios are between numbers measured in the same run.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SEED = 1
FORMATS = ("turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld", "csv", "geojson")


def log(message: str) -> None:
    """A progress line on a terminal (or with --verbose, which the workers inherit); quiet when piped."""
    if sys.stderr.isatty() or os.environ.get("CITYNET_BENCHMARK_VERBOSE") == "1":
        print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def repeat(function: Callable[[], Any], runs: int, budget_ms: float) -> tuple[list[float], Any]:
    """Run once to warm up, then up to ``runs`` times within ``budget_ms``."""
    warm, value = timed(function)
    samples: list[float] = []
    spent = 0.0
    while len(samples) < runs and (spent < budget_ms or len(samples) < 3):
        elapsed, value = timed(function)
        samples.append(elapsed)
        spent += elapsed
    return samples or [warm], value


LARGE = 1_000_000  # above this, one run of each measurement (a run at 10M takes minutes)


def runs_for(size: int) -> int:
    return 30 if size <= 100_000 else (11 if size <= LARGE else 1)


def graph_file(size: int) -> Path:
    return DATA / f"generated-{size}-seed{SEED}.ttl"


def examples_file(size: int) -> Path:
    return DATA / f"generated-{size}-seed{SEED}.examples.json"


def query_params(name: str, examples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from citynet.querying.stored_queries import catalogue

    stored = catalogue().get(name)
    given = examples.get(name, {})
    return {p.name: given[p.name] for p in stored.parameters if p.name in given}


# ---------------------------------------------------------------- workers

def worker_citynet(size: int, scratch: Path) -> dict[str, Any]:
    import pyoxigraph

    import citynet
    from citynet import resources
    from citynet.graph.terms import to_oxigraph
    from citynet.publish import exports
    from citynet.querying.execute import bind_parameters
    from citynet.querying.stored_queries import catalogue

    path = graph_file(size)
    examples = json.loads(examples_file(size).read_text())
    out: dict[str, Any] = {"queries": {}, "exports": {}}
    cache = scratch / "cache"
    out["build_ms"], graph = timed(lambda: citynet.KnowledgeGraph([path], persistent=True, cache_dir=cache))
    triples = len(graph)
    del graph
    reopen = [timed(lambda: citynet.KnowledgeGraph([path], persistent=True, cache_dir=cache))[0] for _ in range(3)]
    out["reopen_ms"] = statistics.median(reopen)

    def raw_bulk_load() -> None:
        folder = scratch / f"raw-{time.monotonic_ns()}"
        store = pyoxigraph.Store(str(folder))
        for file in (resources.ontology_path(), path):
            store.bulk_load(path=str(file), format=pyoxigraph.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        store.flush()
        del store
        shutil.rmtree(folder, ignore_errors=True)

    out["raw_bulk_load_ms"] = timed(raw_bulk_load)[0]
    out["triples"] = triples
    graph = citynet.KnowledgeGraph([path], persistent=True, cache_dir=cache)
    store = graph.store
    runs = runs_for(size)
    for stored in catalogue():
        params = query_params(stored.name, examples)
        bindings = bind_parameters(stored, params, graph)
        substitutions = {pyoxigraph.Variable(k): to_oxigraph(v) for k, v in bindings.items()}

        def raw(text: str = stored.text, substitutions: dict = substitutions) -> int:
            answer = store.query(text, substitutions=substitutions)
            if isinstance(answer, pyoxigraph.QuerySolutions):
                return len([tuple(s) for s in answer])
            return len(list(answer))

        def ours(name: str = stored.name, params: dict = params) -> int:
            return len(citynet.query(name, graph=graph, **params))

        def ours_read(name: str = stored.name, params: dict = params) -> int:
            result = citynet.query(name, graph=graph, **params)
            return len(result.rows()) if result.graph is None else len(result.graph)

        entry: dict[str, Any] = {"params": params}
        # Interleave the engines, so that both see the same machine state.
        raw_samples, ours_samples, read_samples = [], [], []
        # Warm up both, so that neither pays for a cold cache; above 1M triples only where
        # that is cheap (a query of a minute reads far more than any cache holds).
        if size <= LARGE or timed(raw)[0] < 10_000:
            raw()
            ours()
        rows = 0
        deadline = time.monotonic() + (20 if size <= 100_000 else 60)
        for _ in range(runs):
            elapsed, rows = timed(raw)
            raw_samples.append(elapsed)
            ours_samples.append(timed(ours)[0])
            read_samples.append(timed(ours_read)[0])
            if time.monotonic() > deadline and len(raw_samples) >= min(3, runs):
                break
        entry["rows"] = rows
        entry["runs"] = len(raw_samples)
        entry["raw"] = percentiles(raw_samples)
        entry["citynet"] = percentiles(ours_samples)
        entry["citynet_read"] = percentiles(read_samples)
        out["queries"][stored.name] = entry
        log(f"  {size:>9,} {stored.name:24} citynet {entry['citynet'][0]:9.1f} ms  raw {entry['raw'][0]:9.1f} ms")
    quads = lambda: store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())  # noqa: E731
    raw_formats = {"turtle": pyoxigraph.RdfFormat.TURTLE, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
                   "nquads": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG,
                   "rdfxml": pyoxigraph.RdfFormat.RDF_XML, "jsonld": pyoxigraph.RdfFormat.JSON_LD}
    export_runs = 5 if size <= 100_000 else (3 if size <= LARGE else 1)
    for fmt in FORMATS:
        if fmt in raw_formats:
            def theirs(fmt: str = fmt) -> int:
                prefixes = exports.PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
                return len(pyoxigraph.serialize(quads(), format=raw_formats[fmt], prefixes=prefixes).decode("utf-8"))
            baseline = "pyoxigraph.serialize"
        else:
            def theirs(fmt: str = fmt) -> int:
                name = "memberships" if fmt == "csv" else "member-locations"
                answer = store.query(catalogue().get(name).text)
                formats = pyoxigraph.QueryResultsFormat
                return len(answer.serialize(format=formats.CSV if fmt == "csv" else formats.JSON))
            baseline = "pyoxigraph query + results serializer"
        ours_samples = repeat(lambda fmt=fmt: len(exports.export(graph, fmt)), export_runs, 60_000)[0]
        raw_samples = repeat(theirs, export_runs, 60_000)[0]
        out["exports"][fmt] = {"citynet": percentiles(ours_samples), "raw": percentiles(raw_samples),
                               "baseline": baseline}
        log(f"  {size:>9,} export {fmt:9} citynet {statistics.median(ours_samples):9.1f} ms  "
            f"raw {statistics.median(raw_samples):9.1f} ms")
    out["peak_rss_mb"] = peak_rss_mb()
    return out


class Budget(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Budget


def worker_rdflib(size: int, scratch: Path, budget_s: float) -> dict[str, Any]:
    from rdflib import Graph, Variable

    import citynet
    from citynet import resources
    from citynet.querying.execute import bind_parameters
    from citynet.querying.stored_queries import catalogue

    examples = json.loads(examples_file(size).read_text())
    out: dict[str, Any] = {"queries": {}}

    def parse() -> Graph:
        rdf = Graph()
        for file in (resources.ontology_path(), graph_file(size)):
            rdf.parse(file, format="turtle")
        return rdf

    out["parse_ms"], rdf = timed(parse)
    graph = citynet.KnowledgeGraph([graph_file(size)], persistent=True, cache_dir=scratch / "cache")
    signal.signal(signal.SIGALRM, _alarm)
    runs = 5 if size <= 10_000 else (3 if size <= 100_000 else 1)
    for stored in catalogue():
        params = query_params(stored.name, examples)
        bindings = {Variable(k): v for k, v in bind_parameters(stored, params, graph).items()}
        samples = []
        over = False
        for _ in range(runs):
            signal.setitimer(signal.ITIMER_REAL, budget_s)
            try:
                elapsed, _ = timed(lambda s=stored, b=bindings: len(list(rdf.query(s.prepared, initBindings=b))))
                samples.append(elapsed)
            except Budget:
                over = True
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if sum(samples) > budget_s * 1000:
                break
        entry = {"runs": len(samples), "over_budget": over, "budget_ms": budget_s * 1000}
        if samples:
            entry["p50"], entry["p95"] = percentiles(samples)
        out["queries"][stored.name] = entry
        shown = f"{entry['p50']:9.1f} ms" if samples else f"> {budget_s:.0f} s (budget)"
        log(f"  {size:>9,} rdflib {stored.name:24} {shown}")
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def worker_validate(size: int, scratch: Path) -> dict[str, Any]:
    import citynet

    elapsed, report = timed(lambda: citynet.validate([graph_file(size)]))
    return {"ms": elapsed, "violations": len(report.violations), "warnings": len(report.warnings),
            "notes": len(report.infos), "peak_rss_mb": peak_rss_mb()}


def worker_engines(size: int, scratch: Path, rounds: float) -> dict[str, Any]:
    """citynet in memory and on disk, raw pyoxigraph in memory and on disk, and Jena in
    memory, taking turns query by query (benchmarks/engines.py)."""
    import engines

    started = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result = engines.worker_engines(size, scratch, graph_file(size), json.loads(examples_file(size).read_text()),
                                    int(rounds))
    result["load_average"] = f"{started} at its start, {' '.join(f'{x:.2f}' for x in os.getloadavg())} at its end"
    result["peak_rss_mb"] = peak_rss_mb()
    return result


WORKERS = {"citynet": worker_citynet, "rdflib": worker_rdflib, "validate": worker_validate,
           "engines": worker_engines}
PARTS = ("citynet", "rdflib", "validate", "engines")


def run_worker(kind: str, size: int, scratch: Path, timeout: float, *extra: str) -> dict[str, Any]:
    result_file = scratch / f"{kind}.json"
    command = [sys.executable, __file__, "--worker", kind, "--size", str(size), "--scratch", str(scratch),
               "--result", str(result_file), *extra]
    started = time.monotonic()
    try:
        subprocess.run(command, check=True, timeout=timeout)  # noqa: S603 - our own script
    except subprocess.TimeoutExpired:
        return {"timeout_s": timeout}
    except subprocess.CalledProcessError as error:
        return {"error": f"exit code {error.returncode}"}
    result = json.loads(result_file.read_text())
    result["wall_s"] = time.monotonic() - started
    return result


# ---------------------------------------------------------------- reporting

def fmt_ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}×"


def targets(size: int, result: dict[str, Any]) -> list[str]:
    """The issue's targets, each with what this run measured and whether that meets it."""
    c, r = result.get("citynet", {}), result.get("rdflib", {})

    def cell(measured: str, met: bool | None) -> str:
        return f"{measured} {'✓' if met else ('?' if met is None else '✗')}"

    note = "" if size == LARGE else f" (the issue sets them at {LARGE:,}; shown here for comparison)"
    out = [f"## Targets at {size:,} triples{note}", "",
           "✓ met, ✗ not met, ? not known (rdflib ran over its time budget, so only a lower bound).", "",
           "| target | measured |", "|---|---|"]
    if "reopen_ms" in c:
        reopen = c["reopen_ms"]
        out.append(f"| reopen the persistent store in under 1 s | {cell(fmt_ms(reopen), reopen < 1000)} |")
        build = c["build_ms"] / c["raw_bulk_load_ms"]
        out.append(f"| rebuild within 1.2× pyoxigraph's bulk load | {cell(f'{build:.2f}×', build <= 1.2)} |")
    for fmt, e in c.get("exports", {}).items():
        ratio_ = e["citynet"][0] / e["raw"][0]
        out.append(f"| export {fmt} within 1.2× {e['baseline']} | {cell(f'{ratio_:.2f}×', ratio_ <= 1.2)} |")
    if c.get("peak_rss_mb"):
        peak = c["peak_rss_mb"]
        out.append(f"| peak memory under 1 GB (citynet worker) | {cell(f'{peak:,.0f} MB', peak < 1024)} |")
    out += ["", "| stored query | p50 within 1.1× raw pyoxigraph | 20× faster than rdflib | "
            "p50 under 100 ms (else rewritten or explained) |", "|---|---|---|---|"]
    for name, q in c.get("queries", {}).items():
        overhead = q["citynet"][0] / q["raw"][0]
        rq = r.get("queries", {}).get(name, {})
        if rq.get("p50"):
            speed = rq["p50"] / q["citynet"][0]
            versus = cell(f"{speed:,.0f}×", speed >= 20)
        elif rq.get("over_budget"):
            bound = rq["budget_ms"] / q["citynet"][0]
            versus = cell(f"> {bound:,.0f}×", True if bound >= 20 else None)
        else:
            versus = "–"
        out.append(f"| {name} | {cell(f'{overhead:.2f}×', overhead <= 1.1)} | {versus} | "
                   f"{cell(fmt_ms(q['citynet'][0]), q['citynet'][0] < 100)} |")
    return [*out, "", "Where a target is not met, `benchmarks/README.md` says why.", ""]


def write_outputs(all_results: dict[int, dict[str, Any]], args: argparse.Namespace) -> None:
    rows: list[list[Any]] = []
    md: list[str] = ["# citynet benchmark results", "",
                     f"Generated by `python benchmarks/run.py --sizes {args.sizes}"
                     f"{'' if args.name == 'RESULTS' else f' --name {args.name}'}` on "
                     f"{datetime.date.today().isoformat()}: {platform.python_implementation()} "
                     f"{platform.python_version()}, {os.cpu_count()} cores, pyoxigraph {_version('pyoxigraph')}, "
                     f"rdflib {_version('rdflib')}. Graphs from `citynet.scale.generate` (seed {SEED}). "
                     "Times are medians (p50) and 95th percentiles of repeated runs in one process; "
                     "every ratio compares numbers measured in the same run.", ""]
    # The issue sets its targets at 1M triples; a run without that size is checked at its largest.
    checked = LARGE if LARGE in all_results else max(all_results)
    md += targets(checked, all_results[checked])
    for size, result in sorted(all_results.items()):
        c = result.get("citynet", {})
        r = result.get("rdflib", {})
        v = result.get("validate", {})
        md += [f"## {size:,} triples (+ ontology: {c.get('triples', '?'):,} in the store)", ""]
        md += ["| load | time | vs |", "|---|---:|---|"]
        load = [("generate (citynet.scale.generate)", result.get("generate_ms"), ""),
                ("citynet persistent build (bulk load + optimize)", c.get("build_ms"),
                 f"{ratio(c.get('build_ms'), c.get('raw_bulk_load_ms'))} raw bulk load"),
                ("citynet reopen (content hash + open)", c.get("reopen_ms"), ""),
                ("raw pyoxigraph bulk_load to disk", c.get("raw_bulk_load_ms"), ""),
                ("rdflib parse (default store)", r.get("parse_ms"),
                 f"{ratio(r.get('parse_ms'), c.get('build_ms'))} citynet build")]
        for name, value, versus in load:
            md.append(f"| {name} | {fmt_ms(value)} | {versus} |")
            rows.append([size, "load", name, "", value, "", "", versus])
        md += ["", "| stored query | rows | citynet p50 | p95 | raw pyoxigraph p50 | p95 | citynet / raw | "
               "citynet + read all p50 | rdflib p50 | rdflib / citynet |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, q in c.get("queries", {}).items():
            rq = r.get("queries", {}).get(name, {})
            if rq.get("over_budget") and not rq.get("p50"):
                rd, speed = f"> {fmt_ms(rq['budget_ms'])}", f"> {rq['budget_ms'] / q['citynet'][0]:,.0f}×"
            elif rq.get("p50"):
                rd, speed = fmt_ms(rq["p50"]), f"{rq['p50'] / q['citynet'][0]:,.0f}×"
            else:
                rd, speed = "–", "–"
            md.append(f"| {name} | {q['rows']:,} | {fmt_ms(q['citynet'][0])} | {fmt_ms(q['citynet'][1])} | "
                      f"{fmt_ms(q['raw'][0])} | {fmt_ms(q['raw'][1])} | {ratio(q['citynet'][0], q['raw'][0])} | "
                      f"{fmt_ms(q['citynet_read'][0])} | {rd} | {speed} |")
            rows.append([size, "query", name, "citynet", q["citynet"][0], q["citynet"][1], q["runs"], q["rows"]])
            rows.append([size, "query", name, "citynet+read", q["citynet_read"][0], q["citynet_read"][1],
                         q["runs"], q["rows"]])
            rows.append([size, "query", name, "pyoxigraph", q["raw"][0], q["raw"][1], q["runs"], q["rows"]])
            rows.append([size, "query", name, "rdflib", rq.get("p50"), rq.get("p95"), rq.get("runs"),
                         "over budget" if rq.get("over_budget") else ""])
        md += ["", "| export | citynet p50 | baseline p50 | citynet / baseline | baseline |",
               "|---|---:|---:|---:|---|"]
        for fmt, e in c.get("exports", {}).items():
            md.append(f"| {fmt} | {fmt_ms(e['citynet'][0])} | {fmt_ms(e['raw'][0])} | "
                      f"{ratio(e['citynet'][0], e['raw'][0])} | {e['baseline']} |")
            rows.append([size, "export", fmt, "citynet", e["citynet"][0], e["citynet"][1], "", ""])
            rows.append([size, "export", fmt, "pyoxigraph", e["raw"][0], e["raw"][1], "", e["baseline"]])
        md += ["", "| other | value |", "|---|---:|"]
        if "ms" in v:
            md.append(f"| validation (citynet.validate) | {fmt_ms(v['ms'])}, {v['violations']} violations |")
            rows.append([size, "validate", "citynet.validate", "", v["ms"], "", 1, v["violations"]])
        else:
            md.append(f"| validation | not measured: {_why(v)} |")
        md.append(f"| peak RSS, citynet worker (build, reopen, queries, exports) | {c.get('peak_rss_mb', 0):,.0f} MB |")
        md.append(f"| peak RSS, rdflib worker | {r.get('peak_rss_mb', 0):,.0f} MB |")
        rows.append([size, "memory", "peak RSS citynet worker (MB)", "citynet", c.get("peak_rss_mb"), "", "", ""])
        rows.append([size, "memory", "peak RSS rdflib worker (MB)", "rdflib", r.get("peak_rss_mb"), "", "", ""])
        md.append("")
    target = HERE / f"{args.name}.md"
    kept, text = "", "\n".join(md) + "\n"
    if target.exists():  # the engines sections (splice_engines) and the targets (targets.py) stay
        import targets as issue16

        old = target.read_text(encoding="utf-8")
        if ENGINES_BEGIN in old and ENGINES_END in old:
            kept = ENGINES_BEGIN + old.partition(ENGINES_BEGIN)[2].partition(ENGINES_END)[0] + ENGINES_END + "\n"
        section = issue16.section_of(old)
        if section is not None:
            text = issue16.splice(text, section)
    target.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    with (HERE / f"{args.name.lower()}.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["triples", "category", "item", "system", "p50_ms", "p95_ms", "runs", "rows_or_note"])
        for row in rows:
            writer.writerow([f"{x:.3f}" if isinstance(x, float) else ("" if x is None else x) for x in row])


ENGINES_BEGIN, ENGINES_END = "<!-- engines: benchmarks/engines.py -->", "<!-- /engines -->"


def splice_engines(all_results: dict[int, dict[str, Any]], args: argparse.Namespace) -> None:
    """Put the engines sections into NAME.md between their markers (at the end where there
    are none yet), leaving every other section of the file as it is."""
    import engines

    sections: list[str] = []
    for size, result in sorted(all_results.items()):
        if "engines" in result:
            average = result["engines"].get("load_average", "?")
            sections += engines.report(size, result["engines"], average)
    if not sections:
        return
    target = HERE / f"{args.name}.md"
    text = target.read_text(encoding="utf-8") if target.exists() else "# citynet benchmark results\n"
    block = "\n".join([ENGINES_BEGIN, *sections, ENGINES_END])
    if ENGINES_BEGIN in text and ENGINES_END in text:
        before, _, rest = text.partition(ENGINES_BEGIN)
        text = before + block + rest.partition(ENGINES_END)[2]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def write_engine_targets(all_results: dict[int, dict[str, Any]], path: Path | None) -> None:
    """The engines' targets at the largest size they ran at (issue 16 sets them at 1M)."""
    import engines
    from target_rows import write_summary

    measured = [size for size, result in all_results.items() if "engines" in result]
    if path is not None and measured:
        size = max(measured)
        write_summary(path, f"engines at {size:,} triples", engines.targets(size, all_results[size]["engines"]))


def _why(result: dict[str, Any]) -> str:
    if "timeout_s" in result:
        return f"over the {result['timeout_s']:.0f} s budget"
    if "skipped" in result:
        return result["skipped"]
    return result.get("error", "failed")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


# ---------------------------------------------------------------- main

def main() -> None:
    from target_rows import add_summary_option

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="triples per graph, comma-separated")
    parser.add_argument("--rdflib-budget", type=float, default=None,
                        help="seconds per query on rdflib (default 60, 150 from 1M triples)")
    parser.add_argument("--validate-budget", type=float, default=300, help="seconds for validation per size")
    parser.add_argument("--verbose", action="store_true", help="progress lines even when stderr is not a terminal")
    parser.add_argument("--baselines-up-to", type=int, default=LARGE,
                        help="run rdflib and validation only up to this many triples (default 1,000,000)")
    parser.add_argument("--name", default="RESULTS",
                        help="write NAME.md and name.csv in benchmarks/ (default RESULTS: RESULTS.md, results.csv)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="what to measure, comma-separated (default all): " + ", ".join(PARTS) +
                             "; a run without citynet changes only the engines sections of NAME.md")
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved rounds per query for the engines part (at least 3)")
    add_summary_option(parser)
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, default=60, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verbose:
        os.environ["CITYNET_BENCHMARK_VERBOSE"] = "1"
    if args.worker:
        extra = (args.budget,) if args.worker in ("rdflib", "engines") else ()
        result = WORKERS[args.worker](args.size, args.scratch, *extra)
        args.result.write_text(json.dumps(result))
        return

    from citynet.scale.generate import generate

    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if parts - set(PARTS) or args.rounds < 3:
        parser.error(f"--parts takes {', '.join(PARTS)}; --rounds at least 3")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    DATA.mkdir(exist_ok=True)
    all_results: dict[int, dict[str, Any]] = {}
    started = time.monotonic()
    for size in sizes:
        log(f"== {size:,} triples")
        result: dict[str, Any] = {}
        path = graph_file(size)
        elapsed, report = timed(lambda size=size, path=path: generate(size, SEED, path))
        result["generate_ms"] = elapsed
        examples_file(size).write_text(json.dumps(report.examples, indent=1))
        with tempfile.TemporaryDirectory(prefix=f"citynet-bench-{size}-") as folder:
            scratch = Path(folder)
            if "citynet" in parts:
                result["citynet"] = run_worker("citynet", size, scratch, 1800 if size <= LARGE else 7200)
            if size > args.baselines_up_to:
                why = f"skipped above {args.baselines_up_to:,} triples (--baselines-up-to): it would take hours"
                result["rdflib"] = result["validate"] = {"skipped": why}
            else:
                budget = args.rdflib_budget or (60 if size < LARGE else 150)
                if "rdflib" in parts:
                    result["rdflib"] = run_worker("rdflib", size, scratch, 3600, "--budget", str(budget))
                if "validate" in parts:
                    result["validate"] = run_worker("validate", size, scratch, args.validate_budget)
            if "engines" in parts and size <= LARGE:  # Jena in memory, and raw pyoxigraph in memory beside it
                result["engines"] = run_worker("engines", size, scratch, 3600, "--budget", str(args.rounds))
        all_results[size] = result
        if "citynet" in parts:
            write_outputs(all_results, args)
        splice_engines(all_results, args)
    write_engine_targets(all_results, args.summary)
    report = HERE / f"{args.name}.md"
    log(f"done in {time.monotonic() - started:,.0f} s: {report}, {HERE / args.name.lower()}.csv")
    print(report.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
