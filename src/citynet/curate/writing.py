"""Writing several data files as one change: validated in a staging folder first, then each
replaced atomically; if one replacement fails, those already made are undone."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from citynet.output import atomic_write
from citynet.validation.validator import validate


def stage_and_validate(files: list[Path], staged: Mapping[Path, str]) -> list[tuple[str, str | None, str]]:
    """Validate the data as it would be with the ``staged`` texts; the violations as (entity,
    property path, message)."""
    with tempfile.TemporaryDirectory(prefix="citynet-import-") as folder:
        paths = []
        for path in files:
            target = Path(folder) / path.name
            if path in staged:
                target.write_text(staged[path], encoding="utf-8")
            else:
                shutil.copyfile(path, target)
            paths.append(target)
        report = validate(paths)
        return [(str(finding.about), str(finding.path) if finding.path else None, finding.message)
                for finding in report.violations]


def write_all(staged: Mapping[Path, str]) -> None:
    """Replace every file with its staged text, each atomically; on a failure, put back those
    already replaced."""
    originals = {path: path.read_bytes() for path in staged if path.exists()}
    done: list[Path] = []
    for path in staged:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        for path, text in sorted(staged.items()):
            atomic_write(path, text)
            done.append(path)
    except BaseException:
        for path in done:
            if path in originals:
                atomic_write(path, originals[path].decode("utf-8"))
            else:
                path.unlink(missing_ok=True)
        raise
