"""The report is a Frictionless report: frictionless' own reader accepts it unchanged."""

from collections import Counter

import pytest

from ddms_platform.tabular import report_errors, report_warnings, upgrade_report, validate

from .test_differential import CASES


def _read_back(report):
    import frictionless

    return frictionless.Report.from_descriptor(report)


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_is_read_by_frictionless_with_our_counts(name, write):
    text, schema, options = CASES[name]
    report = validate(write(text), schema, chunk_rows=2)
    read = _read_back(report)
    assert read.valid is report["valid"]
    assert read.stats["errors"] == report["stats"]["errors"]
    [task] = read.tasks
    assert task.valid is report["valid"]
    assert dict(Counter(e.type for e in task.errors)) == report["error_counts"]
    assert len(read.flatten(["rowNumber", "type"])) == sum(report["error_counts"].values())


def test_it_keeps_our_fields_beside_the_frictionless_ones(write):
    schema = {
        "fields": [{"name": "code"}, {"name": "v", "type": "integer"}],
        "primaryKey": ["code"],
    }
    report = validate(write("code,v\nA,1\nB,x\nA,2\n"), schema)
    assert set(report) >= {"valid", "stats", "warnings", "errors", "tasks", "error_counts"}
    assert report["errors"] == []  # report-level errors: none outside the table's task
    [task] = report["tasks"]
    assert task["labels"] == ["code", "v"]
    assert [e["type"] for e in task["errors"]] == ["type-error", "primary-key"]
    key = task["errors"][1]
    assert (key["keyFields"], key["keyValues"], key["firstRowNumber"]) == (["code"], ["A"], 2)


def test_an_unusable_file_is_a_frictionless_report_too(write):
    report = validate(write(b"\x00\x01\x02binary"), {"fields": [{"name": "id"}]})
    read = _read_back(report)
    assert [e.type for e in read.tasks[0].errors] == ["source-error"]


def test_plausibility_warnings_are_strings_for_frictionless_and_entries_for_us(write):
    schema = {
        "fields": [{"name": n, "type": "integer"} for n in ("total", "men", "women")],
        "x-ddms": {"totals": [{"total": "total", "parts": ["men", "women"]}]},
    }
    report = validate(write("total,men,women\n10,4,5\n"), schema)
    read = _read_back(report)
    assert read.tasks[0].warnings == [report_warnings(report)[0]["message"]]
    assert report["valid"] is True and report["stats"]["warnings"] == 1


def test_a_report_stored_in_the_old_shape_is_upgraded_once(write):
    report = validate(write("id\n1\nx\n"), {"fields": [{"name": "id", "type": "integer"}]})
    old = {
        "valid": False,
        "stats": {"rows": 2, "errors": 1, "warnings": 0, "fields": 1, "bytes": 7},
        "error_counts": {"type-error": 1},
        "errors": [
            {
                k: v
                for k, v in report_errors(report)[0].items()
                if k not in ("title", "description", "tags", "cells")
            }
        ],
        "warning_counts": {},
        "warnings": [],
    }
    upgraded = upgrade_report(old)
    _read_back(upgraded)
    assert report_errors(upgraded)[0]["type"] == "type-error"
    assert upgraded["stats"]["bytes"] == 7 and upgraded["error_counts"] == {"type-error": 1}
    assert upgrade_report(upgraded) == upgraded
