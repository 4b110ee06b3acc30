"""Where curation works: the repository that holds ``data/``, ``releases/`` and the changelog."""

from __future__ import annotations

from pathlib import Path

from citynet import resources
from citynet.errors import InputError


def repository_root(given: Path | None = None) -> Path:
    """The repository given, or the checkout citynet runs from (its data folder is the one
    ``citynet validate`` reads)."""
    root = given if given is not None else resources.resource_root()
    if not (root / "data").is_dir():
        raise InputError("no data/ folder here: curation works in a citynet repository", path=root,
                         hint="pass --repo with the folder that holds data/ and releases/")
    return root
