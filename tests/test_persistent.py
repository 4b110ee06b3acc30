"""The persistent store: built once, reopened while the files are unchanged."""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

import citynet
from citynet import resources
from citynet.graph.persistent import content_key, default_cache_dir


def test_the_test_run_keeps_out_of_the_users_cache():
    # tests/conftest.py gives the run a folder of its own (or the one given to pytest)
    assert default_cache_dir() == Path(os.environ["CITYNET_CACHE_DIR"])
    assert default_cache_dir() not in {Path.home() / ".cache" / "citynet",
                                       Path(os.environ.get("XDG_CACHE_HOME", "/nonexistent")) / "citynet"}


def test_store_is_built_once_and_reopened(tmp_path):
    first = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path)
    built = sorted(tmp_path.iterdir())
    second = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path)
    assert sorted(tmp_path.iterdir()) == built and len(built) == 1
    assert len(first) == len(second) == len(citynet.shipped_graph())
    assert len(citynet.query("members-of-network", graph=second, network="ICNCM")) == 22


def test_changed_files_get_a_new_store(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    files = sorted(data.glob("*.ttl"))
    key = content_key([resources.ontology_path(), *files])
    with (data / "topics.ttl").open("a", encoding="utf-8") as stream:
        stream.write("\n# a comment changes the bytes, so the key\n")
    assert content_key([resources.ontology_path(), *files]) != key
    cache = tmp_path / "cache"
    citynet.KnowledgeGraph(files, persistent=True, cache_dir=cache)
    assert [p.name for p in cache.iterdir()] == [content_key([resources.ontology_path(), *files])]


def test_an_interrupted_build_is_not_reused(tmp_path):
    files = [resources.ontology_path(), *resources.data_files()]
    half_built = tmp_path / content_key(files)
    half_built.mkdir()
    (half_built / "garbage").write_text("a crash left this")
    graph = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path)
    assert len(graph) == len(citynet.shipped_graph())
    assert not (half_built / "garbage").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_building_the_store_shows_progress_on_a_terminal_only(tmp_path, monkeypatch, capsys):
    citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path / "piped")
    assert capsys.readouterr().err == ""
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    graph = citynet.KnowledgeGraph(persistent=True, cache_dir=tmp_path / "terminal")
    assert "building the store" in screen.getvalue() and "100.0%" in screen.getvalue()
    assert len(graph) == len(citynet.KnowledgeGraph())  # read through the counting reader, whole


def test_push_shows_progress_on_a_terminal_only(monkeypatch, capsys):
    from citynet.scale.remote.chunks import write_chunks

    with write_chunks(citynet.shipped_graph()):
        assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with write_chunks(citynet.shipped_graph()) as chunked:
        assert chunked.triples == len(citynet.shipped_graph())
    assert "writing the graph" in sys.stderr.getvalue() and "100.0%" in sys.stderr.getvalue()
