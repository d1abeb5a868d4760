"""Streaming readers: a CSV or XLSX file as chunks of all-string cells.

CSV files are cut into blocks that end on a record boundary and each block is parsed by
pyarrow's multithreaded CSV parser. pyarrow can report ragged rows (too few / too many
cells) but not *where* they are, so a block that has any is parsed again with the stdlib
``csv`` module, which gives exact positions; clean blocks never take that slow path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .dialect import Dialect
from .encoding import EncodingProblem, Source, detect_encoding, iter_utf8, open_binary, source_size
from .exceptions import SourceError

SAMPLE_SIZE = 1 << 16
# Candidates for detection, in order of preference on a tie.
DELIMITERS = [",", ";", "\t", "|"]
# Longest cell the stdlib csv reader accepts (its default is 131,072 characters); a longer
# one is a source-error naming this limit.
MAX_FIELD_CHARS = 64 << 20
csv.field_size_limit(MAX_FIELD_CHARS)
DEFAULT_CHUNK_ROWS = 100_000
DEFAULT_MAX_XLSX_BYTES = 200 * 1024 * 1024

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
    # physical row numbers when not consecutive (comment rows skipped in between)
    numbers: np.ndarray | None = None

    @property
    def nrows(self) -> int:
        """Number of rows in the chunk."""
        if self.columns:
            return len(self.columns[0])
        return 0 if self.numbers is None else len(self.numbers)

    @property
    def row_numbers(self) -> np.ndarray:
        """Physical (1-based) number of each row of the chunk."""
        if self.numbers is None:  # computed once: every check of the chunk needs them
            self.numbers = np.arange(self.start_row, self.start_row + self.nrows, dtype=np.int64)
        return self.numbers


@dataclass
class TableSource:
    """An opened file: its header labels, facts for the report, and a chunk iterator."""

    path: Source
    format: str
    labels: list[str]
    bytes: int
    encoding: str | None = None
    delimiter: str | None = None
    _chunks: Any = None
    _exact_chunks: Any = None
    header: bool = True

    def chunks(self, *, exact: bool = False) -> Iterator[Chunk]:
        """Yield the data rows (everything after the header) chunk by chunk.

        The default CSV reader is pyarrow's streaming reader and raises :class:`RaggedRows`
        on the first row with a wrong number of cells; ``exact=True`` reads the file in a
        way that locates such rows (slower), which the caller then restarts with.
        """
        if exact and self._exact_chunks is not None:
            return self._exact_chunks()
        return self._chunks()


class RaggedRows(Exception):  # noqa: N818 - a signal, not an error for the user
    """The fast reader met a row with too few or too many cells."""


def as_source(source: str | Path | IO[bytes]) -> Source:
    """A path (checked to be a file) or a binary stream, which must be seekable."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise SourceError(f"no such file: {path}")
        return path
    if not (hasattr(source, "read") and hasattr(source, "seek")):
        raise SourceError("the source must be a path or a seekable binary file object")
    return source


def sniff_format(source: str | Path | IO[bytes]) -> str:
    """``"xlsx"`` for a zip archive (a workbook), otherwise ``"csv"``: by content, never name.

    The one decision shared by the upload, the worker and the command line.
    """
    import zipfile

    checked = as_source(source)
    with open_binary(checked) as fh:
        head = fh.read(4)
        if head == b"PK\x03\x04":
            return "xlsx"
        # a zip with a prefix (self-extracting) starts elsewhere: its directory tells
        fh.seek(0)
        return "xlsx" if zipfile.is_zipfile(fh) else "csv"


def open_source(
    path: str | Path | IO[bytes],
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
    dialect: Dialect | None = None,
    format: str | None = None,
) -> TableSource:
    """Open a path or binary stream as CSV or XLSX (``format``, or sniffed from the content).

    Raises :class:`SourceError` when the path is not a readable file and
    :class:`UnusableSource` (with a report error type) when its content is unusable.
    """
    source = as_source(path)
    size = source_size(source)
    if size == 0:
        raise UnusableSource("source-error", "the file is empty")
    fmt = format or sniff_format(source)
    if fmt == "xlsx":
        from .xlsx import open_xlsx  # imported here: it builds on this module's types

        return open_xlsx(source, size, chunk_rows, max_xlsx_bytes)
    return _open_csv(source, size, chunk_rows, dialect or Dialect())


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
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:  # e.g. an unbalanced quote in the sample's cut-off last line
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode, -rank, delimiter)
        best = max(best, score)
    return best[3]


