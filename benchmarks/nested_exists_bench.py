"""Why citynet's two SHACL-SPARQL constraints with a nested FILTER NOT EXISTS run in rdflib.

citynet runs every other SPARQL constraint once over the whole graph in Oxigraph. These
two (``cnsh:completeMemberListMatchesCount``, ``cnsh:hostIsMemberOfOrganiser``) have a
FILTER NOT EXISTS inside an OPTIONAL or inside another one. On a generated graph, this
times, for each of them:

* rdflib: building an rdflib graph of all the data from the Oxigraph store (what
  validation of files must do first) and running the query once, unbound (what citynet does);
* Oxigraph, once over the whole graph, unbound (in a child process, stopped at ``--limit``);
* Oxigraph, once per focus node with ``$this`` substituted (SEP-0007 substitutions): the
  mean over up to ``--sample`` focus nodes, times the number of focus nodes.

All in one process after one parse, wall clock (``time.perf_counter``); the load
average goes into the results file.

    .venv/bin/python benchmarks/nested_exists_bench.py --triples 100000
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import SH, Graph, URIRef

from citynet import resources
from citynet.scale.generate import generate
from citynet.validation.parsed_files import parse_files
from citynet.validation.pyshacl_data import full_graph

HERE = Path(__file__).resolve().parent
CNSH = "https://w3id.org/citynet/shapes#"
CN = "https://w3id.org/citynet/def#"
# The constraint and the class its shape targets.
CONSTRAINTS = {"completeMemberListMatchesCount": CN + "CityNetwork",
               "hostIsMemberOfOrganiser": CN + "ConferenceEdition"}


def _query(shapes: Graph, name: str) -> str:
    constraint = URIRef(CNSH + name)
    prefixes = shapes.value(constraint, SH.prefixes)
    header = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                     for d in shapes.objects(prefixes, SH.declare))
    return header + str(shapes.value(constraint, SH.select))


def _count(result: object) -> int:
    """The rows of a SELECT's answer, read to the end."""
    assert isinstance(result, ox.QuerySolutions)  # both constraints are SELECT queries
    return sum(1 for _ in result)


def _whole_in_oxigraph(path: str, query: str, done: multiprocessing.Queue) -> None:
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    start = time.perf_counter()
    rows = _count(store.query(query))
    done.put((time.perf_counter() - start, rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--limit", type=float, default=300, help="seconds for the whole-graph Oxigraph run")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-nested-exists.md")
    args = parser.parse_args()
    start_load = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="nested-exists-"))
    data = scratch / "data.ttl"
    generate(args.triples, seed=1, out=data, progress=False)
    merged = scratch / "with-ontology.ttl"
    merged.write_bytes(resources.ontology_path().read_bytes() + b"\n" + data.read_bytes())
    shapes = Graph().parse(resources.shapes_path(), format="turtle")
    parsed = parse_files([resources.ontology_path(), data], check_terms=False)
    store = parsed.copy.store

    start = time.perf_counter()
    graph = full_graph(parsed.copy)
    build = time.perf_counter() - start
    lines = ["# Nested FILTER NOT EXISTS: rdflib or Oxigraph", "",
             f"`benchmarks/nested_exists_bench.py --triples {args.triples}` (generated graph plus the ontology, "
             f"{len(store):,} triples). Load average (1, 5, 15 min) at the start: "
             f"{', '.join(f'{x:.2f}' for x in start_load)} on 2 cores, other jobs running: single runs, noisy.", "",
             f"Building the rdflib graph of all the data from the Oxigraph store: {build:.1f} s "
             "(needed once for both constraints).", "",
             "| constraint | focus nodes | rdflib, once, unbound | Oxigraph, once, unbound | "
             "Oxigraph per focus node: median ms | Oxigraph per focus node × focus nodes |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, target in CONSTRAINTS.items():
        query = _query(shapes, name)
        focus = [q.subject for q in store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(target),
            ox.DefaultGraph())]
        start = time.perf_counter()
        rdflib_rows = len(list(graph.query(query)))
        in_rdflib = time.perf_counter() - start
        times = []
        for node in focus[:args.sample]:
            start = time.perf_counter()
            _count(store.query(query, substitutions={ox.Variable("this"): node}))
            times.append(time.perf_counter() - start)
        per_node = statistics.median(times) if times else 0.0
        queue: multiprocessing.Queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=_whole_in_oxigraph, args=(str(merged), query, queue))
        child.start()
        child.join(args.limit)
        if child.is_alive():
            child.terminate()
            child.join()
            whole = f"stopped after {args.limit:.0f} s"
        else:
            seconds, rows = queue.get()
            whole = f"{seconds:.1f} s ({rows} rows)"
        lines.append(f"| {name} | {len(focus):,} | {in_rdflib:.1f} s ({rdflib_rows} rows) | {whole} | "
                     f"{per_node * 1000:.1f} (of {len(times)}) | {per_node * len(focus):.1f} s |")
        print(lines[-1], flush=True)
    lines += ["", f"Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
