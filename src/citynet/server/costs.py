"""What the worker pool has learned about queries' costs: which are heavy.

A query is named by a key: a stored query by its name (``stored:networks-of-place``), an
ad-hoc one by a hash of its text and dataset. A key is heavy once a run of it took more
processor time than the grace period, timed out, or its plan's estimate passed the budget;
it is light again once a run of it takes less. Processor time, not time on the clock: on a
busy machine a light query may wait long for a processor, and must not be taken for heavy.
Stored queries start light: they are the project's own, written to be selective. Knowing a
heavy query before it runs lets the pool answer it 503 at once when the heavy slots are
taken, without it ever taking a worker.

The book also keeps the verdicts that do not change: an ad-hoc query refused as malformed or
not allowed (400), or one whose worker died of its memory limit, is answered the same again
without a worker parsing it again, or a worker being lost to it again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

#: The notes of refusals that depend only on the query (not on the format asked for, nor on load).
LASTING_REFUSALS = frozenset({"syntax", "update", "service", "remote-graph", "too-deep", "memory"})


def adhoc_key(text: str, base_iri: str | None, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """The key of an ad-hoc query (a hash: the book holds many keys, and texts are long)."""
    return "query:" + text_digest(text, base_iri, list(default_graphs), list(named_graphs))


def text_digest(text: str, *parts: Any) -> str:
    """A short digest of a query text and what goes with it (``parts``, by their ``repr``),
    without a copy of the text."""
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class CostBook:
    """The keys of queries known to be heavy, the most recently learned kept (thread-safe)."""

    def __init__(self, size: int = 4096) -> None:
        self._heavy: OrderedDict[str, None] = OrderedDict()
        self._verdicts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def verdict(self, key: str) -> dict[str, Any] | None:
        """The reply to give ``key`` again without running it, if it has a lasting one."""
        with self._lock:
            return self._verdicts.get(key)

    def remember(self, key: str, reply: dict[str, Any]) -> None:
        """Keep ``reply`` as ``key``'s verdict if it is a lasting refusal."""
        if reply.get("ok") or reply.get("note") not in LASTING_REFUSALS:
            return
        with self._lock:
            self._verdicts[key] = {k: reply[k] for k in ("ok", "status", "message", "note", "form") if k in reply}
            self._verdicts.move_to_end(key)
            while len(self._verdicts) > self._size:
                self._verdicts.popitem(last=False)

    def is_heavy(self, key: str) -> bool:
        with self._lock:
            return key in self._heavy

    def mark_heavy(self, key: str) -> None:
        with self._lock:
            self._heavy[key] = None
            self._heavy.move_to_end(key)
            while len(self._heavy) > self._size:
                self._heavy.popitem(last=False)

    def learn(self, key: str, seconds: float, grace: float) -> None:
        """Record a run of ``key`` that took ``seconds`` of processor time."""
        if seconds > grace:
            self.mark_heavy(key)
        else:
            with self._lock:
                self._heavy.pop(key, None)

    def __len__(self) -> int:
        return len(self._heavy)
