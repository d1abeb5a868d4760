"""Dataset validation engine: CSV/XLSX against a Frictionless Table Schema (no Django).

Entry point: :func:`validate`. See ``README.md`` in this package for the report format and
where we deliberately differ from frictionless.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .checks import TableChecker, header_errors
from .exceptions import SchemaError, SourceError, TabularError
from .plausibility import PlausibilityChecker
from .reader import (
    DEFAULT_CHUNK_ROWS,
    DEFAULT_MAX_XLSX_BYTES,
    RaggedRows,
    TableSource,
    UnusableSource,
    open_source,
    prefetch,
)
from .report import ErrorLog, build_report, report_to_csv_rows, unusable_report
from .schema import Schema, load_schema
from .spool import Readable, local_copy

__all__ = [
    "SchemaError",
    "SourceError",
    "TabularError",
    "load_schema",
    "report_to_csv_rows",
    "validate",
]


def validate(
    path: str | Path | Readable,
    schema: dict[str, Any] | Schema,
    *,
    progress: Callable[[int], None] | None = None,
    max_errors: int = 1000,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    previous: dict[tuple[Any, ...], Any] | None = None,
    previous_keys: list[str] | None = None,
    previous_field: str | None = None,
    jump_factor: float = 10.0,
    max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
    spill_keys: int | None = None,
) -> dict[str, Any]:
    """Validate a CSV or XLSX file against a Table Schema and return the report dict.

    Raises :class:`SchemaError` for an invalid schema and :class:`SourceError` when ``path``
    is not a readable file (the CLI maps both to exit code 2). A file that exists but cannot
    be used (empty, binary, undecodable, zip bomb, broken workbook) gives a report with one
    ``source-error`` or ``encoding-error`` and ``valid: false``.

    ``progress(rows_done)`` is called after each chunk. ``previous`` (with ``previous_keys``
    and ``previous_field``, or the schema's ``x-ddms.previous``) enables jump warnings.

    ``path`` may also be a binary file object (a file opened from Django's storage, e.g. an
    S3 object's body), whose name's extension gives the format.
    """
    if not isinstance(path, str | Path):
        # The readers pass over the file more than once (whole-file encoding check, fast
        # parse, exact re-parse) and openpyxl needs a seekable zip: a stream is copied to a
        # local temporary file in chunks first, so memory stays bounded.
        with local_copy(path) as local:
            return validate(
                local,
                schema,
                progress=progress,
                max_errors=max_errors,
                chunk_rows=chunk_rows,
                previous=previous,
                previous_keys=previous_keys,
                previous_field=previous_field,
                jump_factor=jump_factor,
                max_xlsx_bytes=max_xlsx_bytes,
                spill_keys=spill_keys,
            )
    checked = load_schema(schema)
    options: dict[str, Any] = {
        "progress": progress,
        "max_errors": max_errors,
        "spill_keys": spill_keys,
        "plausibility_options": {
            "previous": previous,
            "previous_keys": previous_keys,
            "previous_field": previous_field,
            "jump_factor": jump_factor,
        },
    }
    try:
        source = open_source(path, chunk_rows=chunk_rows, max_xlsx_bytes=max_xlsx_bytes)
    except UnusableSource as problem:
        return unusable_report(problem.error_type, problem.note, {"bytes": _size(path)})
    stats = {
        "bytes": source.bytes,
        "format": source.format,
        "encoding": source.encoding,
        "delimiter": source.delimiter,
    }
    try:
        try:
            return _run(source, checked, stats, exact=False, **options)
        except RaggedRows:
            # the fast reader cannot say where ragged rows are: start again, exactly
            return _run(source, checked, stats, exact=True, **options)
    except UnusableSource as problem:
        # e.g. a sheet whose XML turns out to be broken half-way: the whole file is unusable
        return unusable_report(problem.error_type, problem.note, stats)


def _run(
    source: TableSource,
    schema: Schema,
    stats: dict[str, Any],
    *,
    exact: bool,
    progress: Callable[[int], None] | None,
    max_errors: int,
    spill_keys: int | None,
    plausibility_options: dict[str, Any],
) -> dict[str, Any]:
    errors = ErrorLog(max_errors)
    warnings = ErrorLog(max_errors)
    errors.add_entries(header_errors(schema, source.labels))
    checker = TableChecker(schema, source.labels, errors, spill_keys=spill_keys)
    plausibility = PlausibilityChecker(
        checker.fields, schema.extension, warnings, **plausibility_options
    )
    try:
        for chunk in prefetch(source.chunks(exact=exact)):
            checker.check(chunk)
            plausibility.check(chunk)
            errors.flush()
            warnings.flush()
            if progress is not None:
                progress(checker.rows)
    finally:
        checker.close()
    return build_report(
        errors=errors,
        warnings=warnings,
        rows=checker.rows,
        fields=len(schema.fields),
        extra_stats=stats,
    )


def _size(path: str | Path) -> int | None:
    try:
        return Path(path).stat().st_size
    except OSError:
        return None
