"""Sorting more items than memory should hold: sorted runs written to nameless temporary files,
then merged. Items must pickle; the sort is stable, as ``sorted`` is."""

from __future__ import annotations

import heapq
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import IO, Any, TypeVar

Item = TypeVar("Item")

RUN = 20_000  # items sorted in memory at a time
_BATCH = 256  # items pickled together: what a run holds in memory while the runs are merged
FAN_IN = 64  # runs merged at once


def spilled_sorted(items: Iterable[Item], key: Callable[[Item], Any], run: int = RUN) -> Iterator[Item]:
    """``items`` in the order of ``sorted(items, key=key)``, holding about ``run`` of them at a
    time (and a batch of each run while merging)."""
    chunks = _chunks(iter(items), run)
    head = list(itertools.islice(chunks, 2))
    if len(head) < 2:  # one run: nothing to write
        yield from sorted(head[0] if head else [], key=key)
        return
    with ExitStack() as files:
        runs: list[IO[bytes]] = []
        for chunk in itertools.chain(_taken(head), chunks):
            chunk.sort(key=key)
            runs.append(_spilled(files, chunk))
        # Merged FAN_IN runs at a time, so that the files open and the batches held stay few.
        while len(runs) > FAN_IN:
            merged = []
            for start in range(0, len(runs), FAN_IN):
                group = runs[start:start + FAN_IN]
                merged.append(_spilled(files, heapq.merge(*map(_read_run, group), key=key)))
                for spool in group:
                    spool.close()
            runs = merged
        # heapq.merge takes equal keys from the earlier run first: stable, as the runs are in order.
        yield from heapq.merge(*map(_read_run, runs), key=key)


def _spilled(files: ExitStack, items: Iterable[Any]) -> IO[bytes]:
    """``items`` written to a new nameless temporary file, ready to be read back."""
    spool = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the caller's ExitStack)
    for batch in _chunks(iter(items), _BATCH):
        pickle.dump(batch, spool, pickle.HIGHEST_PROTOCOL)
    spool.seek(0)
    return spool


def _chunks(source: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while chunk := list(itertools.islice(source, size)):
        yield chunk


def _taken(chunks: list[list[Item]]) -> Iterator[list[Item]]:
    """The chunks, each let go of by the list once taken."""
    while chunks:
        yield chunks.pop(0)


def _read_run(spool: IO[bytes]) -> Iterator[Any]:
    while True:
        try:
            batch = pickle.load(spool)  # noqa: S301 (written by this process: _spilled)
        except EOFError:
            return
        yield from batch
