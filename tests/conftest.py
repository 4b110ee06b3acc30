from __future__ import annotations

import os
import shutil
import tempfile
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


# citynet's cache (persistent stores, the stored queries' header cache) goes to a folder of the
# test run's own, made before collection (test modules read the catalogue as they are imported),
# not to the user's ~/.cache/citynet. A CITYNET_CACHE_DIR given to pytest is used as it is.
_own_cache: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _own_cache
    if not os.environ.get("CITYNET_CACHE_DIR"):
        _own_cache = os.environ["CITYNET_CACHE_DIR"] = tempfile.mkdtemp(prefix="citynet-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _own_cache is not None:
        os.environ.pop("CITYNET_CACHE_DIR", None)
        shutil.rmtree(_own_cache, ignore_errors=True)


needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason=f"the reference material ({REFERENCE}) is not next to this checkout; "
    "these tests compare data/ with it")


# ---------------------------------------------------------------- real triplestores

def _store(name: str, tmp_path_factory):
    from tests import triplestores

    reason = triplestores.missing(name)
    if reason:
        pytest.skip(reason)
    server = triplestores.start(name, tmp_path_factory.mktemp(name))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory):
    """The Oxigraph server, writable, on 127.0.0.1 (one for the whole run)."""
    yield from _store("oxigraph", tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_store(tmp_path_factory):
    """Virtuoso 7 with Debian's stock virtuoso.ini, on 127.0.0.1 (one for the whole run)."""
    yield from _store("virtuoso", tmp_path_factory)


def drop_graph(server, graph_iri: str) -> None:
    """Remove a named graph a test module pushed, so that the next module finds the store as it was
    (Virtuoso's cost estimator counts the data of every graph)."""
    import httpx

    auth = httpx.DigestAuth(server.user, server.password) if server.user else None
    httpx.post(server.update, data={"update": f"DROP SILENT GRAPH <{graph_iri}>"}, auth=auth, timeout=300,
               trust_env=False).raise_for_status()
