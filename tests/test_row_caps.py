"""No silent truncation: answers cut at a store's row cap are read whole, or refused naming the cap.

Two real stores with small caps, so that the shipped graph is enough: Virtuoso with Debian's
stock settings but ``ResultSetMaxRows = 5`` (it signals the cap with ``X-SPARQL-MaxRows``), and
``citynet serve --max-rows 5`` (``Citynet-Truncated``).
The stock cap of 10,000 is tested in test_push.py with a generated graph.
"""

from __future__ import annotations

import pytest

import citynet
from citynet.cli import main
from citynet.scale.remote import RowLimitError, push, remote_query
from citynet.scale.remote.paging import paged_text
from tests import triplestores
from tests.server_harness import start_server

GRAPH = "https://w3id.org/citynet/graph/capped"
CAP = 5


@pytest.fixture(scope="module")
def capped_virtuoso(tmp_path_factory):
    reason = triplestores.missing("virtuoso")
    if reason:
        pytest.skip(reason)
    server = triplestores.start_virtuoso(tmp_path_factory.mktemp("capped"),
                                         {("SPARQL", "ResultSetMaxRows"): str(CAP)})
    try:
        push(None, server.store, GRAPH, **server.credentials)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def capped_citynet(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("serve"), "--max-rows", str(CAP))
    try:
        yield server
    finally:
        server.stop()


def typed(result: citynet.QueryResult) -> list[tuple]:
    return sorted(tuple("" if t is None else t.n3() for t in row) for row in result.coerced().terms)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "params"), [
    ("members-of-network", {"network": "ICNCM"}),
    ("shared-networks", {"place": "Rostock"}),
    ("memberships", {}),
    ("search", {"text": "ost"}),
])
def test_virtuoso_answers_over_its_cap_are_read_whole(capped_virtuoso, name, params):
    local = citynet.query(name, **params)
    assert len(local) > CAP
    remote = remote_query(name, capped_virtuoso.sparql, graph_iri=GRAPH, **params)
    assert typed(remote) == typed(local)


@pytest.mark.slow
def test_citynet_serve_answers_over_its_cap_are_read_whole(capped_citynet):
    local = citynet.query("members-of-network", network="ICNCM")
    remote = remote_query("members-of-network", capped_citynet.sparql, network="ICNCM")
    assert len(local) > CAP and typed(remote) == typed(local)


@pytest.mark.slow
def test_a_graph_over_the_cap_is_built_from_pages(capped_virtuoso):
    """Virtuoso cuts a CONSTRUCT answer without saying so; citynet notices and reads it in pages."""
    local = citynet.query("network-subgraph", network="UBC")
    assert len(local) > CAP
    remote = remote_query("network-subgraph", capped_virtuoso.sparql, graph_iri=GRAPH, network="UBC")
    assert remote.graph.isomorphic(local.graph)


@pytest.mark.slow
def test_without_paging_a_cut_graph_is_exit_1_naming_the_setting(capped_virtuoso, capsys):
    code = main(["query", "network-subgraph", "-p", "network=UBC", "--endpoint", capped_virtuoso.sparql,
                 "--graph", GRAPH, "--no-paging"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "may have cut this graph" in err and "ResultSetMaxRows" in err


@pytest.mark.slow
def test_without_paging_a_cut_answer_is_exit_1(capped_citynet, capsys):
    code = main(["query", "members-of-network", "-p", "network=ICNCM", "--endpoint", capped_citynet.sparql,
                 "--no-paging"])
    err = capsys.readouterr().err
    assert code == 1 and f"cut the answer at {CAP} rows" in err and "--max-rows" in err


def test_a_query_with_its_own_limit_cannot_be_paged():
    with pytest.raises(RowLimitError, match="cannot be read in pages"):
        paged_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", ["s"], 5, 0, wrapped=False)


def test_pages_keep_the_querys_order_then_every_column():
    text = "PREFIX ex: <http://e/>\nSELECT ?a ?b WHERE { ?a ex:p ?b }\nORDER BY DESC(?b) # newest first"
    direct = paged_text(text, ["a", "b"], 10, 20, wrapped=False)
    assert direct.startswith("PREFIX ex: <http://e/>\nSELECT ?a ?b WHERE {\n{\nSELECT ?a ?b WHERE { ?a ex:p ?b }")
    assert direct.endswith("ORDER BY DESC(?b) STR(?a)\nLIMIT 10 OFFSET 20")
    wrapped = paged_text(text, ["a", "b"], 10, 20, wrapped=True)
    assert wrapped.count("SELECT ?a ?b WHERE") == 3 and wrapped.endswith("}\n}\nLIMIT 10 OFFSET 20")


@pytest.mark.parametrize("stored", [q for q in citynet.queries() if q.form == "SELECT"], ids=lambda q: q.name)
@pytest.mark.parametrize("wrapped", [False, True], ids=["direct", "cursor"])
def test_every_stored_select_read_in_pages_gives_its_rows(stored, wrapped):
    """On the embedded store, pages of three rows together are the query's answer."""
    from citynet.querying.execute import bind_parameters
    from citynet.scale.remote.values import with_values

    graph = citynet.shipped_graph()
    params = {p.name: p.example for p in stored.parameters if p.required}
    whole = citynet.query(stored.name, **params)
    bindings = bind_parameters(stored, params, graph)
    rows: list[tuple] = []
    while True:
        page = citynet.sparql(with_values(paged_text(stored.text, list(whole.variables), 3, len(rows),
                                                     wrapped=wrapped), bindings))
        assert page.variables == whole.variables and len(page) <= 3
        if len(page) == 0:
            break
        rows += list(page.terms)
    assert sorted(rows, key=repr) == sorted(whole.terms, key=repr)
