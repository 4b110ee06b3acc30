"""Releases: recorded in the repository, chained back to 0.1.0, seen by portals in the catalog.

The chain test works in a clone of this repository, where it edits the data (with a source it
makes up) and records releases 0.2.0 and 0.3.0: the shipped data and releases stay as they are.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

import citynet
from citynet import resources
from citynet.cli import main
from citynet.curate.release import last_change, make_release
from citynet.curate.releases import CHANGELOG_FILE, ReleaseHistory, graph_digest
from citynet.curate.table_export import table_csv
from citynet.curate.table_import import import_table
from citynet.errors import InputError
from citynet.publish import catalog
from citynet.publish.publication import load_config
from citynet.publish.versions import ADMS, DCAT3, release_dump_files

from .conftest import REPO
from .server_harness import running_server
from .test_catalog import CONFLICTS, PROFILES, needs_dcat_ap, run_validator, violations_by_kind

DCAT = DCAT3
TEST_SOURCE = """
source:test-bulletin a cn:Source ;
    rdfs:label "A network bulletin made up for a test"@en ;
    dct:language "en" ;
    cn:quote "Szczecin joined the Union of the Baltic Cities in 2021."@en , "Gdańsk joined in 2022."@en .
"""


def git(repository: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def is_git_checkout() -> bool:
    return shutil.which("git") is not None and (REPO / ".git").exists()


needs_git = pytest.mark.skipif(not is_git_checkout(), reason="needs git and a git checkout of citynet (the "
                                                               "release chain is made on a clone of it)")


# ---------------------------------------------------------------- the shipped release


def test_the_first_release_is_recorded_with_its_dump_and_changelog():
    history = ReleaseHistory.load(resources.resource_root())
    first = history.releases[0]
    assert first.version == "0.1.0" and first.previous is None
    dump = Dataset()
    dump.parse(resources.resource_root() / first.dump, format="trig")
    union = Graph()
    for s, p, o, _ in dump.quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(union) == first.triples and graph_digest(union) == first.digest
    changelog = REPO / CHANGELOG_FILE
    if changelog.is_file():
        assert f"## {first.version} ({first.modified})" in changelog.read_text(encoding="utf-8")


def test_a_graph_that_is_no_release_says_no_version(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text('<https://w3id.org/citynet/id/city/rostock> <http://www.w3.org/2000/01/rdf-schema#comment> '
                     '"a change since the release"@en .\n', encoding="utf-8")
    graph = citynet.KnowledgeGraph([*citynet.shipped_graph().data_files, extra])
    dcat = catalog.build_catalog(graph, load_config())
    assert dcat.value(URIRef(load_config().dataset_iri), DCAT.version) is None


# ---------------------------------------------------------------- a chain of releases


def edit_memberships(repository: Path, member: str, since: str, quote: str) -> None:
    data = repository / "data"
    graph = citynet.KnowledgeGraph(sorted(data.glob("*.ttl")))
    rows = list(csv.DictReader(io.StringIO(table_csv(graph, "memberships"))))
    new = dict.fromkeys(rows[0], "")
    new.update(network="UBC", member=member, since=since, source="source:test-bulletin", quote=quote)
    path = repository.parent / f"{member}.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([*rows, new])
    path.write_text(out.getvalue(), encoding="utf-8")
    assert import_table(path, "memberships", data).changed


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Path:
    """A clone of this repository with releases 0.2.0 and 0.3.0 made on top of 0.1.0."""
    if not is_git_checkout():
        pytest.skip("needs git and a git checkout of citynet")
    clone = tmp_path_factory.mktemp("chain") / "citynet"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(clone)], check=True)
    with (clone / "data" / "sources.ttl").open("a", encoding="utf-8") as stream:
        stream.write(TEST_SOURCE)
    edit_memberships(clone, "Szczecin", "2021", "Szczecin joined the Union of the Baltic Cities in 2021.")
    git(clone, "commit", "-qam", "Szczecin joins UBC", date="2030-01-02T10:00:00+00:00")
    make_release("0.2.0", clone)
    git(clone, "add", ".")
    git(clone, "commit", "-qm", "Release 0.2.0", date="2030-01-03T10:00:00+00:00")
    edit_memberships(clone, "Gdansk", "2022", "Gdańsk joined in 2022.")
    git(clone, "commit", "-qam", "Gdańsk joins UBC", date="2030-02-01T10:00:00+00:00")
    assert main(["release", "0.3.0", "--repo", str(clone)]) == 0  # as people make one
    git(clone, "add", ".")
    git(clone, "commit", "-qm", "Release 0.3.0", date="2030-02-02T10:00:00+00:00")
    return clone


def chain_graph(clone: Path) -> citynet.KnowledgeGraph:
    return citynet.KnowledgeGraph(sorted((clone / "data").glob("*.ttl")))


@needs_git
def test_releases_chain_back_to_the_first_in_the_catalog_and_void(chain):
    config = load_config()
    graph = chain_graph(chain)
    dcat = catalog.build_catalog(graph, config, releases=chain)
    dataset = URIRef(config.dataset_iri)
    assert dcat.value(dataset, DCAT.version) == Literal("0.3.0")
    assert dcat.value(dataset, DCTERMS.modified) == Literal("2030-02-01", datatype=XSD.date)  # the data's commit
    assert "1 membership" in str(dcat.value(dataset, ADMS.versionNotes)).lower()
    versions, node = [], dataset
    while node is not None:
        versions.append(str(dcat.value(node, DCAT.version)))
        node = dcat.value(node, DCAT.previousVersion)
        assert node is None or (node, RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")) in dcat
    assert versions == ["0.3.0", "0.2.0", "0.1.0"]
    assert {str(v) for v in dcat.objects(dataset, DCAT.hasVersion)} == {
        f"{config.dataset_iri}/0.2.0", f"{config.dataset_iri}/0.1.0"}
    second = URIRef(f"{config.dataset_iri}/0.2.0")
    assert dcat.value(second, DCTERMS.modified) == Literal("2030-01-02", datatype=XSD.date)
    void = catalog.build_void(graph, config, releases=chain)
    assert void.value(dataset, DCAT.version) == Literal("0.3.0")
    assert str(void.value(dataset, DCAT.previousVersion)) == f"{config.dataset_iri}/0.2.0"


@needs_git
def test_the_changelog_lists_what_each_release_changed(chain):
    text = (chain / CHANGELOG_FILE).read_text(encoding="utf-8")
    assert text.index("## 0.3.0 (2030-02-01)") < text.index("## 0.2.0 (2030-01-02)") < text.index("## 0.1.0")
    second = text[text.index("## 0.2.0"):text.index("## 0.1.0")]
    assert "Szczecin joins Union of the Baltic Cities" in second and "Gdańsk joins" not in second
    assert (chain / "releases" / "citynet-0.3.0.trig").is_file()


@needs_git
def test_a_release_refuses_uncommitted_or_unchanged_data_and_old_versions(chain):
    with pytest.raises(InputError, match="not newer"):
        make_release("0.2.5", chain)
    with pytest.raises(InputError, match="nothing to release"):
        make_release("0.4.0", chain)
    memberships = chain / "data" / "memberships.ttl"
    original = memberships.read_text(encoding="utf-8")
    memberships.write_text(original + "\n", encoding="utf-8")
    try:
        with pytest.raises(InputError, match="not committed"):
            make_release("0.4.0", chain)
    finally:
        memberships.write_text(original, encoding="utf-8")


@needs_git
def test_a_commit_that_only_changes_the_layout_is_no_change_of_the_data(chain, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(chain), str(clone)], check=True)
    places = clone / "data" / "places.ttl"
    places.write_text(places.read_text(encoding="utf-8").replace(" ;\n    ", " ;\n        "), encoding="utf-8")
    git(clone, "commit", "-qam", "only the layout", date="2031-01-01T10:00:00+00:00")
    digest = graph_digest(chain_graph(clone))
    assert last_change(clone, digest) == "2030-02-01"


@needs_git
def test_publish_writes_the_earlier_releases_dumps_where_the_catalog_names_them(chain):
    config = load_config()
    dumps = release_dump_files(chain_graph(chain), config, folder=chain)
    dcat = catalog.build_catalog(chain_graph(chain), config, releases=chain)
    named = {str(dcat.value(d, DCAT.downloadURL)) for version in ("0.1.0", "0.2.0")
             for d in dcat.objects(URIRef(f"{config.dataset_iri}/{version}"), DCAT.distribution)}
    assert {config.url(path) for path in dumps} == named
    assert {file.name for file in dumps.values()} == {"citynet-0.1.0.trig", "citynet-0.2.0.trig"}


@pytest.mark.slow
@needs_git
def test_the_server_serves_the_earlier_releases_dumps_the_catalog_names(chain, tmp_path):
    """The clone's data and releases, served as `citynet serve` serves them (with this
    checkout's code, which finds its data and releases beside it): every download URL of the
    catalog it serves answers, the earlier releases' dumps byte for byte."""
    code = tmp_path / "code"
    shutil.copytree(REPO / "src", code / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("ontology", "data", "queries", "config", "releases"):
        (code / folder).symlink_to(chain / folder)
    env = {"PYTHONPATH": str(code / "src"), "CITYNET_CACHE_DIR": str(tmp_path / "cache")}
    with running_server(tmp_path, env=env) as server, server.client() as http:
        answer = http.get("/catalog", headers={"Accept": "text/turtle"})
        assert answer.status_code == 200
        served = Graph().parse(data=answer.text, format="turtle")
        base = load_config().base_url
        urls = {str(url) for url in served.objects(None, DCAT.downloadURL)}
        assert len(urls) == 8 + 2  # the current downloads, and a dump for each earlier release
        for url in sorted(urls):
            download = http.get("/" + url.removeprefix(base))
            assert download.status_code == 200, url
            if "-0." in url:
                assert download.content == (chain / "releases" / url.rsplit("/", 1)[-1]).read_bytes()
                assert download.headers["content-type"].startswith("application/trig")


@pytest.mark.slow
@needs_dcat_ap
@needs_git
@pytest.mark.parametrize(("profile", "options"), PROFILES, ids=[p for p, _ in PROFILES])
def test_the_catalog_with_earlier_releases_meets_the_profiles_as_before(profile, options, chain, tmp_path):
    """Earlier releases are datasets of their own, with their dump as distribution: no new
    finding, only the known conflicts of the eight current downloads' sizes and checksums."""
    path = tmp_path / "catalog.ttl"
    path.write_text(catalog.render(catalog.build_catalog(chain_graph(chain), load_config(), releases=chain),
                                   "turtle"), encoding="utf-8")
    summary, results, _ = run_validator(profile, options, path)
    assert violations_by_kind(results) == CONFLICTS[profile], "\n".join(results)
    assert summary["violations"] == sum(CONFLICTS[profile].values())
    warnings = [line for line in results if "Warning" in line]
    assert all("path=dct:publisher" in line and "CorporateBodyRestriction" in line for line in warnings), warnings


@needs_git
def test_the_release_cli_says_what_is_wrong_with_exit_code_2(chain, capsys):
    assert main(["release", "0.2.5", "--repo", str(chain)]) == 2
    assert "not newer than the last one, 0.3.0" in capsys.readouterr().err
    assert main(["release", "1.0", "--repo", str(chain)]) == 2
    assert "MAJOR.MINOR.PATCH" in capsys.readouterr().err
