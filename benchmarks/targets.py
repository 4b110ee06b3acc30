"""Issue 16's targets in one run: every part of the benchmark, one after another, each against
its peers, and the table of targets at the top of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/targets.py                         # every part: about an hour on 2 cores
    .venv/bin/python benchmarks/targets.py --parts start,endpoint  # some parts; the others' rows stay

The parts, each a process of its own that writes its own results file as when run alone:

- ``engines``: the whole-graph and small stored queries at 1M triples, citynet beside raw
  pyoxigraph (in memory, on disk) and Jena in memory (``run.py --parts engines``; RESULTS.md);
- ``start``: a cold ``citynet query`` beside the import floor (``cold_start.py``; RESULTS-start.md);
- ``validate``: ``citynet validate`` beside Jena SHACL and pySHACL at 100k and 1M triples
  (``validate_bench.py``; RESULTS-validate.md);
- ``export-times``: each RDF export at 1M beside pyoxigraph's serializer, with a profile of the
  JSON-LD writer (``export_memory.py --no-memory``; RESULTS-export.md);
- ``export-memory``: the peak RSS of every ``export -o`` at 10M beside a process that iterates
  all quads (``export_memory.py --pairs 0``; RESULTS-export-10M.md);
- ``endpoint``: ``citynet serve`` beside the Oxigraph server with one client and eight
  (``endpoint_overhead.py``; RESULTS-endpoint.md).

A peer that is not installed (Jena, the Oxigraph server) is skipped by its part, which says
why; its targets show as not measured. Each part leaves its rows in
``benchmarks/summaries/PART.json`` (in the repository, beside the results files they sum up: a
fresh clone that re-runs one part keeps the others' rows); the table is made from the latest row
of every part, each part with the time it finished and the load average then. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SUMMARIES = HERE / "summaries"
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- targets: benchmarks/targets.py -->", "<!-- /targets -->"

# Each part's command line (after the Python interpreter), without its --summary.
PARTS: dict[str, list[str]] = {
    "engines": ["run.py", "--parts", "engines", "--sizes", "1000000", "--rounds", "3"],
    "start": ["cold_start.py", "--rounds", "11"],
    "validate": ["validate_bench.py", "--sizes", "100000,1000000", "--pairs", "3"],
    "export-times": ["export_memory.py", "--sizes", "1000000", "--no-memory", "--pairs", "3"],
    "export-memory": ["export_memory.py", "--sizes", "10000000", "--rounds", "1", "--pairs", "0", "--no-profile",
                      "--name", "RESULTS-export-10M"],
    "endpoint": ["endpoint_overhead.py", "--rounds", "5"],
}
MARKS = {True: "✓", False: "✗", None: "?"}


def run_part(name: str) -> bool:
    """Run one part; False if it failed (its error is on standard error, its old rows stay)."""
    SUMMARIES.mkdir(parents=True, exist_ok=True)
    script, *options = PARTS[name]
    command = [sys.executable, str(HERE / script), *options, "--summary", str(SUMMARIES / f"{name}.json")]
    print(f"[{time.strftime('%H:%M:%S')}] {name}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=HERE.parent, stdout=subprocess.DEVNULL, check=False)  # noqa: S603 (ours)
    if done.returncode != 0:
        print(f"{name} failed (exit {done.returncode})", file=sys.stderr)
    return done.returncode == 0


def summaries(folder: Path) -> dict[str, dict[str, Any]]:
    """The latest rows of every part that has run, by part, in the order of PARTS."""
    found = {}
    for name in PARTS:
        path = folder / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def table(found: dict[str, dict[str, Any]]) -> list[str]:
    """The targets section of RESULTS.md."""
    lines = [BEGIN, "## The targets of issue 16", "",
             "Written by `benchmarks/targets.py`, which runs every part of the benchmark in one go (its "
             "docstring lists them); each row links the results file with the figures, the peers and the "
             "medians behind it. ✓ met, ✗ missed, ? not measured (a peer missing). Where a target is missed, "
             "`benchmarks/README.md` says why.", "",
             "| | target | measured | figures in |", "|:---:|---|---|---|"]
    for record in found.values():
        for row in record["rows"]:
            lines.append(f"| {MARKS[row['met']]} | {row['target']} | {row['measured']} | "
                         f"[{row['source']}]({row['source'].split(',')[0]}) |")
    lines += ["", "Each part finished at (UTC), with the load average (1, 5, 15 min) then:", ""]
    lines += [f"- {name}: {record['finished']}, {record['load_average']}" for name, record in found.items()]
    return [*lines, "", END]


def section_of(text: str) -> list[str] | None:
    """The targets section of ``text`` (RESULTS.md as it is), markers included; None if it has none."""
    if BEGIN not in text or END not in text:
        return None
    return (BEGIN + text.partition(BEGIN)[2].partition(END)[0] + END).splitlines()


def splice(text: str, section: list[str]) -> str:
    """``text`` with the targets section replaced, or put after the first heading."""
    block = "\n".join(section)
    if BEGIN in text and END in text:
        before, _, rest = text.partition(BEGIN)
        return before + block + rest.partition(END)[2]
    heading, newline, rest = text.partition("\n")
    return heading + newline + "\n" + block + "\n" + rest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of: {', '.join(PARTS)}")
    parser.add_argument("--table-only", action="store_true", help="only rewrite the table from the parts' last rows")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts: {', '.join(unknown)}")
    failed = [] if args.table_only else [name for name in parts if not run_part(name)]
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# citynet benchmark results\n"
    section = table(summaries(SUMMARIES))
    partial = RESULTS.with_name(RESULTS.name + ".partial")
    partial.write_text(splice(text, section), encoding="utf-8")
    partial.replace(RESULTS)
    print("\n".join(section))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
