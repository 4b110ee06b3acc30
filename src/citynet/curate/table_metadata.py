"""CSV on the Web (W3C CSVW) metadata for each table, so that others can read the tables
without citynet: the columns, their datatypes, what each means and which property it fills.

The files are made from :mod:`citynet.curate.table_kinds` and shipped in ``tables/``
(``tables/memberships.csv-metadata.json`` describes ``memberships.csv`` beside it); a test
checks that they are up to date. After changing a table's columns, run
``python -m citynet.curate.table_metadata tables/``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rdflib.namespace import XSD

from citynet.curate.table_kinds import KINDS, LIST_SEPARATOR, Column, TableKind

TABLES_FOLDER = "tables"

_DATE_OR_YEAR = {"base": "string", "format": r"^-?\d{4}(-\d{2}-\d{2})?$"}


def metadata_name(kind: str) -> str:
    return f"{kind}.csv-metadata.json"


def csvw_metadata(kind: TableKind) -> dict[str, Any]:
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": f"{kind.name}.csv",
        "dc:title": kind.title,
        "dc:description": (f"The {kind.name} table of citynet, as `citynet export --format csv --kind {kind.name}` "
                           "writes it and `citynet import` reads it. A cell that a spreadsheet would run as a "
                           "formula starts with an apostrophe, which is not part of the value."),
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n", "\n"]},
        "tableSchema": {
            "columns": [_column(kind, column) for column in kind.columns],
            "primaryKey": kind.key.name,
            "aboutUrl": "{+" + kind.key.name + "}",
        },
    }


def _column(kind: TableKind, column: Column) -> dict[str, Any]:
    described: dict[str, Any] = {"name": column.name, "titles": column.name, "dc:description": column.description}
    if column.role in ("key", "link"):
        described["datatype"] = "anyURI"
    elif column.role == "interval":
        described["datatype"] = _DATE_OR_YEAR
    elif column.datatype is not None:
        described["datatype"] = {XSD.decimal: "decimal", XSD.integer: "integer", XSD.gYear: "gYear",
                                 XSD.date: "date"}[column.datatype]
    else:
        described["datatype"] = "string"
    if column.multiple:
        described["separator"] = "\n" if column.role == "quote" else LIST_SEPARATOR
    if column.predicate is not None and column.role not in ("readonly", "key"):
        described["propertyUrl"] = str(column.predicate)
    if column.required:
        described["required"] = True
    return described


def write_metadata(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kind in KINDS.items():
        path = folder / metadata_name(name)
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written


def render(kind: TableKind) -> str:
    return json.dumps(csvw_metadata(kind), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for written in write_metadata(Path(sys.argv[1] if len(sys.argv) > 1 else TABLES_FOLDER)):
        print(f"wrote {written}")
