"""The graph generator: deterministic, conforming, with exactly the defects asked for;
and the query paths that large graphs depend on."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef

import citynet
from citynet import InputError
from citynet.graph.progress import Progress
from citynet.querying.stored_queries import catalogue
from citynet.scale.generate import DEFECT_KINDS, generate, parse_defects, slugify

QUERY_NAMES = [q.name for q in citynet.queries()]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("generated") / "small.ttl"
    return path, generate(5000, 11, path, progress=False)


@pytest.fixture(scope="module")
def small_graph(small) -> citynet.KnowledgeGraph:
    return citynet.KnowledgeGraph([small[0]])


def test_a_generated_graph_conforms_to_the_shapes(small):
    path, report = small
    result = citynet.validate([path])
    assert result.violations == [], [f"{f.about}: {f.message}" for f in result.violations[:5]]
    assert report.triples == 5000
    for kind in ("place", "network", "membership", "conference series", "conference edition", "topic",
                 "source", "body", "member count statement", "twin-city tie"):
        assert report.entities.get(kind, 0) > 0, kind


def test_the_file_holds_the_triples_reported(small, small_graph):
    report = small[1]
    ontology = citynet.KnowledgeGraph([])
    assert len(small_graph) - len(ontology) == report.triples


def test_same_seed_same_bytes_other_seed_other_graph(tmp_path):
    first, second, other = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    generate(3000, 5, first, progress=False)
    generate(3000, 5, second, progress=False)
    generate(3000, 6, other, progress=False)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_iris_follow_citynet_scheme(small_graph):
    kinds = Counter()
    for quad in small_graph.store.quads_for_pattern(None, None, None):
        subject = quad.subject.value
        if subject.startswith("https://w3id.org/citynet/id/"):
            kind, slug = subject.removeprefix("https://w3id.org/citynet/id/").split("/", 1)
            assert slug == slugify(slug), subject
            kinds[kind] += 1
    assert {"city", "region", "network", "membership", "event", "topic", "source", "statement"} <= set(kinds)


def test_names_come_in_several_languages(small_graph):
    languages = {row.language for row in citynet.sparql(
        "SELECT DISTINCT (LANG(?l) AS ?language) WHERE { ?p a <https://w3id.org/citynet/def#City> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }", small_graph)}
    assert {"en", "de", "pl"} <= languages and len(languages) >= 8


def test_defects_are_reported_exactly(tmp_path):
    path = tmp_path / "defects.ttl"
    asked = dict.fromkeys(DEFECT_KINDS, 2)
    report = generate(5000, 7, path, asked, progress=False)
    assert {kind: len(iris) for kind, iris in report.defects.items()} == asked
    result = citynet.validate([path])
    found = Counter(str(f.about) for f in result.violations)
    for kind, iris in report.defects.items():
        assert sum(found[iri] for iri in iris) == 2 * DEFECT_KINDS[kind].violations_each, kind
        for iri in iris:
            assert found[iri] == DEFECT_KINDS[kind].violations_each, (kind, iri)
    assert len(result.violations) == report.expected_violations
    assert set(found) == {iri for iris in report.defects.values() for iri in iris}


def test_parse_defects():
    assert parse_defects("bad-country-code=3, host-not-member=1") == {"bad-country-code": 3, "host-not-member": 1}
    assert parse_defects("") == {}
    with pytest.raises(InputError, match="unknown defect kind 'typo'"):
        parse_defects("typo=1")
    with pytest.raises(InputError, match="needs a count"):
        parse_defects("bad-country-code")


def test_too_many_defects_for_a_small_graph(tmp_path):
    with pytest.raises(InputError, match="too small"):
        generate(500, 1, tmp_path / "x.ttl", {"ill-typed-date": 10_000}, progress=False)
    assert not list(tmp_path.iterdir())  # no half-written file


def test_generate_is_quiet_when_piped_and_shows_progress_on_a_terminal(tmp_path, capsys):
    generate(1000, 1, tmp_path / "quiet.ttl")
    assert capsys.readouterr().err == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen, pipe = Terminal(), io.StringIO()
    with Progress(10, "working", stream=screen) as bar:
        bar.advance(10)
    with Progress(10, "working", stream=pipe) as bar:
        bar.advance(10)
    assert "working" in screen.getvalue() and "100.0%" in screen.getvalue()
    assert pipe.getvalue() == ""


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_stored_query_finds_something_and_engines_agree(small, small_graph, name):
    from rdflib.compare import to_canonical_graph

    from tests.test_queries import comparable as rows_of

    def comparable(result):
        # rdflib's isomorphism test can say no to equal graphs with many alike blank
        # nodes (the membership periods); canonical forms compare them reliably.
        return set(to_canonical_graph(result.graph)) if result.graph is not None else rows_of(result)

    params = small[1].examples.get(name, {})
    on_oxigraph = citynet.query(name, graph=small_graph, **params)
    on_rdflib = citynet.query(name, graph=small_graph, engine="rdflib", **params)
    assert len(on_oxigraph) > 0, f"{name} finds nothing in a generated graph with {params}"
    assert comparable(on_oxigraph) == comparable(on_rdflib)


# ---------------------------------------------------------------- what large graphs need

def test_an_iri_parameter_does_not_build_the_name_index(small, small_graph):
    graph = citynet.KnowledgeGraph([small[0]])
    place = small[1].examples["networks-of-place"]["place"]
    assert len(citynet.query("networks-of-place", graph=graph, place=place)) > 0
    assert "names" not in vars(graph)  # the cached name index was never built
    with pytest.raises(citynet.QueryError, match="no place"):
        citynet.query("networks-of-place", graph=graph, place=small[1].examples["members-of-network"]["network"])


def test_a_query_does_not_count_the_store(small, small_graph, monkeypatch):
    def refuse(self):
        raise AssertionError("len() counts every triple of the store")

    monkeypatch.setattr(citynet.KnowledgeGraph, "__len__", refuse)
    assert citynet.query("class-counts", graph=small_graph).rows()
    assert citynet.sparql("ASK { ?s ?p ?o }", small_graph).boolean


def test_rows_are_converted_when_read_and_equal_an_eager_conversion(small, small_graph):
    import pyoxigraph

    from citynet.graph.terms import to_rdflib

    result = citynet.query("members-of-network", graph=small_graph, **small[1].examples["members-of-network"])
    text = catalogue().get("members-of-network").text
    network = pyoxigraph.NamedNode(small[1].examples["members-of-network"]["network"])
    answer = small_graph.store.query(text, substitutions={pyoxigraph.Variable("network"): network})
    eager = [tuple(to_rdflib(s[v]) for v in answer.variables) for s in answer]
    assert len(result) == len(eager) > 0
    assert list(result.terms) == eager
    assert result.terms[0] == eager[0] and result.terms[-1] == eager[-1]
    assert isinstance(result.rows()[0]["network"], URIRef)
