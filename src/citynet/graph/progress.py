"""Progress of long operations, shown on a terminal and silent otherwise.

A bar is drawn on standard error only when standard error is a terminal, so
piped or logged output (CI, ``2> log``) carries no carriage-return noise.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress(total, "generating") as bar: bar.advance(n)``; redraws at most
    ten times a second, and prints nothing unless ``stream`` is a terminal."""

    def __init__(self, total: int, label: str, *, unit: str = "", stream: TextIO | None = None,
                 enabled: bool | None = None) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.unit = unit
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self._started = time.monotonic()
        self._drawn = 0.0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        self._draw()

    def update(self, done: int) -> None:
        self.done = done
        self._draw()

    def close(self) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        share = min(self.done / self.total, 1.0)
        filled = int(share * 30)
        elapsed = now - self._started
        unit = f" {self.unit}" if self.unit else ""
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} "
                          f"{self.done:,}/{self.total:,}{unit} {elapsed:5.1f}s")
        self.stream.flush()
