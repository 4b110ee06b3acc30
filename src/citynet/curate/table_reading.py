"""Reading a table someone edited: CSV (UTF-8) or XLSX, with cells as the export wrote them.

The export puts ``'`` before a cell a spreadsheet would run as a formula (see
:func:`citynet.querying.results.neutralise_csv_cell`); reading takes off exactly that ``'`` and
nothing else. Any other cell that a spreadsheet would run as a formula (``=HYPERLINK(…)``,
``@SUM(…)``) is refused: it is a formula, or a value that lost its guard, and either way not
data to store.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from citynet.errors import InputError
from citynet.querying.results import neutralise_csv_cell


@dataclass(frozen=True)
class CellError:
    row: int
    """As a spreadsheet numbers it: the header is row 1."""
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "the data as a whole"
        where += f", column {self.column}" if self.column else ""
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    """(row number, cells by column name), empty rows left out."""


class TableError(InputError):
    """A table with errors: every one of them, each with its row and column."""

    def __init__(self, path: Path, errors: list[CellError], hint: str | None = None) -> None:
        listed = "\n".join(f"  {error}" for error in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s); nothing was written:\n{listed}{more}", path=path, hint=hint)
        self.errors = errors


def read_table(path: Path) -> Table:
    """The header and rows of a CSV or XLSX file, guards undone; errors for formulas."""
    if path.suffix.lower() == ".xlsx":
        header, raw = _read_xlsx(path)
    else:
        header, raw = _read_csv(path)
    errors: list[CellError] = []
    if len(set(header)) != len(header):
        errors.append(CellError(1, None, "a column name appears twice in the header"))
    rows = []
    for number, cells in raw:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            errors.append(CellError(number, None, f"{len(cells)} cells but {len(header)} columns in the header"))
            continue
        values = {}
        for name, cell in zip(header, cells, strict=False):
            value, problem = unguard(cell)
            if problem:
                errors.append(CellError(number, name, problem))
            values[name] = value
        rows.append((number, values))
    if errors:
        raise TableError(path, errors)
    return Table(path, header, rows)


def unguard(cell: str) -> tuple[str, str | None]:
    """The cell's value without the export's guard, or a problem for a formula-like cell."""
    if cell.startswith("'") and neutralise_csv_cell(cell[1:]) == cell:
        return cell[1:], None
    if neutralise_csv_cell(cell) != cell:
        return cell, (f"{cell[:40]!r} would run as a formula in a spreadsheet; citynet stores no formulas. "
                      "Write the value itself; to start a text with = + - or @, put ' before it")
    return cell, None


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the table: {error.strerror}", path=path) from None
    try:
        text, utf8 = data.decode("utf-8-sig"), True
    except UnicodeDecodeError:  # read it all the same, to say which cells are not UTF-8
        text, utf8 = data.decode("utf-8-sig", errors="surrogateescape"), False
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as error:
        raise TableError(path, [CellError(reader.line_num, None, f"not CSV: {error}")], hint=_UTF8_HINT) from None
    if not utf8:
        raise TableError(path, _not_utf8(records), hint=_UTF8_HINT)
    if not records:
        raise TableError(path, [CellError(1, None, "the table is empty: the first row names the columns")])
    numbered = [(index + 2, record) for index, (_, record) in enumerate(records[1:])]
    return [name.strip() for name in records[0][1]], numbered


_UTF8_HINT = "save the table as CSV UTF-8 (in a spreadsheet: 'CSV UTF-8' when saving)"
_UNDECODED = re.compile("[\udc80-\udcff]")  # the bytes surrogateescape kept


def _not_utf8(records: list[tuple[int, list[str]]]) -> list[CellError]:
    """An error for every cell that holds bytes that are not UTF-8, by row and column."""
    header = records[0][1] if records else []
    errors = []
    for index, (_, record) in enumerate(records):
        for position, cell in enumerate(record):
            found = _UNDECODED.search(cell)
            if found:
                column = header[position].strip() if index and position < len(header) else None
                byte = ord(found.group()) - 0xDC00
                before = cell[:found.start()][-15:].lstrip()
                where = f"after {before!r}" if before else "at the start"
                errors.append(CellError(index + 1, column, f"byte {byte:#04x} {where} is not UTF-8 text: "
                                                           "the file is in another encoding"))
    return errors or [CellError(1, None, "the file is not UTF-8 text")]


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        import openpyxl
    except ImportError:
        raise InputError("reading XLSX needs openpyxl", path=path,
                         hint="pip install 'citynet[xlsx]', or save the table as CSV UTF-8") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise InputError(f"cannot read the workbook: {error}", path=path) from None
    sheet = book.worksheets[0]
    records = [["" if cell is None else _xlsx_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    if not records:
        raise TableError(path, [CellError(1, None, "the first sheet is empty: its first row names the columns")])
    return [name.strip() for name in records[0]], [(index + 2, row) for index, row in enumerate(records[1:])]


def _xlsx_text(value: object) -> str:
    """A cell as text; a formula (openpyxl gives it as "=…") stays one, and is refused."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
