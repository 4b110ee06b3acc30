"""Where ``citynet validate`` of a file spends memory and time: the two rdflib graphs it builds.

Validating files, citynet builds an rdflib graph of what pySHACL reads around the candidate
focus nodes, and one of all the data for the constraints that run in rdflib (the nested
FILTER NOT EXISTS). This runs ``citynet.validate`` on one Turtle file and prints, for each
graph, its size, the process's resident memory before and after building it, and the time
it took; then the total time and the peak RSS.

    .venv/bin/python benchmarks/validate_memory.py FILE.ttl
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

from citynet.validation import data_access, validate


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def _watched(name: str, build: Callable[..., Graph]) -> Callable[..., Graph]:
    def watched(*args: Any, **kwargs: Any) -> Graph:
        before, start = _rss_mb(), time.perf_counter()
        graph = build(*args, **kwargs)
        print(f"{name}: {len(graph):,} triples, RSS {before:,} -> {_rss_mb():,} MB, "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        return graph
    return watched


def main() -> int:
    data_access.full_graph = _watched("rdflib graph of all the data", data_access.full_graph)
    data_access.subgraph = _watched("rdflib graph for pySHACL", data_access.subgraph)
    start = time.perf_counter()
    report = validate([Path(sys.argv[1])])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"validate: {time.perf_counter() - start:.1f} s, peak RSS {peak:,} MB, {len(report.findings)} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
