"""Headless chromium driven over the DevTools protocol, through a pipe (``--remote-debugging-pipe``:
commands on file descriptor 3, answers on 4, each a JSON message ended by a NUL byte). No package
beyond the standard library, no port: the browser tests measure where things are on the page
(``evaluate``), set the window's size, inject axe-core and take screenshots.

    with Browser(tmp_path) as browser:
        browser.open("http://127.0.0.1:8000/query", width=390, height=844)
        browser.evaluate("document.title")
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from .browser import CHROMIUM, netlog_requests


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless chromium with one page (target); offline but for 127.0.0.1."""

    def __init__(self, folder: Path, *, languages: str = "en", timeout: float = 30) -> None:
        self.folder = folder
        self.timeout = timeout
        self.languages = languages
        self._id = 0
        self._buffer = b""
        self.netlog = folder / f"netlog-{time.monotonic_ns()}.json"

    def __enter__(self) -> Browser:
        profile = self.folder / f"profile-{time.monotonic_ns()}"
        profile.mkdir(parents=True)
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        command = [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--disable-background-networking", f"--user-data-dir={profile}", "--no-first-run",
            "--disable-extensions", "--disable-sync", "--disable-component-update", "--disable-default-apps",
            "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--disable-features=AutofillServerCommunication", f"--log-net-log={self.netlog}",
            f"--lang={self.languages.split(',')[0]}", f"--accept-lang={self.languages}", "about:blank"]

        def pipes() -> None:  # in the child, before exec
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        preexec_fn=pipes, pass_fds=(3, 4), start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)
        return self

    def __exit__(self, *exc: object) -> None:
        with suppress(Exception):
            self.send("Browser.close")
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        with suppress(OSError):
            os.close(self._to_browser)
        with suppress(OSError):
            os.close(self._from_browser)

    # ------------------------------------------------------------ the protocol

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    # ------------------------------------------------------------ what the tests use

    def open(self, url: str, *, width: int = 1280, height: int = 900, mobile: bool = False) -> None:
        """Load ``url`` in a window of ``width``×``height`` CSS pixels and wait for it to load."""
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)
        self.send("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        answer = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression[:80]}…: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(BrowserError):
                if self.evaluate(f"!!({condition})"):
                    return
            time.sleep(0.1)
        raise BrowserError(f"timed out waiting for {condition}")

    def screenshot(self, path: Path, *, full_page: bool = False) -> None:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": min(height, 12000), "scale": 1}
        data = self.send("Page.captureScreenshot", session=True, **params)["data"]
        path.write_bytes(base64.b64decode(data))

    def requests(self) -> list[dict]:
        """The network log's requests so far (read once the browser has closed it: after exit)."""
        return netlog_requests(self.netlog)
