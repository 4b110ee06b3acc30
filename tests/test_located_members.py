"""The GeoJSON export reads the member-locations query's rows from the store's indexes
(citynet.publish.located_members): its features must be the query's rows, in the query's order."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import citynet
from citynet.publish.exports import export_bytes
from citynet.querying.execute import query
from citynet.scale.generate import generate
from citynet.spilled_sort import spilled_sorted
from tests.hostile import citynet as run_citynet
from tests.test_membership_groups import PREFIXES

# Rows the query multiplies (two kinds, two English names, two latitudes, two countries), rows it
# drops (no longitude, no network with an English name, not a city or region, no English name),
# names that share a network's name or hold the separator, a blank node, two members of one name.
EDGE_CASES = PREFIXES + r"""
ex:n1 rdfs:label "Net"@en, "Netz"@de . ex:n2 rdfs:label "Net"@en-gb, "Semi; colon"@en .
ex:n3 rdfs:label "Netz"@de . ex:n4 rdfs:label "Zed"@en .
ex:a a cn:City, cn:Region ; rdfs:label "Aberdeen"@en, "Obar Dheathain"@en-gb ; gn:countryCode "GB", "UK" ;
    wgs:lat 57.15, 57.2 ; wgs:long -2.11 .
ex:b a cn:City ; rdfs:label "Bergen"@en ; wgs:lat 60.39 .
ex:c a cn:City ; rdfs:label "Bergen"@en ; wgs:lat 1.0 ; wgs:long 2.0 .
ex:d a cn:City ; rdfs:label "Dover"@en ; wgs:lat 51.1 ; wgs:long 1.3 .
ex:e a cn:Network ; rdfs:label "Essen"@en ; wgs:lat 51.4 ; wgs:long 7.0 .
ex:f a cn:City ; rdfs:label "Fulda"@de ; wgs:lat 50.5 ; wgs:long 9.6 .
_:g a cn:Region ; rdfs:label "Gotland"@en ; wgs:lat 57.5 ; wgs:long 18.5 .
ex:m1 org:member ex:a ; org:organization ex:n1, ex:n2 . ex:m2 org:member ex:a ; org:organization ex:n4 .
ex:m3 org:member ex:b ; org:organization ex:n1 . ex:m4 org:member ex:c ; org:organization ex:n2 .
ex:m5 org:member ex:d ; org:organization ex:n3 . ex:m6 org:member ex:e ; org:organization ex:n1 .
ex:m7 org:member ex:f ; org:organization ex:n1 . ex:m8 org:member _:g ; org:organization ex:n4, "literal" .
"""


def _query_features(graph: citynet.KnowledgeGraph) -> list[dict]:
    """The features as the export made them from the query's answer (before this module)."""
    result = query("member-locations", graph=graph)
    features = []
    for values in result.lexical_rows():
        row = dict(zip(result.variables, values, strict=True))
        features.append({
            "type": "Feature", "id": row["member"],
            "geometry": {"type": "Point", "coordinates": [float(row["long"]), float(row["lat"])]},
            "properties": {"name": row["name"], "kind": row["kind"], "country": row["country"],
                           "networks": sorted(row["networks"].split("; ")) if row["networks"] else []},
        })
    return features


