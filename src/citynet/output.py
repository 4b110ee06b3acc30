"""Writing results: to standard output, or atomically to a file.

A file is written through a temporary file next to it, renamed over it when complete: a
reader never sees half a file, and a failure (a full disk, a kill) leaves the old file as it
was. A new file gets the mode the umask gives (0644 under umask 022, as ``publish`` writes);
a file that is replaced keeps its mode. The temporary file's name carries its owner (see
:mod:`citynet.leftovers`): the next write of the same file removes one that a killed run
left, and never one that a running command is writing.

Where the target is not a regular file (a FIFO, a device such as ``/dev/stdout``), the text is
written into it directly: renaming a file over it would replace it.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from citynet import leftovers
from citynet.errors import InputError

_TEMPORARY_SUFFIX = ".tmp"

_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or write elsewhere",
    errno.EDQUOT: "the disk quota is used up: free some space, or write elsewhere",
    errno.EFBIG: "the file is larger than this system allows a file to be (see `ulimit -f`)",
    errno.EACCES: "you may not write in that folder: choose another, or change its permissions",
    errno.EPERM: "you may not write in that folder: choose another, or change its permissions",
    errno.EROFS: "that file system is read-only: write elsewhere",
    errno.ENOENT: "the file is written next to its target and renamed: the folder must let files "
                  "be created in it",
}


def write_error(path: Path, error: OSError, *, doing: str = "cannot write the file",
                after: str = "; an existing file was left as it was") -> InputError:
    """An OSError met while writing ``path`` as a message that names the file, says what the
    system said, and what to do (the hint for its errno, then ``after``)."""
    reason = error.strerror or str(error)
    hint = _HINTS.get(error.errno or 0, "check the path, the disk space and the permissions")
    return InputError(f"{doing}: {reason}", path=path, hint=hint + after)


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become ``path`` when the ``with`` block ends without an
    error (see the module's description). OSErrors become an InputError naming ``path``."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()  # write the file the link points to; keep the link
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("folder does not exist", path=folder, hint="create it first, or choose another -o path")
    existing = _status(path)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise InputError("is a folder, not a file", path=path, hint="give a file name")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with _direct(path) as stream:
            yield stream
        return
    leftovers.sweep(folder, _temporary_prefix(path), _TEMPORARY_SUFFIX)
    mode = 0o666 if existing is None else stat.S_IMODE(existing.st_mode)
    try:
        handle, temporary = leftovers.create_file(folder, _temporary_prefix(path), _TEMPORARY_SUFFIX, mode)
    except OSError as error:
        raise write_error(path, error, doing=f"cannot create a file in {folder}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if existing is not None:
            os.chmod(temporary, mode)  # the umask may have taken bits the old file had
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise write_error(path, error) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def _direct(path: Path) -> Iterator[BinaryIO]:
    try:
        with path.open("wb") as stream:
            yield stream
    except OSError as error:
        raise write_error(path, error) from None


def _status(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise write_error(path, error, doing="cannot look at the file") from None


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) or bytes to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path) as stream:
        stream.write(text.encode("utf-8") if isinstance(text, str) else text)


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        atomic_write(output, text if text.endswith("\n") else text + "\n")


def emit_stream(write: Callable[[BinaryIO], None], output: Path | None) -> None:
    """What ``write`` writes into a binary stream, to ``output`` atomically (see
    :func:`atomic_file`) or to standard output, as it is written: for output too large to
    hold (an export). ``write`` ends its output with a newline itself."""
    if output is not None:
        with atomic_file(output) as stream:
            write(stream)
        return
    sys.stdout.flush()  # what was printed before goes first
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stand-in for stdout (a test's): the text, whole
        held = io.BytesIO()
        write(held)
        sys.stdout.write(held.getvalue().decode("utf-8"))
        return
    write(binary)
    binary.flush()
