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
    _exact_chunks: Any = None

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
        from .xlsx import open_xlsx  # imported here: it builds on this module's types

        return open_xlsx(path, size, chunk_rows, max_xlsx_bytes)
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

    width = len(labels)
    # a sample of a few very long lines must not turn into a huge read: cap the block size
    target = min(max(chunk_rows * bytes_per_row, 1 << 16), 32 << 20)

    def chunks() -> Iterator[Chunk]:
        # small blocks: the streaming reader parses several ahead, so this bounds its memory
        block_size = 1 << 20
        return _stream_chunks(path, encoding, width, delimiter, chunk_rows, block_size)

    def exact_chunks() -> Iterator[Chunk]:
        blocks = _record_blocks(iter_utf8(path, encoding, bom, read_size=target), target)
        row = 2  # the header is physical row 1, as in frictionless
        skip_header = True
        for block in blocks:
            chunk = _parse_block(block, width, delimiter, row, skip_header)
            skip_header = False
            if chunk.nrows:
                row += chunk.nrows
                yield chunk

    return TableSource(path, "csv", labels, size, encoding, delimiter, chunks, exact_chunks)


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
    path: Path, encoding: str, width: int, delimiter: str, chunk_rows: int, block_size: int
) -> Iterator[Chunk]:
    """pyarrow's streaming reader, re-cut into chunks of exactly ``chunk_rows`` rows."""
    ragged: list[Any] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    names = [f"f{i}" for i in range(width)]
    # pyarrow skips a UTF-8 BOM itself and transcodes other encodings while streaming
    read_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    reader = pacsv.open_csv(
        str(path),
        read_options=pacsv.ReadOptions(
            column_names=names, block_size=block_size, encoding=read_encoding
        ),
        **_csv_options(width, delimiter, on_invalid),
    )
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
        raise UnusableSource("source-error", f"the CSV cannot be parsed: {exc}") from exc
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
