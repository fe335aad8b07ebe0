"""CSV the portal writes for download, safe to open in a spreadsheet (CSV injection, OWASP).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, DDE); such a cell is
written with a leading single quote, which spreadsheets show as text and never evaluate. A cell
that is a plain decimal number (``-3.5``, ``+7``, ``-1e3``) stays as it is: it is data, not a
formula, and the quote would turn it into text for the people summing the column.

Every CSV writer of the portal goes through ``writer`` or ``DictWriter`` here.
"""

from __future__ import annotations

import csv
import re
from typing import Any

FORMULA_START = frozenset("=+-@\t\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _row(values) -> list[Any]:
    """Every cell as ``cell`` writes it (one comprehension: this runs for every cell of a
    100,000-dataset export)."""
    return ["'" + value if isinstance(value, str) and value[:1] in FORMULA_START
            and not NUMBER.fullmatch(value) else value for value in values]


def cell(value: Any) -> Any:
    """The value as a spreadsheet will read it as data: formulas quoted, numbers untouched."""
    return _row((value,))[0]


class _Writer:
    def __init__(self, out, **options: Any):
        self._writer = csv.writer(out, **options)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row) -> Any:
        return self._writer.writerow(_row(row))

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def writer(out, **options: Any) -> _Writer:
    """``csv.writer`` that neutralises formulas in every cell."""
    return _Writer(out, **options)


class DictWriter(csv.DictWriter):
    """``csv.DictWriter`` that neutralises formulas in every cell."""

    def __init__(self, out, fieldnames, restval="", extrasaction="raise", **options: Any):
        super().__init__(out, fieldnames, restval, extrasaction, **options)
        self.writer = _Writer(out, **options)
