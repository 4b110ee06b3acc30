"""Command-line options of the server, shared by ``citynet serve`` and
``python -m citynet.server``."""

from __future__ import annotations

import argparse
from pathlib import Path

from citynet.server.settings import Settings

_DEFAULTS = Settings()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=_DEFAULTS.host, help=f"address to listen on (default {_DEFAULTS.host})")
    parser.add_argument("--port", type=int, default=_DEFAULTS.port, help=f"port (default {_DEFAULTS.port})")
    parser.add_argument("--workers", type=int, help=f"query worker processes (default {_DEFAULTS.workers})")
    parser.add_argument("--timeout", type=float, dest="query_timeout",
                        help=f"seconds a query may run (default {_DEFAULTS.query_timeout:g})")
    parser.add_argument("--max-rows", type=int, help=f"rows per answer (default {_DEFAULTS.max_rows})")
    parser.add_argument("--max-query-length", type=int,
                        help=f"characters per query (default {_DEFAULTS.max_query_length})")
    parser.add_argument("--max-body-bytes", type=int,
                        help=f"bytes per request body (default {_DEFAULTS.max_body_bytes})")
    parser.add_argument("--slow-query-after", type=float,
                        help="seconds after which a query counts as long-running "
                             f"(default {_DEFAULTS.slow_query_after:g})")
    parser.add_argument("--queue-timeout", type=float,
                        help=f"seconds a request may wait for a free worker (default {_DEFAULTS.queue_timeout:g})")
    parser.add_argument("--max-nesting-depth", type=int,
                        help=f"deepest nesting of brackets in a query (default {_DEFAULTS.max_nesting_depth})")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false", default=None,
                        help="do not log one line per request")
    parser.add_argument("--data", type=Path, nargs="*", metavar="PATH",
                        help="serve these RDF files or folders (Turtle, N-Triples, N-Quads, TriG, RDF/XML, "
                             "JSON-LD; with the citynet ontology) instead of the shipped data")
    parser.add_argument("--no-ontology", action="store_true",
                        help="with --data: serve the files alone, without the citynet ontology")
    parser.add_argument("--no-validate", action="store_true",
                        help="serve data that fails validation (or has not been validated), with a warning")
    parser.add_argument("--hold", choices=("auto", "memory", "disk"),
                        help="how workers hold the graph: a copy in memory, the on-disk store, or memory "
                             f"up to {_DEFAULTS.in_memory_up_to:,} triples (auto, the default)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    return _DEFAULTS.with_changes(
        host=args.host, port=args.port, workers=args.workers, query_timeout=args.query_timeout,
        max_rows=args.max_rows, max_query_length=args.max_query_length, max_body_bytes=args.max_body_bytes,
        slow_query_after=args.slow_query_after, queue_timeout=args.queue_timeout,
        max_nesting_depth=args.max_nesting_depth, access_log=args.access_log, hold=args.hold)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted, as the options say; returns an exit code."""
    from citynet.errors import InputError
    from citynet.graph.files import collect_rdf_files
    from citynet.graph.knowledge_graph import KnowledgeGraph
    from citynet.server.app import serve
    from citynet.validation.gate import may_put_out

    settings = settings_from_args(args)
    if args.no_ontology and not args.data:
        raise InputError("--no-ontology needs --data: the shipped data is served with its ontology")
    files = collect_rdf_files(args.data) if args.data else None
    # Parsed once, into the store the workers open too (reopened while the files are unchanged).
    graph = KnowledgeGraph(files, persistent=True, ontology=not args.no_ontology)
    if not may_put_out(graph, skip=args.no_validate, doing="serving"):
        return 1
    serve(settings.host, settings.port, graph, settings)
    return 0
