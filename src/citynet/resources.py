"""Where the ontology, shapes, data and stored queries live.

In a wheel they are packaged under ``citynet/_resources``; in a checkout (and an
editable install, which does not copy them) they are the top-level folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ONTOLOGY_FILE = "citynet.ttl"
SHAPES_FILE = "shapes.ttl"


@cache
def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``."""
    packaged = Path(__file__).resolve().parent / "_resources"
    checkout = Path(__file__).resolve().parents[2]
    for root in (packaged, checkout):
        if (root / "ontology" / ONTOLOGY_FILE).is_file():
            return root
    raise FileNotFoundError(
        "citynet cannot find its ontology: looked in "
        f"{packaged} (installed wheel) and {checkout} (source checkout)"
    )


def is_installed_package(root: Path) -> bool:
    """Whether ``root`` is the copy of the resources that a wheel installs (not a checkout)."""
    return root == Path(__file__).resolve().parent / "_resources"


def ontology_path() -> Path:
    return resource_root() / "ontology" / ONTOLOGY_FILE


def shapes_path() -> Path:
    return resource_root() / "ontology" / SHAPES_FILE


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"


def data_files() -> list[Path]:
    """The shipped data files, in a stable order."""
    return sorted(data_dir().glob("*.ttl"))
