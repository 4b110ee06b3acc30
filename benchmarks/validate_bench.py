"""citynet validate beside Jena SHACL (4.5, Debian) and pySHACL, on generated graphs.

For each size (generated with ``citynet generate``), interleaved runs of
``citynet validate FILE``, Jena's ``shacl validate --shapes S --data D`` (the ontology
added to the data, as citynet adds it) and, where it finishes, plain pySHACL
(``citynet validate --no-fast-path``). Each run is a fresh process; the wall time and the
peak RSS come from ``/usr/bin/time``. Medians, ratios to Jena, the load average: written to
``benchmarks/RESULTS-validate.md``.

    .venv/bin/python benchmarks/validate_bench.py --sizes 100000,1000000 --pairs 3
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from target_rows import add_summary_option, ratio, target, write_summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CITYNET = Path(sys.executable).with_name("citynet")
JARS = Path("/usr/share/java")
_VERSIONED = re.compile(r"-\d[\d.]*$")
_TIME = re.compile(r"^TIME (\S+) (\d+)$", re.M)


def jena_classpath(folder: Path) -> str | None:
    """Debian's Jena jars (benchmarks/jena.py), or None where Jena or java is missing."""
    import jena  # benchmarks/jena.py, beside this script

    if shutil.which("java") is None:
        return None
    return jena.classpath(folder)


