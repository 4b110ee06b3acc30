"""Streams an export is written into as it is made, so that no export is ever held whole:
a byte stream that counts, hashes and passes on what it is given (:class:`Tally`), and a
text buffer that turns many small strings into few large UTF-8 writes (:class:`TextChunks`).
"""

from __future__ import annotations

import hashlib
from typing import Protocol


class SupportsWrite(Protocol):
    """Where an export is written: a binary stream (a file, a buffer, a :class:`Tally`)."""

    def write(self, data: bytes, /) -> int: ...


_FLUSH_AT = 1 << 20  # characters: large writes for a file, a small bound on what is held


class Tally:
    """A binary stream that passes every write to ``into`` (or nowhere, with ``None``),
    counting the bytes, remembering the last one and, with ``hashing``, taking their SHA-256:
    the size and checksum of a download are worked out as it is written."""

    def __init__(self, into: SupportsWrite | None, *, hashing: bool = False) -> None:
        self._into = into
        self._digest = hashlib.sha256() if hashing else None
        self.size = 0
        self.last = b""
        """The last byte written (empty before the first)."""

    def write(self, data: bytes | bytearray | memoryview) -> int:
        size = len(data)
        if size:
            self.size += size
            self.last = bytes(data[-1:])
            if self._digest is not None:
                self._digest.update(data)
            if self._into is not None:
                self._into.write(data if isinstance(data, bytes) else bytes(data))
        return size

    def flush(self) -> None:
        flush = getattr(self._into, "flush", None)
        if flush is not None:
            flush()

    def hexdigest(self) -> str:
        if self._digest is None:
            raise ValueError("this tally does not hash")
        return self._digest.hexdigest()


class TextChunks:
    """Text written as UTF-8 to a binary stream in chunks of about a megabyte: a writer that
    makes many small strings (a JSON node, a CSV row) neither holds them all nor calls the
    stream for each."""

    def __init__(self, into: SupportsWrite) -> None:
        self._into = into
        self._parts: list[str] = []
        self._held = 0

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._held += len(text)
        if self._held >= _FLUSH_AT:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            self._into.write("".join(self._parts).encode("utf-8"))
            self._parts.clear()
            self._held = 0
