"""citynet format: one layout, the same graph, every comment kept; the shipped data is in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from citynet import resources
from citynet.cli import main
from citynet.curate.formatting import format_paths, format_text
from citynet.curate.turtle_syntax import comments_of
from citynet.errors import InputError

from .conftest import turtle_files

PREFIXES = "@prefix ex: <http://example.org/> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"


def fmt(text: str) -> str:
    return format_text(text, Path("test.ttl"))


def test_the_shipped_data_is_in_the_layout(capsys):
    """What CI checks: `citynet format --check` on data/ passes."""
    assert main(["format", "--check"]) == 0
    assert "0 of" in capsys.readouterr().out


@pytest.mark.parametrize("path", turtle_files(), ids=lambda p: p.name)
def test_every_file_keeps_its_graph_and_comments_and_formats_once(path):
    """The ontology and shapes too: not in the layout, but the formatter must handle them."""
    text = path.read_text(encoding="utf-8")
    formatted = format_text(text, path)
    assert isomorphic(Graph().parse(data=text, format="turtle"), Graph().parse(data=formatted, format="turtle"))
    assert sorted(comments_of(formatted, path)) == sorted(comments_of(text, path))
    assert format_text(formatted, path) == formatted


def test_subjects_sorted_predicates_grouped_prefixes_sorted_and_kept():
    text = PREFIXES + "@prefix unused: <http://unused.example/> .\n" + (
        "ex:b dct:source ex:s .\nex:a ex:p 1 .\nex:b a ex:Thing ; ex:p 2 .\nex:a ex:p 3 ; a ex:Thing .\n")
    assert fmt(text) == (
        "@prefix dct:    <http://purl.org/dc/terms/> .\n"
        "@prefix ex:     <http://example.org/> .\n"
        "@prefix unused: <http://unused.example/> .\n"
        "\n"
        "ex:a a ex:Thing ;\n"
        "    ex:p 1 , 3 .\n"
        "\n"
        "ex:b a ex:Thing ;\n"
        "    ex:p 2 ;\n"
        "    dct:source ex:s .\n")


def test_comments_stay_where_they_belong():
    text = PREFIXES + (
        "\n# ---- section two\n\n"
        "# about d\n"
        "ex:d ex:p 1 ;\n"
        "    # about q\n"
        "    ex:q 2 . # after d\n"
        "\n"
        "ex:c ex:p 1 .\n"
        "\n# ---- section one: after two in the file, so after it in the layout\n\n"
        "ex:a ex:p [ ex:r 1 ; # inside\n ex:s 2 ] .\n"
        "\n# the end\n")
    formatted = fmt(text)
    assert formatted == (
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix ex:  <http://example.org/> .\n"
        "\n"
        "# ---- section two\n"
        "\n"
        "ex:c ex:p 1 .\n"
        "\n"
        "# about d\n"
        "ex:d ex:p 1 ;\n"
        "    # about q\n"
        "    ex:q 2 .\n"
        "# after d\n"
        "\n"
        "# ---- section one: after two in the file, so after it in the layout\n"
        "\n"
        "ex:a ex:p [\n"
        "    ex:r 1 ;\n"
        "    # inside\n"
        "    ex:s 2\n"
        "] .\n"
        "\n"
        "# the end\n")


def test_a_banner_above_a_directive_stays_where_it_stood():
    """The directive moves to the top; its banner stays above the statements that follow it,
    and a banner after the last statement ends the file."""
    text = ("@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\n\n# banner X\n\n"
            "@prefix dct: <http://purl.org/dc/terms/> .\n\n# banner Y\n\nex:b ex:p 2 .\n\n"
            "# the last banner\n\n@prefix foo: <http://foo.example/> .\n")
    formatted = fmt(text)
    assert formatted.endswith("ex:a ex:p 1 .\n\n# banner X\n\n# banner Y\n\nex:b ex:p 2 .\n\n# the last banner\n")
    assert fmt(formatted) == formatted


def test_long_object_lists_get_a_line_each():
    sources = " , ".join(f"ex:source-with-a-long-name-{n}" for n in range(4))
    formatted = fmt(PREFIXES + f"ex:a dct:source {sources} .\n")
    assert formatted.endswith("ex:a dct:source ex:source-with-a-long-name-0 ,\n"
                              "        ex:source-with-a-long-name-1 ,\n"
                              "        ex:source-with-a-long-name-2 ,\n"
                              "        ex:source-with-a-long-name-3 .\n")


def test_a_prefix_declared_twice_differently_is_refused():
    with pytest.raises(InputError, match="declared twice"):
        fmt("@prefix ex: <http://a.example/> .\nex:a ex:p 1 .\n@prefix ex: <http://b.example/> .\nex:a ex:p 2 .\n")


def test_a_syntax_error_names_file_and_line():
    with pytest.raises(InputError) as caught:
        fmt(PREFIXES + "ex:a ex:p .\n")
    assert caught.value.line == 3


def test_check_reports_and_writes_nothing_then_format_writes(tmp_path, capsys):
    path = tmp_path / "x.ttl"
    text = PREFIXES + "# kept\nex:b ex:p 1 .\nex:a ex:p 2 .\n"
    path.write_text(text, encoding="utf-8")
    assert main(["format", "--check", str(tmp_path)]) == 1
    assert "would reformat" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == text
    assert main(["format", str(path)]) == 0
    assert path.read_text(encoding="utf-8") != text and "# kept" in path.read_text(encoding="utf-8")
    assert main(["format", "--check", str(path)]) == 0


def test_a_refused_file_stops_the_run_before_anything_is_written(tmp_path):
    good, bad = tmp_path / "a.ttl", tmp_path / "b.ttl"
    good.write_text(PREFIXES + "ex:b ex:p 1 .\nex:a ex:p 2 .\n", encoding="utf-8")
    bad.write_text(PREFIXES + "ex:a ex:p\n", encoding="utf-8")
    before = good.read_text(encoding="utf-8")
    with pytest.raises(InputError):
        format_paths([tmp_path])
    assert good.read_text(encoding="utf-8") == before


def test_format_never_touches_what_it_cannot_parse(tmp_path, capsys):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p \"open\n", encoding="utf-8")
    assert main(["format", str(path)]) == 2
    assert "broken.ttl" in capsys.readouterr().err


def test_the_data_folder_is_the_default():
    assert all(result.path.parent == resources.data_dir() for result in format_paths([resources.data_dir()],
                                                                                   check=True))
