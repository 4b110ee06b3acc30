"""A cold `citynet query` loads only what it uses, and the cache of the stored queries' headers
is never stale: outcomes only (which modules a run imported, what a catalogue holds), no timings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import citynet
from citynet.querying import stored_queries
from citynet.querying.header_cache import CACHE_FILE, HeaderCache
from citynet.querying.stored_queries import QueryCatalogue

# Runs the CLI in a fresh interpreter, then writes the modules it loaded and what it printed.
RUNNER = """
import contextlib, io, json, sys
import citynet.cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = citynet.cli.main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as report:
    json.dump({"code": code, "stdout": out.getvalue(), "modules": sorted(sys.modules)}, report)
"""

# httpx and the triplestore client: only for --endpoint and push.
NEVER_FOR_A_QUERY = ("pyshacl", "rdflib.plugins.sparql.parser", "citynet.validation.validator", "httpx",
                     "citynet.scale.remote")


def run_cli(tmp_path: Path, cache: Path, *argv: str) -> dict:
    report = tmp_path / "report.json"
    env = {**os.environ, "CITYNET_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", RUNNER, str(report), *argv], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(report.read_text(encoding="utf-8"))


def loaded(report: dict, prefix: str) -> list[str]:
    return [m for m in report["modules"] if m == prefix or m.startswith(prefix + ".")]


def test_a_stored_query_loads_neither_pyshacl_nor_rdflibs_sparql_grammar(tmp_path):
    cache = tmp_path / "cache"
    first = run_cli(tmp_path, cache, "query", "networks-of-place", "--param", "place=Rostock", "--format", "csv")
    second = run_cli(tmp_path, cache, "query", "networks-of-place", "--param", "place=Rostock", "--format", "csv")
    for report in (first, second):
        assert report["code"] == 0
        for module in NEVER_FOR_A_QUERY:
            assert not loaded(report, module), f"{module} was imported for a stored query"
    assert loaded(first, "yaml"), "the first run parses the headers"
    assert not loaded(second, "yaml"), "the second run reads the parsed headers from the cache"
    assert (cache / CACHE_FILE).is_file()
    # The same answer as the API gives in this process, where nothing was cached.
    expected = citynet.query("networks-of-place", place="Rostock").to_csv()
    assert first["stdout"] == second["stdout"] == expected + ("" if expected.endswith("\n") else "\n")


def test_the_help_and_the_listing_need_no_sparql_grammar_either(tmp_path):
    cache = tmp_path / "cache"
    report = run_cli(tmp_path, cache, "queries", "--format", "json")
    assert report["code"] == 0
    listed = json.loads(report["stdout"])
    assert {q["name"]: q["form"] for q in listed} == {q.name: q.form for q in citynet.queries()}
    for module in NEVER_FOR_A_QUERY:
        assert not loaded(report, module)


def test_the_public_api_still_answers_by_name():
    for name in citynet.__all__:
        assert getattr(citynet, name) is not None
    with pytest.raises(AttributeError):
        citynet.no_such_name  # noqa: B018 - the attribute access is the test


@pytest.mark.parametrize("name", [q.name for q in citynet.queries()])
def test_the_form_read_from_the_words_is_rdflibs(name):
    stored = stored_queries.parse_stored_query(citynet.resources.queries_dir() / f"{name}.rq")
    assert stored.form == stored.prepared.algebra.name.removesuffix("Query").upper()


# ---------------------------------------------------------------- the header cache

@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "queries"
    shutil.copytree(citynet.resources.queries_dir(), copy)
    return copy


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("CITYNET_CACHE_DIR", str(where))
    return where


def described(catalogue: QueryCatalogue) -> list[tuple]:
    return [(q.name, q.text, q.summary, q.description, q.tags, q.parameters) for q in catalogue]


def parsed_without_cache(folder: Path) -> list[tuple]:
    queries = [stored_queries.parse_stored_query(path) for path in sorted(folder.glob("*.rq"))]
    return [(q.name, q.text, q.summary, q.description, q.tags, q.parameters) for q in queries]


def test_a_catalogue_from_the_cache_is_the_parsed_one(folder, cache_dir):
    first = QueryCatalogue(folder)
    assert (cache_dir / CACHE_FILE).is_file()
    second = QueryCatalogue(folder)
    assert described(first) == described(second) == parsed_without_cache(folder)


def test_an_edited_header_is_parsed_again(folder, cache_dir):
    QueryCatalogue(folder)
    path = folder / "twin-cities.rq"
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    edited = text.replace('#+ summary: "', '#+ summary: "Edited. ', 1)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same time: the content decides
    assert QueryCatalogue(folder).get("twin-cities").summary.startswith("Edited.")
    assert described(QueryCatalogue(folder)) == parsed_without_cache(folder)


def test_an_edited_parameter_is_parsed_again(folder, cache_dir):
    QueryCatalogue(folder)
    path = folder / "networks-of-place.rq"
    path.write_text(path.read_text(encoding="utf-8").replace("example: Rostock", "example: Wien"), encoding="utf-8")
    assert QueryCatalogue(folder).get("networks-of-place").parameter("place").example == "Wien"


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"version": 1, "headers": []}',
                                     '{"version": 1, "headers": {"x": 1}}', '{"version": 99, "headers": {}}'])
def test_a_broken_cache_is_left_aside(folder, cache_dir, content):
    cache_dir.mkdir()
    (cache_dir / CACHE_FILE).write_text(content, encoding="utf-8")
    assert described(QueryCatalogue(folder)) == parsed_without_cache(folder)
    assert json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8"))["version"] == 1  # written anew


def test_a_cache_entry_that_is_not_a_header_falls_back_to_the_file(folder, cache_dir):
    QueryCatalogue(folder)
    document = json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8"))
    document["headers"] = {key: {"params": ["not", "a", "mapping"]} for key in document["headers"]}
    (cache_dir / CACHE_FILE).write_text(json.dumps(document), encoding="utf-8")
    assert described(QueryCatalogue(folder)) == parsed_without_cache(folder)


def test_a_header_error_is_still_reported_with_a_cache(folder, cache_dir):
    QueryCatalogue(folder)
    (folder / "broken.rq").write_text("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(citynet.InputError, match="not valid YAML") as error:
        QueryCatalogue(folder)
    assert error.value.path == folder / "broken.rq"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_cache_folder_is_no_error(folder, cache_dir):
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        assert described(QueryCatalogue(folder)) == parsed_without_cache(folder)
        assert not (cache_dir / CACHE_FILE).exists()
    finally:
        cache_dir.chmod(0o700)


def test_a_cache_path_that_cannot_be_a_folder_is_no_error(folder, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CITYNET_CACHE_DIR", str(blocker / "cache"))
    assert described(QueryCatalogue(folder)) == parsed_without_cache(folder)


def test_headers_json_cannot_keep_exactly_are_parsed_every_time(tmp_path):
    cache = HeaderCache(tmp_path)
    dated = cache.header("since: 2020-01-01", lambda text: {"since": __import__("datetime").date(2020, 1, 1)})
    assert dated == {"since": __import__("datetime").date(2020, 1, 1)}
    cache.save()
    assert not (tmp_path / CACHE_FILE).exists()  # nothing JSON could hold: nothing written
    cache.header("flag: yes", lambda text: {"flag": True})
    cache.save()
    again = HeaderCache(tmp_path)
    assert again.header("flag: yes", lambda text: pytest.fail("parsed although cached")) == {"flag": True}
