"""Peak memory and time of the streamed exports (issue 16), against their peers in the same run.

For each size, on a generated graph (``citynet.scale.generate``, seed 1, cached in
``benchmarks/.data/`` as ``run.py`` caches it), held as ``citynet export --data`` holds it (on
disk above 10 MB of files):

- **peak RSS** of each ``citynet export --data FILE --format F -o OUT`` (a process of its own),
  against two baselines that open the same store the same way and read it without writing:
  every quad of the store (``for quad in store``; the store holds each triple twice, in the
  default graph and in its file's graph) and the default graph's quads (what most exports
  read). The target of issue 16: each export within 1.2x the baseline that iterates all quads.
  Peak RSS is the child's own ``ru_maxrss`` (``os.wait4``), one process per measurement;
  rounds are interleaved, and the median of the rounds is reported.
- **time** of each RDF export (citynet's ``write_export`` to a file) against pyoxigraph's own
  serializer of the same quads to a file, in one process with the store open, taken in turns
  (``--pairs``, medians). For JSON-LD the peer writes expanded JSON-LD without a context, a
  different (larger) text: the issue's target is citynet within 1.2x of it.
- a **profile** of citynet's JSON-LD writer (cProfile, the largest costs), to explain its time.

    .venv/bin/python benchmarks/export_memory.py --sizes 1000000
    .venv/bin/python benchmarks/export_memory.py --sizes 1000000 --no-memory   # the times and profile only
    .venv/bin/python benchmarks/export_memory.py --sizes 10000000 --rounds 1 --pairs 1 --name RESULTS-export-10M

Results go to ``benchmarks/RESULTS-export.md`` (``--name``), with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from target_rows import add_summary_option, ratio, target, write_summary

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SEED = 1
FORMATS = ("turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld", "csv", "geojson")
RDF = ("turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld")

OPEN = ("import sys, time\nfrom pathlib import Path\nimport citynet, pyoxigraph\n"
        "graph = citynet.KnowledgeGraph.from_paths([Path(sys.argv[1])])\n")
BASELINE_ALL = OPEN + "n = 0\nfor quad in graph.store:\n    n += 1\nprint(n)\n"
BASELINE_DEFAULT = OPEN + ("n = 0\nfor quad in graph.store.quads_for_pattern(None, None, None, "
                           "pyoxigraph.DefaultGraph()):\n    n += 1\nprint(n)\n")

# In one process with the store open: citynet's export and pyoxigraph's serializer of the same
# quads, in turns, each to a file; prints {format: [[ours_s, theirs_s, ours_bytes, theirs_bytes], ...]}.
TIMES = OPEN + """
import json
from citynet.formats import DATASET_FORMATS, RDF_EXPORT_FORMATS, by_name
from citynet.graph.prefixes import PREFIXES
from citynet.publish.exports import file_quads, write_export
scratch, pairs, formats = Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
out = {fmt: [] for fmt in formats}

def ours(fmt):
    target = scratch / f"ours.{fmt}"
    start = time.perf_counter()
    with target.open("wb") as stream:
        write_export(graph, fmt, stream)
    return time.perf_counter() - start, target.stat().st_size

