"""The pool reads a worker's replies on the event loop (citynet.server.replies): it must read
exactly what a multiprocessing connection sends, whatever its size, and tell a worker that is
gone or garbled from one that answered."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading

import pyoxigraph
import pytest

from citynet.server import replies

pytestmark = pytest.mark.skipif(not replies.available(multiprocessing.Pipe()[0]),
                                reason="this platform has no MSG_DONTWAIT Unix sockets: the pool waits in a thread")


def received(payload: object | None, *, then_close: bool = False, raw: bytes | None = None) -> object:
    """What the loop reads after the other end sends ``payload`` (or ``raw`` bytes) from a thread."""
    ours, theirs = multiprocessing.Pipe()
    channel = replies.ReplySocket(ours)

    def send() -> None:
        if raw is not None:
            theirs._send(raw)  # type: ignore[attr-defined] - bytes on the wire as they come
        elif payload is not None:
            theirs.send(payload)
        if then_close:
            theirs.close()

    async def main() -> object:
        future = channel.expect()
        threading.Thread(target=send).start()
        try:
            return await asyncio.wait_for(future, 30)
        finally:
            channel.stop()

    try:
        return asyncio.run(main())
    finally:
        channel.close()
        ours.close()
        if not then_close:
            theirs.close()


@pytest.mark.parametrize("size", [0, 10, 16_000, 16_385, 300_000, 5_000_000])
def test_a_reply_of_any_size_arrives_whole(size):
    reply = {"ok": True, "body": b"x" * size, "count": size, "term": pyoxigraph.NamedNode("http://example.org/a")}
    assert received(reply) == reply


def test_a_worker_that_closes_its_end_is_an_eof():
    with pytest.raises(EOFError):
        received(None, then_close=True)


def test_a_reply_cut_short_is_an_eof():
    with pytest.raises(EOFError):
        received(None, raw=b"\x00\x00\x01\x00abc", then_close=True)


def test_a_garbled_reply_is_an_eof():
    with pytest.raises(EOFError, match="could not be read"):
        received(None, raw=b"\x00\x00\x00\x03abc")


def test_two_replies_for_one_job_are_refused():
    with pytest.raises(EOFError):
        received(None, raw=b"\x00\x00\x00\x04N.\x00\x00extra")


# ---------------------------------------------------------------- the worker's light thread

def test_light_queries_share_a_thread_until_one_is_lowered(monkeypatch):
    import threading
    import time

    from citynet.server import worker

    threads: list[threading.Thread] = []  # the objects: a thread's ident may be reused once it ended

    def handle(held, job):
        threads.append(threading.current_thread())
        time.sleep(job["sleep"])
        return {"ok": True}

    monkeypatch.setattr(worker, "handle", handle)
    monkeypatch.setattr(worker, "_light", None)
    lowered: list[int | None] = []
    monkeypatch.setattr(worker, "lower_priority", lambda thread_id=None: lowered.append(thread_id))

    def job(sleep: float, lane: str = "light") -> dict:
        return worker.run_job(None, {"lane": lane, "grace": 0.2, "sleep": sleep})  # type: ignore[arg-type]

    assert job(0)["ok"] and job(0)["ok"]
    assert threads[0] is threads[1] and threads[0] is not threading.current_thread()  # kept; not the caller
    assert job(0.5)["ok"]  # past the grace period: lowered, and it ends after this query
    assert threads[2] is threads[0] and len(lowered) == 1
    assert job(0)["ok"]
    assert threads[3] is not threads[0]  # a new thread at normal priority
    assert job(0, lane="heavy")["ok"]
    assert threads[4] is not threads[3] and lowered[-1] is None  # heavy: a thread of its own, lowered from the start
    assert job(0)["ok"] and threads[5] is threads[3]
