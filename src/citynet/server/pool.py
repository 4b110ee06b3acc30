"""A small pool of query worker processes (see :mod:`citynet.server.worker`), shared
fairly between light and heavy queries.

A request takes an idle worker (waiting at most ``queue_timeout``), sends it the job
and waits for the reply on the event loop, which is told when the reply's bytes arrive
(:mod:`citynet.server.replies`; in a thread where the platform does not allow that). A
worker whose query runs past ``query_timeout`` is killed and replaced, and the request is
answered 504.

**Heavy queries never take the last worker.** At most ``heavy_slots`` (``workers - 1``)
workers run heavy queries at once, so at least one is always left for light ones, and a
freed worker goes to a waiting light query before a waiting heavy one. A query is heavy:

- *before it runs*, when the pool has learned so (:mod:`citynet.server.costs`: a stored
  query or a query text that was heavy before), or when its plan's estimate passes
  ``plan_budget`` (the worker checks this first and hands the query back unrun);
- *after a grace period*: when it is still running after ``slow_query_after`` seconds.

A heavy query known before it runs takes a heavy slot first; if every slot is taken it is
answered 503 with ``Retry-After`` (when the first slot frees, at the latest) and no worker
is touched. A query that turns heavy while running takes a free slot; if there is none it
runs on to its end or its time limit all the same (it is never killed for being heavy),
and is known as heavy from then on, so the next time it is refused before it runs.
Heavy queries run at a lower CPU priority (nice 10) than light ones.

A job seen to be quick is answered in the server process instead, by the inline lane
(:mod:`citynet.server.inline`): the same answer without the round trip to a worker.

Workers are forked from a fork server that has imported pyoxigraph and rdflib
already, so a replacement is ready in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import multiprocessing
import signal
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citynet.server import replies
from citynet.server import worker as worker_module
from citynet.server.costs import CostBook
from citynet.server.inline import InlineLane
from citynet.server.settings import Settings

log = logging.getLogger("citynet.server")

_STARTUP_SECONDS = 60.0


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
    #: Where the loop reads the replies (None: the platform does not allow it; a thread waits).
    replies: replies.ReplySocket | None = None

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
        if self.replies is not None:
            with contextlib.suppress(Exception):
                self.replies.close()


@dataclass
class PoolStats:
    answered: int = 0
    timeouts: int = 0
    #: Requests answered 503 because no worker became free in time.
    busy: int = 0
    #: Heavy queries answered 503 before they ran, every heavy slot being taken.
    heavy_refused: int = 0
    #: Queries known as heavy before they ran (learned, or by their plan).
    heavy_known: int = 0
    #: Queries that turned heavy while running and found no free slot (ran on all the same).
    heavy_overflow: int = 0
    #: Queries answered in the server process, known to be quick (see :mod:`citynet.server.inline`).
    inline: int = 0
    #: Queries answered again with a verdict kept from an earlier run (a refusal, a crash).
    remembered: int = 0
    crashes: int = 0
    replaced: int = 0
    started: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class HeavySlots:
    """The heavy slots, and when each running heavy query must end at the latest (thread-safe)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._deadlines: dict[int, float] = {}
        self._tokens = itertools.count()
        self._lock = threading.Lock()

    def take(self, deadline: float) -> int | None:
        """A token for a slot held until ``deadline`` at the latest, or None if all are taken."""
        with self._lock:
            if len(self._deadlines) >= self.count:
                return None
            token = next(self._tokens)
            self._deadlines[token] = deadline
            return token

    def started(self, token: int, deadline: float) -> None:
        """The query holding ``token`` has started: it ends by ``deadline``."""
        with self._lock:
            self._deadlines[token] = deadline

    def give_back(self, token: int) -> None:
        with self._lock:
            del self._deadlines[token]

    def seconds_to_free(self) -> int:
        """Whole seconds until a slot is free at the latest (a heavy query is stopped at its deadline)."""
        with self._lock:
            soonest = min(self._deadlines.values(), default=time.monotonic())
        return max(1, math.ceil(soonest - time.monotonic()))

    @property
    def taken(self) -> int:
        return len(self._deadlines)


def _context() -> Any:
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["citynet.server.worker", "citynet.publish.exports"])
        return context
    except ValueError:  # no fork server on this platform
        return multiprocessing.get_context("spawn")