def _labels(rows: Iterator[tuple[int, list[str]]], dialect: Dialect) -> list[str]:
    """Header labels as frictionless builds them: header rows joined, each label stripped."""
    if not dialect.header:
        return []
    lists = []
    last = dialect.header_rows[-1]
    for number, cells in rows:
        if number > last:
            break
        if number in dialect.header_rows and not dialect.is_comment(number, cells):
            lists.append([c.strip() for c in cells])
    labels: list[str] = []
    previous: dict[int, str] = {}
    for cells in lists:
        for index, cell in enumerate(cells):
            if previous.get(index) == cell:
                continue
            previous[index] = cell
            if len(labels) <= index:
                labels.append(cell)
            else:
                labels[index] = dialect.header_join.join([labels[index], cell])
    return labels


def _header_after_comments(
    source: Source, encoding: str, bom: int, dialect: Dialect, delimiter: str
) -> Dialect:
    """With comments and no declared ``headerRows`` the header is the first other row.

    (frictionless finds it so; it also guesses a header row by width when no dialect says,
    which we do not: see README.)
    """
    import dataclasses

    rows = _text_rows(source, encoding, bom, dialect, delimiter)
    try:
        for number, cells in rows:
            if not dialect.is_comment(number, cells):
                return dataclasses.replace(dialect, header_rows=(number,))
    finally:
        rows.close()  # type: ignore[attr-defined]  # a generator: stop reading
    return dialect


