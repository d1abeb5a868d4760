"""Dataset validation engine: CSV/XLSX against a Frictionless Table Schema (no Django).

Entry point: :func:`validate`. See ``README.md`` in this package for the report format and
where we deliberately differ from frictionless.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from .checks import TableChecker, header_errors
from .dialect import Dialect, DialectError, load_dialect
from .encoding import source_size
from .exceptions import SchemaError, SourceError, TabularError
from .foreignkeys import References
from .memory import tune_allocator
from .plausibility import DEFAULT_JUMP_TOLERANCE, PlausibilityChecker
from .reader import (
    DEFAULT_CHUNK_ROWS,
    DEFAULT_MAX_XLSX_BYTES,
    RaggedRows,
    TableSource,
    UnusableSource,
    as_source,
    open_source,
    prefetch,
    sniff_format,
)
from .report import (
    ErrorLog,
    build_report,
    report_errors,
    report_to_csv_rows,
    report_warnings,
    unusable_report,
    upgrade_report,
)
from .rows import TableRows, typed_text
from .schema import Schema, load_schema
from .spool import Readable, local_copy, seekable

__all__ = [
    "Dialect",
    "DialectError",
    "SchemaError",
    "SourceError",
    "Readable",
    "Schema",
    "TableRows",
    "UnusableSource",
    "TabularError",
    "load_dialect",
    "local_copy",
    "seekable",
    "load_schema",
    "report_errors",
    "report_to_csv_rows",
    "report_warnings",
    "upgrade_report",
    "sniff_format",
    "typed_text",
    "validate",
]


def validate(
    path: str | Path | IO[bytes] | Readable,
    schema: dict[str, Any] | Schema,
    *,
    dialect: dict[str, Any] | Dialect | None = None,
    references: References | None = None,
    format: str | None = None,
    progress: Callable[[int], None] | None = None,
    max_errors: int = 1000,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    previous: dict[tuple[Any, ...], Any] | None = None,
    previous_keys: list[str] | None = None,
    previous_field: str | None = None,
    previous_period: str | None = None,
    jump_tolerance: float = DEFAULT_JUMP_TOLERANCE,
    hierarchy: dict[str, list[str]] | None = None,
    max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
    spill_keys: int | None = None,
) -> dict[str, Any]:
    """Validate a CSV or XLSX file against a Table Schema and return the report dict.

    ``path`` is a path or a seekable binary stream (read several times from the start).
    ``dialect`` is a CSV Dialect descriptor (detection when absent); ``references`` maps
    external foreign-key resource names to their allowed key tuples; ``format`` ("csv" or
    "xlsx") skips sniffing the content.

    Raises :class:`SchemaError` for an invalid schema and :class:`SourceError` when ``path``
    is not a readable file (the CLI maps both to exit code 2). A file that exists but cannot
    be used (empty, binary, undecodable, zip bomb, broken workbook) gives a report with one
    ``source-error`` or ``encoding-error`` and ``valid: false``.

    ``progress(rows_done)`` is called after each chunk. ``previous`` (with ``previous_keys``
    and ``previous_field``, or the schema's ``x-ddms.previous``) enables jump warnings, judged
    against the same period a year earlier when ``previous_period`` names the period column;
    ``hierarchy`` (parent code -> child codes) with the schema's ``x-ddms.hierarchy`` enables
    totals across rows (see ``plausibility``).

    A stream that cannot seek (e.g. an S3 object's body) is copied to a local temporary file
    in 1 MiB chunks first (the readers pass over the file more than once and openpyxl needs a
    seekable zip), so memory stays bounded; a seekable one is read in place.
    """
    tune_allocator()
    if not isinstance(path, str | Path) and not seekable(path):
        with local_copy(path) as local:
            return validate(
                local,
                schema,
                dialect=dialect,
                references=references,
                format=format,
                progress=progress,
                max_errors=max_errors,
                chunk_rows=chunk_rows,
                previous=previous,
                previous_keys=previous_keys,
                previous_field=previous_field,
                previous_period=previous_period,
                jump_tolerance=jump_tolerance,
                hierarchy=hierarchy,
                max_xlsx_bytes=max_xlsx_bytes,
                spill_keys=spill_keys,
            )
    source = cast("str | Path | IO[bytes]", path)  # a path, or a seekable stream
    checked = load_schema(schema)
    checked_dialect = load_dialect(dialect)
    options: dict[str, Any] = {
        "progress": progress,
        "max_errors": max_errors,
        "spill_keys": spill_keys,
        "references": references,
        "plausibility_options": {
            "previous": previous,
            "previous_keys": previous_keys,
            "previous_field": previous_field,
            "previous_period": previous_period,
            "jump_tolerance": jump_tolerance,
            "hierarchy": hierarchy,
        },
    }
    try:
        table = open_source(
            source,
            chunk_rows=chunk_rows,
            max_xlsx_bytes=max_xlsx_bytes,
            dialect=checked_dialect,
            format=format,
        )
    except UnusableSource as problem:
        return unusable_report(problem.error_type, problem.note, {"bytes": _size(source)})
    stats = {
        "bytes": table.bytes,
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
    }
    try:
        try:
            return _run(table, checked, stats, exact=False, **options)
        except RaggedRows:
            # the fast reader cannot say where ragged rows are: start again, exactly
            return _run(table, checked, stats, exact=True, **options)
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
    references: References | None,
    plausibility_options: dict[str, Any],
) -> dict[str, Any]:
    errors = ErrorLog(max_errors)
    warnings = ErrorLog(max_errors)
    if source.header:
        errors.add_entries(header_errors(schema, source.labels))
    else:
        source.labels = schema.field_names  # no header: fields are the columns, in order
    checker = TableChecker(
        schema, source.labels, errors, spill_keys=spill_keys, references=references
    )
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
        checker.finish()
        plausibility.finish()
        errors.flush()
        errors.sort()
        warnings.sort()
    finally:
        checker.close()
    return build_report(
        errors=errors,
        warnings=warnings,
        rows=checker.rows,
        fields=len(schema.fields),
        extra_stats=stats,
        labels=source.labels,
    )


def _size(path: str | Path | IO[bytes]) -> int | None:
    try:
        return source_size(as_source(path))
    except (OSError, SourceError):
        return None
