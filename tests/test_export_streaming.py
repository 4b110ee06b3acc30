"""Streamed exports (issue 16): every export is written as it is made, in chunks, to a file
renamed into place when complete, and its bytes are those the previous implementation built as
one string (the catalog's sizes and checksums, and every harvester's copy, rely on them)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph
import pytest

import citynet
from citynet.formats import DATASET_FORMATS, JSONLD, RDF_EXPORT_FORMATS, by_name, write
from citynet.graph.prefixes import PREFIXES
from citynet.publish.exports import (
    MEDIA_TYPES,
    RDF_FORMATS,
    export_bytes,
    file_quads,
    member_locations_geojson,
    stable_blank_nodes,
    write_export,
)
from citynet.publish.jsonld import CompactionRules, jsonld_context
from citynet.scale.generate import generate
from tests import previous_exports as previous
from tests.hostile import citynet as run_citynet
from tests.hostile import citynet_killed, starts_with_dot, was_killed

# ---------------------------------------------------------------- the previous implementation
# As src/citynet/publish/exports.py built each export before it streamed (commit 1ae24d6):
# the whole text as one string, then a newline added where it had none; blank nodes renamed and
# node objects made as before the JSON-LD writer was made faster (tests/previous_exports.py).


def _previous_jsonld(triples) -> str:
    context = jsonld_context()["@context"]
    rules = CompactionRules.from_context(context)
    head = json.dumps({"@context": context}, ensure_ascii=False, indent=1)[:-2]
    encode = json.JSONEncoder(ensure_ascii=False).encode
    nodes = ",\n".join(map(encode, previous._node_objects(triples, rules)))
    return head + ',\n "@graph": [\n' + nodes + "\n ]\n}\n"


def _previous_export(graph: citynet.KnowledgeGraph, fmt: str) -> str:
    if fmt in RDF_FORMATS:
        chosen = by_name(fmt, RDF_EXPORT_FORMATS)
        if chosen is JSONLD:
            return _previous_jsonld(previous.stable_blank_nodes(previous.triples_by_subject(graph)))
        if chosen in DATASET_FORMATS:
            quads = file_quads(graph.files)
        else:
            quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        return write(previous.stable_blank_nodes(quads), chosen, PREFIXES).decode("utf-8")
    if fmt == "csv":
        return previous.memberships_csv(graph)
    assert fmt == "geojson"
    return json.dumps(member_locations_geojson(graph), ensure_ascii=False)


def previous_export_bytes(graph: citynet.KnowledgeGraph, fmt: str) -> bytes:
    text = _previous_export(graph, fmt)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


# ---------------------------------------------------------------- graphs


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated graph (the benchmark's generator) large enough for many chunks."""
    path = tmp_path_factory.mktemp("generated") / "generated.ttl"
    generate(20_000, 1, path, progress=False)
    return path


@pytest.fixture(scope="module", params=["in-memory", "on-disk"])
def generated_graph(request, generated, tmp_path_factory) -> citynet.KnowledgeGraph:
    persistent = request.param == "on-disk"
    return citynet.KnowledgeGraph([generated], persistent=persistent, cache_dir=tmp_path_factory.mktemp("cache"))


class Recorder:
    """A binary stream that keeps what it is given, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.writes.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self.writes)


# ---------------------------------------------------------------- the same bytes


@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_the_shipped_exports_are_the_bytes_the_previous_implementation_wrote(graph, fmt):
    assert export_bytes(graph, fmt) == previous_export_bytes(graph, fmt)


@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_the_shipped_exports_held_on_disk_are_the_previous_bytes(fmt, tmp_path):
    on_disk = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path)
    assert export_bytes(on_disk, fmt) == previous_export_bytes(on_disk, fmt)


@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_a_generated_graphs_exports_are_the_previous_bytes(generated_graph, fmt):
    streamed = Recorder()
    write_export(generated_graph, fmt, streamed)
    assert streamed.getvalue() == previous_export_bytes(generated_graph, fmt)


# Every way a value can be written, with blank nodes where each can take one: a blank object
# met before it is a subject, a blank class, a blank under a property the context lacks, two
# values and three under one key, language maps, datatypes with and without a term, IRIs of
# other schemes. The writer names blank nodes as it goes; the reference renames them first.
EDGE_CASES = r"""
@prefix cn: <https://w3id.org/citynet/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
<https://example.org/a> a cn:City, _:kind, cn:Place ; cn:memberOf _:m1, _:m2 ; ex:other _:m1 ;
    rdfs:label "A"@en, "A"@de, "Ah"@en ; skos:prefLabel "A" ; ex:n 3, "3"^^xsd:decimal, "x" ;
    ex:when "2020-01-01"^^xsd:date ; ex:tagged "t"@fr ; ex:see <urn:x:1>, <mailto:a@example.org> ;
    rdfs:comment "line\nbreak \"quoted\" \u00e9" .