def _text_rows(
    source: Source, encoding: str, bom: int, dialect: Dialect, delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    """Every record of the file with its physical number, read by the stdlib csv module."""
    raw = io.BufferedReader(_IterStream(iter_utf8(source, encoding, bom)))  # type: ignore[arg-type]
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    reader = csv.reader(text, **dialect.csv_options(delimiter))
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise UnusableSource(
                    "source-error",
                    f"row {number + 1} has a cell longer than the limit of "
                    f"{MAX_FIELD_CHARS} characters",
                ) from exc
            raise UnusableSource(
                "source-error", f"the CSV cannot be parsed at row {number + 1}: {exc}"
            ) from exc
        number += 1
        yield number, cells


class _IterStream(io.RawIOBase):
    """A read-only raw stream over an iterator of byte pieces."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                self._rest = next(self._pieces)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def _open_csv(source: Source, size: int, chunk_rows: int, dialect: Dialect) -> TableSource:
    with open_binary(source) as fh:
        raw_sample = fh.read(SAMPLE_SIZE)
    encoding, bom = detect_encoding(source, raw_sample)
    sample = b"".join(_take(iter_utf8(source, encoding, bom), SAMPLE_SIZE)).decode(
        "utf-8", errors="ignore"
    )
    delimiter = dialect.delimiter or sniff_delimiter(sample)
    if dialect.comment_char and not dialect.header_rows_declared:
        dialect = _header_after_comments(source, encoding, bom, dialect, delimiter)
    # the header is read from the stream, not the sample: it may be longer than the sample
    header_rows = _text_rows(source, encoding, bom, dialect, delimiter)
    labels = _labels(header_rows, dialect)
    header_rows.close()  # type: ignore[attr-defined]  # a generator: stop reading
    if dialect.header and not labels:
        raise UnusableSource("source-error", "the first row (the header) is empty")
    if not dialect.simple:
        return _open_python_csv(
            source, size, chunk_rows, dialect, labels, (encoding, bom, delimiter)
        )
    lines = max(1, sample.count("\n"))
    bytes_per_row = max(8, len(sample.encode("utf-8")) // lines)

    width = len(labels)
    # a sample of a few very long lines must not turn into a huge read: cap the block size
    target = min(max(chunk_rows * bytes_per_row, 1 << 16), 32 << 20)

    def chunks() -> Iterator[Chunk]:
        # small blocks: the streaming reader parses several ahead, so this bounds its memory
        block_size = 1 << 20
        return _stream_chunks(source, encoding, width, delimiter, chunk_rows, block_size)

    def exact_chunks() -> Iterator[Chunk]:
        blocks = _record_blocks(iter_utf8(source, encoding, bom, read_size=target), target)
        row = 2  # the header is physical row 1, as in frictionless
        skip_header = True
        for block in blocks:
            chunk = _parse_block(block, width, delimiter, row, skip_header)
            skip_header = False
            if chunk.nrows:
                row += chunk.nrows
                yield chunk

    return TableSource(source, "csv", labels, size, encoding, delimiter, chunks, exact_chunks)


def _open_python_csv(
    source: Source,
    size: int,
    chunk_rows: int,
    dialect: Dialect,
    labels: list[str],
    how: tuple[str, int, str],
) -> TableSource:
    """A dialect pyarrow cannot read as frictionless does: every row through ``csv``."""
    encoding, bom, delimiter = how

    def chunks() -> Iterator[Chunk]:
        # without a header the caller sets ``labels`` to the schema's field names
        width = len(table.labels)
        batch: list[list[str]] = []
        numbers: list[int] = []
        for number, cells in _text_rows(source, encoding, bom, dialect, delimiter):
            if number < dialect.first_content_row or dialect.is_comment(number, cells):
                continue
            batch.append(cells)
            numbers.append(number)
            if len(batch) >= chunk_rows:
                yield _numbered(_rows_to_chunk(batch, width, numbers[0]), numbers)
                batch, numbers = [], []
        if batch:
            yield _numbered(_rows_to_chunk(batch, width, numbers[0]), numbers)

    table = TableSource(source, "csv", labels, size, encoding, delimiter, chunks)
    table.header = dialect.header
    return table


def _numbered(chunk: Chunk, numbers: list[int]) -> Chunk:
    chunk.numbers = np.array(numbers, dtype=np.int64)
    return chunk


def _csv_options(width: int, delimiter: str, on_invalid: Any) -> dict[str, Any]:
    names = [f"f{i}" for i in range(width)]
    return {
        "parse_options": pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,  # frictionless counts an empty line as a (blank) row
            invalid_row_handler=on_invalid,
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }


def _stream_chunks(
    path: Source, encoding: str, width: int, delimiter: str, chunk_rows: int, block_size: int
) -> Iterator[Chunk]:
    """pyarrow's streaming reader, re-cut into chunks of exactly ``chunk_rows`` rows."""
    ragged: list[Any] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    names = [f"f{i}" for i in range(width)]
    # pyarrow skips a UTF-8 BOM itself and transcodes other encodings while streaming
    read_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    try:
        reader = pacsv.open_csv(
            str(path) if isinstance(path, Path) else _rewound(path),
            read_options=pacsv.ReadOptions(
                column_names=names, block_size=block_size, encoding=read_encoding
            ),
            **_csv_options(width, delimiter, on_invalid),
        )
    except pa.ArrowInvalid as exc:  # e.g. a first row longer than a block
        raise RaggedRows() from exc
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    row = 2
    first = True
    for batch in _batches(reader):
        if ragged:
            raise RaggedRows()
        if first:
            batch = batch.slice(1)  # the header row
            first = False
        pending.append(batch)
        pending_rows += batch.num_rows
        while pending_rows >= chunk_rows:
            table = pa.Table.from_batches(pending)
            yield _table_chunk(table.slice(0, chunk_rows), width, row)
            row += chunk_rows
            rest = table.slice(chunk_rows)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if ragged:
        raise RaggedRows()
    if pending_rows:
        yield _table_chunk(pa.Table.from_batches(pending), width, row)


def _rewound(stream: IO[bytes]) -> IO[bytes]:
    stream.seek(0)
    return stream


def _batches(reader: Any) -> Iterator[pa.RecordBatch]:
    """The reader's batches; any parse problem (e.g. a row longer than a block) sends the
    caller to the exact reader, which copes with it or reports it."""
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            raise RaggedRows() from exc
        yield batch


def _table_chunk(table: pa.Table, width: int, start_row: int) -> Chunk:
    return Chunk(start_row, [table.column(i).combine_chunks() for i in range(width)])


def _take(pieces: Iterator[bytes], limit: int) -> Iterator[bytes]:
    got = 0
    for piece in pieces:
        yield piece
        got += len(piece)
        if got >= limit:
            return


def _record_blocks(pieces: Iterator[bytes], target: int) -> Iterator[memoryview]:
    """Regroup byte pieces into blocks of about ``target`` bytes ending on a record boundary.

    A newline ends a record when the number of quote characters before it is even (a quoted
    value may contain newlines). Every block starts on a boundary, so counting restarts at
    zero. A stray quote inside an unquoted value breaks the parity; a size cap then cuts at
    the last newline anyway so memory stays bounded. Blocks are zero-copy views.
    """
    tail = b""
    for piece in pieces:
        data = tail + piece if tail else piece
        start = 0
        while len(data) - start >= target:
            cut = _boundary(data, start, start + target)
            if cut < 0:
                break
            yield memoryview(data)[start : cut + 1]
            start = cut + 1
        tail = data[start:]
    if tail:
        yield memoryview(tail)


def _even_quotes(data: bytes, start: int, end: int) -> bool:
    # find() stops at the first quote at memchr speed (most files have none); numpy counts
    # several times faster than bytes.count
    if data.find(b'"', start, end) < 0:
        return True
    window = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    return int(np.count_nonzero(window == 34)) % 2 == 0


def _boundary(data: bytes, start: int, target: int) -> int:
    """Index of a record-ending newline near ``target`` (after ``start``), or -1 to read more."""
    cut = data.rfind(b"\n", start, target)
    while cut >= 0 and not _even_quotes(data, start, cut):
        cut = data.rfind(b"\n", start, cut)
    if cut < 0:
        # no boundary before the target: take the first one after it
        cut = data.find(b"\n", target)
        while cut >= 0 and not _even_quotes(data, start, cut):
            cut = data.find(b"\n", cut + 1)
    if cut < 0 and len(data) - start > 8 * (target - start):
        cut = data.rfind(b"\n", start)
    return cut


def _parse_block(
    block: bytes | memoryview, width: int, delimiter: str, start_row: int, skip_header: bool
) -> Chunk:
    names = [f"f{i}" for i in range(width)]
    ragged = []

    def on_invalid_row(row: Any) -> str:
        ragged.append(row)
        return "skip"

    table = None
    # a row longer than pyarrow's block fails to parse: retry with the block as one piece
    for block_size in (1 << 22, len(block) + 1):
        try:
            table = pacsv.read_csv(
                pa.py_buffer(block),
                read_options=pacsv.ReadOptions(column_names=names, block_size=block_size),
                **_csv_options(width, delimiter, on_invalid_row),
            )
            break
        except pa.ArrowInvalid:
            ragged.clear()
    if table is None or ragged:
        return _rows_to_chunk(_python_rows(block, delimiter, skip_header), width, start_row)
    if skip_header:
        table = table.slice(1)
    columns = [table.column(i).combine_chunks() for i in range(width)]
    return Chunk(start_row, columns)


def _python_rows(block: bytes | memoryview, delimiter: str, skip_header: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(bytes(block).decode("utf-8"), newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a field beyond csv.field_size_limit()
        raise UnusableSource(
            "source-error",
            f"the CSV cannot be parsed (cells are limited to {MAX_FIELD_CHARS} characters): {exc}",
        ) from exc
    return rows[1:] if skip_header else rows


def _rows_to_chunk(rows: list[list[str]], width: int, start_row: int) -> Chunk:
    """Build a chunk from Python row lists, keeping the true cell count of each row."""
    ncells = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    extra = {i: r[width:] for i, r in enumerate(rows) if len(r) > width}
    padded = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in rows]
    columns = [pa.array([r[i] for r in padded], type=pa.string()) for i in range(width)]
    ragged = bool(extra) or bool((ncells < width).any())
    return Chunk(start_row, columns, ncells if ragged else None, extra)


def prefetch(chunks: Iterator[Chunk], depth: int = 1) -> Iterator[Chunk]:
    """Produce chunks in a background thread while the caller checks the previous one.

    pyarrow's parser and compute kernels release the GIL, so reading the next block
    overlaps with checking the current one; ``depth`` bounds the chunks held in memory.
    """
    import queue
    import threading

    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        q.put(("chunk", chunk), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(("end", None))
        except BaseException as exc:  # re-raised in the consumer thread
            q.put(("error", exc))

    thread = threading.Thread(target=produce, name="tabular-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = q.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
