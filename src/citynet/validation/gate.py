"""Validation before data is put out (``serve``, ``publish``), remembered between runs.

A million triples take minutes to validate; the verdict for the same files and the same
shapes does not change. It is kept in ``CACHE/validation/<key>.json``, where the key is a
SHA-256 over the files' content key, the shapes' bytes and the versions of citynet and
pySHACL, so that a restart with unchanged data does not validate again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pyshacl

from citynet import __version__, resources
from citynet.graph.files import TURTLE_SUFFIXES
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.persistent import content_key, default_cache_dir


class _Entry(TypedDict):
    """A verdict as the cache keeps it."""

    passes: bool
    summary: str
    findings: list[str]


@dataclass(frozen=True)
class Verdict:
    """Whether the data may be put out, and the findings that say why not."""

    passes: bool
    summary: str  # the last line of the text report
    findings: tuple[str, ...]  # the violations, one line each
    cached: bool = False


def verdict(graph: KnowledgeGraph, cache_dir: Path | None = None) -> Verdict:
    """The validation verdict for the graph's files against citynet's shapes: remembered,
    else validated now (violations fail; warnings and notes pass)."""
    files = graph.files
    path = (cache_dir or default_cache_dir()) / "validation" / f"{_key(files)}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return Verdict(stored["passes"], stored["summary"], tuple(stored["findings"]), cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not validated yet, or an unreadable entry: validate again
    # In a process of its own: validating a large graph takes memory that a long-running
    # server should not keep.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        entry = pool.submit(_validate, graph.data_files, graph.ontology_file is not None).result()
    _store(path, entry)
    return Verdict(entry["passes"], entry["summary"], tuple(entry["findings"]))


def _validate(data_files: list[Path], ontology: bool) -> _Entry:
    from citynet.graph.knowledge_graph import KnowledgeGraph
    from citynet.validation.output import render_text
    from citynet.validation.validator import Severity, validate

    # Turtle files are read again for file and line; other formats from a store.
    if all(p.suffix in TURTLE_SUFFIXES for p in data_files):
        report = validate(data_files, ontology=ontology)
    else:
        report = validate(KnowledgeGraph(data_files, ontology=ontology).rdflib_graph, ontology=False)
    lines = render_text(report).splitlines()
    return {"passes": report.passes(), "summary": lines[-1],
            "findings": [line for line in lines[:-1] if Severity.VIOLATION.value in line]}


def _key(files: Sequence[Path]) -> str:
    digest = hashlib.sha256(f"citynet {__version__}\npyshacl {pyshacl.__version__}\n".encode())
    digest.update(content_key(files).encode())
    digest.update(resources.shapes_path().read_bytes())
    return digest.hexdigest()[:32]


def _store(path: Path, entry: _Entry) -> None:
    """Written to a temporary file and renamed: a reader never sees half an entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(entry, stream)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)  # the cache is a help, not a need


def may_put_out(graph: KnowledgeGraph, *, skip: bool, doing: str) -> bool:
    """Whether ``serve`` or ``publish`` (``doing``) may put the graph out: it passes
    validation, or ``skip`` (--no-validate) says not to check, with a warning. Data without
    citynet's ontology is not checked against citynet's shapes. Says why on standard error."""
    if skip:
        print(f"citynet: warning: {doing} data that was not validated (--no-validate)", file=sys.stderr)
        return True
    if graph.ontology_file is None:
        return True
    result = verdict(graph)
    if result.passes:
        return True
    for line in result.findings:
        print(line, file=sys.stderr)
    print(f"{result.summary}\ncitynet: error: not {doing} data that fails validation; fix the violations above, "
          "or pass --no-validate", file=sys.stderr)
    return False