def _exported(graph: citynet.KnowledgeGraph) -> list[dict]:
    return json.loads(export_bytes(graph, "geojson"))["features"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "generated.ttl"
    generate(30_000, 5, path, progress=False)
    return path


@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_a_generated_graphs_features_are_the_querys_rows_in_its_order(generated, persistent, tmp_path, monkeypatch):
    from citynet.publish import located_members

    monkeypatch.setattr(located_members, "_RUN", 50)  # many runs to merge
    graph = citynet.KnowledgeGraph([generated], persistent=persistent, cache_dir=tmp_path / "cache")
    expected = _query_features(graph)
    assert len(expected) > 100
    assert _exported(graph) == expected


def test_the_shipped_datas_features_are_the_querys_rows():
    graph = citynet.KnowledgeGraph()
    assert _exported(graph) == _query_features(graph)


def test_edge_cases_give_the_querys_rows(tmp_path):
    path = tmp_path / "edge.ttl"
    path.write_text(EDGE_CASES, encoding="utf-8")
    graph = citynet.KnowledgeGraph([path], cache_dir=tmp_path / "cache")
    exported, expected = _exported(graph), _query_features(graph)

    def by_member(features: list[dict]) -> list[tuple]:
        """(name, member) in order, and each one's rows as a set: ORDER BY ?name ?member leaves a
        member's rows of one name tied."""
        key = lambda f: (f["properties"]["name"], f["id"])  # noqa: E731
        return [(k, sorted(json.dumps(f, sort_keys=True) for f in group))
                for k, group in itertools.groupby(features, key=key)]

    assert by_member(exported) == by_member(expected)
    assert len(exported) == 2 * 2 * 2 * 2 + 1 + 1  # a: kinds × names × latitudes × countries; c, _:g
    names = [f["properties"]["name"] for f in exported]
    assert names == sorted(names) and not {"Dover", "Essen", "Fulda"} & set(names)
    aberdeen = next(f for f in exported if f["properties"]["name"] == "Aberdeen")
    assert aberdeen["properties"]["networks"] == ["Net", "Semi", "Zed", "colon"]  # split as the query's cell is


@pytest.mark.parametrize("count, run", [(0, 5), (4, 5), (5, 5), (23, 5), (1000, 7), (5000, 3)])
def test_the_spilled_sort_is_sorted_and_stable(count, run, monkeypatch):
    from citynet import spilled_sort

    monkeypatch.setattr(spilled_sort, "FAN_IN", 4)  # 1000 / 7 and 5000 / 3 runs: merged in passes
    items = [(i * 7919 % 13, i) for i in range(count)]
    assert list(spilled_sorted(items, key=lambda item: item[0], run=run)) == sorted(items, key=lambda item: item[0])


def test_the_spilled_sort_keeps_few_files_open(monkeypatch):
    import tempfile

    from citynet import spilled_sort

    monkeypatch.setattr(spilled_sort, "FAN_IN", 4)
    opened = []
    real = tempfile.TemporaryFile

    def counted(*args, **kwargs):
        spool = real(*args, **kwargs)
        opened.append(spool)
        return spool

    monkeypatch.setattr(spilled_sort.tempfile, "TemporaryFile", counted)
    items = iter(spilled_sorted(range(100, 0, -1), key=lambda item: item, run=2))  # 50 runs
    assert next(items) == 1
    assert sum(not spool.closed for spool in opened) <= 4  # the last pass's runs only
    assert list(items) == list(range(2, 101))
    assert all(spool.closed for spool in opened)


@pytest.mark.parametrize("data", [
    # Blank nodes come in the order of their ids, not tied (found by a review's fuzzer).
    """ex:n rdfs:label "Net"@en .
_:a a cn:City, cn:Region ; rdfs:label "X"@en ; wgs:lat 1 ; wgs:long 2 .
_:b a cn:City, cn:Region ; rdfs:label "X"@en ; wgs:lat 1 ; wgs:long 2 .
ex:m1 org:organization ex:n ; org:member _:a . ex:m2 org:organization ex:n ; org:member _:b .""",
    # A name with an RDF 1.2 direction comes before the same name without one.
    """ex:n rdfs:label "Net"@en .
ex:a a cn:City ; rdfs:label "X"@en ; wgs:lat 1 ; wgs:long 2 .
ex:b a cn:City ; rdfs:label "X"@en--ltr ; wgs:lat 3 ; wgs:long 4 .
ex:m1 org:organization ex:n ; org:member ex:a . ex:m2 org:organization ex:n ; org:member ex:b .""",
], ids=["blank-members", "a-direction"])
def test_members_of_one_name_come_in_the_querys_order(data, tmp_path):
    path = tmp_path / "ties.ttl"
    path.write_text(PREFIXES + data, encoding="utf-8")
    graph = citynet.KnowledgeGraph([path], cache_dir=tmp_path / "cache")
    assert _exported(graph) == _query_features(graph)


def test_a_coordinate_that_is_not_a_number_is_named_and_nothing_is_written(tmp_path):


    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + """ex:n rdfs:label "Net"@en .
ex:a a cn:City ; rdfs:label "A"@en ; wgs:lat "north" ; wgs:long 2 .
ex:m org:organization ex:n ; org:member ex:a .""", encoding="utf-8")
    out = tmp_path / "members.geojson"
    out.write_text("the previous file", encoding="utf-8")
    result = run_citynet("export", "--data", str(path), "--format", "geojson", "-o", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert 'http://example.org/a has wgs:lat "north", which is not a number of degrees' in result.stderr
    assert out.read_text(encoding="utf-8") == "the previous file"
