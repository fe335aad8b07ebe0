"""XLSX in and out for the PIGE spreadsheet: sheets of plain values, no plan knowledge.

``write(sheets)`` builds a workbook (bold header rows, column widths, drop-down lists; text is
always text, so a cell starting with ``=`` is never evaluated as a formula);
``read(data, sheet)`` returns one sheet's header and rows as text, refusing a file that is not
an XLSX workbook, lacks the sheet, or is too big once expanded. No Flask here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from portal.pige import N_
from portal.pige.refusals import PlanRefused, refuse

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A plan's spreadsheet is small: these bound what a hostile file can make the server hold.
MAX_EXPANDED_BYTES = 20 * 2**20
MAX_ROWS = 5000
MAX_SCANNED_ROWS = 100_000
MAX_COLUMNS = 200


def is_workbook(data: bytes) -> bool:
    """An XLSX file is a zip archive."""
    return data[:4] == b"PK\x03\x04"


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: Sequence[Sequence[Any]]
    #: 1-based rows shown in bold (column names, titles).
    bold_rows: tuple[int, ...] = (1,)
    #: column letter -> width in characters
    widths: dict[str, int] = field(default_factory=dict)
    #: cell range ("A2:A1000") -> list formula ('"1,2,3"' or "Referencia!$A$3:$A$16")
    lists: dict[str, str] = field(default_factory=dict)
    #: the top-left cell of what scrolls ("A2" keeps the column names in view)
    freeze: str | None = None


def write(sheets: Sequence[Sheet]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for number, row in enumerate(spec.rows, start=1):
            sheet.append(list(row))
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    # text starting with "=" is data, never a formula
                    sheet.cell(row=number, column=column).data_type = "s"
        for number in spec.bold_rows:
            for cell in sheet[number]:
                cell.font = Font(bold=True)
        for letter, width in spec.widths.items():
            sheet.column_dimensions[letter].width = width
            for cell in sheet[letter]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cells, formula in spec.lists.items():
            validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                        errorStyle="warning")
            validation.add(cells)
            sheet.add_data_validation(validation)
        sheet.freeze_panes = spec.freeze
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold: whole numbers without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VERDADERO" if value else "FALSO"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _not_a_workbook() -> PlanRefused:
    return refuse("spreadsheet", "invalid_spreadsheet",
                  N_("El archivo no es un libro XLSX válido. Descargue la plantilla."))


def read(data: bytes, sheet: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The column names (row 1) of ``sheet`` and its other rows ``(row number, cells)``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_a_workbook() from None
    if expanded > MAX_EXPANDED_BYTES:
        raise refuse("spreadsheet", "invalid_spreadsheet",
                     N_("El libro XLSX ocupa %(size)s MB descomprimido; el máximo es %(max)s "
                        "MB."), size=expanded // 2**20, max=MAX_EXPANDED_BYTES // 2**20)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises assorted errors on a damaged file
        raise _not_a_workbook() from None
    try:
        if sheet not in book.sheetnames:
            raise refuse("spreadsheet", "wrong_sheet",
                         N_("El libro no tiene la hoja «%(sheet)s» (tiene: %(found)s). "
                            "Descargue la plantilla."), sheet=sheet,
                         found=", ".join(f"«{name}»" for name in book.sheetnames))
        rows = book[sheet].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = [cell_text(value) for value in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        records = []
        for number, values in enumerate(rows, start=2):
            cells = [cell_text(value) for value in values[:len(header)]]
            if any(cells):  # formatted but empty rows are skipped, and not counted
                records.append((number, cells))
            if len(records) > MAX_ROWS or number > MAX_SCANNED_ROWS:
                raise refuse("spreadsheet", "too_many_rows",
                             N_("La hoja «%(sheet)s» tiene más de %(max)s filas."),
                             sheet=sheet, max=MAX_ROWS)
    except PlanRefused:
        raise
    except Exception:  # a damaged sheet fails while it is read
        raise _not_a_workbook() from None
    finally:
        book.close()
    return header, records
