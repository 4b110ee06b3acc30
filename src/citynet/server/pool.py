"""A small pool of query worker processes (see :mod:`citynet.server.worker`).

A request takes an idle worker (waiting at most ``queue_timeout``), sends it the job
and waits for the reply in a thread, off the event loop. A worker whose query runs
past ``query_timeout`` is killed and replaced, and the request is answered 504. A
query still running after ``slow_query_after`` needs a long-query slot (there are
``workers - 1``); if none is free it is stopped (503), so that one worker is always
left for quick queries however many heavy ones arrive; a long-running query also goes
on at a lower CPU priority (nice 10).

Workers are forked from a fork server that has imported pyoxigraph and rdflib
already, so a replacement is ready in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citynet.server import worker as worker_module
from citynet.server.settings import Settings

log = logging.getLogger("citynet.server")

_STARTUP_SECONDS = 60.0
#: A query that becomes long-running goes on at this lower CPU priority, so that quick
#: queries are served first when both compete for the processors.
LONG_QUERY_NICENESS = 10


def _renice(pid: int | None, niceness: int) -> bool:
    if pid is None or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except OSError:
        return False
    return True


class PoolError(Exception):
    """A query the pool could not answer: HTTP status, message, and a short note for the log."""

    def __init__(self, status: int, message: str, note: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.note, self.retry_after = status, message, note, retry_after


@dataclass(eq=False)
class _Worker:
    process: Any
    connection: Any
    hello: dict[str, Any]

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.connection.close()


@dataclass
class PoolStats:
    answered: int = 0
    timeouts: int = 0
    busy: int = 0
    crashes: int = 0
    replaced: int = 0
    started: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _context() -> Any:
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["citynet.server.worker", "citynet.publish.exports"])
        return context
    except ValueError:  # no fork server on this platform
        return multiprocessing.get_context("spawn")


class WorkerPool:
    def __init__(self, store: Path, in_memory: bool, settings: Settings) -> None:
        """Workers open the on-disk store at ``store`` read-only (``in_memory``: and copy it)."""
        self.store, self.in_memory = str(store), in_memory
        self.settings = settings
        self.stats = PoolStats()
        self._context = _context()
        self._executor = ThreadPoolExecutor(max_workers=settings.workers + 2, thread_name_prefix="citynet-query")
        self._slots = threading.BoundedSemaphore(settings.long_query_slots)
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._workers: set[_Worker] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self.isolated: bool | None = None

    # ------------------------------------------------------------ life cycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        started = await asyncio.gather(
            *(self._loop.run_in_executor(self._executor, self._spawn) for _ in range(self.settings.workers)))
        for worker in started:
            self._add(worker)
        self.isolated = all(w.hello.get("isolated") for w in started)
        log.info("%d query workers ready (pids %s); network isolation: %s; memory limit: %s",
                 len(started), ", ".join(str(w.pid) for w in started),
                 "on" if self.isolated else "not available (queries are still checked before they run)",
                 f"{self.settings.worker_memory_mb} MiB" if started[0].hello.get("memory_limited") else "none")

    async def close(self) -> None:
        self._closing = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(PoolError(503, "the server is shutting down", "shutdown"))
        workers = list(self._workers)
        self._workers.clear()
        self._idle.clear()

        def stop_all() -> None:
            for w in workers:
                with contextlib.suppress(Exception):
                    w.connection.send(None)
            deadline = time.monotonic() + 2
            for w in workers:
                with contextlib.suppress(Exception):
                    w.process.join(timeout=max(0.0, deadline - time.monotonic()))
                w.kill()

        await asyncio.get_running_loop().run_in_executor(None, stop_all)
        self._executor.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        return [w.pid for w in self._workers if w.pid is not None]

    def _spawn(self) -> _Worker:
        """Start one worker and wait until it has loaded its store (blocking)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_module.main, name="citynet-query-worker", daemon=True,
            args=(child, self.store, self.in_memory, self.settings.worker_memory_mb))
        process.start()
        child.close()
        if not parent.poll(_STARTUP_SECONDS):
            _Worker(process, parent, {}).kill()
            raise RuntimeError("a query worker did not start in time")
        try:
            hello = parent.recv()
        except EOFError:
            _Worker(process, parent, {}).kill()
            raise RuntimeError("a query worker stopped while starting") from None
        if not hello.get("ready"):
            _Worker(process, parent, {}).kill()
            raise RuntimeError(f"a query worker could not load the graph: {hello.get('error')}")
        self.stats.started += 1
        return _Worker(process, parent, hello)

    def _add(self, worker: _Worker) -> None:
        """On the loop: a new worker joins the pool."""
        if self._closing:
            threading.Thread(target=worker.kill, daemon=True).start()
            return
        self._workers.add(worker)
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """On the loop: hand a free worker to the first waiting request, or keep it idle."""
        if worker not in self._workers:
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _retire(self, worker: _Worker) -> None:
        """In a thread: kill a worker and start its replacement."""
        worker.kill()
        loop = self._loop
        assert loop is not None
        if self._closing or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._workers.discard, worker)
        self.stats.replaced += 1
        for attempt in range(5):
            try:
                replacement = self._spawn()
            except Exception as error:  # keep trying: a pool without workers answers nothing
                log.error("could not start a replacement query worker (attempt %d): %s", attempt + 1, error)
                time.sleep(0.5 * 2 ** attempt)
                continue
            try:
                loop.call_soon_threadsafe(self._add, replacement)
            except RuntimeError:  # the loop has closed meanwhile
                replacement.kill()
            return

    # ------------------------------------------------------------ running a query

    async def run(self, job: dict[str, Any]) -> dict[str, Any]:
        """The worker's reply to ``job``; raises :class:`PoolError` for timeouts and crashes."""
        worker = await self._acquire()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._roundtrip, worker, job)

    async def _acquire(self) -> _Worker:
        if self._closing:
            raise PoolError(503, "the server is shutting down", "shutdown")
        if self._idle:
            return self._idle.popleft()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[_Worker] = loop.create_future()
        self._waiters.append(waiter)
        wait = self.settings.queue_timeout

        def expire() -> None:
            if not waiter.done():
                self.stats.busy += 1
                waiter.set_exception(PoolError(
                    503, f"the server is busy: no query worker became free within {wait:g} s; try again later",
                    "busy", retry_after=max(1, round(wait))))

        timer = loop.call_later(wait, expire)
        try:
            return await waiter
        except BaseException:
            # Handed a worker just as this request was cancelled: give it back.
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())
            raise
        finally:
            timer.cancel()
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _roundtrip(self, worker: _Worker, job: dict[str, Any]) -> dict[str, Any]:
        """In a thread: send ``job`` to ``worker`` and wait for the reply, within the limits.
        The worker goes back to the pool, or is replaced, whatever happens to the request."""
        settings = self.settings
        keep = False
        retire_after = False
        try:
            try:
                worker.connection.send(job)
            except (OSError, ValueError):
                self.stats.crashes += 1
                raise PoolError(500, "a query worker was not available; please try again", "crash") from None
            deadline = time.monotonic() + settings.query_timeout
            if not worker.connection.poll(min(settings.slow_query_after, settings.query_timeout)):
                if not self._slots.acquire(blocking=False):
                    self.stats.busy += 1
                    raise PoolError(
                        503, f"the server is busy with other long-running queries, and this one ran longer than "
                             f"{settings.slow_query_after:g} s, so it was stopped; try again later, or ask for "
                             "less (LIMIT, fewer joins)", "busy", retry_after=max(1, round(settings.query_timeout)))
                lowered = _renice(worker.pid, LONG_QUERY_NICENESS)
                try:
                    if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                        self.stats.timeouts += 1
                        raise PoolError(
                            504, f"the query ran longer than this endpoint's limit of {settings.query_timeout:g} s "
                                 "and was stopped; ask for less (LIMIT, fewer joins, more specific patterns)",
                            "timeout")
                finally:
                    self._slots.release()
                # Back to normal priority; where the OS does not allow that, the worker is replaced.
                if lowered and not _renice(worker.pid, 0):
                    retire_after = True
            try:
                reply = worker.connection.recv()
            except (EOFError, OSError):
                self.stats.crashes += 1
                raise PoolError(500, "the query stopped its worker process (it may need too much memory); "
                                     "the worker has been replaced", "crash") from None
            keep = not reply.get("retire") and not retire_after
            self.stats.answered += 1
            return reply
        finally:
            loop = self._loop
            assert loop is not None
            if keep:
                with contextlib.suppress(RuntimeError):  # the loop has closed: the server is stopping
                    loop.call_soon_threadsafe(self._release, worker)
            else:
                threading.Thread(target=self._retire, args=(worker,), daemon=True,
                                 name="citynet-worker-respawn").start()
