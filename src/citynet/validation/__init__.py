"""Validating a graph against SHACL shapes: pySHACL's report, reached faster, plus checks of
every term's lexical form and syntax.

The names below are imported at first use (PEP 562): pySHACL loads only when a validation
is asked for, not with a submodule such as :mod:`citynet.validation.gate`."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citynet.validation.validator import Finding, Severity, ValidationReport, validate

__all__ = ["Finding", "Severity", "ValidationReport", "validate"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'citynet.validation' has no attribute {name!r}")
    value = getattr(import_module("citynet.validation.validator"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
