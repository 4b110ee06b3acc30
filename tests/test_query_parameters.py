"""Parameters whose names are the query functions' own keywords: ``graph``, ``engine``, ``name``,
``params`` (and the options of ``remote_query``). Each is bindable, and none changes how the
query runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

import citynet
from citynet.cli import EXIT_BAD_INPUT, EXIT_OK, main
from citynet.errors import QueryError
from citynet.querying import execute, stored_queries
from citynet.scale import remote

ECHO = """#+ summary: Gives back its parameters, whose names are those of the query functions' keywords
#+ params:
#+   graph: {type: string, required: true}
#+   engine: {type: string, required: true}
#+   name: {type: string, default: "the name"}
#+   params: {type: string, default: "the params"}
#+   user: {type: string, default: "the user"}
SELECT ?graph ?engine ?name ?params ?user WHERE { }
"""


@pytest.fixture
def echo(monkeypatch, tmp_path: Path) -> str:
    """The shipped stored queries and one more, ``echo-parameters``."""
    folder = tmp_path / "queries"
    shutil.copytree(citynet.resources.queries_dir(), folder)
    (folder / "echo-parameters.rq").write_text(ECHO, encoding="utf-8")
    monkeypatch.setattr(stored_queries, "_catalogue", stored_queries.QueryCatalogue(folder))
    return "echo-parameters"


@pytest.fixture
def engines_used(monkeypatch) -> list[str]:
    """The engine each query runs on."""
    used: list[str] = []
    run = execute.run

    def recording(*args, **options):
        used.append(options.get("engine", "oxigraph"))
        return run(*args, **options)

    monkeypatch.setattr(execute, "run", recording)
    return used


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_parameters_named_graph_and_engine_are_bound(echo, engines_used, engine):
    rows = citynet.query(echo, {"graph": "x", "engine": "rdflib"}, engine=engine).rows()
    assert rows == [{"graph": "x", "engine": "rdflib", "name": "the name", "params": "the params",
                     "user": "the user"}]
    assert engines_used == [engine]  # the parameter named engine did not choose the engine


def test_keywords_are_a_shorthand_for_names_that_cannot_clash(echo):
    row = citynet.query(echo, {"graph": "x", "engine": "y"}, name="n", params="p", user="u").rows()[0]
    assert (row.graph, row.engine, row.name, row.params, row.user) == ("x", "y", "n", "p", "u")


def test_a_value_for_a_parameter_named_graph_given_as_graph_is_a_clear_error(echo):
    with pytest.raises(QueryError, match="graph= takes the KnowledgeGraph") as error:
        citynet.query(echo, graph="x", engine="oxigraph")  # type: ignore[arg-type]
    assert "params" in error.value.hint


def test_an_unknown_engine_is_an_error_not_a_silent_default():
    with pytest.raises(QueryError, match="unknown engine 'rdflib2'") as error:
        citynet.query("twin-cities", engine="rdflib2")  # type: ignore[arg-type]
    assert "params" in error.value.hint


def test_a_graph_in_place_of_the_parameters_says_where_it_goes():
    with pytest.raises(QueryError, match="must be a mapping") as error:
        citynet.query("twin-cities", citynet.shipped_graph())  # type: ignore[arg-type]
    assert "graph=" in error.value.hint


def test_a_parameter_given_twice_is_an_error():
    with pytest.raises(QueryError, match="'place' is given both"):
        citynet.query("networks-of-place", {"place": "Rostock"}, place="Wien")


def test_the_graph_keyword_still_chooses_the_graph():
    graph = citynet.shipped_graph()
    assert citynet.query("networks-of-place", {"place": "Rostock"}, graph=graph).rows() == \
        citynet.query("networks-of-place", place="Rostock").rows()


def test_cli_binds_parameters_named_graph_and_engine(echo, engines_used, capsys):
    # These once exited 70 (--param graph=x) and silently switched engines (--param engine=rdflib).
    code = main(["query", echo, "--param", "graph=x", "--param", "engine=rdflib", "--format", "json"])
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    bindings = json.loads(captured.out)["results"]["bindings"][0]
    assert bindings["graph"]["value"] == "x" and bindings["engine"]["value"] == "rdflib"
    assert engines_used == ["oxigraph"]


def test_cli_a_missing_parameter_named_graph_is_bad_input(echo, capsys):
    code = main(["query", echo, "--param", "engine=rdflib"])
    assert code == EXIT_BAD_INPUT
    assert "needs parameter 'graph'" in capsys.readouterr().err


def test_remote_query_binds_parameters_named_like_its_options(echo, monkeypatch):
    sent: list[str] = []

    def answer(client, method, url, endpoint, **options):
        sent.append(httpx.URL(url).params["query"])
        return httpx.Response(200, json={"head": {"vars": ["graph"]}, "results": {"bindings": [
            {"graph": {"type": "literal", "value": "x"}}]}})

    monkeypatch.setattr(remote.sparql, "send", answer)
    result = remote.remote_query(echo, "http://127.0.0.1:9/sparql",
                                 {"graph": "x", "engine": "e", "user": "u"}, graph_iri="https://example.org/g")
    assert result.rows() == [{"graph": "x"}]
    assert 'VALUES (?graph ?engine ?name ?params ?user) { ("x" "e" "the name" "the params" "u") }' in sent[0]
    assert "FROM <https://example.org/g>" in sent[0]
