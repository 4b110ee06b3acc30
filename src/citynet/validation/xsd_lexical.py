"""Is a literal's lexical form in its XSD datatype's lexical space?

rdflib flags ill-typed literals for some datatypes only ("20x1"^^xsd:gYear passes it), and
Oxigraph keeps an ill-typed literal as it is, silently. This module checks every XSD 1.1
datatype that rdflib or Oxigraph knows, by the grammar of XML Schema 1.1 Part 2, and the
value limits the grammar cannot say (the days of a month, the range of xsd:byte). Like
RDF 1.1, it applies no whitespace collapsing: " 5"^^xsd:integer is ill-typed.
"""

from __future__ import annotations

import re
from calendar import isleap
from collections.abc import Callable
from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"

_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_SECONDS = r"[0-9]+(?:\.[0-9]+)?S"
_TIME_PART = rf"T(?:[0-9]+H(?:[0-9]+M)?(?:{_SECONDS})?|[0-9]+M(?:{_SECONDS})?|{_SECONDS})"
_DAY_TIME = rf"(?:[0-9]+D(?:{_TIME_PART})?|{_TIME_PART})"
_YEAR_MONTH = r"(?:[0-9]+Y(?:[0-9]+M)?|[0-9]+M)"
_NAME_START = (":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_XML_CHAR = "\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_B64 = "[A-Za-z0-9+/]"


@dataclass(frozen=True)
class _Datatype:
    grammar: re.Pattern[str]
    expected: str  # shown in the message, so that people see what to write
    check: Callable[[re.Match[str]], bool] | None = None  # limits the grammar cannot say


def _integer_range(low: int | None, high: int | None) -> Callable[[re.Match[str]], bool]:
    def within(match: re.Match[str]) -> bool:
        value = int(match[0])
        return (low is None or value >= low) and (high is None or value <= high)
    return within


def _day_exists(match: re.Match[str]) -> bool:
    """The day exists in that month (February 29 only in leap years; a year with no
    month, as in xsd:gMonthDay, allows February 29)."""
    groups = match.groupdict()
    month, day = int(groups["month"]), int(groups["day"])
    year = groups.get("year")
    if month == 2:
        leap = year is None or isleap(int(year))  # XSD counts year 0 (1 BCE) as a leap year
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)


def _grammar(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


_DATE = rf"(?P<year>{_YEAR})-(?P<month>{_MONTH})-(?P<day>{_DAY})"
_INTEGER = r"[+-]?[0-9]+"
_FLOAT = r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN)"
# (B64quad* B64final)?: the last group ends without a space.
_BASE64 = (rf"(?:(?:(?:{_B64} ?){{4}})*(?:(?:{_B64} ?){{3}}{_B64}|(?:{_B64} ?){{2}}[AEIMQUYcgkosw048] ?="
           rf"|{_B64} ?[AQgw] ?= ?=))?")

