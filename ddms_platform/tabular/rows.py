"""Reading a table's rows for loading, through the same reader and cell readers as validation.

The observation loader reads an accepted file with :func:`read_chunks` (same sniffing,
encoding, dialect and row numbers as the validator) and turns mapped cells into canonical
text with :func:`typed_text` (the schema field's ``decimalChar``/``groupChar``/``bareNumber``,
date formats), so a file that validates is read the way it was validated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa

from .casting import number_decimal, read_scalar
from .dialect import Dialect, load_dialect
from .reader import DEFAULT_CHUNK_ROWS, DEFAULT_MAX_XLSX_BYTES, RaggedRows, open_source
from .schema import Field


class TableRows:
    """An opened table: ``labels`` and the data rows in chunks (bounded memory)."""

    def __init__(
        self,
        source: str | Path | IO[bytes],
        *,
        dialect: dict[str, Any] | Dialect | None = None,
        format: str | None = None,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
    ) -> None:
        self._table = open_source(
            source,
            chunk_rows=chunk_rows,
            max_xlsx_bytes=max_xlsx_bytes,
            dialect=load_dialect(dialect),
            format=format,
        )
        self.labels = list(self._table.labels)
        self.encoding = self._table.encoding

    def chunks(self) -> Iterator[tuple[np.ndarray, list[pa.Array]]]:
        """(physical row numbers, one string array per label) for each chunk of rows.

        The fast reader gives up on a row with a wrong number of cells; reading then goes on
        with the exact reader from the first row not yet handed out, so every row comes
        exactly once, in order.
        """
        done = 0
        try:
            for chunk in self._table.chunks():
                done += chunk.nrows
                yield chunk.row_numbers, chunk.columns
            return
        except RaggedRows:
            pass
        seen = 0
        for chunk in self._table.chunks(exact=True):
            skip = min(max(done - seen, 0), chunk.nrows)
            seen += chunk.nrows
            if skip == chunk.nrows:
                continue
            yield chunk.row_numbers[skip:], [column.slice(skip) for column in chunk.columns]


def typed_text(field: Field | None, cell: str) -> str | None:
    """The cell as canonical text of its schema type, or None when it is not of the type.

    Numbers become plain decimals (``"1 000,5"`` with groupChar " " and decimalChar ","
    gives ``"1000.5"``), dates ISO ``YYYY-MM-DD``, year-months ``YYYY-MM``; other types (or
    no field) give the stripped text.
    """
    text = cell.strip()
    if field is None or not text or field.type not in _CANONICAL:
        return text
    if field.type == "number":
        number = number_decimal(field, cell)
        return None if number is None else format(number, "f")
    value = read_scalar(field, cell)
    if value is None:
        return None
    return _CANONICAL[field.type](value)


_CANONICAL: dict[str, Callable[[Any], str]] = {
    "integer": lambda value: str(value),
    "number": str,  # (read exactly above, never through a float)
    "year": lambda value: f"{value:04d}",
    "yearmonth": lambda value: f"{value // 12:04d}-{value % 12 + 1:02d}",
    "date": lambda value: dt.date.fromordinal(value).isoformat(),
}
