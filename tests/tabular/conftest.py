"""Helpers for the tabular engine tests (plain pytest: no database, no Django)."""

from collections import Counter

import pytest


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def _write(content, name="data.csv", encoding="utf-8"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return _write


def frictionless_report(path, schema, *, encoding=None, delimiter=None, dialect=None):
    """Validate with the reference implementation; return (valid, counts per type, rows)."""
    import frictionless
    from frictionless import Dialect, Resource, Schema, formats, system

    options = {}
    if encoding:
        options["encoding"] = encoding
    if delimiter:
        options["dialect"] = Dialect(controls=[formats.CsvControl(delimiter=delimiter)])
    if dialect:
        options["dialect"] = Dialect.from_descriptor(dialect)
    # frictionless treats absolute paths as unsafe unless trusted
    with system.use_context(trusted=True):
        if "$schema" in schema:
            # a v2 Table Schema is only read as v2 inside a v2 resource (the version is
            # imposed top-down)
            descriptor = {
                "$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
                "name": "data",
                "path": str(path),
                "schema": schema,
            }
            resource = Resource.from_descriptor(descriptor, **options)
        else:
            resource = Resource(path=str(path), schema=Schema.from_descriptor(schema), **options)
        report = resource.validate(limit_errors=10**6)
    assert isinstance(report, frictionless.Report)
    task = report.tasks[0]
    return report.valid, dict(Counter(e.type for e in task.errors)), task.stats.get("rows")
