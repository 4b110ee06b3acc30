"""Checking an IRI before it goes into a request."""

from __future__ import annotations

import re

from citynet.errors import CitynetError

_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


def check_iri(value: str, what: str) -> None:
    if not _ABSOLUTE_IRI.fullmatch(value or ""):
        raise CitynetError(f"{what} {value!r} is not an absolute IRI",
                           hint="for example https://w3id.org/citynet/graph/main")
