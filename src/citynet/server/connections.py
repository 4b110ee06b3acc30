"""Connection handling that survives slow and flooding clients, around uvicorn's HTTP protocol.

uvicorn gives each connection a protocol object and has an idle keep-alive timeout, but no
limit on how long a client may take to send a request, and only one cap for the whole
server (``limit_concurrency``), which a few hundred half-sent requests fill for everyone
(the slowloris attack). This guard adds what a public endpoint needs:

- a **header timeout**: the request's head (its first line and headers) must arrive within
  ``header_timeout`` seconds of connecting, or of the previous answer; else 408 and close;
- a **body timeout**: once the head is in, the body must arrive within ``body_timeout``;
- **connections per client address** (``max_connections_per_client``) and for the whole
  server (``max_connections``). At the cap, the guard closes the oldest connection that is
  not being answered (half-sent or idle) of the same address, or, at the server's cap, of
  the address holding the most. A flood thus pushes out its own sender's connections,
  while a client that sends its request at once is answered. Only when every connection
  is being answered is a new one refused, with 503.

Each connection costs one protocol object and one timer: the attacker pays a socket per
connection and must keep sending, the server pays a few kilobytes for at most
``header_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from citynet.server.settings import Settings

log = logging.getLogger("citynet.server")

#: Seconds between two log lines about closed connections (a flood would otherwise flood the log).
_LOG_EVERY = 10.0
#: File descriptors kept for everything but connections: the store's files, worker pipes, logs.
_FD_RESERVE = 256


def connection_room(wanted: int) -> int:
    """How many connections the process can hold, up to ``wanted``: the soft limit of open
    files is raised towards the hard one as far as needed (a server past it cannot even
    accept a connection to close it)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + _FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else max(1, min(wanted, soft - _FD_RESERVE))


def _raw_answer(status: str, message: str, extra: str = "") -> bytes:
    """A complete HTTP/1.1 answer that closes the connection: written straight to the socket,
    since the request it answers may be half-read."""
    body = (message + "\n").encode("utf-8")
    return (f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            f"{extra}content-length: {len(body)}\r\n\r\n").encode("ascii") + body


REQUEST_TIMEOUT = _raw_answer("408 Request Timeout", "the request was not sent in time; the connection is closed")
HEAD_TOO_LARGE = _raw_answer("400 Bad Request", "the request line and headers are too large; the connection is closed")
TOO_MANY = _raw_answer("503 Service Unavailable", "too many connections are being answered; try again later",
                       "retry-after: 5\r\n")


@dataclass
class ConnectionStats:
    open: int = 0
    header_timeouts: int = 0
    body_timeouts: int = 0
    evicted: int = 0
    refused: int = 0


