"""Reading the first sheet of an XLSX workbook safely, as chunks of strings."""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .encoding import Source
from .reader import Chunk, TableSource, UnusableSource, _rows_to_chunk


def _rewound(source: Source) -> Any:
    if not isinstance(source, Path):
        source.seek(0)
    return source


# Sheet XML compresses 10-50x; zip bombs reach 1000x and more.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1 << 20


def _check_zip(path: Source, max_bytes: int) -> None:
    if not zipfile.is_zipfile(_rewound(path)):
        raise UnusableSource(
            "source-error", "the file is not a valid XLSX workbook (not a zip archive)"
        )
    try:
        with zipfile.ZipFile(_rewound(path)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > max_bytes:
                raise UnusableSource(
                    "source-error",
                    f"the workbook expands to {total} bytes, more than the limit of {max_bytes}",
                )
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    raise UnusableSource(
                        "source-error",
                        f'workbook member "{info.filename}" has a compression ratio of '
                        f"{ratio:.0f}:1 (refused as a possible zip bomb)",
                    )
            # Workbooks never carry DTDs; refusing them up front gives a clear message for
            # entity-expansion attacks (openpyxl's parsers would refuse them too).
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise UnusableSource(
                            "source-error",
                            f'workbook member "{info.filename}" declares XML entities '
                            "(refused as a possible billion-laughs attack)",
                        )
    except zipfile.BadZipFile as exc:
        raise UnusableSource("source-error", f"the XLSX archive is corrupt: {exc}") from exc


def cell_to_string(value: Any) -> str:
    """Render a spreadsheet value the way a person reads it (1 not 1.0, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def open_xlsx(path: Source, size: int, chunk_rows: int, max_bytes: int) -> TableSource:
    import openpyxl

    _check_zip(path, max_bytes)

    def rows() -> Iterator[list[str]]:
        try:
            workbook = openpyxl.load_workbook(_rewound(path), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise UnusableSource(
                "source-error", f"the XLSX workbook cannot be opened: {exc}"
            ) from exc
        try:
            sheet = workbook.worksheets[0]
            pending_blank = 0
            first = True
            for values in sheet.iter_rows(values_only=True):
                cells = [cell_to_string(v) for v in values]
                if first:
                    # the header is row 1 as it is: blank cells are blank labels (also
                    # when the sheet starts with blank rows), as frictionless reads it
                    first = False
                    yield cells
                    continue
                while cells and cells[-1] == "":
                    cells.pop()
                # Formatted but empty rows at the end of a sheet are not data: hold blank
                # rows back until a non-blank one follows.
                if not cells:
                    pending_blank += 1
                    continue
                for _ in range(pending_blank):
                    yield []
                pending_blank = 0
                yield cells
        except UnusableSource:
            raise
        except Exception as exc:
            raise UnusableSource("source-error", f"the XLSX sheet cannot be read: {exc}") from exc
        finally:
            workbook.close()

    stream = rows()
    labels = next(stream, None)
    if not labels:
        raise UnusableSource("source-error", "the first sheet is empty")
    # a header row of blank cells followed by nothing at all is an empty sheet too
    if not any(labels):
        rest = next(stream, None)
        if rest is None:
            raise UnusableSource("source-error", "the first sheet is empty")
        stream = itertools.chain([rest], stream)
    width = len(labels)

    def chunks() -> Iterator[Chunk]:
        row = 2
        batch: list[list[str]] = []
        for cells in stream:
            # Trailing empty cells are just empty in a spreadsheet, not missing.
            batch.append(cells + [""] * (width - len(cells)) if len(cells) < width else cells)
            if len(batch) >= chunk_rows:
                yield _rows_to_chunk(batch, width, row)
                row += len(batch)
                batch = []
        if batch:
            yield _rows_to_chunk(batch, width, row)

    return TableSource(path, "xlsx", labels, size, None, None, chunks)
