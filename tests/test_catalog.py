"""Dataset descriptions: the DCAT-AP.de catalog passes the official shapes, the VoID
numbers agree with the store, the schema.org Dataset is JSON-LD, and the publication
config is checked key by key."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, VOID

import citynet
from citynet.errors import InputError
from citynet.namespace import CN
from citynet.publish import catalog
from citynet.publish.downloads import downloads
from citynet.publish.exports import MEDIA_TYPES, RDF_FORMATS, SUFFIXES, export_bytes
from citynet.publish.publication import CONTRIBUTORS, config_path, load_config

from .conftest import SHARED

DCAT_AP = SHARED / "external" / "dcat-ap"
VALIDATOR = DCAT_AP / "validate.py"
# plain namespaces: rdflib's DCAT and XSD warn when pytest looks them over for fixtures
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
DCATDE = rdflib.Namespace("http://dcat-ap.de/def/dcatde/")
SCHEMA = rdflib.Namespace("https://schema.org/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")

needs_dcat_ap = pytest.mark.skipif(
    not VALIDATOR.is_file(),
    reason=f"the official DCAT-AP shapes and their validator ({VALIDATOR}) are missing: "
    "this checkout has no ../shared/external/dcat-ap next to it")


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def dcat(graph, config) -> Graph:
    return catalog.build_catalog(graph, config)


@pytest.fixture(scope="module")
def void(graph, config) -> Graph:
    return catalog.build_void(graph, config)


@pytest.fixture(scope="module")
def catalog_file(dcat, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "catalog.ttl"
    path.write_text(catalog.render(dcat, "turtle"), encoding="utf-8")
    return path


def canonical(graph: Graph) -> set:
    return set(to_canonical_graph(graph))


# ---------------------------------------------------------------- the official shapes

PROFILES = [
    ("dcatapde-3.0-spec", []),
    ("dcatapde-2.0-spec-konv", []),
    ("dcatap-3.0.1-full1", ["--prune-dangling"]),
    ("dcatap-3.0.1-codelists", []),
]

DOWNLOADS = len(MEDIA_TYPES)
# The profiles disagree on a download's size and checksum, so no catalog that gives them can
# pass all four. The catalog follows DCAT-AP 3 and DCAT-AP.de 3.0 (what GovData checks today);
# these are the violations that leaves, one per download, and nothing else may appear.
CONFLICTS: dict[str, dict[tuple[str, str], int]] = {
    "dcatapde-3.0-spec": {},
    "dcatap-3.0.1-full1": {},
    # DCAT-AP.de 2.0 types dcat:byteSize as xsd:decimal, where DCAT 3, DCAT-AP 3 and DCAT-AP.de 3.0
    # want xsd:nonNegativeInteger; and it takes spdx:algorithm only from its own hash list
    # (http://dcat-ap.de/def/hashAlgorithms), which DCAT-AP.de 3.0 deprecates for SPDX's.
    "dcatapde-2.0-spec-konv": {("dcat:byteSize", "sh:DatatypeConstraintComponent"): DOWNLOADS,
                               ("skos:inScheme", "sh:HasValueConstraintComponent"): DOWNLOADS},
    # The code-list shape wants an algorithm IRI starting "https://spdx.org/rdf/terms"; SPDX's
    # namespace is http://spdx.org/rdf/terms#, so its own checksumAlgorithm_sha256 fails.
    "dcatap-3.0.1-codelists": {("spdx:algorithm", "sh:NodeConstraintComponent"): DOWNLOADS},
}


def run_validator(profile: str, options: list[str], path: Path) -> tuple[dict, list[str], int]:
    done = subprocess.run([sys.executable, str(VALIDATOR), profile, str(path), *options, "--max", "200"],
                          capture_output=True, text=True, timeout=300, check=False)
    lines = done.stdout.splitlines()
    assert lines, f"validate.py printed nothing; stderr:\n{done.stderr}"
    return json.loads(lines[0]), lines[1:], done.returncode


def violations_by_kind(results: list[str]) -> dict[tuple[str, str], int]:
    """``sh:Violation x8 | focus=… | path=P | value=… | COMPONENT | message`` lines, counted by (P, COMPONENT)."""
    counted: dict[tuple[str, str], int] = {}
    for line in results:
        if "Violation x" not in line:
            continue
        fields = [field.strip() for field in line.split(" | ")]
        kind = (fields[2].removeprefix("path="), fields[4].replace("shacl:", "sh:"))
        counted[kind] = counted.get(kind, 0) + int(fields[0].split(" x")[1])
    return counted


@pytest.mark.slow
@needs_dcat_ap
@pytest.mark.parametrize(("profile", "options"), PROFILES, ids=[p for p, _ in PROFILES])
def test_catalog_meets_official_profile_but_for_the_known_conflicts(profile, options, catalog_file):
    summary, results, returncode = run_validator(profile, options, catalog_file)
    assert violations_by_kind(results) == CONFLICTS[profile], "\n".join(results)
    assert summary["violations"] == sum(CONFLICTS[profile].values())
    assert returncode == (1 if CONFLICTS[profile] else 0)
    # the shapes ran on the catalog (and the vocabularies), not on an empty graph
    assert summary["data_triples"] == len(Graph().parse(catalog_file))


@pytest.mark.slow
@needs_dcat_ap
@pytest.mark.parametrize(("profile", "options"), PROFILES, ids=[p for p, _ in PROFILES])
def test_without_sizes_and_checksums_every_profile_passes(profile, options, dcat, tmp_path):
    """The conflicts above come from the sizes and checksums alone: the rest meets all four."""
    bare = Graph()
    for triple in dcat:
        bare.add(triple)
    for checksum in list(bare.objects(None, SPDX.checksum)):
        bare.remove((checksum, None, None))
    bare.remove((None, SPDX.checksum, None))
    bare.remove((None, DCAT.byteSize, None))
    bare.remove((SPDX.checksumAlgorithm_sha256, None, None))
    path = tmp_path / "bare.ttl"
    path.write_text(bare.serialize(format="turtle"), encoding="utf-8")
    summary, results, returncode = run_validator(profile, options, path)
    assert summary["violations"] == 0, "\n".join(results)
    assert returncode == 0


@pytest.mark.slow
@needs_dcat_ap
@pytest.mark.parametrize(("profile", "options"), PROFILES, ids=[p for p, _ in PROFILES])
def test_only_warning_left_is_the_publisher_outside_the_eu_corporate_bodies(profile, options, catalog_file):
    """The EU code lists recommend a publisher from the EU corporate-bodies list, which
    names EU institutions only; a city is not in it. Every other warning was fixed."""
    summary, results, _ = run_validator(profile, options, catalog_file)
    warnings = [line for line in results if "Warning" in line]
    assert len(warnings) == summary["warnings"]
    for line in warnings:
        assert "path=dct:publisher" in line and "CorporateBodyRestriction" in line, line


@pytest.mark.slow
@needs_dcat_ap
def test_validator_catches_a_broken_catalog(dcat, tmp_path):
    """The profile run above can fail: a distribution without a licence is a violation."""
    broken = Graph()
    for triple in dcat:
        broken.add(triple)
    broken.remove((None, DCTERMS.license, None))
    path = tmp_path / "broken.ttl"
    path.write_text(broken.serialize(format="turtle"), encoding="utf-8")
    summary, _, returncode = run_validator("dcatapde-3.0-spec", [], path)
    assert summary["violations"] > 0 and returncode == 1


@needs_dcat_ap
def test_config_labels_are_those_of_the_vocabularies(config):
    vocabularies = Graph()
    for path in [*(DCAT_AP / "vocab" / "piveau").glob("*.rdf"), DCAT_AP / "vocab" / "dcat-ap-de-contributors.rdf",
                 DCAT_AP / "vocab" / "dcat-ap-de-licenses-open.rdf", DCAT_AP / "vocab" / "LOCAL-nal-subset.ttl"]:
        vocabularies.parse(path)
    for iri, labels in config.labels.items():
        official = {label.language: str(label) for label in vocabularies.objects(URIRef(iri), SKOS.prefLabel)}
        assert official, f"{iri} is in no vocabulary"
        for language, text in labels.items():
            assert official.get(language) == text, (iri, language)


# ---------------------------------------------------------------- the catalog itself


def downloads_of(dcat: Graph, config) -> list[URIRef]:
    return [d for d in dcat.objects(URIRef(config.dataset_iri), DCAT.distribution)
            if dcat.value(d, DCAT.downloadURL) is not None]


def test_one_distribution_per_export_format_with_its_media_type(dcat, config):
    by_suffix = {suffix: fmt for fmt, suffix in SUFFIXES.items()}
    seen = set()
    for distribution in downloads_of(dcat, config):
        url = str(dcat.value(distribution, DCAT.downloadURL))
        assert url.startswith(config.base_url)
        fmt = by_suffix[Path(url).suffix]
        media_type = str(dcat.value(distribution, DCAT.mediaType))
        assert media_type == f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[fmt]}"
        assert (URIRef(media_type), RDF.type, DCTERMS.MediaType) in dcat
        assert dcat.value(distribution, DCAT.accessURL) is not None
        assert dcat.value(distribution, DCTERMS.license) == URIRef(config.licence.iri)
        assert str(dcat.value(distribution, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")
        seen.add(fmt)
    assert seen == set(MEDIA_TYPES)


def test_every_download_has_the_size_and_checksum_of_its_file(dcat, config, graph):
    """Measured on the bytes `citynet export -o` and `citynet publish` write."""
    by_suffix = {suffix: fmt for fmt, suffix in SUFFIXES.items()}
    for distribution in downloads_of(dcat, config):
        content = export_bytes(graph, by_suffix[Path(str(dcat.value(distribution, DCAT.downloadURL))).suffix])
        size = dcat.value(distribution, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger and int(size) == len(content)
        checksums = list(dcat.objects(distribution, SPDX.checksum))
        assert len(checksums) == 1
        assert (checksums[0], RDF.type, SPDX.Checksum) in dcat
        assert dcat.value(checksums[0], SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = dcat.value(checksums[0], SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary and str(value) == hashlib.sha256(content).hexdigest()


def test_the_sparql_endpoint_is_a_distribution_with_its_service(dcat, config):
    """ckanext-dcat imports a dataset's distributions only: the service must be reached from one."""
    service = URIRef(f"{config.catalog_iri}/service/sparql")
    [distribution] = dcat.subjects(DCAT.accessService, service)
    assert (URIRef(config.dataset_iri), DCAT.distribution, distribution) in dcat
    assert str(dcat.value(distribution, DCAT.accessURL)) == config.sparql_endpoint
    assert str(dcat.value(service, DCAT.endpointURL)) == config.sparql_endpoint
    assert dcat.value(distribution, DCAT.downloadURL) is None
    assert dcat.value(distribution, DCTERMS.license) == URIRef(config.licence.iri)


