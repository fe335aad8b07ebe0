"""Checks of a table that has no schema: cells that break the type their column seems to have.

Without a Table Schema nothing says what a column holds, so frictionless would accept anything
("mil doscientos" in a column of amounts). ``InferredTypes`` is a frictionless check that, at
the start of the one pass over the rows, reads the sample frictionless has already buffered and
decides for each column:

- its type: the first of ``CANDIDATES`` that at least 95% of the column's non-blank sampled cells
  read as (all but one when it has 10 to 19 such cells; every one when fewer; at least
  ``MIN_TYPED`` cells); otherwise the column is text and is not checked;
- whether it is always filled: at least ``MIN_FILLED_ROWS`` sampled rows and at most one blank
  cell among them.

Then every row is checked against that: a cell of another type, or a blank cell in a filled
column, is a WARNING (``unexpected-type``, ``unexpected-blank``) with its row and column, never
an error: the publisher declared nothing. Warnings are kept by the check (not yielded to
frictionless, so they never count towards its error limit), at most ``MAX_LISTED`` per column and
kind, then one warning that counts the rest.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from frictionless import Check, Detector, Field

from portal.validation.messages import make_error
from portal.validation.report import ReportError

#: Rows frictionless buffers before validating; the inference reads them.
SAMPLE_ROWS = 1000
#: Types a column may be given, in the order they are tried (the narrowest first).
CANDIDATES = ("integer", "number", "date", "datetime", "boolean")
MIN_TYPED = 5
MIN_FILLED_ROWS = 10
MAX_LISTED = 20

TYPE_LABELS = {
    "integer": _l("números enteros"),
    "number": _l("números"),
    "date": _l("fechas (AAAA-MM-DD)"),
    "datetime": _l("fechas con hora (AAAA-MM-DDThh:mm:ss)"),
    "boolean": _l("valores lógicos (true/false)"),
}


def detector() -> Detector:
    """The detector of a table without schema: every column read as is (``any``), since the
    check below decides the types by its own rule."""
    return Detector(field_type="any", sample_size=SAMPLE_ROWS)


def tolerated(count: int) -> int:
    """Cells out of ``count`` that may break a column's type: 5%, or one from 10 cells on."""
    return max(count // 20, 1 if count >= 10 else 0)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def infer_column(cells: list[Any]) -> tuple[str | None, bool]:
    """The type of a column from its sampled cells (``None``: text), and whether it is filled."""
    present = [cell for cell in cells if not _blank(cell)]
    blanks = len(cells) - len(present)
    filled = len(cells) >= MIN_FILLED_ROWS and blanks <= 1
    if len(present) < MIN_TYPED:
        return None, filled
    allowed = tolerated(len(present))
    for candidate in CANDIDATES:
        reader = _reader(candidate)
        misses = 0
        for cell in present:
            if reader(cell) is None:
                misses += 1
                if misses > allowed:
                    break
        else:
            return candidate, filled
    return None, filled


def _reader(type_name: str):
    return Field.from_descriptor({"name": "cell", "type": type_name}).create_value_reader()


# Plain spellings that surely fit, tried before frictionless's readers (several times faster:
# every cell of a typed column is checked, a million rows included).
_PLAIN = {
    "integer": re.compile(r"[+-]?[0-9]+").fullmatch,
    "number": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)").fullmatch,
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch


def fits(type_name: str):
    """``fits(cell) -> bool`` for a column of that type: a plain spelling, else frictionless's
    own reader decides (so both agree with a declared schema of that type)."""
    reader = _reader(type_name)
    plain = _PLAIN.get(type_name)
    if plain is not None:
        def check(cell: Any) -> bool:
            return (type(cell) is str and plain(cell) is not None) or reader(cell) is not None
        return check
    if type_name == "date":
        def check_date(cell: Any) -> bool:
            if type(cell) is str and _ISO_DATE(cell):
                try:
                    date.fromisoformat(cell)
                    return True
                except ValueError:
                    return False
            return reader(cell) is not None
        return check_date
    return lambda cell: reader(cell) is not None


class InferredTypes(Check):
    """Warnings for cells that break their column's inferred type or fill (see module doc)."""

    type = "portal-inferred-types"
    Errors: list = []

    def __init__(self) -> None:
        super().__init__()
        self.types: dict[str, str] = {}
        self.warnings: list[ReportError] = []
        self._typed: list[tuple[int, str, Any]] = []
        self._filled: list[int] = []
        self._names: list[str] = []
        self._seen: dict[tuple[str, int], int] = {}

    def validate_start(self):
        self._names = list(self.resource.schema.field_names)
        fragment = self.resource.fragment or []
        for index, name in enumerate(self._names):
            cells = [row[index] for row in fragment if index < len(row)]
            type_name, filled = infer_column(cells)
            if type_name is not None:
                self.types[name] = type_name
                self._typed.append((index, type_name, fits(type_name)))
            if filled:
                self._filled.append(index)
        yield from ()

    def validate_row(self, row: Any):
        cells = row.cells
        count = len(cells)
        for index, type_name, fit in self._typed:
            if index < count:
                cell = cells[index]
                if cell is not None and cell != "" and not fit(cell) and not _blank(cell):
                    self._type_warning(row.row_number, index, type_name, cell)
        for index in self._filled:
            if index < count:
                cell = cells[index]
                if cell is None or cell == "" or (type(cell) is str and cell[0] in " \t"
                                                  and not cell.strip()):
                    self._blank_warning(row.row_number, index)
        yield from ()

    def validate_end(self):
        for (kind, index), seen in self._seen.items():
            extra = seen - MAX_LISTED
            if extra <= 0:
                continue
            self.warnings.append(make_error(kind, _l(
                "Y %(count)s celdas más como esas en la columna «%(field)s».",
                count=extra, field=self._names[index]),
                field=self._names[index], field_number=index + 1))
        yield from ()

    def _listed(self, kind: str, index: int) -> bool:
        """Count the cell; whether it is still among the first ``MAX_LISTED`` of its kind."""
        key = (kind, index)
        self._seen[key] = self._seen.get(key, 0) + 1
        return self._seen[key] <= MAX_LISTED

    def _type_warning(self, row: int, index: int, type_name: str, cell: Any) -> None:
        if not self._listed("unexpected-type", index):
            return
        name = self._names[index]
        shown = _plain(cell)
        self.warnings.append(make_error("unexpected-type", _l(
            "El valor «%(cell)s» de la fila %(row)s, columna «%(field)s», no es como el resto "
            "de la columna, que tiene %(kind)s. Corríjalo o declare un esquema.",
            cell=shown, row=row, field=name, kind=TYPE_LABELS[type_name]),
            row=row, field=name, field_number=index + 1, value=shown, note=type_name))

    def _blank_warning(self, row: int, index: int) -> None:
        if not self._listed("unexpected-blank", index):
            return
        name = self._names[index]
        self.warnings.append(make_error("unexpected-blank", _l(
            "La celda de la fila %(row)s, columna «%(field)s», está vacía, pero el resto de la "
            "columna está lleno.", row=row, field=name),
            row=row, field=name, field_number=index + 1))


#: Longest cell text a warning repeats (a cell may hold megabytes).
MAX_SHOWN = 200


def _plain(cell: Any) -> Any:
    """A cell as JSON can store it (spreadsheets give dates and decimals), cut when long."""
    if isinstance(cell, int | float | bool):
        return cell
    text = str(cell)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
