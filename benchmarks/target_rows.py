"""The rows a benchmark part adds to the table of issue 16's targets (``benchmarks/targets.py``).

Each part measures its own targets and, given ``--summary PATH``, writes them there as JSON:
what the target is, what was measured, whether it is met, and the results file that shows
the figures behind it. ``targets.py`` runs the parts and puts their rows into RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any


def target(what: str, measured: str, met: bool | None, source: str) -> dict[str, Any]:
    """One row: ``met`` is None where the part could not measure it (a peer missing, say)."""
    return {"target": what, "measured": measured, "met": met, "source": source}


def add_summary_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--summary", type=Path, metavar="PATH",
                        help="write this part's targets of issue 16 here as JSON (benchmarks/targets.py)")


def write_summary(path: Path | None, part: str, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` to ``path`` (nothing without one), with the time and the load average."""
    if path is None:
        return
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    record = {"part": part, "finished": time.strftime("%Y-%m-%d %H:%M"), "load_average": load, "rows": rows}
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def ratio(value: float, limit: float, *, at_least: bool = False) -> tuple[str, bool]:
    """``value`` as a ratio, and whether it is within ``limit`` (at or above it with ``at_least``)."""
    return f"{value:.2f}×", value >= limit if at_least else value <= limit