_:m2 a _:kind ; ex:of <https://example.org/a> ; ex:next [ ex:last _:m1 ] .
_:m1 ex:of <https://example.org/a> .
_:kind rdfs:label "kind"@en .
"""


@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_json_ld_names_blank_nodes_as_the_previous_renaming_pass_did(persistent, tmp_path):
    data = tmp_path / "edge.ttl"
    data.write_text(EDGE_CASES, encoding="utf-8")
    graph = citynet.KnowledgeGraph([data], persistent=persistent, cache_dir=tmp_path / "cache")
    written = export_bytes(graph, "jsonld")
    assert written == previous_export_bytes(graph, "jsonld")
    assert b'"_:b0"' in written and b'"_:b3"' in written  # blank nodes were renamed


# Memberships as the table merges and sources them: one on two rows (two roles), one with two
# English member names (two places in the query's order), a blank-node membership, one not
# typed org:Membership (no evidence), sources with no quote, two quotes, a literal source, a
# quote naming the member by its altLabel, and the same member and network twice.
MEMBERSHIP_CASES = r"""
@prefix cn: <https://w3id.org/citynet/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
ex:net a cn:CityNetwork ; rdfs:label "Net"@en ; cn:abbreviation "N" .
ex:net2 a cn:CityNetwork ; rdfs:label "Another"@en, "Zweites"@en .
ex:a a cn:City ; rdfs:label "Aberdeen"@en ; skos:altLabel "Obar Dheathain"@gd .
ex:b a cn:Region ; rdfs:label "Bergen"@en, "Bjørgvin"@en .
ex:chair skos:prefLabel "chair"@en . ex:host skos:prefLabel "host"@en .
ex:office rdfs:label "Office"@en .
ex:m1 a org:Membership ; org:organization ex:net ; org:member ex:a ; org:role ex:chair, ex:host ;
    cn:representedBy ex:office ; dct:source ex:s1, ex:s2, "a note" .