def test_measured_files_are_those_of_the_config(graph, config):
    """A catalog for another base URL measures the files at that base."""
    moved = replace(config, base_url="https://data.example.org/cn/")
    files = downloads(graph, moved)
    assert {f.url for f in files.values()} == {moved.download_url(SUFFIXES[fmt]) for fmt in MEDIA_TYPES}
    with pytest.raises(ValueError, match="not the one described"):
        catalog.build_catalog(graph, config, files)


def test_every_value_iri_has_a_type(dcat):
    """The DCAT-AP range checks look at rdf:type (licences, media types, publishers, …);
    only plain links (a contact's URL or mailbox, the licence text) need none."""
    links = (VCARD.hasURL, VCARD.hasEmail, rdflib.RDFS.seeAlso)
    untyped = {(p, o) for p, o in dcat.predicate_objects() if isinstance(o, URIRef)
               and p != RDF.type and p not in links and (o, RDF.type, None) not in dcat}
    assert untyped == set()


def test_exactly_one_contributor_id_from_govdata(dcat, config):
    ids = list(dcat.objects(URIRef(config.dataset_iri), DCATDE.contributorID))
    assert len(ids) == 1 and str(ids[0]).startswith(CONTRIBUTORS)


def test_sparql_service_serves_the_dataset(dcat, config):
    service = dcat.value(predicate=DCAT.servesDataset, object=URIRef(config.dataset_iri))
    assert (service, RDF.type, DCAT.DataService) in dcat
    assert str(dcat.value(service, DCAT.endpointURL)) == config.base_url + "sparql"
    assert dcat.value(service, DCTERMS.license) is not None


