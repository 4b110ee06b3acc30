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
                        help="seconds after which a running query counts as heavy "
                             f"(default {_DEFAULTS.slow_query_after:g})")
    parser.add_argument("--plan-budget", type=int,
                        help="rows of a query's plan estimate beyond which it is heavy before it runs "
                             f"(default {_DEFAULTS.plan_budget:,})")
    parser.add_argument("--inline-up-to", type=float, metavar="SECONDS",
                        help="processor seconds within which a query, once a worker has answered it, is "
                             "answered in the server process the next times (default "
                             f"{_DEFAULTS.inline_up_to:g}; 0 for never)")
    parser.add_argument("--memory-budget", type=int, dest="memory_budget_mb", metavar="MIB",
                        help="memory for the whole server in MiB; each query worker is limited to a share "
                             f"(default {_DEFAULTS.memory_budget_mb}; 0 for no limit)")
    parser.add_argument("--header-timeout", type=float,
                        help=f"seconds a client has to send a request's head (default {_DEFAULTS.header_timeout:g})")
    parser.add_argument("--body-timeout", type=float,
                        help=f"seconds a client has to send a request's body (default {_DEFAULTS.body_timeout:g})")
    parser.add_argument("--keep-alive-timeout", type=float,
                        help=f"seconds an idle connection stays open (default {_DEFAULTS.keep_alive_timeout:g})")
    parser.add_argument("--max-connections", type=int,
                        help=f"open connections at once (default {_DEFAULTS.max_connections})")
    parser.add_argument("--max-connections-per-client", type=int,
                        help=f"open connections from one address (default {_DEFAULTS.max_connections_per_client})")
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
        max_nesting_depth=args.max_nesting_depth, access_log=args.access_log, hold=args.hold,
        plan_budget=args.plan_budget, inline_up_to=args.inline_up_to, memory_budget_mb=args.memory_budget_mb,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout, keep_alive_timeout=args.keep_alive_timeout,
        max_connections=args.max_connections, max_connections_per_client=args.max_connections_per_client)


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
