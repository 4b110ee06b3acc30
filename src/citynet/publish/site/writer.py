"""Writing the site: into a temporary sibling folder, then swapped for OUTDIR.

A reader of OUTDIR sees the old site or the new one, never half of either; a failed
build leaves the old site as it was. A build killed with ``kill -9`` leaves its folder
behind: the next publish into the same OUTDIR removes it (see :func:`recover`). OUTDIR is
replaced only when it is missing, empty, or a previous citynet site (it holds the marker file :data:`MARKER`); any
other folder is refused with an :class:`~citynet.errors.InputError`.

A file whose bytes are the same as in the site it replaces keeps that file's modification
time. A web server derives ``Last-Modified`` (and, for most, the ``ETag``) from it, so a
harvester asking "changed since?" hears "no" for every download whose data did not change.
"""

from __future__ import annotations

import contextlib
import filecmp
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import citynet
from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph
from citynet.leftovers import abandoned, create_folder, owner_tag, remove, sweep
from citynet.publish.site.render import site_files

MARKER = ".citynet-site"


@dataclass(frozen=True)
class PublishResult:
    outdir: Path
    files: int
    pages: int


def check_target(outdir: Path) -> None:
    """Refuse an OUTDIR that publishing must not replace."""
    parent = outdir.parent
    if not parent.is_dir():
        raise InputError("the folder to publish into does not exist", path=parent,
                         hint="create it first, or choose another output folder")
    if outdir.is_symlink():
        raise InputError("the output folder is a symbolic link; citynet will not replace it", path=outdir,
                         hint="give the folder it points to, or a new folder")
    if outdir.exists() and not outdir.is_dir():
        raise InputError("the output path exists and is not a folder", path=outdir,
                         hint="choose a new folder for the site")
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MARKER).is_file():
        raise InputError(f"the folder {outdir} is not empty and does not look like a citynet site "
                         f"(it has no {MARKER} file); citynet will not replace it", path=outdir,
                         hint="choose a new or empty folder, or one that citynet published before")


def _write_tree(graph: KnowledgeGraph, folder: Path) -> PublishResult:
    files = pages = 0
    for relative, content in site_files(graph):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, (str, bytes)):
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        else:
            with target.open("wb") as stream:  # a download: written as it is made
                content(stream)
        files += 1
        pages += relative.endswith(".html")
    marker = {"generator": f"citynet {citynet.__version__}", "files": files, "pages": pages}
    (folder / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    return PublishResult(folder, files, pages)


def keep_times_of_unchanged_files(new: Path, old: Path) -> None:
    """Give each file in ``new`` that is byte for byte the same file in ``old`` the old
    one's modification time."""
    for path in new.rglob("*"):
        before = old / path.relative_to(new)
        if not path.is_file() or before.is_symlink() or not before.is_file():
            continue
        status = before.stat()
        # filecmp compares in blocks: a download may be larger than memory should hold twice.
        if status.st_size == path.stat().st_size and filecmp.cmp(before, path, shallow=False):
            os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def publish(graph: KnowledgeGraph | None, outdir: Path | str) -> PublishResult:
    """Build the whole site for ``graph`` and put it at ``outdir`` in one step."""
    outdir = Path(os.path.abspath(outdir))  # "." and "a/../b" made plain; symbolic links not followed
    check_target(outdir)
    recover(outdir)
    graph = graph or shipped_graph()
    try:
        building = create_folder(outdir.parent, _building_prefix(outdir), mode=0o777)  # the umask applies
    except OSError as error:
        raise InputError(f"cannot create a folder next to {outdir}: {error.strerror}", path=outdir.parent,
                         hint="publish into a folder you can write to") from None
    try:
        result = _write_tree(graph, building)
        if (outdir / MARKER).is_file():
            keep_times_of_unchanged_files(building, outdir)
        _replace(building, outdir)
    except OSError as error:
        shutil.rmtree(building, ignore_errors=True)
        raise InputError(f"cannot write the site: {error}", path=outdir,
                         hint="nothing was changed; check the disk space and permissions") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return PublishResult(outdir, result.files, result.pages)


def _building_prefix(outdir: Path) -> str:
    return f".{outdir.name}.building-"


def _old_prefix(outdir: Path) -> str:
    return f".{outdir.name}.old-"


def recover(outdir: Path) -> None:
    """Clear up after publish runs into ``outdir`` that were killed: remove the folders they
    were building, and the old sites they had moved aside, but only those of runs that have
    ended (the folders' names say which process made them; see :mod:`citynet.leftovers`). A
    run killed between its two renames left no OUTDIR: its old site is put back first."""
    sweep(outdir.parent, _building_prefix(outdir))
    aside = abandoned(outdir.parent, _old_prefix(outdir))
    sites = [folder for folder in aside if (folder / MARKER).is_file()]
    if sites and not os.path.lexists(outdir):
        newest = max(sites, key=lambda folder: folder.stat().st_mtime)
        with contextlib.suppress(OSError):  # else left for the next run; this one puts a new site there
            os.rename(newest, outdir)
    for folder in aside:
        if os.path.lexists(folder):
            remove(folder)


def _replace(new: Path, outdir: Path) -> None:
    """Put ``new`` at ``outdir``: the old site moves aside, the new one takes its name,
    then the old one is deleted (and put back if the second rename fails)."""
    if not outdir.exists():
        os.rename(new, outdir)
        return
    check_target(outdir)  # again, just before touching it
    old = outdir.parent / f"{_old_prefix(outdir)}{owner_tag()}"
    os.rename(outdir, old)
    try:
        os.rename(new, outdir)
    except BaseException:
        os.rename(old, outdir)
        raise
    shutil.rmtree(old, ignore_errors=True)
