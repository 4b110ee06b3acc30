"""Headless Chromium for the browser tests (Debian's chromium): run it offline on a URL,
and read its network log to prove that a page asked no host but 127.0.0.1 for anything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)")


def chromium(tmp_path: Path, url: str, *args: str, timeout: float = 60) -> tuple[str, list[dict]]:
    """Run headless chromium on ``url`` offline; its standard output and its network log's requests."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    netlog = profile.with_suffix(".netlog.json")
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions", "--disable-sync",
        "--disable-component-update", "--disable-default-apps", "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        # Chromium asks Google about forms on its own (autofill); that is the browser, not the page.
        "--disable-features=AutofillServerCommunication", f"--log-net-log={netlog}",
        "--timeout=20000", *args, url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium took longer than {timeout} s on {url}")
    finally:
        with suppress(ProcessLookupError):  # the browser's helper processes too: in the session it leads
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    return out, netlog_requests(netlog)


def netlog_requests(netlog: Path) -> list[dict]:
    """Every URL request in a chromium network log: url, initiator and network isolation key."""
    text = netlog.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short when the browser stopped
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"] for event in log["events"]
            if event["type"] == start_job and "url" in event.get("params", {})]


def from_the_page(request: dict) -> bool:
    """Whether the page asked for it, rather than the browser for its own updates and accounts
    (those have no initiator, "not an origin", and no network isolation key of the page)."""
    top_frame = request.get("network_isolation_key", "").split(" ")[0]
    return (request.get("initiator", "not an origin") != "not an origin" or request.get("request_type") == "main frame"
            or top_frame in ("http://127.0.0.1", "file://"))


def assert_offline(requests: list[dict], served: bool = True) -> None:
    """No request the page made went to a host other than 127.0.0.1 (and with the resolver
    rules no other host could be reached at all)."""
    page_requests = [r for r in requests if from_the_page(r)]
    if served:
        assert page_requests, "the network log shows no request for the page"
    elsewhere = [r["url"] for r in page_requests
                 if urlsplit(r["url"]).hostname != "127.0.0.1" and urlsplit(r["url"]).scheme not in ("file", "data")]
    assert not elsewhere, f"the page asked another host for: {elsewhere}"


