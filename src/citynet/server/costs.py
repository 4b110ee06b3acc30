"""What the worker pool has learned about queries' costs: which are heavy.

A query is named by a key: a stored query by its name (``stored:networks-of-place``), an
ad-hoc one by a hash of its text and dataset. A key is heavy once a run of it went past
the grace period, timed out, or its plan's estimate passed the budget; it is light again
once a run of it ends within the grace period. Stored queries start light: they are the
project's own, written to be selective. Knowing a heavy query before it runs lets the pool
answer it 503 at once when the heavy slots are taken, without it ever taking a worker.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence


def adhoc_key(text: str, base_iri: str | None, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """The key of an ad-hoc query (a hash: the book holds many keys, and texts are long)."""
    digest = hashlib.blake2b(repr((text, base_iri, list(default_graphs), list(named_graphs))).encode("utf-8"),
                             digest_size=16)
    return "query:" + digest.hexdigest()


class CostBook:
    """The keys of queries known to be heavy, the most recently learned kept (thread-safe)."""

    def __init__(self, size: int = 4096) -> None:
        self._heavy: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

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
        """Record a run of ``key`` that took ``seconds``."""
        if seconds > grace:
            self.mark_heavy(key)
        else:
            with self._lock:
                self._heavy.pop(key, None)

    def __len__(self) -> int:
        return len(self._heavy)
