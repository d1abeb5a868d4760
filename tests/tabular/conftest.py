"""Helpers for the tabular engine tests (plain pytest: no database, no Django)."""

import sys
from collections import Counter
from pathlib import Path

import pytest

# Test this checkout's package, not whatever copy the virtualenv's editable install points at
# (they differ in a git worktree; in the main checkout this is a no-op). pytest-django may
# already have imported ddms_platform from the editable install to load settings, so the
# package path is extended too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
_package = sys.modules.get("ddms_platform")
_here = str(ROOT / "ddms_platform")
if _package is not None and _here not in list(getattr(_package, "__path__", [])):
    _package.__path__.insert(0, _here)
    for _name in [m for m in sys.modules if m.startswith("ddms_platform.tabular")]:
        del sys.modules[_name]


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


def frictionless_report(path, schema, *, encoding=None, delimiter=None):
    """Validate with the reference implementation; return (valid, counts per type, rows)."""
    import frictionless
    from frictionless import Dialect, Resource, Schema, formats, system

    options = {}
    if encoding:
        options["encoding"] = encoding
    if delimiter:
        options["dialect"] = Dialect(controls=[formats.CsvControl(delimiter=delimiter)])
    # frictionless treats absolute paths as unsafe unless trusted
    with system.use_context(trusted=True):
        resource = Resource(path=str(path), schema=Schema.from_descriptor(schema), **options)
        report = resource.validate(limit_errors=10**6)
    assert isinstance(report, frictionless.Report)
    task = report.tasks[0]
    return report.valid, dict(Counter(e.type for e in task.errors)), task.stats.get("rows")