DATATYPES: dict[str, _Datatype] = {
    "string": _Datatype(_grammar(f"[{_XML_CHAR}]*"), "text of XML characters"),
    "normalizedString": _Datatype(_grammar("[^\t\n\r]*"), "text without tabs or line breaks"),
    "token": _Datatype(_grammar(r"(?:[^\t\n\r ](?:[^\t\n\r ]| (?! ))*)?(?<! )"),
                       "text without line breaks, tabs, or leading, trailing or double spaces"),
    "language": _Datatype(_grammar(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*"), "a language tag such as de-DE"),
    "NMTOKEN": _Datatype(_grammar(f"[{_NAME_CHAR}]+"), "an XML name such as a-name"),
    "Name": _Datatype(_grammar(f"[{_NAME_START}][{_NAME_CHAR}]*"), "an XML name such as a-name"),
    "NCName": _Datatype(_grammar(f"[{_NAME_START.replace(':', '')}][{_NAME_CHAR.replace(':', '')}]*"),
                        "an XML name without colons, such as a-name"),
    "boolean": _Datatype(_grammar("true|false|1|0"), "true, false, 1 or 0"),
    "decimal": _Datatype(_grammar(_DECIMAL), "a decimal number such as -1.5"),
    "float": _Datatype(_grammar(_FLOAT), "a number such as 1.5E2, INF or NaN"),
    "double": _Datatype(_grammar(_FLOAT), "a number such as 1.5E2, INF or NaN"),
    "integer": _Datatype(_grammar(_INTEGER), "a whole number such as -12"),
    "nonPositiveInteger": _Datatype(_grammar(_INTEGER), "a whole number, 0 or below", _integer_range(None, 0)),
    "negativeInteger": _Datatype(_grammar(_INTEGER), "a whole number, -1 or below", _integer_range(None, -1)),
    "long": _Datatype(_grammar(_INTEGER), "a whole number of 64 bits", _integer_range(-2**63, 2**63 - 1)),
    "int": _Datatype(_grammar(_INTEGER), "a whole number of 32 bits", _integer_range(-2**31, 2**31 - 1)),
    "short": _Datatype(_grammar(_INTEGER), "a whole number from -32768 to 32767", _integer_range(-2**15, 2**15 - 1)),
    "byte": _Datatype(_grammar(_INTEGER), "a whole number from -128 to 127", _integer_range(-128, 127)),
    "nonNegativeInteger": _Datatype(_grammar(_INTEGER), "a whole number, 0 or above", _integer_range(0, None)),
    "unsignedLong": _Datatype(_grammar(_INTEGER), "a whole number from 0 to 2^64-1", _integer_range(0, 2**64 - 1)),
    "unsignedInt": _Datatype(_grammar(_INTEGER), "a whole number from 0 to 4294967295", _integer_range(0, 2**32 - 1)),
    "unsignedShort": _Datatype(_grammar(_INTEGER), "a whole number from 0 to 65535", _integer_range(0, 2**16 - 1)),
    "unsignedByte": _Datatype(_grammar(_INTEGER), "a whole number from 0 to 255", _integer_range(0, 255)),
    "positiveInteger": _Datatype(_grammar(_INTEGER), "a whole number, 1 or above", _integer_range(1, None)),
    "duration": _Datatype(_grammar(rf"-?P(?:{_YEAR_MONTH}(?:{_DAY_TIME})?|{_DAY_TIME})"),
                          "a duration such as P1Y2M3DT4H5M6S"),
    "yearMonthDuration": _Datatype(_grammar(rf"-?P{_YEAR_MONTH}"), "a duration such as P1Y2M"),
    "dayTimeDuration": _Datatype(_grammar(rf"-?P{_DAY_TIME}"), "a duration such as P3DT4H"),
    "dateTime": _Datatype(_grammar(rf"{_DATE}T{_TIME}{_ZONE}?"),
                          "a date and time such as 2021-09-08T10:00:00+02:00", _day_exists),
    "dateTimeStamp": _Datatype(_grammar(rf"{_DATE}T{_TIME}{_ZONE}"),
                               "a date and time with a time zone, such as 2021-09-08T10:00:00Z", _day_exists),
    "date": _Datatype(_grammar(rf"{_DATE}{_ZONE}?"), "a date that exists, such as 2021-09-08",
                      _day_exists),
    "time": _Datatype(_grammar(rf"{_TIME}{_ZONE}?"), "a time such as 10:00:00"),
    "gYearMonth": _Datatype(_grammar(rf"{_YEAR}-{_MONTH}{_ZONE}?"), "a year and month such as 2021-09"),
    "gYear": _Datatype(_grammar(rf"{_YEAR}{_ZONE}?"), "a year such as 2021"),
    "gMonthDay": _Datatype(_grammar(rf"--(?P<month>{_MONTH})-(?P<day>{_DAY}){_ZONE}?"),
                           "a month and day that exists, such as --09-08", _day_exists),
    "gDay": _Datatype(_grammar(rf"---{_DAY}{_ZONE}?"), "a day such as ---08"),
    "gMonth": _Datatype(_grammar(rf"--{_MONTH}{_ZONE}?"), "a month such as --09"),
    "hexBinary": _Datatype(_grammar("(?:[0-9a-fA-F]{2})*"), "pairs of hex digits such as 0FB7"),
    "base64Binary": _Datatype(_grammar(_BASE64), "Base64 such as aGVsbG8="),
}


def problem(lexical: str, datatype: str) -> str | None:
    """What is wrong with ``lexical`` as a value of ``datatype`` (a full IRI), or None if
    it is valid or the datatype is not an XSD datatype this module knows."""
    if not datatype.startswith(XSD):
        return None
    known = DATATYPES.get(datatype[len(XSD):])
    if known is None:
        return None
    match = known.grammar.fullmatch(lexical)
    if match is None or (known.check is not None and not known.check(match)):
        return f"is not a valid xsd:{datatype[len(XSD):]} value: expected {known.expected}"
    return None


def knows(datatype: str) -> bool:
    """Is ``datatype`` (a full IRI) one this module checks?"""
    return datatype.startswith(XSD) and datatype[len(XSD):] in DATATYPES
