"""serve and publish put out only data that passes validation, and remember the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

import citynet
from citynet.cli import main
from citynet.validation.gate import verdict
from tests.test_cli import VALID, write

BROKEN = VALID.replace('    rdfs:label "Springfield"@en ;\n', "")  # a city without a label: a violation


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYNET_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("command", [["publish", "OUT", "--data"], ["serve", "--port", "0", "--data"]])
def test_data_with_a_violation_is_not_put_out(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              command: list[str]) -> None:
    data = write(tmp_path, BROKEN)
    arguments = [str(tmp_path / "site") if a == "OUT" else a for a in command]
    assert main([*arguments, str(data)]) == 1
    err = capsys.readouterr().err
    assert f"{data.name}:" in err and "Violation" in err and "rdfs:label" in err
    assert "fails validation" in err and "--no-validate" in err
    assert not (tmp_path / "site").exists()


def test_no_validate_puts_it_out_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path, BROKEN)
    assert main(["publish", str(tmp_path / "site"), "--data", str(data), "--no-validate"]) == 0
    assert "not validated (--no-validate)" in capsys.readouterr().err
    assert (tmp_path / "site" / "index.html").is_file()


def test_the_verdict_is_remembered_for_the_same_files(tmp_path: Path) -> None:
    graph = citynet.KnowledgeGraph([write(tmp_path, VALID)])
    first, second = verdict(graph), verdict(graph)
    assert first.passes and not first.cached and second.cached and second == first.__class__(
        first.passes, first.summary, first.findings, cached=True)
    changed = citynet.KnowledgeGraph([write(tmp_path, BROKEN, "other.ttl")])
    assert not verdict(changed).passes and verdict(changed).findings
