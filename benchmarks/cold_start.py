"""How long a cold `citynet query` and `citynet --help` take, beside the import floor
`python -c "import rdflib, pyoxigraph"`, in one run.

    .venv/bin/python benchmarks/cold_start.py --rounds 11

Each round runs the three commands once, each in a fresh process, in an order that rotates from
round to round (so that none always runs first), and reads each process's wall time and its CPU
time (user + system, from wait4). The medians and their ratios to the floor's go to
benchmarks/RESULTS-start.md, with the load average.

Two settings, since Python's compiled bytecode decides much of a start:
- **bytecode cached**: as after installing a wheel (pip compiles it) or on any second start of a
  checkout. PYTHONPYCACHEPREFIX points at a folder of this run, filled by a first, unmeasured run
  of each command (which also fills citynet's cache of the stored-query headers).
- **no bytecode written** (PYTHONDONTWRITEBYTECODE=1, as some sandboxes and CI set it): the
  installed packages keep their compiled files, citynet's own modules of an editable install are
  compiled at every start.
``--before DIR`` also measures the citynet of another checkout's ``src`` folder (first on its
PYTHONPATH), an earlier version, in the same rounds. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from target_rows import add_summary_option, target, write_summary

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
CONSOLE = Path(PYTHON).parent / "citynet"
CITYNET = [str(CONSOLE)] if CONSOLE.is_file() else [PYTHON, "-m", "citynet"]

COMMANDS: dict[str, list[str]] = {
    "floor: python -c 'import rdflib, pyoxigraph'": [PYTHON, "-c", "import rdflib, pyoxigraph"],
    "citynet query networks-of-place --param place=Rostock": [
        *CITYNET, "query", "networks-of-place", "--param", "place=Rostock"],
    "citynet --help": [*CITYNET, "--help"],
}
FLOOR = next(iter(COMMANDS))


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of ``argv``, its output thrown away.
    An argv that starts with ``PYTHONPATH=…`` runs with that path first."""
    if argv and argv[0].startswith("PYTHONPATH="):
        env = {**env, "PYTHONPATH": argv[0].removeprefix("PYTHONPATH=")}
        argv = argv[1:]
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {error}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(env: dict[str, str], rounds: int) -> dict[str, dict[str, list[float]]]:
    names = list(COMMANDS)
    for name in names:  # unmeasured: bytecode, the header cache, the page cache
        run_once(COMMANDS[name], env)
    times: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in names}
    for round_ in range(rounds):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in order:
            wall, cpu = run_once(COMMANDS[name], env)
            times[name]["wall"].append(wall)
            times[name]["cpu"].append(cpu)
    return times


def environments(pycache: Path) -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    return {
        "bytecode cached": {**base, "PYTHONPYCACHEPREFIX": str(pycache)},
        "no bytecode written": {**base, "PYTHONDONTWRITEBYTECODE": "1"},
    }


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


def report(results: dict[str, dict[str, dict[str, list[float]]]], rounds: int, before: str, after: str) -> str:
    lines = [
        "# Cold start",
        "",
        "Written by `benchmarks/cold_start.py`: every command in a fresh process, the commands taking turns",
        f"in {rounds} rounds (interleaved, the order rotating); medians. CPU is user + system time of the",
        "process. The target (issue 16): a cold `citynet query` within 1.5x of the import floor.",
        "",
        f"- load average before: `{before}`",
        f"- load average after: `{after}`",
        f"- Python {sys.version.split()[0]}, {os.cpu_count()} cores",
        "",
    ]
    for setting, times in results.items():
        floor_wall = statistics.median(times[FLOOR]["wall"])
        floor_cpu = statistics.median(times[FLOOR]["cpu"])
        lines += [f"## {setting}", "", "| command | wall, median | CPU, median | wall ÷ floor | CPU ÷ floor |",
                  "|---|---:|---:|---:|---:|"]
        for name, measured in times.items():
            wall, cpu = statistics.median(measured["wall"]), statistics.median(measured["cpu"])
            lines.append(f"| `{name}` | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | "
                         f"{wall / floor_wall:.2f}x | {cpu / floor_cpu:.2f}x |")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="interleaved rounds (at least 5; default 11)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS-start.md")
    add_summary_option(parser)
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also measure the citynet in this src folder (an earlier version)")
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    before = load_average()
    with tempfile.TemporaryDirectory(prefix="citynet-pycache-") as pycache:
        if args.before is not None:
            path = f"PYTHONPATH={args.before.resolve()}"
            COMMANDS["before: citynet query networks-of-place --param place=Rostock"] = [
                path, *COMMANDS["citynet query networks-of-place --param place=Rostock"]]
            COMMANDS["before: citynet --help"] = [path, *COMMANDS["citynet --help"]]
        results = {setting: measure(env, args.rounds) for setting, env in environments(Path(pycache)).items()}
    text = report(results, args.rounds, before, load_average())
    if args.before is not None:
        text += f"\n\"before\" is the citynet of `{args.before}`, measured in the same rounds.\n"
    args.output.write_text(text + "\n", encoding="utf-8")
    write_summary(args.summary, "cold start", [start_target(results["bytecode cached"], args.output.name)])
    print(text)
    return 0


def start_target(times: dict[str, dict[str, list[float]]], source: str) -> dict[str, object]:
    """Issue 16: a cold ``citynet query`` on the shipped data within 1.5x the import floor."""
    query = "citynet query networks-of-place --param place=Rostock"
    wall = statistics.median(times[query]["wall"]) / statistics.median(times[FLOOR]["wall"])
    cpu = statistics.median(times[query]["cpu"]) / statistics.median(times[FLOOR]["cpu"])
    return target("a cold `citynet query` on the shipped data within 1.5× the import floor",
                  f"{wall:.2f}× wall clock, {cpu:.2f}× processor time", wall <= 1.5 and cpu <= 1.5, source)


if __name__ == "__main__":
    sys.exit(main())
