"""Streaming readers: a CSV or XLSX file as chunks of all-string cells.

CSV files are cut into blocks that end on a record boundary and each block is parsed by
pyarrow's multithreaded CSV parser. pyarrow can report ragged rows (too few / too many
cells) but not *where* they are, so a block that has any is parsed again with the stdlib
``csv`` module, which gives exact positions; clean blocks never take that slow path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .encoding import EncodingProblem, detect_encoding, iter_utf8
from .exceptions import SourceError

SAMPLE_SIZE = 1 << 16
DELIMITERS = [",", ";", "\t"]
DEFAULT_CHUNK_ROWS = 100_000
DEFAULT_MAX_XLSX_BYTES = 200 * 1024 * 1024
# Sheet XML compresses 10-50x; zip bombs reach 1000x and more.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1 << 20

UnusableSource = EncodingProblem  # same shape: an error type and a note for the report


@dataclass
class Chunk:
    """A run of consecutive data rows, column-wise.

    ``columns`` has one string array per header label (no nulls; missing cells are "").
    ``ncells`` is the number of cells each row really had, or None when every row had
    exactly one per label; ``extra`` maps a row index to its cells beyond the header.
    """

    start_row: int
    columns: list[pa.Array]
    ncells: np.ndarray | None = None
    extra: dict[int, list[str]] = field(default_factory=dict)

    @property
    def nrows(self) -> int:
        """Number of rows in the chunk."""
        return len(self.columns[0])


@dataclass
class TableSource:
    """An opened file: its header labels, facts for the report, and a chunk iterator."""

    path: Path
    format: str
    labels: list[str]
    bytes: int
    encoding: str | None = None
    delimiter: str | None = None
    _chunks: Any = None

    def chunks(self) -> Iterator[Chunk]:
        """Yield the data rows (everything after the header) chunk by chunk."""
        return self._chunks()


def open_source(
    path: str | Path,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
) -> TableSource:
    """Open ``path`` as CSV or XLSX (by extension).

    Raises :class:`SourceError` when the path is not a readable file and
    :class:`UnusableSource` (with a report error type) when its content is unusable.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"no such file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise UnusableSource("source-error", "the file is empty")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path, size, chunk_rows, max_xlsx_bytes)
    return _open_csv(path, size, chunk_rows)


# CSV ---------------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter among ``,`` ``;`` and tab that splits the first lines consistently.

    csv.Sniffer is easily fooled by decimal commas (``1;2,5``), so we count fields per line
    with each candidate (quote-aware) and keep the one giving the same count > 1 on most
    lines, preferring more fields; comma wins ties.
    """
    lines = text.splitlines()[:50]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line
    best = (0.0, 0, 0, ",")
    for rank, delimiter in enumerate(DELIMITERS):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode, -rank, delimiter)
        best = max(best, score)
    return best[3]


def _open_csv(path: Path, size: int, chunk_rows: int) -> TableSource:
    with path.open("rb") as fh:
        raw_sample = fh.read(SAMPLE_SIZE)
    encoding, bom = detect_encoding(path, raw_sample)
    sample = b"".join(_take(iter_utf8(path, encoding, bom), SAMPLE_SIZE)).decode(
        "utf-8", errors="ignore"
    )
    delimiter = sniff_delimiter(sample)
    first = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), None)
    if not first:
        raise UnusableSource("source-error", "the first row (the header) is empty")
    labels = list(first)
    lines = max(1, sample.count("\n"))
    bytes_per_row = max(8, len(sample.encode("utf-8")) // lines)

    def chunks() -> Iterator[Chunk]:
        blocks = _record_blocks(iter_utf8(path, encoding, bom), chunk_rows * bytes_per_row)
        row = 2  # the header is physical row 1, as in frictionless
        skip_header = True
        for block in blocks:
            chunk = _parse_block(block, len(labels), delimiter, row, skip_header)
            skip_header = False
            if chunk.nrows:
                row += chunk.nrows
                yield chunk

    return TableSource(path, "csv", labels, size, encoding, delimiter, chunks)


def _take(pieces: Iterator[bytes], limit: int) -> Iterator[bytes]:
    got = 0
    for piece in pieces:
        yield piece
        got += len(piece)
        if got >= limit:
            return


def _record_blocks(pieces: Iterator[bytes], target: int) -> Iterator[bytes]:
    """Regroup byte pieces into blocks of about ``target`` bytes ending on a record boundary.

    A newline ends a record when the number of quote characters before it is even (a quoted
    value may contain newlines). Every block starts on a boundary, so counting restarts at
    zero. A stray quote inside an unquoted value breaks the parity; the size cap then cuts at
    the last newline anyway so memory stays bounded.
    """
    buf = bytearray()
    for piece in pieces:
        buf += piece
        while len(buf) >= target:
            cut = _boundary(buf, target)
            if cut < 0:
                break
            yield bytes(buf[: cut + 1])
            del buf[: cut + 1]
    if buf:
        yield bytes(buf)


def _boundary(buf: bytearray, target: int) -> int:
    """Index of a record-ending newline near ``target`` in ``buf``, or -1 to read more."""
    cut = buf.rfind(b"\n", 0, target)
    while cut >= 0 and buf.count(b'"', 0, cut) % 2:
        cut = buf.rfind(b"\n", 0, cut)
    if cut < 0:
        # no boundary before the target: take the first one after it
        cut = buf.find(b"\n", target)
        while cut >= 0 and buf.count(b'"', 0, cut) % 2:
            cut = buf.find(b"\n", cut + 1)
    if cut < 0 and len(buf) > 8 * target:
        cut = buf.rfind(b"\n")
    return cut


def _parse_block(
    block: bytes, width: int, delimiter: str, start_row: int, skip_header: bool
) -> Chunk:
    names = [f"f{i}" for i in range(width)]
    ragged = []

    def on_invalid_row(row: Any) -> str:
        ragged.append(row)
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(block),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid_row,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if ragged:
        return _rows_to_chunk(_python_rows(block, delimiter, skip_header), width, start_row)
    if skip_header:
        table = table.slice(1)
    columns = [table.column(i).combine_chunks() for i in range(width)]
    return Chunk(start_row, columns)


def _python_rows(block: bytes, delimiter: str, skip_header: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(block.decode("utf-8"), newline=""), delimiter=delimiter)
    rows = list(reader)
    return rows[1:] if skip_header else rows


def _rows_to_chunk(rows: list[list[str]], width: int, start_row: int) -> Chunk:
    """Build a chunk from Python row lists, keeping the true cell count of each row."""
    ncells = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    extra = {i: r[width:] for i, r in enumerate(rows) if len(r) > width}
    padded = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in rows]
    columns = [pa.array([r[i] for r in padded], type=pa.string()) for i in range(width)]
    ragged = bool(extra) or bool((ncells < width).any())
    return Chunk(start_row, columns, ncells if ragged else None, extra)


# XLSX --------------------------------------------------------------------------------------


def _check_zip(path: Path, max_bytes: int) -> None:
    if not zipfile.is_zipfile(path):
        raise UnusableSource(
            "source-error", "the file is not a valid XLSX workbook (not a zip archive)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
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


def _open_xlsx(path: Path, size: int, chunk_rows: int, max_bytes: int) -> TableSource:
    import openpyxl

    _check_zip(path, max_bytes)

    def rows() -> Iterator[list[str]]:
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise UnusableSource(
                "source-error", f"the XLSX workbook cannot be opened: {exc}"
            ) from exc
        try:
            sheet = workbook.worksheets[0]
            pending_blank = 0
            for values in sheet.iter_rows(values_only=True):
                cells = [cell_to_string(v) for v in values]
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
