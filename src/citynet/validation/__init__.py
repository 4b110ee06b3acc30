"""Validating a graph against SHACL shapes: pySHACL's report, reached faster, plus checks of
every term's lexical form and syntax."""

from citynet.validation.validator import Finding, Severity, ValidationReport, validate

__all__ = ["Finding", "Severity", "ValidationReport", "validate"]