def test_contact_point_has_an_email_or_url(dcat, config):
    contact = dcat.value(URIRef(config.dataset_iri), DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in dcat
    assert dcat.value(contact, VCARD.hasEmail) or dcat.value(contact, VCARD.hasURL)


def test_modified_is_the_newest_dct_modified_in_the_graph(graph, dcat, config):
    newest = max(o.toPython() for o in graph.rdflib_graph.objects(None, DCTERMS.modified))
    modified = dcat.value(URIRef(config.dataset_iri), DCTERMS.modified)
    assert modified.datatype in (XSD.date, XSD.dateTime)
    assert modified.toPython() == newest


def described_dates(rdf: Graph) -> list[Literal]:
    """Dates and years of what the data describes: not of sources or of the ontology document."""
    skip = set(rdf.subjects(RDF.type, CN.Source)) | set(rdf.subjects(RDF.type, OWL.Ontology))
    return [o for s, _, o in rdf if s not in skip and isinstance(o, Literal)
            and o.datatype in (XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth)]


def test_temporal_coverage_spans_the_dates_in_the_data(graph, dcat, config):
    dates = described_dates(graph.rdflib_graph)
    years = [int(str(d)[:4]) for d in dates]
    period = dcat.value(URIRef(config.dataset_iri), DCTERMS.temporal)
    start, end = dcat.value(period, DCAT.startDate), dcat.value(period, DCAT.endDate)
    assert start.datatype == end.datatype == XSD.date
    assert start.toPython() == datetime.date(min(years), 1, 1)
    assert end.toPython().year == max(years)
    latest_days = [d.toPython() for d in dates if d.datatype == XSD.date and d.toPython().year == max(years)]
    whole_year = any(d.datatype == XSD.gYear and int(str(d)) == max(years) for d in dates)
    assert end.toPython() == (datetime.date(max(years), 12, 31) if whole_year else max(latest_days))


def test_temporal_coverage_follows_the_data(tmp_path, config):
    """Computed, not written down: a membership from 1950 moves the start."""
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                     '<https://w3id.org/citynet/id/event/test> schema:startDate "1950-03-04"^^xsd:date .\n',
                     encoding="utf-8")
    graph = citynet.KnowledgeGraph([*citynet.shipped_graph().data_files, extra])
    assert catalog.temporal_coverage(graph)[0] == Literal("1950-03-04", datatype=XSD.date)