def theirs(fmt):
    chosen = by_name(fmt, RDF_EXPORT_FORMATS)
    target = scratch / f"theirs.{fmt}"
    start = time.perf_counter()
    quads = (file_quads(graph.files) if chosen in DATASET_FORMATS
             else graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    prefixes = dict(PREFIXES) if chosen.takes_prefixes else None
    with target.open("wb") as stream:
        pyoxigraph.serialize(quads, stream, chosen.rdf, prefixes=prefixes)
    return time.perf_counter() - start, target.stat().st_size

for number in range(pairs):
    for fmt in formats:
        first, second = (ours, theirs) if number % 2 == 0 else (theirs, ours)
        a, b = first(fmt), second(fmt)
        (o, t) = (a, b) if first is ours else (b, a)
        out[fmt].append([o[0], t[0], o[1], t[1]])
for fmt in formats:
    for name in ("ours", "theirs"):
        (scratch / f"{name}.{fmt}").unlink(missing_ok=True)
print(json.dumps(out))
"""

PROFILE = OPEN + """
import cProfile, io, pstats
from citynet.publish.exports import write_export
profile = cProfile.Profile()
with open(sys.argv[2], "wb") as stream:
    profile.enable()
    write_export(graph, "jsonld", stream)
    profile.disable()
text = io.StringIO()
pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(12)
print(text.getvalue())
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def child(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``argv``; its wall time, its own peak RSS (MB) and its standard output."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603 - ours
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{argv[:6]} failed ({process.returncode}): {err.decode()[-2000:]}")
    return {"seconds": seconds, "stdout": out.decode()}


def measured(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``argv`` as a child and take its own peak RSS from ``wait4`` (not the maximum over
    all children, which ``RUSAGE_CHILDREN`` would give)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 - ours
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{argv[:6]} failed ({process.returncode}): {err.decode()[-2000:]}")
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024}


def graph_file(size: int) -> Path:
    return DATA / f"generated-{size}-seed{SEED}.ttl"


def run_size(size: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    from citynet.scale.generate import generate

    path = graph_file(size)
    if not path.exists():
        log(f"generating {size:,} triples")
        DATA.mkdir(exist_ok=True)
        generate(size, SEED, path, progress=False)
    scratch = DATA / f"export-scratch-{size}"
    scratch.mkdir(exist_ok=True)
    from citynet import resources
    from citynet.graph.knowledge_graph import held_on_disk_by_default

    result: dict[str, Any] = {"size": size, "file_mb": path.stat().st_size / 1e6,
                              "on_disk": held_on_disk_by_default([resources.ontology_path(), path])}
    log("opening (building the store once)")
    result["build_s"] = child([sys.executable, "-c", BASELINE_DEFAULT, str(path)], env)["seconds"]

    runs: dict[str, list[dict[str, Any]]] = {}
    rounds = args.rounds if args.memory else 0
    commands = {"baseline: every quad": [sys.executable, "-c", BASELINE_ALL, str(path)],
                "baseline: default graph": [sys.executable, "-c", BASELINE_DEFAULT, str(path)]}
    for fmt in args.formats:
        commands[fmt] = [sys.executable, "-m", "citynet", "export", "--data", str(path), "--format", fmt,
                         "-o", str(scratch / f"out.{fmt}")]
    for number in range(rounds):
        for name, argv in commands.items():  # interleaved: each round measures every command once
            log(f"round {number + 1}: {name}")
            run = measured(argv, env)
            if name in args.formats:
                target = scratch / f"out.{name}"
                run["bytes"] = target.stat().st_size
                target.unlink()
            runs.setdefault(name, []).append(run)
    if runs:
        result["rss"] = runs

    timed = [fmt for fmt in args.formats if fmt in RDF]
    if timed and args.pairs:
        log(f"times against pyoxigraph's serializer ({args.pairs} pairs)")
        done = child([sys.executable, "-c", TIMES, str(path), str(scratch), str(args.pairs), ",".join(timed)], env)
        result["times"] = json.loads(done["stdout"])
    if args.profile and "jsonld" in args.formats:
        log("profile of the JSON-LD writer")
        done = child([sys.executable, "-c", PROFILE, str(path), str(scratch / "profile.jsonld")], env)
        (scratch / "profile.jsonld").unlink(missing_ok=True)
        result["profile"] = done["stdout"]
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def _rss_lines(result: dict[str, Any], args: argparse.Namespace, held: str) -> list[str]:
    rss = result["rss"]
    every = median([r["rss_mb"] for r in rss["baseline: every quad"]])
    default = median([r["rss_mb"] for r in rss["baseline: default graph"]])
    lines = [
        f"Generated file {result['file_mb']:.0f} MB, held {held}. "
        f"Peak RSS of the baselines: every quad {every:.0f} MB, the default graph {default:.0f} MB.",
        "",
        "| `citynet export -o` | peak RSS | ÷ baseline (every quad) | target ≤ 1.2 | wall time | output |",
        "|---|---:|---:|:---:|---:|---:|",
    ]
    for fmt in args.formats:
        runs = rss[fmt]
        peak = median([r["rss_mb"] for r in runs])
        ratio = peak / every
        lines.append(f"| {fmt} | {peak:.0f} MB | {ratio:.2f} | {'met' if ratio <= 1.2 else 'missed'} | "
                     f"{median([r['seconds'] for r in runs]):.1f} s | {runs[0]['bytes'] / 1e6:.0f} MB |")
    for name in ("baseline: every quad", "baseline: default graph"):
        runs = rss[name]
        lines.append(f"| *{name}* | {median([r['rss_mb'] for r in runs]):.0f} MB | | | "
                     f"{median([r['seconds'] for r in runs]):.1f} s | |")
    return lines


def export_targets(result: dict[str, Any], source: str) -> list[dict[str, Any]]:
    """Issue 16: each ``export -o`` within 1.2x the peak RSS of a process that opens the store
    and iterates all quads (set at 10M); JSON-LD within 1.2x pyoxigraph's serializer."""
    size, rows = result["size"], []
    if "rss" in result:
        every = median([r["rss_mb"] for r in result["rss"]["baseline: every quad"]])
        for fmt, runs in result["rss"].items():
            if not fmt.startswith("baseline"):
                peak = median([r["rss_mb"] for r in runs])
                shown, met = ratio(peak / every, 1.2)
                rows.append(target(f"`export -o` {fmt} at {size:,} triples: peak RSS within 1.2× iterating all quads",
                                   f"{shown} ({peak:,.0f} MB vs {every:,.0f} MB)", met, source))
    if "jsonld" in result.get("times", {}):
        pairs = result["times"]["jsonld"]
        ours, theirs = median([p[0] for p in pairs]), median([p[1] for p in pairs])
        shown, met = ratio(ours / theirs, 1.2)
        rows.append(target(f"JSON-LD export at {size:,} triples within 1.2× pyoxigraph's serializer",
                           f"{shown} ({ours:.1f} s vs {theirs:.1f} s, {len(pairs)} pairs)", met, source))
    return rows


def write_results(results: list[dict[str, Any]], args: argparse.Namespace, before: str, after: str) -> Path:
    import pyoxigraph

    import citynet

    lines = [
        "# Streamed exports: peak memory and time",
        "",
        f"Written by `benchmarks/export_memory.py` on {time.strftime('%Y-%m-%d %H:%M')}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, citynet {citynet.__version__}, "
        f"pyoxigraph {pyoxigraph.__version__}. Load average (1, 5, 15 min) before: {before}; after: {after}.",
        f"Rounds per RSS measurement: {args.rounds if args.memory else 'none (--no-memory)'} (median); "
        f"time pairs: {args.pairs} (medians, in turns).",
    ]
    if max(float(before.split(",")[0]), float(after.split(",")[0])) >= 1.0:
        lines.append("Other work ran on the machine at the same time (see the load average): the times are "
                     "noisy, the peak RSS much less so.")
    lines.append("")
    for result in results:
        size = result["size"]
        held = "on disk (opened from the cache)" if result["on_disk"] else "in memory (parsed by every process)"
        lines += [f"## {size:,} triples", ""]
        if "rss" not in result:
            lines += [f"Generated file {result['file_mb']:.0f} MB, held {held}. Peak RSS not measured in this "
                      "run (`--no-memory`): the last full run's figures are in this file's git history."]
        else:
            lines += _rss_lines(result, args, held)
        if "times" in result:
            lines += [
                "",
                "Time to write each RDF export to a file with the store open, against pyoxigraph's own "
                "serializer of the same quads (N-Quads and TriG: parsed from the files, as citynet does). "
                "pyoxigraph's JSON-LD is expanded, without a context.",
                "",
                "| format | citynet | pyoxigraph | ratio | target | citynet's output | pyoxigraph's |",
                "|---|---:|---:|---:|:---:|---:|---:|",
            ]
            for fmt, pairs in result["times"].items():
                ours, theirs = median([p[0] for p in pairs]), median([p[1] for p in pairs])
                target = ("met" if ours / theirs <= 1.2 else "missed") if fmt == "jsonld" else ""
                lines.append(f"| {fmt} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f} | {target} | "
                             f"{pairs[0][2] / 1e6:.0f} MB | {pairs[0][3] / 1e6:.0f} MB |")
        if "profile" in result:
            profile = result["profile"].strip().splitlines()
            start = next((i for i, line in enumerate(profile) if "ncalls" in line), 0)
            lines += ["", "Profile of citynet's JSON-LD export (cProfile, by own time; the profiler's "
                      "overhead inflates the Python parts):", "", "```", *profile[max(start - 4, 0):], "```"]
        lines.append("")
    target = HERE / f"{args.name}.md"
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000", help="comma-separated triple counts")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved RSS rounds (median)")
    parser.add_argument("--pairs", type=int, default=3, help="timed pairs against pyoxigraph (medians)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the peak-RSS rounds: the times against pyoxigraph and the profile only")
    parser.add_argument("--name", default="RESULTS-export")
    add_summary_option(parser)
    args = parser.parse_args()
    args.formats = args.formats.split(",")
    env = {**os.environ, "CITYNET_CACHE_DIR": str(DATA / "cache-export")}
    before = load_average()
    results = [run_size(int(size), args, env) for size in args.sizes.split(",")]
    path = write_results(results, args, before, load_average())
    (DATA / f"{args.name}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    write_summary(args.summary, "exports", [row for result in results for row in export_targets(result, path.name)])
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