class WorkerPool:
    def __init__(self, store: Path, in_memory: bool, settings: Settings, inline: bool = False) -> None:
        """Workers open the on-disk store at ``store`` read-only (``in_memory``: and copy it);
        ``inline``: quick jobs are answered in this process (see :mod:`citynet.server.inline`)."""
        self.store, self.in_memory = str(store), in_memory
        self.inline = InlineLane(settings) if inline else None
        self.settings = settings
        self.stats = PoolStats()
        self._context = _context()
        self._executor = ThreadPoolExecutor(max_workers=settings.workers + 2, thread_name_prefix="citynet-query")
        self.heavy = HeavySlots(settings.heavy_slots)
        self.costs = CostBook()
        self._idle: deque[_Worker] = deque()
        # Light requests are handed a freed worker before heavy ones.
        self._waiters: dict[bool, deque[asyncio.Future[_Worker]]] = {False: deque(), True: deque()}
        self._workers: set[_Worker] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self.isolated: bool | None = None

    # ------------------------------------------------------------ life cycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        spawning = [self._loop.run_in_executor(self._executor, self._spawn) for _ in range(self.settings.workers)]
        if self.inline is not None:
            try:
                await self._loop.run_in_executor(self._executor, self.inline.open, self.store, self.in_memory)
            except Exception as error:  # the workers answer everything, as without the lane
                log.warning("no quick-query lane in the server process: %s: %s", type(error).__name__, error)
                self.inline = None
        started = await asyncio.gather(*spawning)
        for worker in started:
            self._add(worker)
        self.isolated = all(w.hello.get("isolated") for w in started)
        log.info("%d query workers ready (pids %s); network isolation: %s; memory limit: %s",
                 len(started), ", ".join(str(w.pid) for w in started),
                 "on" if self.isolated else "not available (queries are still checked before they run)",
                 f"{self.settings.worker_memory_mb} MiB" if started[0].hello.get("memory_limited") else "none")

    async def close(self) -> None:
        self._closing = True
        for waiter in (*self._waiters[False], *self._waiters[True]):
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
        return _Worker(process, parent, hello, replies.ReplySocket(parent) if replies.available(parent) else None)

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
        for queue in (self._waiters[False], self._waiters[True]):
            while queue:
                waiter = queue.popleft()
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

    async def run(self, job: dict[str, Any], key: str) -> dict[str, Any]:
        """The worker's reply to ``job`` (a query known by ``key``, see :mod:`citynet.server.costs`);
        raises :class:`PoolError` for refusals, timeouts and crashes."""
        known = self.costs.verdict(key)
        if known is not None:
            self.stats.remembered += 1
            return known
        quick = self.inline.answer(job) if self.inline is not None and not self._closing else None
        if quick is not None:
            self.stats.inline += 1
            return quick
        asked = job
        job = {**job, "grace": self.settings.slow_query_after, "plan_budget": self.settings.plan_budget}
        try:
            reply = await self._run_in_lane(job, self.costs.is_heavy(key), key)
            if reply.get("heavy"):  # the plan's estimate: heavy, handed back unrun
                self.costs.mark_heavy(key)
                reply = await self._run_in_lane(job, True, key)
        except PoolError as failure:
            if failure.note == "crash-memory" and key.startswith("query:"):  # took its worker's memory: not again
                self.costs.remember(key, {"ok": False, "status": 500, "note": "memory", "message": (
                    "the query needs more memory than this endpoint allows one query: it stopped its worker "
                    "process when it last ran, so it is not run again; ask for less (fewer patterns, LIMIT)")})
            raise
        if "cpu" in reply and not reply.get("heavy"):
            self.costs.learn(key, reply["cpu"], self.settings.slow_query_after)
        self.costs.remember(key, reply)
        if self.inline is not None:
            self.inline.learn(asked, reply)
        return reply

    async def _run_in_lane(self, job: dict[str, Any], heavy: bool, key: str) -> dict[str, Any]:
        if not heavy:
            worker = await self._acquire(heavy=False)
            return await self._exchange(worker, {**job, "lane": "light"}, None, key)
        self.stats.heavy_known += 1
        slot = self.heavy.take(time.monotonic() + self.settings.queue_timeout + self.settings.query_timeout)
        if slot is None:
            self.stats.heavy_refused += 1
            wait = self.heavy.seconds_to_free()
            raise PoolError(
                503, f"the server is busy with other heavy queries ({self.heavy.count} run at once, the rest of "
                     "its capacity is kept for light ones), and this query is heavy, so it was not started; "
                     f"try again in {wait} s, or ask for less (LIMIT, fewer joins, more specific patterns)",
                "heavy-busy", retry_after=wait)
        try:
            worker = await self._acquire(heavy=True)
        except BaseException:
            self.heavy.give_back(slot)
            raise
        return await self._exchange(worker, {**job, "lane": "heavy"}, slot, key)

    async def _exchange(self, worker: _Worker, job: dict[str, Any], slot: int | None, key: str) -> dict[str, Any]:
        """The worker's reply to ``job``: awaited on the loop where the platform allows, else in a thread."""
        if worker.replies is None:
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, self._roundtrip, worker, job, slot, key)
        return await self._roundtrip_on_loop(worker, worker.replies, job, slot, key)

    async def _roundtrip_on_loop(self, worker: _Worker, channel: replies.ReplySocket, job: dict[str, Any],
                                 slot: int | None, key: str) -> dict[str, Any]:
        """:meth:`_roundtrip` on the event loop: the same limits, the same outcomes, no thread.
        A request cancelled while its query runs retires the worker (its reply would reach the
        next job)."""
        settings = self.settings
        keep = False
        waiting = False
        try:
            # The worker is idle, reading its pipe: a job (at most a query's length) goes at once.
            self._send(worker, job)
            answer = channel.expect()
            waiting = True
            deadline = time.monotonic() + settings.query_timeout
            if slot is not None:
                self.heavy.started(slot, deadline)
            else:
                done, _ = await asyncio.wait({answer}, timeout=min(settings.slow_query_after,
                                                                       settings.query_timeout))
                if not done:
                    # Heavy after all: it takes a free slot, or runs on without one (never killed for it).
                    slot = self.heavy.take(deadline)
                    if slot is None:
                        self.stats.heavy_overflow += 1
            done, _ = await asyncio.wait({answer}, timeout=max(0.0, deadline - time.monotonic()))
            if not done:
                self.stats.timeouts += 1
                self.costs.mark_heavy(key)
                raise PoolError(
                    504, f"the query ran longer than this endpoint's limit of {settings.query_timeout:g} s "
                         "and was stopped; ask for less (LIMIT, fewer joins, more specific patterns)",
                    "timeout")
            try:
                reply = answer.result()
            except (EOFError, OSError):
                self.stats.crashes += 1
                # As in _roundtrip: an abort (SIGABRT) is the memory limit; anything else says nothing
                # about the query. Joining the dead process blocks: in a thread.
                await asyncio.get_running_loop().run_in_executor(None, worker.process.join, 2)
                aborted = worker.process.exitcode == -signal.SIGABRT
                raise PoolError(500, "the query stopped its worker process (it may need too much memory); "
                                     "the worker has been replaced", "crash-memory" if aborted else "crash") from None
            keep = not reply.get("retire")
            if not reply.get("heavy"):
                self.stats.answered += 1
            return reply
        finally:
            if waiting:
                channel.stop()  # now, before a retiring thread closes the socket
            if slot is not None:
                self.heavy.give_back(slot)
            if keep:
                self._release(worker)
            else:
                threading.Thread(target=self._retire, args=(worker,), daemon=True,
                                 name="citynet-worker-respawn").start()

    async def _acquire(self, heavy: bool) -> _Worker:
        if self._closing:
            raise PoolError(503, "the server is shutting down", "shutdown")
        if self._idle:
            return self._idle.popleft()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[_Worker] = loop.create_future()
        queue = self._waiters[heavy]
        queue.append(waiter)
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
                queue.remove(waiter)

    def _send(self, worker: _Worker, job: dict[str, Any]) -> None:
        """Hand ``job`` to ``worker``; a worker whose pipe is gone counts as a crash."""
        try:
            worker.connection.send(job)
        except (OSError, ValueError):
            self.stats.crashes += 1
            raise PoolError(500, "a query worker was not available; please try again", "crash") from None

    def _roundtrip(self, worker: _Worker, job: dict[str, Any], slot: int | None, key: str) -> dict[str, Any]:
        """In a thread: send ``job`` to ``worker`` and wait for the reply, within the limits.
        ``slot`` is the token of the heavy slot the query holds, given back here. The worker
        goes back to the pool, or is replaced, whatever happens to the request."""
        settings = self.settings
        keep = False
        try:
            self._send(worker, job)
            deadline = time.monotonic() + settings.query_timeout
            if slot is not None:
                self.heavy.started(slot, deadline)
            elif not worker.connection.poll(min(settings.slow_query_after, settings.query_timeout)):
                # Heavy after all: it takes a free slot, or runs on without one (never killed for it).
                slot = self.heavy.take(deadline)
                if slot is None:
                    self.stats.heavy_overflow += 1
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                self.stats.timeouts += 1
                self.costs.mark_heavy(key)
                raise PoolError(
                    504, f"the query ran longer than this endpoint's limit of {settings.query_timeout:g} s "
                         "and was stopped; ask for less (LIMIT, fewer joins, more specific patterns)",
                    "timeout")
            try:
                reply = worker.connection.recv()
            except (EOFError, OSError):
                self.stats.crashes += 1
                # Rust aborts a process whose allocation fails (the memory limit); a worker killed
                # from outside, or crashing otherwise, says nothing about the query.
                worker.process.join(timeout=2)
                aborted = worker.process.exitcode == -signal.SIGABRT
                raise PoolError(500, "the query stopped its worker process (it may need too much memory); "
                                     "the worker has been replaced", "crash-memory" if aborted else "crash") from None
            keep = not reply.get("retire")
            if not reply.get("heavy"):
                self.stats.answered += 1
            return reply
        finally:
            if slot is not None:
                self.heavy.give_back(slot)
            loop = self._loop
            assert loop is not None
            if keep:
                with contextlib.suppress(RuntimeError):  # the loop has closed: the server is stopping
                    loop.call_soon_threadsafe(self._release, worker)
            else:
                threading.Thread(target=self._retire, args=(worker,), daemon=True,
                                 name="citynet-worker-respawn").start()