def test_the_base_url_comes_from_the_config(graph, config):
    moved = replace(config, base_url="https://data.example.org/cn/")
    urls = {str(o) for o in catalog.build_catalog(graph, moved).objects(None, DCAT.downloadURL)}
    assert len(urls) == len(MEDIA_TYPES)
    assert all(url.startswith("https://data.example.org/cn/") for url in urls)


def test_config_licence_is_the_ontology_licence(graph, config):
    ontology_licences = {str(o) for o in graph.rdflib_graph.objects(None, DCTERMS.license)}
    assert config.licence.document in ontology_licences


@pytest.mark.parametrize("fmt", ["rdfxml", "jsonld"])
@pytest.mark.parametrize("what", ["dcat", "void"])
def test_round_trip(what, fmt, dcat, void):
    description = dcat if what == "dcat" else void
    parsed = Graph().parse(data=catalog.render(description, fmt), format={"rdfxml": "xml", "jsonld": "json-ld"}[fmt])
    assert canonical(parsed) == canonical(description)


# ---------------------------------------------------------------- VoID


def void_number(void: Graph, subject, predicate) -> int:
    value = void.value(subject, predicate)
    assert value is not None and value.datatype == XSD.integer, predicate
    return int(value)


def test_void_totals_agree_with_the_store(graph, void, config):
    dataset = URIRef(config.dataset_iri)
    rdf = graph.rdflib_graph
    assert void_number(void, dataset, VOID.triples) == len(graph.store) == len(rdf)
    assert void_number(void, dataset, VOID.distinctSubjects) == len(set(rdf.subjects()))
    assert void_number(void, dataset, VOID.distinctObjects) == len(set(rdf.objects()))
    assert void_number(void, dataset, VOID.properties) == len(set(rdf.predicates()))
    assert void_number(void, dataset, VOID.classes) == len(set(rdf.objects(None, RDF.type)))
    entities = {s for s in rdf.subjects() if isinstance(s, URIRef) and str(s).startswith(config.uri_space)}
    assert void_number(void, dataset, VOID.entities) == len(entities) > 0


