"""``citynet format``: Turtle files in citynet's layout (:mod:`citynet.curate.turtle_layout`),
with two guarantees checked on every file before anything is written:

- the graph is the same: the formatted text parses to a graph isomorphic to the original;
- no comment is lost: the formatted text holds exactly the original's comments.

A file that fails either check is refused with an error and left as it is.

Why not turtlefmt (PyPI, 0.1.2)? It keeps comments but neither sorts subjects nor merges a
subject's statements, moves a comment on its own line to the end of the line before (so it
reads as a note on another predicate), and puts a space before a file's first comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from citynet.curate.turtle_layout import LayoutError, render
from citynet.curate.turtle_syntax import comments_of, parse_document
from citynet.errors import InputError
from citynet.graph.files import check_syntax, collect_turtle_files, parse_rdflib, quiet_rdflib, read_text
from citynet.output import atomic_write


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool


def format_text(text: str, path: Path) -> str:
    """``text`` (the Turtle file ``path``) in the layout; checked to say the same and keep
    every comment. Raises InputError for a syntax error or a file the layout cannot keep."""
    check_syntax(path, text)
    try:
        formatted = render(parse_document(text, path))
    except LayoutError as error:
        raise InputError(f"cannot format: {error}", path=path) from None
    lost = _missing(comments_of(text, path), comments_of(formatted, path))
    if lost:
        raise InputError(f"cannot format: the layout would lose {len(lost)} comment(s), e.g. {lost[0]!r}",
                         path=path, hint="this is a bug in citynet's formatter; the file was left as it is")
    quiet_rdflib()
    if not isomorphic(_graph(path, text), _graph(path, formatted)):
        raise InputError("cannot format: the formatted text would not say the same as the file", path=path,
                         hint="this is a bug in citynet's formatter; the file was left as it is")
    return formatted


def _graph(path: Path, text: str) -> Graph:
    return parse_rdflib(path, text)


def _missing(before: list[str], after: list[str]) -> list[str]:
    remaining = sorted(after)
    lost = []
    for comment in sorted(before):
        if comment in remaining:
            remaining.remove(comment)
        else:
            lost.append(comment)
    return lost


def format_paths(paths: Sequence[Path], *, check: bool = False) -> list[FormatResult]:
    """Format the Turtle files at ``paths`` (files or folders). With ``check``, write nothing
    and only report which files are not in the layout. Every file is checked before any is
    written, so a file the formatter refuses stops the run with nothing changed."""
    files = collect_turtle_files(paths)
    planned = []
    for path in files:
        text = read_text(path)
        formatted = format_text(text, path)
        planned.append((path, formatted, formatted != text))
    if not check:
        for path, formatted, changed in planned:
            if changed:
                atomic_write(path, formatted)
    return [FormatResult(path, changed) for path, _, changed in planned]
