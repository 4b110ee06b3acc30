"""The ontology: a full header, and every term the project uses is declared in it."""

from __future__ import annotations

import importlib.util
import re

import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS

from citynet import resources

from .conftest import REPO, turtle_files

CN = "https://w3id.org/citynet/def#"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ontology_path(), format="turtle")


def declared_terms(ontology: Graph) -> set[str]:
    return {str(s) for s in ontology.subjects(RDF.type, None) if str(s).startswith(CN)}


def test_ontology_header(ontology):
    node = URIRef("https://w3id.org/citynet/def")
    assert (node, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, OWL.versionIRI,
                 OWL.versionInfo):
        assert ontology.value(node, prop) is not None, prop
    assert {t.language for t in ontology.objects(node, DCTERMS.title)} == {"en", "de"}


def used_terms(text: str) -> set[str]:
    full = set(re.findall(r"<(https://w3id\.org/citynet/def#[A-Za-z0-9_]+)>", text))
    prefixed = {CN + local for local in re.findall(r"(?<![\w-])cn:([A-Za-z][A-Za-z0-9_]*)", text)}
    return full | prefixed


@pytest.mark.parametrize("path", [*turtle_files(), *sorted(resources.queries_dir().glob("*.rq")),
                                  *sorted((REPO / "src" / "citynet").rglob("*.py"))],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_every_citynet_term_used_is_declared(ontology, path):
    undeclared = used_terms(path.read_text(encoding="utf-8")) - declared_terms(ontology)
    assert undeclared == set()


def test_every_class_and_property_is_labelled_in_english_and_german(ontology):
    for term in declared_terms(ontology):
        languages = {label.language for label in ontology.objects(URIRef(term), RDFS.label)}
        assert {"en", "de"} <= languages, term


def test_namespace_module_is_generated_from_the_current_ontology(ontology):
    spec = importlib.util.spec_from_file_location("generate_namespace", REPO / "scripts" / "generate_namespace.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    current = (REPO / "src" / "citynet" / "namespace.py").read_text(encoding="utf-8")
    assert generator.render(ontology) == current, "run: python scripts/generate_namespace.py"
