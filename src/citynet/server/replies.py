"""Reading a worker's reply on the event loop itself, without a thread.

A worker answers through a ``multiprocessing`` connection (a Unix socket pair): a 4-byte
big-endian signed length (or -1 and an 8-byte length past 2 GiB), then the pickled reply.
Handing each wait to a thread cost more than the query did (the thread hop and the GIL
passed back and forth); here the loop is told when bytes arrive and reads what is there,
never blocking, so a worker that is slow, stopped or killed costs the loop nothing: the
caller's timeouts stay what they were.

The socket is a duplicate of the connection's descriptor, read with ``MSG_DONTWAIT`` so that
the descriptor itself stays blocking for the ``Connection`` methods used elsewhere.
:func:`available` says whether this platform allows it; elsewhere the pool waits in a thread.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct
from typing import Any

_CHUNK = 1 << 20
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)


def available(connection: Any) -> bool:
    """Whether replies on ``connection`` can be read on the loop (a socket, and ``MSG_DONTWAIT``)."""
    if not _DONTWAIT or not hasattr(socket, "AF_UNIX"):
        return False
    try:
        probe = socket.fromfd(connection.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
    except (OSError, ValueError, AttributeError):
        return False
    probe.close()
    return True


class ReplySocket:
    """A worker's end of the pipe as the loop reads it: one reply at a time."""

    def __init__(self, connection: Any) -> None:
        self._socket = socket.fromfd(connection.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        self._watching: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        self._socket.close()

    def expect(self) -> asyncio.Future[Any]:
        """A future of the next reply, read as its bytes arrive; EOFError when the worker closed
        its end (it stopped or was killed). Call :meth:`stop` when done with it, before the
        socket is closed: the loop must not watch a descriptor number that may be reused."""
        loop = asyncio.get_running_loop()
        frame = _Frame()
        done: asyncio.Future[Any] = loop.create_future()
        fd = self._socket.fileno()

        def readable() -> None:
            if done.done():
                return
            try:
                chunk = self._socket.recv(_CHUNK, _DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                done.set_exception(EOFError(str(error)))
                return
            if not chunk:
                done.set_exception(EOFError("the worker closed its end of the pipe"))
                return
            try:
                payload = frame.add(chunk)
                if payload is not None:
                    done.set_result(pickle.loads(payload))  # noqa: S301 - our own worker's reply
            except Exception as error:  # a garbled reply: the worker is not to be trusted any more
                done.set_exception(EOFError(f"the worker's reply could not be read: {error}"))

        loop.add_reader(fd, readable)
        self._watching = loop
        return done

    def stop(self) -> None:
        """Stop watching for a reply (on the loop's thread)."""
        if self._watching is not None:
            self._watching.remove_reader(self._socket.fileno())
            self._watching = None


class _Frame:
    """Bytes of one reply as they arrive; the payload once it is complete."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.size: int | None = None
        self.start = 0

    def add(self, chunk: bytes) -> bytes | None:
        self.buffer += chunk
        if self.size is None:
            if len(self.buffer) < 4:
                return None
            (size,) = struct.unpack("!i", self.buffer[:4])
            if size == -1:
                if len(self.buffer) < 12:
                    return None
                (size,) = struct.unpack("!Q", self.buffer[4:12])
                self.start = 12
            else:
                self.start = 4
            self.size = size
        end = self.start + self.size
        if len(self.buffer) < end:
            return None
        if len(self.buffer) > end:  # a worker sends one reply per job: more is a protocol error
            raise EOFError("the worker sent more than one reply")
        return bytes(self.buffer[self.start:end])
