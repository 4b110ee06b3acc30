"""A graph written as N-Triples in chunks, each small enough to be one request to a store.

Every request to a store is a document of its own, and a blank-node label names one node only
within one document: so all triples that share a blank node (directly or through other blank
nodes) go into the same chunk. The other triples fill chunks in the order the store gives them.

Why chunks at all: Virtuoso 7.2's Graph Store waits on its own locks while it loads a large body,
and now and then never finishes (see :mod:`citynet.scale.remote.push`).

The file is an anonymous temporary file: it has no name in any folder, so that nothing is left
behind however the process ends, even when it is killed outright.
"""

from __future__ import annotations

import builtins
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pyoxigraph

from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.progress import Progress

DEFAULT_CHUNK_BYTES = 4_000_000


@dataclass(frozen=True)
class Chunk:
    offset: int
    size: int
    triples: int


@dataclass
class ChunkedGraph:
    """The file and where each chunk of it lies; closing it removes the file."""

    file: BinaryIO
    chunks: list[Chunk] = field(default_factory=list)

    def __enter__(self) -> ChunkedGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    @property
    def triples(self) -> int:
        return sum(chunk.triples for chunk in self.chunks)

    @property
    def bytes(self) -> int:
        return sum(chunk.size for chunk in self.chunks)

    def read(self, chunk: Chunk) -> builtins.bytes:
        self.file.seek(chunk.offset)
        return self.file.read(chunk.size)


class _Writer:
    """Appends lines to the file, cutting a chunk whenever one is full."""

    def __init__(self, stream: BinaryIO, target: ChunkedGraph, chunk_bytes: int) -> None:
        self.stream, self.target, self.chunk_bytes = stream, target, chunk_bytes
        self.buffer: list[bytes] = []
        self.size = 0

    def add(self, lines: list[bytes]) -> None:
        """Add lines that must stay together."""
        group = sum(map(len, lines))
        if self.buffer and self.size + group > self.chunk_bytes:
            self.flush()
        self.buffer += lines
        self.size += group
        if self.size >= self.chunk_bytes:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        offset = self.stream.tell()
        self.stream.write(b"".join(self.buffer))
        self.target.chunks.append(Chunk(offset, self.size, len(self.buffer)))
        self.buffer, self.size = [], 0


def write_chunks(graph: KnowledgeGraph, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> ChunkedGraph:
    """The default graph of ``graph`` as N-Triples in an anonymous temporary file, in chunks of
    about ``chunk_bytes`` (a blank node's triples may make one larger). Use it in a ``with``."""
    if chunk_bytes < 1:
        raise ValueError("chunk_bytes must be positive")
    # Closed by ChunkedGraph.__exit__, or below when writing fails.
    result = ChunkedGraph(tempfile.TemporaryFile(prefix="citynet-push-"))  # noqa: SIM115
    try:
        _write(graph, result, chunk_bytes)
    except BaseException:
        result.file.close()
        raise
    return result


def _write(graph: KnowledgeGraph, result: ChunkedGraph, chunk_bytes: int) -> None:
    stream = result.file
    with_blank_nodes: list[tuple[bytes, list[str]]] = []
    with Progress(1, "writing the graph", unit="triples") as bar:
        if bar.enabled:
            bar.total = max(len(graph), 1)  # counting costs a pass over the store: only for the bar
        writer = _Writer(stream, result, chunk_bytes)
        for done, (line, blank_nodes) in enumerate(_lines(graph), start=1):
            if blank_nodes:
                with_blank_nodes.append((line, blank_nodes))
            else:
                writer.add([line])
            if done % 10_000 == 0:
                bar.update(done)
        for group in _connected(with_blank_nodes):
            writer.add(group)
        writer.flush()
        bar.update(result.triples)


def _lines(graph: KnowledgeGraph) -> Iterator[tuple[bytes, list[str]]]:
    """Each triple of the default graph as an N-Triples line, with its blank nodes' labels."""
    for quad in graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
        terms = (quad.subject, quad.predicate, quad.object)
        if any(isinstance(term, pyoxigraph.Triple) for term in terms):
            raise ValueError("an RDF 1.2 triple term cannot be pushed as N-Triples 1.1")
        blank = [term.value for term in terms if isinstance(term, pyoxigraph.BlankNode)]
        # str() of a pyoxigraph term is its N-Triples form.
        yield f"{terms[0]} {terms[1]} {terms[2]} .\n".encode(), blank


def _connected(lines: list[tuple[bytes, list[str]]]) -> Iterator[list[bytes]]:
    """The lines grouped so that lines sharing a blank node, even through others, are together."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for _, blank_nodes in lines:
        first = root(blank_nodes[0])
        for other in blank_nodes[1:]:
            parent[root(other)] = first
    groups: dict[str, list[bytes]] = {}
    for line, blank_nodes in lines:
        groups.setdefault(root(blank_nodes[0]), []).append(line)
    yield from groups.values()