def test_void_class_partitions_match_direct_counts(graph, void, config):
    partitions = {void.value(p, VOID["class"]): void_number(void, p, VOID.entities)
                  for p in void.objects(URIRef(config.dataset_iri), VOID.classPartition)}
    assert set(partitions) == set(graph.rdflib_graph.objects(None, RDF.type))
    for cls, count in partitions.items():
        direct = graph.rdflib_graph.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }",
                                          initBindings={"class": cls})
        assert count == int(next(iter(direct))[0]), cls


def test_void_property_partitions_match_direct_counts(graph, void, config):
    dataset = URIRef(config.dataset_iri)
    partitions = {void.value(p, VOID.property): void_number(void, p, VOID.triples)
                  for p in void.objects(dataset, VOID.propertyPartition)}
    assert set(partitions) == set(graph.rdflib_graph.predicates())
    for prop, count in partitions.items():
        direct = graph.rdflib_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?property ?o }",
                                          initBindings={"property": prop})
        assert count == int(next(iter(direct))[0]), prop
    assert sum(partitions.values()) == void_number(void, dataset, VOID.triples)


def test_void_links_dumps_endpoint_and_vocabularies(void, config):
    dataset = URIRef(config.dataset_iri)
    assert {str(o) for o in void.objects(dataset, VOID.dataDump)} == {
        config.download_url(SUFFIXES[fmt]) for fmt in RDF_FORMATS}
    assert str(void.value(dataset, VOID.sparqlEndpoint)) == config.base_url + "sparql"
    assert str(void.value(dataset, VOID.uriSpace)) == config.uri_space
    vocabularies = {str(o) for o in void.objects(dataset, VOID.vocabulary)}
    assert {"https://w3id.org/citynet/def#", "http://www.w3.org/ns/org#", "https://schema.org/"} <= vocabularies


# ---------------------------------------------------------------- schema.org


def test_schema_org_dataset_is_json_ld(graph, config, dcat):
    document = catalog.schema_org_dataset(graph, config)
    text = catalog.render(document, "jsonld")
    parsed = Graph().parse(data=text, format="json-ld")
    dataset = URIRef(config.dataset_iri)
    assert (dataset, RDF.type, SCHEMA.Dataset) in parsed
    assert parsed.value(dataset, SCHEMA.license) == URIRef(config.licence.document)
    downloads = list(parsed.objects(dataset, SCHEMA.distribution))
    assert {str(parsed.value(d, SCHEMA.encodingFormat)) for d in downloads} == set(MEDIA_TYPES.values())
    assert {str(parsed.value(d, SCHEMA.contentUrl)) for d in downloads} == {
        str(o) for o in dcat.objects(None, DCAT.downloadURL)}
    start, end = str(parsed.value(dataset, SCHEMA.temporalCoverage)).split("/")
    period = dcat.value(dataset, DCTERMS.temporal)
    assert int(start[:4]) == dcat.value(period, DCAT.startDate).toPython().year
    assert int(end[:4]) == dcat.value(period, DCAT.endDate).toPython().year
    creators = {str(o) for o in graph.rdflib_graph.objects(None, DCTERMS.creator)}
    assert str(parsed.value(parsed.value(dataset, SCHEMA.creator), SCHEMA.name)) in creators


