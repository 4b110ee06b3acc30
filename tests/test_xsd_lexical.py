"""Lexical forms of every XSD datatype citynet checks: valid and ill-typed examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import citynet
from citynet.validation.xsd_lexical import DATATYPES, XSD, problem

# datatype: (valid lexical forms, ill-typed lexical forms)
EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "string": (["", "any text", "tab\there"], ["\x01"]),
    "normalizedString": (["a b", " a "], ["a\nb", "a\tb"]),
    "token": (["a b", "a"], [" a", "a ", "a  b", "a\nb"]),
    "language": (["de", "de-DE", "sgn-BE-FR"], ["", "de_DE", "toolonglanguage"]),
    "NMTOKEN": (["a-b", "1a"], ["", "a b"]),
    "Name": (["a-b", ":a", "_x"], ["1a", "-a"]),
    "NCName": (["a-b", "_x"], ["a:b", "1a"]),
    "boolean": (["true", "false", "1", "0"], ["True", "yes", ""]),
    "decimal": (["1", "-1.5", "+.5", "1."], ["", ".", "1e5", "1,5", " 1"]),
    "float": (["1.5E2", "-INF", "NaN", ".5e-3", "+INF"], ["1.5E", "inf", "E2"]),
    "double": (["1", "1e1", "-0"], ["1.5E", "nan", "0x10"]),
    "integer": (["0", "-12", "+7", "007"], ["1.0", "", "1_000", " 1"]),
    "nonPositiveInteger": (["0", "-3"], ["1"]),
    "negativeInteger": (["-1"], ["0", "5"]),
    "long": (["9223372036854775807"], ["9223372036854775808"]),
    "int": (["-2147483648"], ["2147483648"]),
    "short": (["32767"], ["32768"]),
    "byte": (["-128", "127"], ["128", "300"]),
    "nonNegativeInteger": (["0", "+5"], ["-1"]),
    "unsignedLong": (["18446744073709551615"], ["18446744073709551616", "-1"]),
    "unsignedInt": (["4294967295"], ["4294967296"]),
    "unsignedShort": (["65535"], ["65536"]),
    "unsignedByte": (["255"], ["256"]),
    "positiveInteger": (["1"], ["0"]),
    "duration": (["P1Y2M3DT4H5M6.7S", "-P1D", "PT60S", "P0D"], ["P", "PT", "P1H", "1Y", "P1.5Y"]),
    "yearMonthDuration": (["P1Y2M", "-P12M"], ["P1D", "P"]),
    "dayTimeDuration": (["P3DT4H", "PT0S"], ["P1Y", "P"]),
    "dateTime": (["2021-09-08T10:00:00", "2021-09-08T10:00:00.5+02:00", "2021-09-08T24:00:00Z"],
                 ["2021-09-08", "2021-13-08T10:00:00", "2021-02-30T10:00:00", "2021-09-08T25:00:00"]),
    "dateTimeStamp": (["2021-09-08T10:00:00Z"], ["2021-09-08T10:00:00"]),
    "date": (["2021-09-08", "2020-02-29", "-0044-03-15", "2021-09-08Z", "2021-09-08+14:00"],
             ["2021-13-45", "2021-02-29", "21-09-08", "2021-9-8", "2021-09-08+15:00"]),
    "time": (["10:00:00", "23:59:59.999", "24:00:00"], ["10:00", "24:00:01", "10:60:00"]),
    "gYearMonth": (["2021-09", "2021-09Z"], ["2021-13", "2021"]),
    "gYear": (["2021", "-0044", "12021", "2021+01:00"], ["20x1", "21", "2021-01"]),
    "gMonthDay": (["--09-08", "--02-29"], ["--02-30", "09-08"]),
    "gDay": (["---08", "---31"], ["---32", "--08"]),
    "gMonth": (["--09", "--12Z"], ["--13", "-09"]),
    "hexBinary": (["", "0FB7", "0fb7"], ["0FB", "GG"]),
    "base64Binary": (["", "aGVsbG8=", "aGVs bG8=", "QUJD"], ["aGVsbG8", "a===", "!!!!", "QUJD "]),
}


def test_every_datatype_has_examples() -> None:
    assert set(EXAMPLES) == set(DATATYPES)


@pytest.mark.parametrize(("datatype", "lexical", "valid"), [
    pytest.param(name, lexical, valid, id=f"{name}-{'valid' if valid else 'ill-typed'}-{lexical!r}")
    for name, (good, bad) in EXAMPLES.items() for valid, forms in ((True, good), (False, bad)) for lexical in forms
])
def test_lexical_forms(datatype: str, lexical: str, valid: bool) -> None:
    found = problem(lexical, XSD + datatype)
    assert (found is None) is valid, found
    if not valid:
        assert f"xsd:{datatype}" in found and "expected" in found


@pytest.mark.parametrize("datatype", sorted(EXAMPLES))
def test_rdflib_never_accepts_less(datatype: str) -> None:
    """What rdflib takes as ill-typed is ill-typed here too (citynet checks more, never less)."""
    for lexical in EXAMPLES[datatype][0]:
        literal = Literal(lexical, datatype=URIRef(XSD + datatype))
        assert literal.ill_typed is not True or (datatype, lexical) in _RDFLIB_STRICTER, lexical


# Valid in XSD 1.1, ill-typed for rdflib, whose Python values have no 24:00:00 and no years
# before 1: citynet passes them on (and rdflib's view reaches pySHACL's sh:datatype).
_RDFLIB_STRICTER = {("dateTime", "2021-09-08T24:00:00Z"), ("time", "24:00:00"), ("date", "-0044-03-15")}


def test_other_datatypes_are_not_judged() -> None:
    assert problem("anything", "http://example.org/myType") is None
    assert problem("anything", XSD + "anyURI") is None


def test_an_ill_typed_gyear_fails_validation_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "draft.ttl"
    path.write_text(
        "@prefix cn: <https://w3id.org/citynet/def#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <http://example.org/> .\n\nex:x cn:year\n    \"20x1\"^^xsd:gYear .\n", encoding="utf-8")
    report = citynet.validate([path], shapes=_no_shapes(tmp_path))
    [finding] = report.violations
    assert (finding.file, finding.line) == (path, 6)
    assert "xsd:gYear" in finding.message and "20x1" in finding.message
    assert finding.component == URIRef("https://w3id.org/citynet/shapes#LexicalFormConstraintComponent")
    assert not report.passes()


def _no_shapes(folder: Path) -> Path:
    shapes = folder / "shapes" / "none.ttl"
    shapes.parent.mkdir()
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
                      "ex:S a sh:NodeShape ; sh:targetNode ex:nothing .\n", encoding="utf-8")
    return shapes
