"""Reading an accepted submission through the validation engine, one chunk at a time.

The same reader as validation (content sniffing, encoding, the request's dialect, physical
row numbers) and the same cell readers (the schema field's decimalChar/groupChar, date
formats): a file that validates is read exactly as it was validated, in bounded memory.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pandas as pd

from ddms_platform import tabular
from ddms_platform.core.errors import DomainError
from ddms_platform.core.storage import open_stored
from partnerships.models import Submission

CHUNK_ROWS = 50_000


class SubmissionTable:
    """The submission's labels and its rows as DataFrames of canonical text."""

    def __init__(self, rows: tabular.TableRows, schema: tabular.Schema | None) -> None:
        self.rows = rows
        self.labels = rows.labels
        # a file that passed validation has exactly the schema's names as labels; a label
        # no field is named after is read as text
        by_name = {f.name: f for f in schema.fields} if schema is not None else {}
        self._fields = {label: by_name.get(label) for label in self.labels}

    def frames(self, columns: list[str]) -> Iterator[pd.DataFrame]:
        """Chunks of the named columns, indexed by physical row number; a cell that is not
        of its field's type is None (validation has refused such files)."""
        positions = {name: self.labels.index(name) for name in dict.fromkeys(columns)}
        for numbers, arrays in self.rows.chunks():
            data = {}
            for name, i in positions.items():
                texts = pd.Series(arrays[i].to_numpy(zero_copy_only=False), dtype=object)
                distinct = {t: tabular.typed_text(self._fields[name], t) for t in texts.unique()}
                data[name] = texts.map(distinct).to_numpy()
            yield pd.DataFrame(data, index=pd.Index(numbers, name="row"))


@contextlib.contextmanager
def open_table(submission: Submission) -> Iterator[SubmissionTable]:
    """Open the stored file through the storage API (the local disk or a bucket).

    A seekable handle is read in place; a bucket's one-way stream is first copied to a local
    temporary file in chunks (the reader passes over the file more than once).
    """
    request = submission.request
    try:
        schema = tabular.load_schema(request.table_schema) if request.table_schema else None
    except tabular.SchemaError:
        schema = None  # the loader maps columns itself; an unusable schema only loses typing
    try:
        with contextlib.ExitStack() as stack:
            stored = stack.enter_context(open_stored(submission.file))
            source = (
                stored
                if tabular.seekable(stored)
                else stack.enter_context(tabular.local_copy(stored))
            )
            try:
                rows = tabular.TableRows(
                    source,
                    dialect=request.dialect or None,
                    format=submission.format or None,
                    chunk_rows=CHUNK_ROWS,
                )
            except (tabular.TabularError, tabular.UnusableSource) as exc:
                raise DomainError(
                    f"The file cannot be read: {exc}", code="unreadable_file"
                ) from exc
            yield SubmissionTable(rows, schema)
    except FileNotFoundError as exc:
        raise DomainError("The submission's file is missing.", code="unreadable_file") from exc
