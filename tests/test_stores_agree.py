"""One answer everywhere: every stored query, run from the command line against stores that hold
only generated data, gives the embedded store's rows, types included, on the Oxigraph server and
on Virtuoso with Debian's stock settings.

The generated graph is pushed with ``citynet push``; each query runs as ``citynet query … --format
json`` (SPARQL JSON results: every term with its type, datatype and language) locally with
``--data`` and remotely with ``--endpoint``, and the answers are compared whole, in any row order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import to_canonical_graph

import citynet
from citynet.cli import main
from citynet.scale.generate import generate
from citynet.scale.remote import remote_query
from tests.conftest import drop_graph
from tests.triplestores import Triplestore

GRAPH = "https://w3id.org/citynet/graph/generated"
QUERY_NAMES = [q.name for q in citynet.queries()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("agree") / "generated.ttl"
    report = generate(20_000, 3, path, progress=False)  # a size and seed where every query finds something
    return path, report.examples


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request, generated) -> Iterator[Triplestore]:
    server = request.getfixturevalue(f"{request.param}_store")
    credentials = ["--user", server.user, "--digest"] if server.user else []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CITYNET_PASSWORD", server.password or "")
        assert main(["push", "--endpoint", server.store, "--graph", GRAPH, "--data", str(generated[0]),
                     *credentials]) == 0
    yield server
    drop_graph(server, GRAPH)


def cli(capsys, *args: str) -> str:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def answer(text: str, form: str):
    """What must be equal: the variables and the rows as written, blank nodes alike; a graph by
    its canonical form."""
    if form != "SELECT":
        return set(to_canonical_graph(Graph().parse(data=text, format="json-ld")))
    document = json.loads(text)

    def cell(binding: dict | None):
        if binding is None:
            return None
        if binding["type"] == "bnode":
            return ("bnode",)
        return tuple(sorted(binding.items()))

    variables = document["head"]["vars"]
    rows = sorted((tuple(cell(b.get(v)) for v in variables) for b in document["results"]["bindings"]), key=repr)
    return variables, rows


@pytest.fixture(scope="module")
def embedded(generated):
    """The embedded store's answer to each query, from the CLI, once per query."""
    path, examples = generated
    answers: dict[str, str] = {}

    def run(name: str, capsys) -> str:
        if name not in answers:
            answers[name] = cli(capsys, "query", name, "--data", str(path), "--format", "json",
                                *params(name, examples))
        return answers[name]
    return run


def params(name: str, examples: dict) -> list[str]:
    return [f"--param={key}={value}" for key, value in examples.get(name, {}).items()]


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_stored_query_gives_the_embedded_answer_from_the_cli(store, generated, embedded, name, capsys):
    _, examples = generated
    form = citynet.queries()[QUERY_NAMES.index(name)].form
    local = embedded(name, capsys)
    remote = cli(capsys, "query", name, "--endpoint", store.sparql, "--graph", GRAPH, "--format", "json",
                 *params(name, examples))
    expected = answer(local, form)
    assert expected and (form != "SELECT" or expected[1]), f"{name} finds nothing in the generated graph"
    assert answer(remote, form) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", [q.name for q in citynet.queries() if q.form == "SELECT"])
def test_dataframes_have_the_same_dtypes_and_values_on_every_store(store, generated, name):
    pytest.importorskip("pandas")
    path, examples = generated
    local = citynet.query(name, graph=citynet.KnowledgeGraph.from_paths([path]), **examples.get(name, {}))
    remote = remote_query(name, store.sparql, graph_iri=GRAPH, **examples.get(name, {}))
    mine, theirs = local.to_dataframe(), remote.to_dataframe()
    assert dict(mine.dtypes) == dict(theirs.dtypes)
    key = list(mine.columns)
    assert sorted(map(repr, mine[key].itertuples(index=False))) == \
        sorted(map(repr, theirs[key].itertuples(index=False)))
