"""Blank nodes numbered 0, 1, 2, … in the order they are first met, in little memory.

The exports name blank nodes ``b0``, ``b1``, … (:func:`citynet.publish.exports.stable_blank_nodes`
and the JSON-LD writer), so every blank node met must keep its number until the end. A dict of
pyoxigraph terms is the fastest way, at about 250 bytes a node with its term: 190 MB for the
756,000 blank nodes of a 10M-triple graph, more than the store that is being read
(benchmarks/README.md). So the dict holds only the first ``in_dict`` nodes (2^17 by default: a
1M-triple graph has 76,000); past them, every id goes to flat arrays as a 128-bit number, 27 to
53 bytes a node (the table doubles when it is 3/4 full), each lookup about a microsecond slower.
"""

from __future__ import annotations

from array import array

import pyoxigraph

IN_DICT = 1 << 17  # about 20 MB of dict and terms, at the most
_LOW_BITS = (1 << 64) - 1
_MOST_KEY = (1 << 128) - 1  # Oxigraph's ids are 128-bit
_MOST_FULL = 3 / 4  # the share of slots in use before the table doubles
_GOLDEN = 0x9E3779B97F4A7C15  # 2^64 / golden ratio: spreads ids that differ only in high bits


def _zeros(typecode: str, size: int) -> array:
    return array(typecode, [0]) * size  # no temporary bytes of the table's size


class BlankNodeNumbers:
    """``number(node)``: 0 for the first blank node given, 1 for the next new one, and the same
    number again for a node met before. Nodes are told apart by their id, as Oxigraph does.

    The first ``in_dict`` nodes are kept in a dict of terms. Past them, all move to a table:
    Oxigraph gives the blank nodes it makes (a store's, a parser's) ids of up to 32 hex digits,
    which are kept as numbers in an open-addressing table (linear probing); other ids, labels
    such as ``x`` that a parser keeps, go to a dict of labels (graphs have few)."""

    __slots__ = ("_count", "_high", "_in_dict", "_in_table", "_labelled", "_low", "_shift", "_stored", "_terms")

    def __init__(self, in_dict: int = IN_DICT) -> None:
        self._in_dict = in_dict
        self._terms: dict[pyoxigraph.BlankNode, int] | None = {}
        self._count = 0
        self._labelled: dict[str, int] = {}
        self._in_table = 0
        size = 1 << 10
        self._shift = 64 - 10  # a slot is the top bits of the mixed id: see _slot
        self._low = _zeros("Q", size)
        self._high = _zeros("Q", size)
        self._stored = _zeros("I", size)  # a node's number plus 1; 0 marks an empty slot

    def __len__(self) -> int:
        return self._count

    def number(self, node: pyoxigraph.BlankNode) -> int:
        terms = self._terms
        if terms is None:
            numbered = self._numbered(node.value, self._count)
            if numbered == self._count:
                self._count += 1
            return numbered
        found = terms.get(node)
        if found is None:
            found = terms[node] = self._count
            self._count += 1
            if self._count > self._in_dict:
                self._terms = None
                for term, kept in terms.items():
                    self._numbered(term.value, kept)
        return found

    def _numbered(self, label: str, new: int) -> int:
        """The number of the node with id ``label``; ``new`` for one not met before (the
        caller counts it)."""
        try:
            key = int(label, 16)
        except ValueError:
            key = 0
        # Only the canonical spelling goes to the table: "0ab", "AB" and "a_b" parse to
        # numbers too, and must stay nodes apart from "ab".
        if key <= 0 or key > _MOST_KEY or format(key, "x") != label:
            found = self._labelled.get(label)
            if found is None:
                found = self._labelled[label] = new
            return found
        low, high = key & _LOW_BITS, key >> 64
        lows, highs, stored = self._low, self._high, self._stored
        mask = len(stored) - 1
        slot = self._slot(low, high)
        while held := stored[slot]:
            if lows[slot] == low and highs[slot] == high:
                return held - 1
            slot = (slot + 1) & mask
        self._in_table += 1
        if self._in_table > _MOST_FULL * (mask + 1):
            self._grow()
            self._put(low, high, new + 1)
        else:
            lows[slot], highs[slot], stored[slot] = low, high, new + 1
        return new

    def _slot(self, low: int, high: int) -> int:
        """Where an id's search starts: Fibonacci hashing of both halves, so that ids which
        share their low bits (labels such as ``b1``, ``b2``, … read as numbers) do not crowd
        one run of slots, as the low bits alone would make them."""
        return ((low ^ high) * _GOLDEN & _LOW_BITS) >> self._shift

    def _put(self, low: int, high: int, stored_number: int) -> None:
        stored = self._stored
        mask = len(stored) - 1
        slot = self._slot(low, high)
        while stored[slot]:
            slot = (slot + 1) & mask
        self._low[slot], self._high[slot], stored[slot] = low, high, stored_number

    def _grow(self) -> None:
        lows, highs, stored = self._low, self._high, self._stored
        size = 2 * len(stored)
        self._shift -= 1
        self._low, self._high, self._stored = _zeros("Q", size), _zeros("Q", size), _zeros("I", size)
        for low, high, stored_number in zip(lows, highs, stored, strict=True):
            if stored_number:
                self._put(low, high, stored_number)