@pytest.mark.parametrize("what", ["dcat", "void", "schema"])
@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("rdfxml", "xml"), ("jsonld", "json-ld")])
def test_catalog_document_in_every_format(graph, what, fmt, parser, config):
    parsed = Graph().parse(data=catalog.catalog_document(graph, fmt, what), format=parser)
    assert (URIRef(config.dataset_iri), RDF.type, None) in parsed


def test_unknown_format_or_description_is_an_input_error(graph):
    with pytest.raises(InputError, match="ntriples"):
        catalog.catalog_document(graph, "ntriples")
    with pytest.raises(InputError, match="ckan"):
        catalog.catalog_document(graph, "turtle", what="ckan")


# ---------------------------------------------------------------- the config


def edited_config(tmp_path: Path, edit) -> Path:
    path = tmp_path / "publication.toml"
    path.write_text(edit(config_path().read_text(encoding="utf-8")), encoding="utf-8")
    return path


def drop_line(pattern: str):
    return lambda text: re.sub(rf"(?m)^{pattern}.*\n", "", text, count=1)


def set_in_table(table: str, line: str):
    return lambda text: text.replace(f"[{table}]\n", f"[{table}]\n{line}\n", 1)


BAD_CONFIGS = {
    "missing contributor id": (drop_line("contributor_id ="), "govdata.contributor_id", "missing"),
    "missing base url": (drop_line("base_url ="), "base_url", "missing"),
    "bad email": (set_in_table("contact", 'email = "rathaus at rostock.de"'), "contact.email", "not an email"),
    "contributor outside GovData's list": (
        lambda t: t.replace("http://dcat-ap.de/def/contributors/openDataHRO", "http://example.org/openDataHRO"),
        "govdata.contributor_id", "not in the vocabulary"),
    "theme outside the EU themes": (
        lambda t: t.replace('"http://publications.europa.eu/resource/authority/data-theme/GOVE",',
                            '"https://example.org/theme/GOVE",'), "dataset.themes", "not in the vocabulary"),
    "no contact at all": (drop_line("url = \"https://rathaus"), "contact.email", "email address or a url"),
    "base url without slash": (lambda t: t.replace('base_url = "https://w3id.org/citynet/"',
                                                   'base_url = "https://w3id.org/citynet"'), "base_url", "end with"),
    "misspelt key": (set_in_table("publisher", 'homepgae = "https://example.org/"'), "publisher.homepgae", "unknown"),
    "theme without label": (drop_line('"http://publications.europa.eu/resource/authority/data-theme/INTR" ='),
                            "labels.", "needs its label"),
    "absolute path": (lambda t: t.replace('sparql = "sparql"', 'sparql = "/sparql"'), "paths.sparql", "relative"),
    "licence not a string": (lambda t: t.replace('iri = "http://dcat-ap.de/def/licenses/cc-by/4.0"', "iri = 4"),
                             "licence.iri", "expected str"),
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_config_names_file_and_key(case, tmp_path):
    edit, key, problem = BAD_CONFIGS[case]
    path = edited_config(tmp_path, edit)
    assert path.read_text(encoding="utf-8") != config_path().read_text(encoding="utf-8"), "the edit changed nothing"
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert caught.value.path == path
    assert key in str(caught.value) and problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = edited_config(tmp_path, lambda t: t.replace("[publisher]", "[publisher", 1))
    with pytest.raises(InputError, match="TOML syntax error") as caught:
        load_config(path)
    assert caught.value.path == path
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "[publisher" in text)
    assert caught.value.line == line


def test_missing_config_file(tmp_path):
    with pytest.raises(InputError, match="not found") as caught:
        load_config(tmp_path / "nowhere.toml")
    assert caught.value.path == tmp_path / "nowhere.toml"


def test_email_is_written_as_mailto(graph, tmp_path):
    config = load_config(edited_config(tmp_path, set_in_table("contact", 'email = "opendata@example.org"')))
    assert config.contact.email == "opendata@example.org"
    dcat = catalog.build_catalog(graph, config)
    contact = dcat.value(URIRef(config.dataset_iri), DCAT.contactPoint)
    assert dcat.value(contact, VCARD.hasEmail) == URIRef("mailto:opendata@example.org")