ex:s1 cn:quote "Members include Bergen." .
ex:s2 cn:quote "Obar Dheathain joined.", "A second quote." .
ex:m2 a org:Membership ; org:organization ex:net ; org:member ex:b ; dct:source ex:s3 .
ex:m3 org:organization ex:net2 ; org:member ex:a ; dct:source ex:s1 .
_:m4 a org:Membership ; org:organization ex:net2 ; org:member ex:b ; org:role ex:host ; dct:source ex:s2 .
ex:m5 a org:Membership ; org:organization ex:net ; org:member ex:a ; dct:source ex:s3 .
"""


@pytest.mark.parametrize("persistent", [False, True], ids=["in-memory", "on-disk"])
def test_the_memberships_table_streams_the_rows_the_held_table_had(persistent, tmp_path):
    data = tmp_path / "memberships.ttl"
    data.write_text(MEMBERSHIP_CASES, encoding="utf-8")
    graph = citynet.KnowledgeGraph([data], persistent=persistent, cache_dir=tmp_path / "cache")
    written = export_bytes(graph, "csv")
    assert written == previous_export_bytes(graph, "csv")
    text = written.decode("utf-8")
    assert len(text.splitlines()) == 1 + 5  # one row per membership
    # The roles merged (in the store's order), the quote that names the member by its altLabel.
    assert ("host; chair,Office," in text or "chair; host,Office," in text) and "Obar Dheathain joined." in text


def test_a_name_with_the_separator_in_it_is_one_value_of_the_memberships_table(tmp_path):
    # The held table compared the separated parts of the cell, and so wrote such a name twice.
    data = tmp_path / "memberships.ttl"
    data.write_text(MEMBERSHIP_CASES.replace('"Office"@en', '"Office; abroad"@en'), encoding="utf-8")
    text = export_bytes(citynet.KnowledgeGraph([data], cache_dir=tmp_path / "cache"), "csv").decode("utf-8")
    assert ",Office; abroad,http" in text and "abroad; Office" not in text


def test_an_rdf_star_value_is_refused_in_json_ld_as_before():
    from citynet.errors import InputError
    from citynet.publish.jsonld import write_jsonld_into

    inner = pyoxigraph.Triple(pyoxigraph.NamedNode("http://example.org/s"), pyoxigraph.NamedNode("http://example.org/p"),
                              pyoxigraph.NamedNode("http://example.org/o"))
    said = pyoxigraph.Triple(pyoxigraph.NamedNode("http://example.org/a"), pyoxigraph.NamedNode("http://example.org/says"),
                             inner)
    plain = pyoxigraph.Triple(said.subject, said.predicate, pyoxigraph.NamedNode("http://example.org/o"))
    for order in ([said], [plain, said]):  # also when the property was met with an IRI first
        with pytest.raises(InputError, match="RDF-star"):
            write_jsonld_into(order, io.BytesIO(), stable_blank_nodes=True)


def test_the_cli_writes_the_previous_bytes_of_a_generated_graph(generated, tmp_path):
    graph = citynet.KnowledgeGraph([generated])
    for fmt in MEDIA_TYPES:
        target = tmp_path / f"out.{fmt}"
        result = run_citynet("export", "--data", str(generated), "--format", fmt, "-o", str(target))
        assert result.returncode == 0, result.stderr
        assert target.read_bytes() == previous_export_bytes(graph, fmt), fmt
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"out.{fmt}" for fmt in MEDIA_TYPES)


def test_standard_output_gets_the_same_bytes(generated, tmp_path):
    result = run_citynet("export", "--data", str(generated), "--format", "turtle", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.encode("utf-8") == previous_export_bytes(citynet.KnowledgeGraph([generated]), "turtle")


# ---------------------------------------------------------------- written in chunks


@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_an_export_is_written_in_many_chunks_none_of_them_the_whole(generated_graph, fmt, monkeypatch):
    # Text writers (JSON-LD, CSV, GeoJSON) send about a megabyte at a time; a smaller bound here
    # lets a small graph show it. Oxigraph's writers send a few kilobytes at a time on their own.
    monkeypatch.setattr("citynet.streams._FLUSH_AT", 4_096)
    streamed = Recorder()
    write_export(generated_graph, fmt, streamed)
    total = sum(map(len, streamed.writes))
    assert len(streamed.writes) >= 8, (fmt, len(streamed.writes), total)
    assert max(map(len, streamed.writes)) <= total // 8


def test_the_first_chunk_is_written_before_the_store_is_read_to_its_end(generated_graph, monkeypatch):
    # Writing as it goes: when the first bytes reach the stream, most of the graph is still unread.
    from citynet.publish import exports

    read = 0
    seen_at_first_write: list[int] = []

    def counting(quads):
        nonlocal read
        for quad in quads:
            read += 1
            yield quad

    # Oxigraph's writers are given the quads through stable_blank_nodes; citynet's JSON-LD
    # writer reads triples_by_subject and names blank nodes itself.
    renaming = stable_blank_nodes
    by_subject = generated_graph.triples_by_subject

    class FirstWrite(Recorder):
        def write(self, data: bytes) -> int:
            if not self.writes:
                seen_at_first_write.append(read)
            return super().write(data)

    monkeypatch.setattr(exports, "stable_blank_nodes", lambda quads: counting(renaming(quads)))
    monkeypatch.setattr(generated_graph, "triples_by_subject", lambda: counting(by_subject()))
    monkeypatch.setattr("citynet.streams._FLUSH_AT", 4_096)  # as above: a megabyte is most of this graph
    for fmt in ("ntriples", "turtle", "rdfxml", "jsonld"):
        seen_at_first_write.clear()
        read = 0
        write_export(generated_graph, fmt, FirstWrite())
        assert seen_at_first_write[0] < read / 2, (fmt, seen_at_first_write, read)


# ---------------------------------------------------------------- read back


def canonical(triples) -> pyoxigraph.Dataset:
    """The triples in the default graph of a dataset whose blank nodes are named canonically."""
    dataset = pyoxigraph.Dataset(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_a_streamed_export_reads_back_as_the_graph(generated_graph, fmt):
    chosen = by_name(fmt, RDF_EXPORT_FORMATS)
    out = io.BytesIO()
    write_export(generated_graph, fmt, out)
    assert chosen.rdf is not None
    back = list(pyoxigraph.parse(out.getvalue(), format=chosen.rdf))
    store = list(generated_graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    assert len(back) == len(store) == len(generated_graph)
    assert any(isinstance(quad.subject, pyoxigraph.BlankNode) for quad in store)  # so renaming is tested
    assert canonical(back) == canonical(store)


# ---------------------------------------------------------------- atomic


def test_a_failed_export_leaves_the_old_file_and_no_temporary(generated, tmp_path, monkeypatch):
    from citynet.cli import EXIT_INTERNAL, main
    from citynet.publish import exports

    target = tmp_path / "out.nt"
    target.write_text("old\n")

    def some_then_fail(quads):
        for number, quad in enumerate(quads):
            if number == 5_000:
                raise RuntimeError("the store went away")
            yield quad

    monkeypatch.setattr(exports, "stable_blank_nodes", some_then_fail)
    assert main(["export", "--data", str(generated), "--format", "ntriples", "-o", str(target)]) == EXIT_INTERNAL
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]


KILL_MID_STREAM = """
import citynet.streams as streams
write = streams.Tally.write
calls = 0
def write_then_die(self, data):
    global calls
    calls += 1
    if calls == 50:
        die()
    return write(self, data)
streams.Tally.write = write_then_die
"""


def test_an_export_killed_mid_stream_leaves_the_old_file_and_the_next_run_cleans_up(generated, tmp_path):
    (tmp_path / "out.nt").write_text("old\n")
    export = ["export", "--data", str(generated), "--format", "ntriples", "-o", "out.nt"]
    killed = citynet_killed(KILL_MID_STREAM, *export, cwd=tmp_path)
    assert was_killed(killed), killed.stderr
    assert (tmp_path / "out.nt").read_text() == "old\n"
    left = starts_with_dot(tmp_path, "out.nt")
    assert len(left) == 1 and (tmp_path / left[0]).stat().st_size > 0  # half written when killed
    again = run_citynet(*export, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]
    assert (tmp_path / "out.nt").read_bytes() == previous_export_bytes(citynet.KnowledgeGraph([generated]), "ntriples")
