from __future__ import annotations

from pathlib import Path

import pytest

import citynet
from citynet import resources

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "reference"


@pytest.fixture(scope="session")
def graph() -> citynet.KnowledgeGraph:
    return citynet.shipped_graph()


@pytest.fixture(scope="module")
def site(graph, tmp_path_factory) -> Path:
    """The site ``citynet publish`` writes for the shipped graph: one per test module, so that
    no module sees another's changes to it."""
    from citynet.publish.site import publish

    out = tmp_path_factory.mktemp("site") / "site"
    publish(graph, out)
    return out


@pytest.fixture(scope="session")
def report() -> citynet.ValidationReport:
    return citynet.validate()


def turtle_files() -> list[Path]:
    return [resources.ontology_path(), resources.shapes_path(), *resources.data_files()]


needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason=f"the reference material ({REFERENCE}) is not next to this checkout; "
    "these tests compare data/ with it")
