"""The parsed YAML headers of stored queries, remembered between runs: the CLI needs every
header to build its ``--help`` and argument checks, and YAML parses them slowly.

The cache is one JSON file in citynet's cache folder (next to the on-disk stores), mapping
the SHA-256 of a header's text to what YAML made of it. A header that was edited has another
hash, so it is parsed again and an old entry is never served. The file is written whole to a
temporary file and renamed; a cache that cannot be read, is not what it should be, or cannot
be written is left aside without a word: the headers are then parsed as if there were none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CACHE_FILE = "query-headers.json"
#: Raised when the layout of the file changes, so that an old file is not misread.
_VERSION = 1


def header_key(header_text: str) -> str:
    return hashlib.sha256(header_text.encode("utf-8")).hexdigest()


class HeaderCache:
    """Parsed headers by the hash of their text, loaded from ``folder`` (default: citynet's
    cache folder) and written back by :meth:`save` when something new was parsed."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder if folder is not None else _default_folder()) / CACHE_FILE
        self._entries = _read(self.path)
        self._used: dict[str, dict[str, Any]] = {}
        self._changed = False

    def header(self, header_text: str, parse: Callable[[str], Any]) -> Any:
        """The parsed header for ``header_text``: from the cache, else ``parse(header_text)``
        (whose errors pass through, and whose result is remembered when JSON keeps it exactly)."""
        key = header_key(header_text)
        cached = self._entries.get(key)
        if isinstance(cached, dict):
            self._used[key] = cached
            return cached
        parsed = parse(header_text)
        if _survives_json(parsed):
            self._used[key] = parsed
            self._changed = True
        return parsed

    def save(self) -> None:
        """Write the headers used in this run (and only those: the file does not grow with every
        edit) when one was new or one went unused; silently not where the folder is not writable."""
        if not self._changed and set(self._used) == set(self._entries):
            return
        from citynet.errors import CitynetError
        from citynet.output import atomic_write

        # Not sort_keys: the order of a header's mapping is the order of the query's parameters.
        document = json.dumps({"version": _VERSION, "headers": self._used}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, document)
        except (CitynetError, OSError):
            return  # a cache is a convenience: the next run parses again
        self._entries = dict(self._used)
        self._changed = False


def _default_folder() -> Path:
    from citynet.graph.persistent import default_cache_dir

    return default_cache_dir()


def _read(path: Path) -> Mapping[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return {}
    if not isinstance(document, dict) or document.get("version") != _VERSION:
        return {}
    headers = document.get("headers")
    return headers if isinstance(headers, dict) else {}


def _survives_json(value: Any) -> bool:
    """Whether ``value`` comes back from JSON as it went in (YAML can make dates, sets, keys
    that are not strings; those headers are simply parsed every time)."""
    try:
        back = json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return False
    return _same(back, value)


def _same(a: Any, b: Any) -> bool:
    # `==` alone would take 1 for True and 1.0 for 1: the types must match too.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # in order: parameters are
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
