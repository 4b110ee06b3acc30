"""Finding and parsing Turtle files, with errors that name the file and line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from citynet.errors import InputError
from citynet.formats import RDF_SUFFIXES as RDF_SUFFIXES  # the RDF files citynet reads, by suffix

TURTLE_SUFFIXES = (".ttl",)

# "Parser error at line 3 between columns 11 and 30: …" / "… between line 3 column 11 and line 4 …"
_OXIGRAPH_LOCATION = re.compile(
    r"at line (\d+)(?: column (\d+)| between columns (\d+))|between line (\d+) column (\d+)")


@dataclass(frozen=True)
class TurtleFile:
    """One parsed Turtle file: its path, its text and its triples as an rdflib graph."""

    path: Path
    text: str
    graph: Graph


def collect_turtle_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the Turtle files below them; check that every file exists."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in TURTLE_SUFFIXES and p.is_file())
            if not found:
                raise InputError("folder holds no Turtle (.ttl) files", path=path,
                                 hint="give a folder with .ttl files, or the files themselves")
            files.extend(found)
        elif path.is_file():
            if path.suffix not in TURTLE_SUFFIXES:
                raise InputError("not a Turtle file (expected the .ttl suffix)", path=path)
            files.append(path)
        else:
            raise InputError("no such file or folder", path=path)
    return list(dict.fromkeys(files))


def collect_rdf_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the RDF files below them (by suffix: see ``RDF_SUFFIXES``); check
    that every file exists and is of a format citynet reads."""
    known = ", ".join(RDF_SUFFIXES)
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file())
            if not found:
                raise InputError(f"folder holds no RDF files ({known})", path=path)
            files.extend(found)
        elif path.is_file():
            if path.suffix not in RDF_SUFFIXES:
                raise InputError(f"not an RDF file citynet reads (expected one of {known})", path=path)
            files.append(path)
        else:
            raise InputError("no such file or folder", path=path)
    return list(dict.fromkeys(files))


def load_rdf_file(store: pyoxigraph.Store, path: Path, *, to_graph: pyoxigraph.NamedNode | None = None) -> None:
    """Load one RDF file, its format by suffix. Triples go to ``to_graph`` (the default graph
    if None); the named graphs of N-Quads and TriG files stay as they are."""
    fmt = RDF_SUFFIXES.get(path.suffix)
    if fmt is None:
        raise InputError("not an RDF file citynet reads", path=path)
    try:
        store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=to_graph)
    except (SyntaxError, MemoryError) as error:
        raise parse_error(error, path, fmt, hint="run `citynet validate` on a Turtle file for a full report") from None
    except OSError as error:
        raise InputError(f"cannot read file: {error}", path=path) from None


#: The longest term (a literal or an IRI) Oxigraph's parsers read: their buffer's limit.
LONGEST_TERM = 16 * 1024 * 1024


def parse_error(error: SyntaxError | MemoryError, path: Path, fmt: pyoxigraph.RdfFormat, *,
                text: str | None = None, hint: str | None = None) -> InputError:
    """An error of Oxigraph's parser as an InputError with the file, line and column. A
    MemoryError is a term longer than the parser's buffer, or a file too large to hold."""
    if isinstance(error, SyntaxError):
        message, line, column = describe_oxigraph_error(str(error))
        return InputError(f"{fmt.name} syntax error: {message}", path=path, line=line, column=column, hint=hint)
    if "buffer maximal size" not in str(error):
        return InputError(f"not enough memory to read this {fmt.name} file", path=path,
                          hint="give the command more memory, or split the file")
    from citynet.graph.turtle_scan import first_long_term  # for this error only

    place = None
    if fmt in _SCANNABLE:
        if text is None:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except (OSError, MemoryError):
                text = ""
        place = first_long_term(text, LONGEST_TERM)
    return InputError(f"a literal or IRI is longer than {LONGEST_TERM // (1024 * 1024)} MiB, the most "
                      f"the {fmt.name} parser reads as one term", path=path,
                      line=place.line if place else None, column=place.column if place else None,
                      hint="keep such a value in a file of its own and link to it")


_SCANNABLE = (pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.N_TRIPLES, pyoxigraph.RdfFormat.N_QUADS,
              pyoxigraph.RdfFormat.TRIG)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise InputError("file is not UTF-8 text", path=path, line=line,
                         hint="Turtle files are UTF-8; re-save the file as UTF-8") from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", path=path) from None


def check_syntax(path: Path, text: str) -> None:
    """Parse with Oxigraph, whose messages give line and column; lenient so that
    bad IRIs reach validation as findings instead of stopping everything."""
    try:
        for _ in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE,
                                  base_iri=path.resolve().as_uri(), lenient=True):
            pass
    except (SyntaxError, MemoryError) as error:
        raise parse_error(error, path, pyoxigraph.RdfFormat.TURTLE, text=text,
                          hint="fix the Turtle at that place; every statement ends with a dot") from None


def describe_oxigraph_error(text: str) -> tuple[str, int | None, int | None]:
    match = _OXIGRAPH_LOCATION.search(text)
    message = text.split(": ", 1)[1] if ": " in text else text
    message = re.sub(r"\s*\((?:[^()]*, )?line \d+\)$", "", message)
    if not match:
        return message, None, None
    line = match.group(1) or match.group(4)
    column = match.group(2) or match.group(3) or match.group(5)
    return message, int(line), int(column) if column else None


def parse_rdflib(path: Path, text: str) -> Graph:
    """Parse into an rdflib graph (for pySHACL), turning rdflib's quirks into clean errors."""
    from rdflib.plugins.parsers.notation3 import BadSyntax

    from citynet.graph.turtle_scan import deepest_nesting

    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        # BadSyntax counts lines from 0.
        raise InputError(f"Turtle syntax error: {error.message}", path=path,
                         line=error.lines + 1) from None
    except (IndexError, ValueError, TypeError) as error:
        # rdflib can fail with bare errors, e.g. IndexError on a missing final dot.
        raise InputError(f"Turtle could not be parsed ({type(error).__name__}: {error})",
                         path=path, hint="check the end of the file for a missing dot") from None
    except RecursionError:
        # rdflib's Turtle parser recurses once per nested [ ] or ( ): Oxigraph has read it.
        depth, place = deepest_nesting(text)
        raise InputError(f"blank nodes and lists nested {depth} levels deep (the deepest opens here) are more "
                         "than the Turtle parser of validation can follow", path=path,
                         line=place.line if place else None, column=place.column if place else None,
                         hint="give the inner blank nodes labels (_:b1) and describe them in statements "
                              "of their own") from None
    return graph


def load_turtle_files(paths: Sequence[Path]) -> list[TurtleFile]:
    quiet_rdflib()
    loaded = []
    for path in paths:
        text = read_text(path)
        check_syntax(path, text)
        loaded.append(TurtleFile(path=path, text=text, graph=parse_rdflib(path, text)))
    return loaded


def quiet_rdflib() -> None:
    """rdflib logs a traceback for every ill-typed literal and odd IRI; citynet reports
    those as validation findings instead."""
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)


def line_of(text: str, needle: str) -> int | None:
    """1-based line where ``needle`` first occurs in ``text``."""
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1
