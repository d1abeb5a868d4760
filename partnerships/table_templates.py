"""Downloadable templates of a request's expected table: CSV and XLSX.

The CSV holds the header row in the request's dialect. The XLSX's first sheet (the one that
is validated) holds the header, with each column explained in a comment, a drop-down list on
every coded column and text format where codes must keep leading zeros; a second sheet
explains the columns, a hidden third one holds the code lists the drop-downs point at.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .schema_guide import MAX_DROPDOWN_CODES, ColumnGuide, describe_schema

DATA_ROWS = 1000  # rows prepared with drop-downs and formats
TEXT_TYPES = ("string", "")


def field_names(schema: Any) -> list[str]:
    """The expected column names, in order."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    return [str(f.get("name", "")) for f in fields or [] if isinstance(f, dict)]


def csv_template(schema: Any, dialect: Any) -> bytes:
    """The CSV template: the header row, UTF-8 with a BOM so spreadsheets keep Cyrillic."""
    delimiter = (dialect or {}).get("delimiter") or ","
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(field_names(schema))
    return buffer.getvalue().encode("utf-8-sig")


def _explanation(column: ColumnGuide) -> str:
    lines = [column.title or column.name]
    if column.description:
        lines.append(column.description)
    lines.append(column.type_words + (", " + _("required") if column.required else ""))
    lines.extend(column.rules)
    if column.codes:
        lines.append(_("Codes: %(codes)s") % {"codes": ", ".join(c for c, _l in column.codes)})
    return "\n".join(lines)


def xlsx_template(schema: Any, dialect: Any = None) -> bytes:
    """The XLSX template (see the module docstring)."""
    guide = describe_schema(schema, dialect)
    columns: list[ColumnGuide] = guide["columns"]
    types = {
        str(f.get("name")): f.get("type") or "string"
        for f in (schema or {}).get("fields", [])
        if isinstance(f, dict)
    }
    book = Workbook()
    data = book.active
    data.title = "data"
    explain = book.create_sheet(_("columns"))
    codes_sheet = book.create_sheet("codes")
    codes_sheet.sheet_state = "hidden"
    explain.append(
        [
            _("Column"),
            _("Title"),
            _("Description"),
            _("Type"),
            _("Required"),
            _("Rules"),
            _("Codes"),
        ]
    )
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        cell = data.cell(row=1, column=number, value=column.name)
        cell.comment = Comment(_explanation(column), "DDMS", width=300, height=160)
        data.column_dimensions[letter].width = max(12, min(40, len(column.name) + 4))
        explain.append(
            [
                column.name,
                column.title,
                column.description,
                column.type_words,
                _("yes") if column.required else _("no"),
                "; ".join(column.rules),
                ", ".join(f"{c} {label}".strip() for c, label in column.codes),
            ]
        )
        if types.get(column.name, "string") in TEXT_TYPES:
            for row in range(2, DATA_ROWS + 2):
                data.cell(row=row, column=number).number_format = "@"
        if column.codes and column.codes_total <= MAX_DROPDOWN_CODES:
            for row, (code, _label) in enumerate(column.codes, start=1):
                codes_sheet.cell(row=row, column=number, value=code)
            source = f"{quote_sheetname('codes')}!${letter}$1:${letter}${len(column.codes)}"
            validation = DataValidation(
                type="list", formula1=source, allow_blank=not column.required
            )
            validation.error = _("Choose one of the allowed codes.")
            validation.showErrorMessage = True
            data.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    data.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
