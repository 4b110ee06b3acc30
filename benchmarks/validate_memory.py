"""Where ``citynet validate`` of a file spends memory and time: the parse and the rdflib graphs.

Validating files, citynet parses them with Oxigraph into an in-memory store, then builds an
rdflib graph of what pySHACL reads around the candidate focus nodes, one of the triples each
constraint run in rdflib reads (the nested FILTER NOT EXISTS), and one of all the data only
where a constraint can read any predicate. This runs ``citynet.validate`` on one Turtle file
and prints the resident memory after the parse, and for each graph its size, the resident
memory before and after building it, and the time it took; then the total time and the peak RSS.

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
from citynet.validation import parsed_files as parsed_files_module
from citynet.validation import validator as validator_module


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
    parse_files = parsed_files_module.parse_files

    def parse_watched(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        parsed = parse_files(*args, **kwargs)
        print(f"Oxigraph's parse into the store: RSS {_rss_mb():,} MB, {time.perf_counter() - start:.1f} s", flush=True)
        return parsed

    validator_module.parse_files = parse_watched
    start = time.perf_counter()
    report = validate([Path(sys.argv[1])])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"validate: {time.perf_counter() - start:.1f} s, peak RSS {peak:,} MB, {len(report.findings)} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
