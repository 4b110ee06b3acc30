"""The package finds its ontology, data and queries from a checkout (editable
install) and from a built wheel: the two see package data differently."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from citynet import resources

from .conftest import REPO

pytestmark = pytest.mark.slow


def test_checkout_resources_are_the_top_level_folders():
    assert resources.resource_root() == REPO
    assert resources.ontology_path() == REPO / "ontology" / "citynet.ttl"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True)
    return next(out.glob("citynet-*.whl"))


def test_wheel_carries_ontology_data_and_queries(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("ontology", "data", "queries", "config"):
        shipped = {p.name for p in (REPO / folder).iterdir() if p.is_file()}
        packaged = {Path(n).name for n in names if n.startswith(f"citynet/_resources/{folder}/")}
        assert shipped and shipped == packaged, folder
    templates = REPO / "src" / "citynet" / "publish" / "site" / "templates"
    shipped = {p.relative_to(templates).as_posix() for p in templates.rglob("*") if p.is_file()}
    packaged = {n.removeprefix("citynet/publish/site/templates/") for n in names
                if n.startswith("citynet/publish/site/templates/")}
    assert shipped and shipped == packaged


def test_wheel_is_typed_and_has_the_packages_one_version(wheel):
    import citynet

    archive = zipfile.ZipFile(wheel)
    assert "citynet/py.typed" in archive.namelist()  # type checkers read citynet's hints (PEP 561)
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    assert f"Version: {citynet.__version__}\n" in archive.read(metadata).decode("utf-8")
    assert wheel.name.startswith(f"citynet-{citynet.__version__}-")


def test_installed_wheel_runs_from_anywhere(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    script = ("import citynet, citynet.resources as r; "
              "print(r.resource_root()); "
              "print(citynet.validate().passes()); "
              "print(len(citynet.query('members-of-network', network='ICNCM'))); "
              "from citynet.publish.site import render_page; "
              "print('<h1>Rostock</h1>' in render_page(None, 'https://w3id.org/citynet/id/city/rostock'))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                            cwd=tmp_path, check=True)
    root, conforms, members, page = result.stdout.split()
    assert Path(root).is_relative_to(target)
    assert (conforms, members, page) == ("True", "22", "True")  # the page: its templates come along
