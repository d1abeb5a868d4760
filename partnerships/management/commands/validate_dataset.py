"""`manage.py validate_dataset FILE --schema SCHEMA.json [--dialect DIALECT.json]`: validate a
file as the worker does (same engine, content sniffing, code lists and settings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddms_platform import tabular

from ...services.validation import run_engine

EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


class UnusableInput(CommandError):
    """Missing file, unreadable or invalid schema, or a file that is not a table at all."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=EXIT_UNUSABLE)


class Command(BaseCommand):
    help = (
        "Validate a CSV or XLSX file against a Table Schema with the same engine as the "
        "worker. Exit 0 valid, 1 invalid, 2 unusable input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--schema", required=True, help="Table Schema (JSON file)")
        parser.add_argument(
            "--dialect", help="Frictionless CSV Dialect (JSON file); default: detect"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise UnusableInput(f"{path}: no such file")
        schema = self._json(Path(options["schema"]), "schema")
        dialect = self._json(Path(options["dialect"]), "dialect") if options["dialect"] else None
        try:
            report = run_engine(path, schema, dialect=dialect)
        except tabular.DialectError as exc:
            raise UnusableInput(f"{options['dialect']}: not a valid CSV Dialect: {exc}") from exc
        except tabular.SchemaError as exc:
            raise UnusableInput(f"{options['schema']}: not a valid Table Schema: {exc}") from exc
        except tabular.SourceError as exc:
            raise UnusableInput(f"{path}: {exc}") from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_text(path, report))
        if _unusable(report):
            first = tabular.report_errors(report)[0]
            raise UnusableInput(f"{path}: {first.get('note') or 'unusable file'}")
        if not report.get("valid"):
            raise CommandError("the file is not valid", returncode=EXIT_INVALID)

    def _json(self, path: Path, what: str) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UnusableInput(f"{path}: cannot read the {what}: {exc}") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UnusableInput(f"{path}: the {what} is not JSON: {exc}") from exc


def _unusable(report: dict[str, Any]) -> bool:
    """A file that could not be read at all (the engine's source/encoding error report)."""
    counts = report.get("error_counts", {})
    return not report.get("valid") and set(counts) <= {"source-error", "encoding-error"}


def render_text(path: Path, report: dict[str, Any]) -> str:
    """A short human report: verdict, figures, counts per type, then each error's place."""
    stats = report.get("stats", {})
    lines = [
        f"{path}: {'VALID' if report.get('valid') else 'INVALID'}",
        f"  rows: {stats.get('rows', 0)}  errors: {stats.get('errors', 0)}  "
        f"warnings: {stats.get('warnings', 0)}  encoding: {stats.get('encoding') or '-'}  "
        f"format: {stats.get('format') or '-'}",
    ]
    for kind, count in report.get("error_counts", {}).items():
        lines.append(f"  {kind}: {count}")
    for entry in tabular.report_errors(report):
        lines.append("  " + _place(entry) + f"{entry.get('type')}: {entry.get('message')}")
    for entry in tabular.report_warnings(report):
        lines.append("  " + _place(entry) + f"warning {entry.get('type')}: {entry.get('message')}")
    shown = len(tabular.report_errors(report))
    if stats.get("errors", 0) > shown:
        lines.append(f"  ... {stats['errors'] - shown} more errors not listed")
    return "\n".join(lines)


def _place(entry: dict[str, Any]) -> str:
    parts = []
    if entry.get("rowNumber") is not None:
        parts.append(f"row {entry['rowNumber']}")
    if entry.get("fieldName"):
        parts.append(f"column {entry['fieldName']}")
    return f"[{', '.join(parts)}] " if parts else ""
