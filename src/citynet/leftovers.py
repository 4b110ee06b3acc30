"""Temporary files and folders that name the process that made them, so that a later run can
remove what a killed run left behind (``kill -9``, a power cut) without touching what a run
that is still going is working on.

An owned name ends in an *owner tag*, ``<host>-<pid>-<start>-<random>``: a hash of the host
name, the process id, and the process's start time (clock ticks since boot, from ``/proc``;
0 where there is no ``/proc``). The owner of an entry is gone when no process has its id, when
the process that has it started at another time (the id was given to a new process), or when
that process is a zombie. An entry made on another host (a folder shared over the network) is
never judged, and so never removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
from functools import cache
from pathlib import Path

_TAG = re.compile(r"(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})-(?P<start>[0-9]{1,20})-[0-9a-f]{8}")


@cache
def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _stat(pid: int) -> tuple[str, int] | None:
    """The state letter and start time of process ``pid``, from ``/proc``; None without it."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        fields = text.rsplit(")", 1)[1].split()  # the command name, in parentheses, may hold spaces
        return fields[0], int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


@cache
def _own_start() -> int:
    found = _stat(os.getpid())
    return 0 if found is None else found[1]


def owner_tag() -> str:
    """A new tag naming this process as the owner."""
    return f"{_host()}-{os.getpid()}-{_own_start()}-{secrets.token_hex(4)}"


def owner_gone(host: str, pid: int, start: int) -> bool:
    """Whether the process a tag names has ended; False where that cannot be known."""
    if host != _host() or pid <= 0:
        return False  # another machine's, or not a process id at all (0 and below name groups)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # a process of another user has that id: it is alive
    except OSError:
        return False
    found = _stat(pid)
    if found is None:
        return False  # it exists, and without /proc nothing more can be told
    state, started = found
    return state == "Z" or (start != 0 and started != start)


def create_file(folder: Path, prefix: str, suffix: str = "", mode: int = 0o600) -> tuple[int, Path]:
    """A new file ``folder/<prefix><owner tag><suffix>``, open for writing: its descriptor and
    path. ``mode`` is given to the system, which applies the umask to it."""
    while True:
        path = folder / f"{prefix}{owner_tag()}{suffix}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode), path
        except FileExistsError:
            continue


def create_folder(parent: Path, prefix: str, mode: int = 0o700) -> Path:
    """A new folder ``parent/<prefix><owner tag>``."""
    while True:
        path = parent / f"{prefix}{owner_tag()}"
        try:
            path.mkdir(mode)
            return path
        except FileExistsError:
            continue


def abandoned(folder: Path, prefix: str, suffix: str = "") -> list[Path]:
    """The entries of ``folder`` named ``<prefix>…<owner tag><suffix>`` whose owner is gone."""
    found = []
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []
    for name in names:
        if not name.startswith(prefix) or not name.endswith(suffix):
            continue
        middle = name[len(prefix):len(name) - len(suffix)]
        match = re.search(rf"(?:^|[.-]){_TAG.pattern}$", middle)
        if match and owner_gone(match["host"], int(match["pid"]), int(match["start"])):
            found.append(folder / name)
    return sorted(found)


def sweep(folder: Path, prefix: str, suffix: str = "") -> list[Path]:
    """Remove what :func:`abandoned` finds; returns what was removed. Failures are ignored:
    a leftover that cannot be removed now is tried again by the next run."""
    removed = []
    for path in abandoned(folder, prefix, suffix):
        remove(path)
        if not os.path.lexists(path):
            removed.append(path)
    return removed


def remove(path: Path) -> None:
    """Delete a file or a folder tree (a symbolic link is removed, never followed)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