def timed(command: list[str], timeout: float) -> tuple[float, int, int] | None:
    """Wall seconds, peak RSS (KiB) and exit code of ``command``; None past ``timeout``. The
    command runs in a process group of its own, which is killed past ``timeout``: killing
    ``time`` alone left the command running beside the runs that followed."""
    with subprocess.Popen(["/usr/bin/time", "-f", "TIME %e %M", *command], stdout=subprocess.DEVNULL,  # noqa: S603
                          stderr=subprocess.PIPE, text=True, start_new_session=True) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):  # the group may end on its own meanwhile
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None
    found = _TIME.findall(stderr)
    if not found:
        raise RuntimeError(f"no timing for {command}: {stderr[-500:]}")
    return float(found[-1][0]), int(found[-1][1]), process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--pyshacl-up-to", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--pyshacl-timeout", type=float, default=300,
                        help="pySHACL's own limit: once past it at a size, it is not run again at that size")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-validate.md")
    add_summary_option(parser)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="validate-bench-"))
    classpath = jena_classpath(scratch / "jena")
    why_no_jena = None if classpath else "Jena is not installed (Debian package libapache-jena-java) or java is missing"
    shapes, ontology = ROOT / "ontology" / "shapes.ttl", ROOT / "ontology" / "citynet.ttl"
    start = os.getloadavg()
    rows: list[str] = []
    summary: list[dict[str, object]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        data = scratch / f"g{size}.ttl"
        subprocess.run([str(CITYNET), "generate", "--triples", str(size), str(data)], check=True,  # noqa: S603
                       capture_output=True)
        merged = scratch / f"g{size}-with-ontology.ttl"
        merged.write_bytes(ontology.read_bytes() + b"\n" + data.read_bytes())
        tools: dict[str, tuple[list[str], float]] = {"citynet validate": ([str(CITYNET), "validate", str(data)],
                                                                          args.timeout)}
        if classpath:
            tools["Jena SHACL 4.5"] = (["java", "-Xmx6g", "-cp", classpath, "shacl.shacl", "validate", "--shapes",
                                        str(shapes), "--data", str(merged)], args.timeout)
        if size <= args.pyshacl_up_to:
            tools["pySHACL (citynet --no-fast-path)"] = ([str(CITYNET), "validate", "--no-fast-path", str(data)],
                                                         args.pyshacl_timeout)
        runs: dict[str, list[tuple[float, int, int] | None]] = {name: [] for name in tools}
        for _ in range(args.pairs):
            for name, (command, limit) in tools.items():
                if None in runs[name]:
                    continue  # past its limit once at this size: not run again
                runs[name].append(timed(command, limit))
                print(size, name, runs[name][-1], flush=True)
                _write(args.out, start, args.pairs, [*rows, *_rows(size, runs, tools)], why_no_jena)
        rows += _rows(size, runs, tools)
        summary = _targets(size, runs, why_no_jena, args.out.name)  # at the last (largest) size
    _write(args.out, start, args.pairs, rows, why_no_jena, done=True)
    shutil.rmtree(scratch, ignore_errors=True)
    write_summary(args.summary, "validate", summary)
    print(args.out.read_text(encoding="utf-8"))
    return 0


def _targets(size: int, runs: dict[str, list[tuple[float, int, int] | None]], why_no_jena: str | None,
             source: str) -> list[dict[str, object]]:
    """Issue 16: ``citynet validate`` no slower than Jena SHACL, with a peak RSS under 1 GB
    (1,000 MiB, the stricter reading)."""
    ours = [r for r in runs["citynet validate"] if r]
    if not ours:
        return [target(f"`citynet validate` at {size:,} triples", "did not finish", False, source)]
    seconds, rss = statistics.median(r[0] for r in ours), statistics.median(r[1] for r in ours) / 1024
    jena = [r[0] for r in runs.get("Jena SHACL 4.5", []) if r]
    measured, met = f"not measured: {why_no_jena or 'Jena did not finish'}", None
    if jena:
        shown, met = ratio(seconds / statistics.median(jena), 1.0)
        measured = f"{shown} ({seconds:.1f} s vs {statistics.median(jena):.1f} s)"
    speed = target(f"`citynet validate` at {size:,} triples no slower than Jena SHACL", measured, met, source)
    return [speed, target(f"`citynet validate` at {size:,} triples: peak RSS under 1 GB", f"{rss:,.0f} MiB",
                          rss < 1000, source)]


def _rows(size: int, runs: dict[str, list[tuple[float, int, int] | None]],
          tools: dict[str, tuple[list[str], float]]) -> list[str]:
    """The table's rows for one size: medians of the finished runs, ratios to Jena's median."""
    jena = [r[0] for r in runs.get("Jena SHACL 4.5", []) if r]
    lines = []
    for name, results in runs.items():
        finished = [r for r in results if r]
        late = f"; past {tools[name][1]:.0f} s once, then not run again" if None in results else ""
        if not results:
            continue  # not run yet (a write while the run goes on)
        if not finished:
            lines.append(f"| {size:,} | {name} | did not finish in {tools[name][1]:.0f} s | | | | |")
            continue
        median = statistics.median(r[0] for r in finished)
        rss = statistics.median(r[1] for r in finished) / 1024
        ratio = f"{median / statistics.median(jena):.2f}×" if jena else "—"
        lines.append(f"| {size:,} | {name} | {median:.1f} | {', '.join(f'{r[0]:.1f}' for r in finished)}{late} | "
                     f"{rss:,.0f} MB | {sorted({r[2] for r in finished})} | {ratio} |")
    return lines


def _write(out: Path, start: tuple[float, float, float], pairs: int, rows: list[str], why_no_jena: str | None,
           *, done: bool = False) -> None:
    """The results file, rewritten after every run (a run cut short leaves what it measured)."""
    lines = ["# citynet validate beside Jena SHACL and pySHACL", "",
             f"Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in start)} "
             f"({os.cpu_count()} cores). Up to {pairs} interleaved runs per tool; medians of wall time and of "
             "peak RSS, each run a fresh process (`/usr/bin/time`).", "",
             "| triples | tool | median s | runs (s) | median peak RSS | exit codes | ratio to Jena (medians) |",
             "|---:|---|---:|---|---:|---|---:|", *rows]
    if why_no_jena:
        lines += ["", f"Jena SHACL skipped: {why_no_jena}."]
    state = "at the end" if done else "at the last write (the run was still going)"
    lines += ["", f"Load average {state}: {', '.join(f'{x:.2f}' for x in os.getloadavg())}.", ""]
    out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
