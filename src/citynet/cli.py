"""The citynet command line: thin wrappers over the Python API.

Exit codes: 0 success (validation: no finding of the --fail-on severity), 1 the data fails validation
or a store cut an answer at a row cap, 2 bad input or a refusal of the system (a file, a query, a
parameter, a URL; a full disk, a limit) or a store's error, 70 internal error (a bug), 130 interrupted
(Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from citynet import __version__
from citynet.errors import CitynetError
from citynet.formats import DESCRIPTION_FORMATS, EXPORT_FORMATS, RESULT_FORMATS, TURTLE, names
from citynet.output import emit
from citynet.server.options import add_arguments as add_serve_arguments

EXIT_OK = 0
EXIT_NOT_CONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in citynet, not in the input
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM

#: The tables `citynet export --format csv --kind` writes and `citynet import` reads
#: (citynet.curate.table_kinds.KINDS, named here so that the CLI starts without rdflib).
TABLE_KINDS = ("memberships", "places", "events", "sources")
#: A table for people, then the SPARQL result formats, as the engine writes them.
TABLE_FORMATS = ("table", *names(RESULT_FORMATS))
SPREADSHEET_HELP = ("with --format csv: put ' before a cell a spreadsheet would run as a formula "
                    "(=, +, -, @ …; numbers excepted). This changes values: it is for people opening the "
                    "file in a spreadsheet, not for programs")

EPILOG = """exit codes: 0 success (validation: no violation), 1 validation failed (format --check: not in the
layout) or a store cut an answer at a row cap, 2 bad input (file, query, parameter, URL), a refusal of the
system (disk full, no permission, a limit) or a store's error, with a message that names it; 70 internal
error (a bug in citynet), 130 interrupted, 143 terminated"""


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that clean-up code runs as for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.handler(args)
    except CitynetError as error:  # exit 2, or 1 for a store's row cap (RowLimitError)
        print(f"citynet: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("citynet: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("citynet: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:  # the system refused something (a file, the disk, a limit): not a bug of ours
        where = f"{error.filename}: " if error.filename else ""
        print(f"citynet: error: {where}{error.strerror or error}\n"
              "  hint: check the path, the disk space and the permissions", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("citynet: error: out of memory\n  hint: the input may be too large for this machine; "
              "give the command more memory, or less data", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # never a traceback for the user; the message says what broke
        print(f"citynet: internal error: {type(error).__name__}: {error}\n"
              "  hint: this is a bug in citynet; please report it with the command you ran",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citynet", description="City-network knowledge as linked data: validate, count and query the graph.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"citynet {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help: str,
                description: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=description or help, epilog=EPILOG,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(handler=handler)
        return sub

    validate = command("validate", run_validate, "check Turtle data against SHACL shapes (citynet's by default)",
                       "Validate the shipped graph, or the Turtle files and folders given, together "
                       "with the citynet ontology, against citynet's SHACL shapes or the shapes given. "
                       "The report is pySHACL's, reached faster, plus checks of lexical forms and IRIs. "
                       "Exit code 1 when there is a finding of the --fail-on severity or worse.")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="Turtle files or folders (default: the shipped data)")
    validate.add_argument("--shapes", action="append", type=Path, metavar="FILE",
                          help="validate against these shapes (a Turtle file or folder; repeat for several) "
                               "instead of citynet's")
    validate.add_argument("--no-ontology", dest="ontology", action="store_false",
                          help="do not add citynet's ontology to the data")
    validate.add_argument("--fail-on", choices=("violation", "warning", "info"), default="violation",
                          help="the least severe finding that fails (default: violation; pySHACL without "
                               "--allow-warnings is 'info')")
    validate.add_argument("--no-fast-path", dest="fast", action="store_false",
                          help="run plain pySHACL on everything (slow; for comparison)")
    validate.add_argument("--no-term-checks", dest="check_terms", action="store_false",
                          help="leave out the checks of lexical forms and IRIs: exactly pySHACL's report")
    validate.add_argument("--format", choices=("text", "json", "turtle"), default="text",
                          help="text (default), json, or turtle: the SHACL validation report")
    validate.add_argument("--info", action="store_true", help="also list notes on recommended data")
    validate.add_argument("-o", "--output", type=Path, help="write the report to this file")

    stats = command("stats", run_stats, "count entities per class and members per network")
    stats.add_argument("--format", choices=("text", "json"), default="text")

    listing = command("queries", run_queries, "list the stored queries")
    listing.add_argument("--format", choices=("table", "json"), default="table")

    run = command("query", run_query, "run a stored query",
                  "Run a stored query. Place and network parameters take a name in any language, an "
                  "abbreviation or an IRI:\n  citynet query networks-of-place --param place=Rostock\n\n"
                  "stored queries:\n" + _query_list())
    run.add_argument("name", help="the query's name (see `citynet queries`)")
    run.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                     help="a parameter; repeat for several")
    run.add_argument("--format", choices=(*TABLE_FORMATS, TURTLE.name), default="table",
                     help="table, csv, tsv, json or xml (SPARQL results, as the engine writes them); "
                          "CONSTRUCT queries: turtle or json (JSON-LD)")
    run.add_argument("--spreadsheet-safe", action="store_true", help=SPREADSHEET_HELP)
    run.add_argument("-o", "--output", type=Path, help="write the result to this file")
    run.add_argument("--raw", action="store_true",
                     help="write the terms exactly as the store answered, not in the query's declared column types")
    run.add_argument("--data", nargs="+", type=Path, metavar="PATH",
                     help="query these Turtle files (with the citynet ontology) instead of the shipped data")
    run.add_argument("--endpoint", metavar="URL",
                     help="run it at this remote SPARQL endpoint instead; names and IRIs are looked up there")
    run.add_argument("--graph", metavar="IRI", help="with --endpoint: the named graph to query (FROM)")
    run.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                     help="with --endpoint: how long one request may take (default 120)")
    run.add_argument("--no-paging", dest="paging", action="store_false",
                     help="with --endpoint: when the store cuts the answer at a row cap, fail (exit 1) "
                          "instead of reading it in pages")
    add_credentials(run)

    export = command("export", run_export, "write the whole graph in an RDF format, or a table or map view",
                     "Write the graph as Turtle, N-Triples, N-Quads or TriG (one named graph per source file), "
                     "RDF/XML or JSON-LD (compacted with citynet's @context); or as a CSV of memberships or a "
                     "GeoJSON of members with coordinates and networks.")
    export.add_argument("--format", required=True, choices=names(EXPORT_FORMATS))
    export.add_argument("--kind", choices=TABLE_KINDS,
                        help="with --format csv: which table (default: memberships); `citynet import` reads it back")
    export.add_argument("--entity", metavar="IRI",
                        help="only the entity document of this IRI (what the site and the server publish for it); "
                             "formats turtle, ntriples, jsonld, rdfxml")
    export.add_argument("-o", "--output", type=Path, help="write to this file (atomically) instead of stdout")
    export.add_argument("--data", nargs="+", type=Path, metavar="PATH",
                        help="Turtle files or folders to export (with the ontology) instead of the shipped data")

    table_import = command("import", run_import, "turn an edited table (CSV or XLSX) into the Turtle of data/",
                           "Read a table as `citynet export --format csv --kind KIND` writes it, edited, and write "
                           "its rows into data/ with their sources. Every row names a source and quotes its "
                           "words; names resolve as query parameters do. Nothing is written unless every row is "
                           "right and the result validates; errors give the row and column.")
    table_import.add_argument("table", type=Path, metavar="TABLE", help="a .csv (UTF-8) or .xlsx file")
    table_import.add_argument("--kind", required=True, choices=TABLE_KINDS)
    table_import.add_argument("--data", type=Path, metavar="FOLDER",
                              help="the data folder to write (default: the repository's data/)")

    catalog = command("catalog", run_catalog,
                      "describe the dataset for open-data portals (DCAT-AP.de), VoID or schema.org",
                      "Write the DCAT-AP.de catalog that GovData and CKAN harvest (default), the VoID description "
                      "(--void) or a schema.org Dataset (--schema). Values come from the graph and "
                      "config/publication.toml.")
    catalog.add_argument("--format", choices=names(DESCRIPTION_FORMATS), default=TURTLE.name)
    which = catalog.add_mutually_exclusive_group()
    which.add_argument("--void", action="store_const", const="void", dest="what", help="the VoID description")
    which.add_argument("--schema", action="store_const", const="schema", dest="what",
                       help="a schema.org Dataset (JSON-LD)")
    catalog.add_argument("-o", "--output", type=Path, help="write to this file (atomically)")

    publish = command("publish", run_publish, "write a static linked-data site",
                      "Write a site a person can browse and a machine can read: an HTML page per network, "
                      "place, membership, event, topic, source and ontology term, each with its Turtle and "
                      "JSON-LD, index pages, a map, the exports and the DCAT catalog. OUTDIR is replaced in "
                      "one step; a folder that is not a citynet site is refused.")
    publish.add_argument("outdir", type=Path, metavar="OUTDIR")
    publish.add_argument("--data", nargs="+", type=Path, metavar="PATH",
                         help="Turtle files or folders to publish instead of the shipped data")
    publish.add_argument("--no-validate", action="store_true",
                         help="publish data that fails validation (or has not been validated), with a warning")

    serve = command("serve", run_serve,
                    "serve the graph: read-only SPARQL endpoint, stored-query API, dereferenceable IRIs",
                    "Serve the graph over HTTP: the SPARQL 1.1 protocol at /sparql, the stored queries at "
                    "/queries (OpenAPI at /openapi.json), every IRI under /id/ with content negotiation, "
                    "VoID at /.well-known/void, the DCAT catalog at /catalog and a query page at /query. "
                    "Read-only, with a query timeout, a row cap and request limits.")
    add_serve_arguments(serve)

    generate = command("generate", run_generate, "write a generated graph for benchmarks and tests",
                       "Write a deterministic, realistic graph in citynet's ontology that conforms to the "
                       "shapes, optionally with a known number of defects of each kind.")
    generate.add_argument("out", type=Path, metavar="OUT.ttl")
    generate.add_argument("--triples", type=int, required=True, help="how many data triples")
    generate.add_argument("--seed", type=int, default=1, help="the same seed gives the same file (default 1)")
    generate.add_argument("--defects", metavar="KIND=N,…", help="inject defects, e.g. host-not-member=2")

    push = command("push", run_push, "load the graph into a triplestore (SPARQL Graph Store Protocol)",
                   "Replace a named graph in a triplestore with the graph, never leaving it half-written: the "
                   "graph is loaded into a staging graph by Graph Store POSTs, counted, moved into place with "
                   "SPARQL Update (MOVE) and counted again. A failed or interrupted push leaves the named graph "
                   "as it was and removes its temporary file.")
    push.add_argument("--endpoint", required=True, metavar="URL", help="the Graph Store endpoint")
    push.add_argument("--graph", required=True, metavar="IRI", help="the named graph to replace")
    push.add_argument("--data", nargs="+", type=Path, metavar="PATH", help="push these Turtle files instead")
    push.add_argument("--query-endpoint", metavar="URL",
                      help="the SPARQL query service (default: from --endpoint, for Oxigraph and Virtuoso)")
    push.add_argument("--update-endpoint", metavar="URL",
                      help="the SPARQL Update service (default: from --endpoint, for Oxigraph and Virtuoso)")
    push.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                      help="how long one request may take (default 600)")
    push.add_argument("--retries", type=int, default=3, metavar="N",
                      help="how often a failed load, count or drop is tried again, with growing pauses (default 3)")
    push.add_argument("--chunk-size", type=int, default=4_000_000, metavar="BYTES",
                      help="bytes of N-Triples per request (default 4000000; see README, Using a triplestore)")
    add_credentials(push)

    fmt = command("format", run_format, "write Turtle files in citynet's one layout (--check: only report)",
                  "Write Turtle in one deterministic layout: prefixes sorted and kept, subjects sorted within "
                  "their section, one group per predicate, every comment kept. A file is written only after "
                  "checking that it says the same and keeps every comment. Exit code 1 with --check when a "
                  "file is not in the layout.")
    fmt.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="Turtle files or folders (default: the shipped data/)")
    fmt.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")

    diff = command("diff", run_diff, "what changed between two versions of the data",
                   "Compare two versions of the data, each a folder of Turtle files, a dump (.trig, .nq …), a "
                   "recorded release (0.1.0) or a git commit of the repository (HEAD~1, a tag, a hash), on "
                   "canonicalised graphs. Reports per entity: memberships added or ended, members added or "
                   "removed, values changed, with their sources.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW", nargs="?", default=None,
                      help="default: the data folder of the repository")
    diff.add_argument("--format", choices=("text", "markdown", "turtle"), default="text",
                      help="text (default), markdown (for release notes) or turtle (PROV and Changeset RDF)")
    diff.add_argument("--repo", type=Path, help="the git repository for commits and releases (default: this checkout)")
    diff.add_argument("-o", "--output", type=Path, help="write to this file (atomically)")

    release = command("release", run_release, "record a release of the data: changelog, dump, catalog versions",
                      "Record release VERSION of the committed data in the repository: its dump "
                      "(releases/citynet-VERSION.trig), a record in releases/releases.json (read by the catalog "
                      "and VoID: dcat:version, adms:versionNotes, dcat:previousVersion, dct:modified from the "
                      "commit that last changed the data) and a CHANGELOG.md entry from the diff to the last "
                      "release. Commit the files it writes.")
    release.add_argument("version", metavar="VERSION", help="MAJOR.MINOR.PATCH, newer than the last release")
    release.add_argument("--notes", help="a sentence to put before the list of changes")
    release.add_argument("--repo", type=Path, help="the repository (default: this checkout)")

    ad_hoc = command("sparql", run_sparql, "run a read-only SPARQL query from a file or stdin",
                     "Run a read-only SPARQL query (no updates, no SERVICE) on the shipped graph, or with "
                     "--data on RDF files of your own (without the citynet ontology). Oxigraph parses and "
                     "answers it; the output is what the engine writes.")
    ad_hoc.add_argument("file", help="a .rq file, or - for standard input")
    ad_hoc.add_argument("--format", choices=(*TABLE_FORMATS, TURTLE.name), default="table")
    ad_hoc.add_argument("--spreadsheet-safe", action="store_true", help=SPREADSHEET_HELP)
    ad_hoc.add_argument("--base", metavar="IRI", help="the base IRI against which relative IRIs in the query resolve")
    ad_hoc.add_argument("--data", nargs="+", type=Path, metavar="PATH",
                        help="query these RDF files or folders (Turtle, N-Triples, N-Quads, TriG, RDF/XML, "
                             "JSON-LD) instead of the shipped graph, without the citynet ontology")
    ad_hoc.add_argument("-o", "--output", type=Path, help="write the result to this file")
    return parser


def add_credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", help="user name for the endpoint")
    parser.add_argument("--password-file", type=Path, metavar="FILE",
                        help="read the password from the first line of FILE (- for standard input); "
                             "else from CITYNET_PASSWORD, else you are asked for it. A password is never "
                             "taken from the command line, where every user of the machine sees it")
    parser.add_argument("--password", help=argparse.SUPPRESS)  # refused, with the ways that are safe
    parser.add_argument("--digest", action="store_true", help="HTTP Digest instead of Basic authentication")


def _credentials(args: argparse.Namespace) -> dict[str, Any]:
    from citynet.scale.credentials import password_for
    from citynet.scale.remote import parse_endpoint, readable_on_the_way

    target = parse_endpoint(args.endpoint)
    user = args.user or target.user
    password = password_for(user, target.shown, file=args.password_file,
                            given_on_command_line=args.password is not None,
                            endpoint_has_password=target.password is not None)
    auth = "digest" if args.digest else "basic"
    if user is not None and readable_on_the_way(target, auth):
        print(f"citynet: warning: Basic authentication sends the password readable to {target.shown}, over "
              "plain http://; use https://, or --digest if the store takes it", file=sys.stderr)
    return {"user": args.user, "password": password, "auth": auth}


def _query_list() -> str:
    from citynet.querying.execute import queries

    try:
        stored = queries()
    except CitynetError as error:  # a broken query file must not break --help
        return f"  (cannot list them: {error})"
    width = max((len(q.name) for q in stored), default=0)
    return "\n".join(f"  {q.name.ljust(width)}  {q.summary}" for q in stored)


# ---------------------------------------------------------------- handlers

def run_validate(args: argparse.Namespace) -> int:
    from citynet.validation.output import render_json, render_text, render_turtle
    from citynet.validation.validator import Severity, validate

    fail_on = Severity(args.fail_on.capitalize())
    report = validate(args.paths or None, args.shapes, ontology=args.ontology, fast=args.fast,
                      check_terms=args.check_terms)
    renderers = {"text": lambda r: render_text(r, show_info=args.info, fail_on=fail_on),
                 "json": lambda r: render_json(r, fail_on=fail_on), "turtle": render_turtle}
    emit(renderers[args.format](report), args.output)
    return EXIT_OK if report.passes(fail_on) else EXIT_NOT_CONFORMING


def run_stats(args: argparse.Namespace) -> int:
    from citynet.querying.stats import class_counts, network_counts, render_stats

    if args.format == "json":
        emit(json.dumps({
            "classes": dict(class_counts()),
            "networks": [{"name": n.name, "listed_members": n.listed_members, "stated": n.stated}
                         for n in network_counts()],
        }, indent=2, ensure_ascii=False), None)
    else:
        emit(render_stats(), None)
    return EXIT_OK


def run_queries(args: argparse.Namespace) -> int:
    from citynet.querying.execute import queries

    stored = queries()
    if args.format == "json":
        emit(json.dumps([q.describe() for q in stored], indent=2, ensure_ascii=False), None)
        return EXIT_OK
    width = max(len(q.name) for q in stored)
    lines = []
    for q in stored:
        lines.append(f"{q.name.ljust(width)}  {q.summary}")
        for p in q.parameters:
            lines.append(f"{'':{width}}    --param {p.name}=…  {p.signature()}: {p.description}")
    emit("\n".join(lines), None)
    return EXIT_OK


def run_query(args: argparse.Namespace) -> int:
    from citynet.errors import QueryError
    from citynet.graph.knowledge_graph import KnowledgeGraph
    from citynet.querying.execute import query

    if args.endpoint:
        from citynet.scale.remote import remote_query

        if args.data:
            raise QueryError("--data and --endpoint exclude each other: the data is in the store")
        result = remote_query(args.name, args.endpoint, parse_params(args.param), graph_iri=args.graph,
                              timeout=args.timeout, paging=args.paging, **_credentials(args))
    else:
        if args.graph or not args.paging:
            raise QueryError("--graph and --no-paging are for --endpoint")
        graph = KnowledgeGraph.from_paths(args.data) if args.data else None
        result = query(args.name, parse_params(args.param), graph=graph)
    if not args.raw:
        result = result.coerced()  # the declared column types: the same rows on every store
    emit(format_result(result, args.format, spreadsheet_safe=args.spreadsheet_safe), args.output)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from functools import partial

    from citynet.errors import InputError
    from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
    from citynet.output import emit_stream
    from citynet.publish.exports import write_export

    if args.kind is not None and (args.format != "csv" or args.entity is not None):
        raise InputError("--kind is for --format csv of the whole graph: the tables")
    graph = KnowledgeGraph.from_paths(args.data) if args.data else shipped_graph()
    if args.kind not in (None, "memberships"):
        from citynet.curate.table_export import table_csv

        emit(table_csv(graph, args.kind), args.output)
        return EXIT_OK
    if args.entity is not None:
        from citynet.publish.entity_document import entity_export

        emit(entity_export(graph, args.entity, args.format), args.output)
        return EXIT_OK
    # Written as it is made, to the file (atomically) or to standard output: never held whole.
    emit_stream(partial(write_export, graph, args.format), args.output)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from citynet.curate.table_import import import_table
    from citynet.curate.workspace import repository_root

    folder = args.data if args.data is not None else repository_root(writing=True) / "data"
    report = import_table(args.table, args.kind, folder)
    if not report.changed:
        print(f"{report.table}: {report.rows} row(s), nothing to change; nothing written")
        return EXIT_OK
    entities = f"{len(report.changed)} entit{'y' if len(report.changed) == 1 else 'ies'}"
    print(f"{report.table}: {report.rows} row(s), {entities} changed; "
          f"wrote {', '.join(str(path) for path in report.written)}")
    return EXIT_OK


def run_catalog(args: argparse.Namespace) -> int:
    from citynet.graph.knowledge_graph import shipped_graph
    from citynet.publish.catalog import catalog_document

    emit(catalog_document(shipped_graph(), args.format, args.what or "dcat"), args.output)
    return EXIT_OK


def run_publish(args: argparse.Namespace) -> int:
    from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
    from citynet.publish.site import publish
    from citynet.validation.gate import may_put_out

    graph = KnowledgeGraph.from_paths(args.data) if args.data else shipped_graph()
    if not may_put_out(graph, skip=args.no_validate, doing="publishing"):
        return EXIT_NOT_CONFORMING
    result = publish(graph, args.outdir)
    print(f"wrote {result.pages} pages ({result.files} files) to {result.outdir}")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from citynet.server.options import run

    return run(args)


def run_generate(args: argparse.Namespace) -> int:
    from citynet.scale.generate import generate, parse_defects

    report = generate(args.triples, args.seed, args.out, parse_defects(args.defects))
    defects = ", ".join(f"{kind}={len(iris)}" for kind, iris in report.defects.items()) or "none"
    print(f"wrote {report.triples} triples to {report.path} (seed {report.seed}; defects: {defects})")
    return EXIT_OK


def run_push(args: argparse.Namespace) -> int:
    from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
    from citynet.scale.remote import push

    graph = KnowledgeGraph.from_paths(args.data) if args.data else shipped_graph()
    report = push(graph, args.endpoint, args.graph, **_credentials(args), timeout=args.timeout,
                  retries=args.retries, query_endpoint=args.query_endpoint, update_endpoint=args.update_endpoint,
                  chunk_bytes=args.chunk_size)
    tries = "" if report.attempts <= 1 else f", after {report.attempts} loads"
    print(f"replaced <{report.graph_iri}> at {report.endpoint} ({report.previous:,} triples before): sent "
          f"{report.triples:,} triples in {report.requests} requests, the graph now holds {report.stored:,}; "
          f"{report.seconds:.1f} s{tries}")
    if not report.atomic:
        print("note: the store replaced the graph in autocommit mode, not in one transaction: readers may have "
              "seen it partly replaced meanwhile (Virtuoso: raise TransactionAfterImageLimit to avoid it)")
    return EXIT_OK


def run_format(args: argparse.Namespace) -> int:
    from citynet import resources
    from citynet.curate.formatting import format_paths

    results = format_paths(args.paths or [resources.data_dir()], check=args.check)
    changed = [result.path for result in results if result.changed]
    for path in changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path}")
    print(f"{len(changed)} of {len(results)} file(s) {'not in the layout' if args.check else 'reformatted'}")
    return EXIT_NOT_CONFORMING if args.check and changed else EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    from citynet.curate.change_report import render_markdown, render_rdf, render_text
    from citynet.curate.changes import compare
    from citynet.curate.versions import DATA_FOLDER, load_version
    from citynet.curate.workspace import repository_root

    repository = repository_root(args.repo)
    old = load_version(args.old, repository)
    new = load_version(args.new or str(repository / DATA_FOLDER), repository)
    comparison = compare(old, new)
    if args.format == "turtle":
        text = render_rdf(comparison).serialize(format="turtle")
    else:
        text = (render_markdown if args.format == "markdown" else render_text)(comparison)
    emit(text, args.output)
    return EXIT_OK


def run_release(args: argparse.Namespace) -> int:
    from citynet.curate.release import make_release
    from citynet.curate.workspace import repository_root

    repository = repository_root(args.repo, writing=True)
    record, entry = make_release(args.version, repository, args.notes)
    print(entry)
    print(f"recorded release {record.version} (data of {record.modified}, commit {(record.commit or '')[:12]}): "
          f"{record.dump}, releases/releases.json, CHANGELOG.md\n"
          f"  next: git add releases CHANGELOG.md && git commit -m 'Release {record.version}' "
          f"&& git tag v{record.version}")
    return EXIT_OK


def run_sparql(args: argparse.Namespace) -> int:
    from citynet.errors import InputError
    from citynet.graph.knowledge_graph import KnowledgeGraph
    from citynet.querying.execute import sparql

    if args.file == "-":
        binary = getattr(sys.stdin, "buffer", None)  # None where stdin is a text stream (tests)
        try:
            text = sys.stdin.read() if binary is None else binary.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"the query on standard input is not UTF-8 text (byte {error.start + 1})",
                             hint="save the query as UTF-8") from None
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read query: {error}", path=Path(args.file)) from None
    graph = KnowledgeGraph.from_files(args.data) if args.data else None
    result = sparql(text, graph, base_iri=args.base)
    emit(format_result(result, args.format, spreadsheet_safe=args.spreadsheet_safe), args.output)
    return EXIT_OK


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    from citynet.errors import QueryError

    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r} is not KEY=VALUE", hint="e.g. --param place=Rostock")
        if key.strip() in params:
            raise QueryError(f"parameter {key.strip()!r} is given twice")
        params[key.strip()] = value
    return params


def format_result(result, fmt: str, *, spreadsheet_safe: bool = False) -> str:
    """The result as text; every SPARQL format is written by the engine, values unchanged."""
    from citynet.errors import QueryError

    if spreadsheet_safe and fmt != "csv":
        raise QueryError("--spreadsheet-safe is for --format csv")
    if result.constructed is not None:
        if fmt in ("table", "turtle"):
            return result.to_rdf("turtle")
        if fmt == "json":
            return result.to_json()
        raise QueryError(f"a {result.form} result is a graph: use --format turtle or json")
    if fmt == "turtle":
        raise QueryError(f"a {result.form} result is not a graph: use --format table, csv, tsv, json or xml")
    if result.form == "ASK" and fmt in ("csv", "tsv"):
        raise QueryError("an ASK result is a yes or no: use --format table, json or xml")
    if fmt == "csv":
        return result.to_csv(spreadsheet_safe=spreadsheet_safe)
    return {"table": result.to_table, "tsv": result.to_tsv, "json": result.to_json, "xml": result.to_xml}[fmt]()
