"""The catalog harvested as a CKAN portal harvests it: ckanext-dcat's own RDFParser reads the
output of `citynet catalog` into CKAN dataset dicts, with a licence register that holds the
DCAT-AP.de licences as GovData's does. No CKAN server or database is needed; the CKAN and
ckanext-dcat packages are (the `harvest` extra)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, SKOS

from citynet.cli import main
from citynet.publish.exports import MEDIA_TYPES, SUFFIXES, export_bytes
from citynet.publish.publication import load_config

from .conftest import SHARED

try:
    from ckanext.dcat.processors import RDFParser
    from ckantoolkit import config as ckan_config
except ImportError as missing:  # pragma: no cover - depends on the environment
    pytest.skip(f"CKAN and ckanext-dcat are not installed ({missing}); "
                "install them with: pip install -e '.[harvest]'", allow_module_level=True)

# Warnings from inside CKAN and ckanext-dcat (rdflib's ConjunctiveGraph, passlib's crypt).
pytestmark = [pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
              pytest.mark.filterwarnings("ignore:'crypt' is deprecated:DeprecationWarning")]

LICENCES = SHARED / "external" / "dcat-ap" / "vocab" / "dcat-ap-de-licenses-open.rdf"
GOVDATA = Namespace("http://govdata.de/mqa/#")
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
REGISTER_OPTION = "licenses_group_url"

needs_licence_list = pytest.mark.skipif(
    not LICENCES.is_file(), reason=f"the DCAT-AP.de licence list ({LICENCES}) is not next to this checkout")


def govdata_style_register(vocabulary: Path) -> list[dict[str, str]]:
    """CKAN licence entries for the DCAT-AP.de licence list, shaped as GovData's register:
    the id is the DCAT-AP.de IRI, the title the list's name for it, the url the licence text."""
    licences = Graph().parse(vocabulary)
    register = []
    for concept in sorted(licences.subjects(RDF.type, SKOS.Concept)):
        is_open = str(licences.value(concept, GOVDATA.isOpenLicense)) == "true"
        register.append({
            "id": str(concept),
            "title": str(licences.value(concept, SKOS.prefLabel)),
            "url": str(licences.value(concept, FOAF.homepage) or ""),
            "status": "active",
            "od_conformance": "approved" if is_open else "not reviewed",
            "osd_conformance": "approved" if is_open else "not reviewed",
        })
    return register


@contextmanager
def licence_register(entries: list[dict[str, str]] | None, folder: Path) -> Iterator[None]:
    """CKAN's `licenses_group_url` set to a file with ``entries`` (None: CKAN's default register)."""
    before = ckan_config.get(REGISTER_OPTION)
    if entries is None:
        ckan_config.pop(REGISTER_OPTION, None)
    else:
        path = folder / "licenses.json"
        path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        ckan_config[REGISTER_OPTION] = path.as_uri()
    try:
        yield
    finally:
        if before is None:
            ckan_config.pop(REGISTER_OPTION, None)
        else:
            ckan_config[REGISTER_OPTION] = before


def harvest(catalog_text: str) -> list[dict[str, Any]]:
    """What ckanext-dcat's RDF harvester makes of the catalog (its default profile, DCAT-AP 3)."""
    parser = RDFParser()
    parser.parse(catalog_text, _format="turtle")
    return list(parser.datasets())


@pytest.fixture(scope="module")
def catalog_text(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("harvest") / "catalog.ttl"
    assert main(["catalog", "-o", str(path)]) == 0
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def harvested(catalog_text, tmp_path_factory) -> dict[str, Any]:
    if not LICENCES.is_file():
        pytest.skip(f"the DCAT-AP.de licence list ({LICENCES}) is not next to this checkout")
    with licence_register(govdata_style_register(LICENCES), tmp_path_factory.mktemp("register")):
        datasets = harvest(catalog_text)
    assert len(datasets) == 1, [d.get("title") for d in datasets]
    return datasets[0]


@needs_licence_list
def test_one_dataset_with_its_title_and_licence(harvested):
    config = load_config()
    assert harvested["title"] in config.dataset.title.values()
    assert harvested["license_id"] == config.licence.iri
    extras = {extra["key"]: extra["value"] for extra in harvested["extras"]}
    assert extras["uri"] == config.dataset_iri
    assert extras["publisher_name"] == config.publisher.name


@needs_licence_list
def test_eight_downloads_with_size_and_checksum_of_the_files(harvested, graph):
    config = load_config()
    downloads = [r for r in harvested["resources"] if r.get("download_url")]
    assert sorted(r["url"] for r in downloads) == sorted(config.download_url(SUFFIXES[f]) for f in MEDIA_TYPES)
    by_url = {config.download_url(SUFFIXES[fmt]): fmt for fmt in MEDIA_TYPES}
    for resource in downloads:
        content = export_bytes(graph, by_url[resource["url"]])
        assert resource["size"] == len(content)
        assert resource["hash"] == hashlib.sha256(content).hexdigest()
        assert resource["hash_algorithm"] == SHA256
        assert resource["mimetype"].endswith(MEDIA_TYPES[by_url[resource["url"]]])
        assert resource["license"] == config.licence.iri


@needs_licence_list
def test_the_sparql_endpoint_is_a_resource_with_its_access_service(harvested):
    config = load_config()
    [endpoint] = [r for r in harvested["resources"] if not r.get("download_url")]
    assert len(harvested["resources"]) == len(MEDIA_TYPES) + 1
    assert endpoint["url"] == endpoint["access_url"] == config.sparql_endpoint
    [service] = json.loads(endpoint["access_services"])
    assert service["uri"] == f"{config.catalog_iri}/service/sparql"
    assert service["endpoint_url"] == [config.sparql_endpoint]
    assert service["serves_dataset"] == [config.dataset_iri]


@needs_licence_list
def test_the_register_is_what_finds_the_licence(catalog_text, tmp_path):
    """CKAN's default register does not know the DCAT-AP.de licence IRIs: no licence, as in the issue."""
    with licence_register(None, tmp_path):
        [dataset] = harvest(catalog_text)
    assert dataset["license_id"] == ""
    assert URIRef(load_config().licence.iri) in Graph().parse(data=catalog_text, format="turtle").all_nodes()
