"""Validation of files parsed by Oxigraph alone gives exactly plain pySHACL's findings.

A generated 10k-triple graph with every kind of defect the generator injects is validated
on the fast path (Oxigraph's parse, pySHACL on a graph of only the candidate focus nodes'
surroundings) and with ``fast=False`` (rdflib's parse, pySHACL on the whole graph)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citynet.scale.generate import DEFECT_KINDS, generate
from citynet.validation import Finding, validate
from citynet.validation import validator as validator_module


def _key(finding: Finding) -> tuple[str, ...]:
    shape = finding.shape
    # A blank-node shape is named differently in each parse of the shapes: its kind stays.
    blank = shape is None or (str(shape).startswith("n") and ":" not in str(shape))
    shape_name = "blank shape" if blank else str(shape)
    return (str(finding.focus_node), str(finding.path), str(finding.value), shape_name, str(finding.component),
            finding.severity_name, finding.message, str(finding.file), str(finding.line))


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parsed") / "defects.ttl"
    generate(10_000, seed=3, out=out, defects={kind: 2 for kind in DEFECT_KINDS})
    return out


def test_the_oxigraph_parse_gives_pyshacls_findings(defective: Path) -> None:
    fast = validate([defective])
    plain = validate([defective], fast=False)
    assert sorted(map(_key, fast.findings)) == sorted(map(_key, plain.findings))
    # Every defect kind was found (the comparison is not between two empty reports).
    assert len(plain.findings) >= sum(DEFECT_KINDS[k].violations_each * 2 for k in DEFECT_KINDS)


def test_the_fast_path_did_not_parse_with_rdflib(defective: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib parsed the files")

    monkeypatch.setattr(validator_module, "load_turtle_files", refuse)
    assert validate([defective]).findings


def test_an_upper_case_language_tag_keeps_its_case(tmp_path: Path) -> None:
    data = tmp_path / "tags.ttl"
    data.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    '<https://w3id.org/citynet/id/city/x> a <https://w3id.org/citynet/def#City> ;\n'
                    '    rdfs:label "X"@sr-Cyrl .\n', encoding="utf-8")
    assert sorted(map(_key, validate([data]).findings)) == sorted(map(_key, validate([data], fast=False).findings))


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    from citynet.errors import InputError

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        validate([bad])
    assert raised.value.path == bad and raised.value.line == 3
