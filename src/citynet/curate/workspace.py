"""Where curation works: the repository that holds ``data/``, ``releases/`` and the changelog."""

from __future__ import annotations

from pathlib import Path

from citynet import resources
from citynet.errors import InputError


def repository_root(given: Path | None = None, *, writing: bool = False) -> Path:
    """The repository given, or the checkout citynet runs from (its data folder is the one
    ``citynet validate`` reads). ``writing``: refuse an installed package's copy."""
    root = given if given is not None else resources.resource_root()
    if writing and given is None and resources.is_installed_package(root):
        # An installed wheel's copy of data/ is not anyone's source: changes there would be lost
        # with the next install, and the folder may not be the user's to write.
        raise InputError("citynet runs from an installed package, whose data/ is a copy that the next "
                         "install replaces", path=root,
                         hint="curate in a checkout of the repository: give its folder "
                              "(import: --data, release: --repo)")
    if not (root / "data").is_dir():
        raise InputError("no data/ folder here: curation works in a citynet repository", path=root,
                         hint="pass --repo with the folder that holds data/ and releases/")
    return root