class ConnectionGuard:
    """The open connections by client address, and the limits they are held to."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limit = connection_room(settings.max_connections)
        self.stats = ConnectionStats()
        # Insertion order is age: the first entry is the oldest connection.
        self._all: dict[Any, None] = {}
        self._by_client: dict[str, dict[Any, None]] = {}
        self._logged_at = time.monotonic()
        self._logged = ConnectionStats()

    def admit(self, connection: Any) -> bool:
        """Take a new connection in, closing older idle ones to make room; False if every
        connection it would compete with is being answered (the caller refuses it)."""
        client = connection.client_key
        own = self._by_client.setdefault(client, {})
        if len(own) >= self.settings.max_connections_per_client and not self._evict_from(own):
            return self._refuse()
        if len(self._all) >= self.limit:
            crowded = sorted(self._by_client.values(), key=len, reverse=True)
            if not any(self._evict_from(group) for group in crowded):
                return self._refuse()
        own[connection] = None
        self._all[connection] = None
        self.stats.open = len(self._all)
        return True

    def forget(self, connection: Any) -> None:
        if connection in self._all:
            del self._all[connection]
            group = self._by_client[connection.client_key]
            del group[connection]
            if not group:
                del self._by_client[connection.client_key]
        self.stats.open = len(self._all)

    def _evict_from(self, group: dict[Any, None]) -> bool:
        victim = next((c for c in group if not c.answering), None)
        if victim is None:
            return False
        self.forget(victim)
        victim.close_idle()
        self.stats.evicted += 1
        self.report()
        return True

    def _refuse(self) -> bool:
        self.stats.refused += 1
        self.report()
        return False

    def report(self) -> None:
        """Now and then, one log line with what the guard closed since the last one."""
        now = time.monotonic()
        if now - self._logged_at < _LOG_EVERY:
            return
        s, last = self.stats, self._logged
        counts = {"header timeouts": s.header_timeouts - last.header_timeouts,
                  "body timeouts": s.body_timeouts - last.body_timeouts,
                  "closed to make room": s.evicted - last.evicted, "refused": s.refused - last.refused}
        if any(counts.values()):
            log.warning("connections in the last %.0f s: %s; %d open", now - self._logged_at,
                        ", ".join(f"{n} {what}" for what, n in counts.items() if n), s.open)
        self._logged_at = now
        self._logged = ConnectionStats(**vars(s))


class GuardedProtocol:
    """Mixed in before one of uvicorn's HTTP protocol classes (see :func:`guarded_protocol`).

    It reads uvicorn's per-request state only through ``cycle`` (set when a request's head
    is complete) and ``cycle.more_body`` (false once its body is), which both of uvicorn's
    HTTP/1.1 implementations keep; ``tests/test_server_overload.py`` holds it to that."""

    guard: ClassVar[ConnectionGuard]
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self.answering = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_kind = ""
        self._seen: Any = None
        self._completed: Any = None
        self._head_bytes = 0
        peer = transport.get_extra_info("peername")
        self.client_key = str(peer[0]) if isinstance(peer, tuple) and peer else "local"
        if not self.guard.admit(self):
            transport.write(TOO_MANY)
            transport.close()
            return
        self._arm("header")

    def data_received(self, data: bytes) -> None:
        # Answered before its body was all in (a 413, say), a request's body keeps arriving after
        # the answer: those bytes are not a head, and count only once its message is complete.
        cycle = getattr(self, "cycle", None)
        rest_of_answered_body = cycle is not None and cycle.more_body and self._completed is not cycle
        waiting_for_head = self._timer_kind == "header" and not rest_of_answered_body
        super().data_received(data)  # type: ignore[misc]
        self._progress()
        if waiting_for_head and self._timer_kind == "header":
            # httptools, unlike h11, reads a request head of any size into memory: bound it here.
            self._head_bytes += len(data)
            if self._head_bytes > max_head_bytes(self.guard.settings) and not self.transport.is_closing():
                self._disarm()
                self.transport.write(HEAD_TOO_LARGE)
                self.transport.close()

    def on_message_complete(self) -> None:
        """httptools' parser: a request's body has all arrived, also after its answer (when uvicorn
        leaves ``cycle.more_body`` set). With h11, which bounds a head itself, it is not called."""
        self._completed = getattr(self, "cycle", None)
        super().on_message_complete()  # type: ignore[misc]

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self.answering = False
        if not self.transport.is_closing():
            self._arm("header")
            self._progress()  # a pipelined request may have started

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.guard.forget(self)
        super().connection_lost(exc)  # type: ignore[misc]

    def close_idle(self) -> None:
        """Close a connection that is not being answered (the guard makes room)."""
        self._disarm()
        self.transport.close()

    def _progress(self) -> None:
        cycle = getattr(self, "cycle", None)
        if cycle is None:
            return
        if cycle is not self._seen:  # a request's head is complete
            self._seen, self._head_bytes = cycle, 0
            self.answering = True
            if cycle.more_body:
                self._arm("body")
            else:
                self._disarm()
        elif self._timer_kind == "body" and not cycle.more_body:
            self._disarm()

    def _arm(self, kind: str) -> None:
        self._disarm()
        seconds = self.guard.settings.header_timeout if kind == "header" else self.guard.settings.body_timeout
        self._timer = self.loop.call_later(seconds, self._expire)
        self._timer_kind = kind

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_kind = None, ""

    def _expire(self) -> None:
        kind, self._timer, self._timer_kind = self._timer_kind, None, ""
        if self.transport.is_closing():
            return
        if kind == "header":
            self.guard.stats.header_timeouts += 1
            self.transport.write(REQUEST_TIMEOUT)
        else:  # the app is reading the body: it sees the client leave
            self.guard.stats.body_timeouts += 1
        self.guard.report()
        self.transport.close()


def max_head_bytes(settings: Settings) -> int:
    """The most a request line and headers may take: room for a GET whose ?query= is as long
    as the query limit, percent-encoded, and for ordinary headers."""
    return max(64 * 1024, 3 * settings.max_query_length + 8 * 1024)


def guarded_protocol(guard: ConnectionGuard) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol (httptools where installed, else h11) with ``guard``."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    return type(f"Guarded{AutoHTTPProtocol.__name__}", (GuardedProtocol, AutoHTTPProtocol), {"guard": guard})
