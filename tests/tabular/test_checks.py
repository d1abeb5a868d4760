"""Row and header checks, report shape and report options."""

import pytest

from ddms_platform.tabular import report_errors, report_to_csv_rows, report_warnings, validate

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "name", "constraints": {"maxLength": 5}},
        {"name": "value", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["id"],
}


def errors_of(report):
    return [(e["type"], e["rowNumber"], e["fieldName"]) for e in report_errors(report)]


def test_it_reports_type_error_for_non_integer(write):
    report = validate(write("id,name,value\n1,a,1\n2.5,b,2\n"), SCHEMA)
    # as in frictionless, an unparsable key also counts as an empty primary key
    assert report["error_counts"] == {"type-error": 1, "primary-key": 1}
    error = report_errors(report)[0]
    assert error["type"] == "type-error"
    assert (error["rowNumber"], error["fieldName"], error["fieldNumber"], error["cell"]) == (
        3,
        "id",
        1,
        "2.5",
    )
    assert error["note"] == 'type is "integer/default"'
    assert (
        error["message"]
        == 'Type error in the cell "2.5" in row "3" and field "id" at position "1": type is "integer/default"'
    )


def test_it_reports_constraint_error_for_a_value_below_minimum(write):
    report = validate(write("id,name,value\n1,a,-1\n"), SCHEMA)
    assert errors_of(report) == [("constraint-error", 2, "value")]
    assert report_errors(report)[0]["note"] == 'constraint "minimum" is "0"'


def test_it_reports_constraint_error_for_a_missing_required_value(write):
    report = validate(write("id,name,value\n,a,1\n"), SCHEMA)
    assert ("constraint-error", 2, "id") in errors_of(report)


def test_it_reports_primary_key_duplicates_across_chunks(write):
    rows = "".join(f"{i},n,1\n" for i in range(1, 9)) + "3,n,1\n"
    report = validate(write("id,name,value\n" + rows), SCHEMA, chunk_rows=2)
    [error] = report_errors(report)
    assert (error["type"], error["rowNumber"]) == ("primary-key", 10)
    assert error["note"] == "the same as in the row at position 4"


def test_it_treats_equal_numbers_as_duplicates(write):
    schema = {"fields": [{"name": "v", "type": "number", "constraints": {"unique": True}}]}
    report = validate(write("v\n1\n1.0\n1e0\n2\n"), schema)
    assert report["error_counts"] == {"unique-error": 2}


def test_it_reports_a_blank_row_once_without_cell_errors(write):
    report = validate(write("id,name,value\n1,a,1\n,,\n"), SCHEMA)
    # frictionless also reports the all-empty primary key of a blank row
    assert errors_of(report) == [("blank-row", 3, None), ("primary-key", 3, None)]


def test_it_counts_every_error_but_lists_only_max_errors(write):
    rows = "".join(f"x{i},n,1\n" for i in range(50))
    report = validate(write("id,name,value\n" + rows), SCHEMA, max_errors=10, chunk_rows=7)
    assert report["error_counts"] == {"type-error": 50, "primary-key": 50}
    assert report["stats"]["errors"] == 100
    assert len(report_errors(report)) == 10
    assert [e["rowNumber"] for e in report_errors(report)] == [2, 2, 3, 3, 4, 4, 5, 5, 6, 6]


def test_it_sorts_errors_by_row_then_field(write):
    report = validate(write("id,name,value\n1,toolong,-1\nx,ok,y\n"), SCHEMA)
    assert [(e["rowNumber"], e["fieldNumber"]) for e in report_errors(report)] == [
        (2, 2),
        (2, 3),
        (3, 1),
        (3, 3),
        (3, None),
    ]


def test_it_gives_the_same_report_for_the_same_input(write):
    path = write("id,name,value\n1,toolong,-1\nx,ok,y\n1,a,1\n\n")
    first = validate(path, SCHEMA, chunk_rows=1)
    assert validate(path, SCHEMA, chunk_rows=1000) == first


def test_it_calls_progress_after_each_chunk(write):
    rows = "".join(f"{i},n,1\n" for i in range(1, 11))
    seen = []
    validate(write("id,name,value\n" + rows), SCHEMA, chunk_rows=4, progress=seen.append)
    assert seen[-1] == 10
    assert seen == sorted(seen)
    assert len(seen) >= 2


def test_it_reports_header_errors_on_row_one(write):
    report = validate(write("id,nom,value,extra\n1,a,1,z\n"), SCHEMA)
    assert errors_of(report) == [("incorrect-label", 1, "name"), ("extra-label", 1, "")]


def test_it_includes_stats_for_the_run(write):
    report = validate(write("id;name;value\n1;a;1\n", encoding="cp1251"), SCHEMA)
    stats = report["stats"]
    assert (stats["rows"], stats["errors"], stats["fields"], stats["delimiter"]) == (1, 0, 3, ";")
    assert stats["bytes"] > 0


def test_it_renders_errors_and_warnings_as_csv_rows(write):
    report = validate(write("id,name,value\nx,a,1\n"), SCHEMA)
    rows = report_to_csv_rows(report)
    assert rows[0][:3] == ["severity", "type", "rowNumber"]
    assert rows[1][:5] == ["error", "type-error", "2", "1", "id"]
    assert len(rows) == 1 + len(report_errors(report)) + len(report_warnings(report))


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("email", "a.b@example.org", "not-an-email"),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567"),
        ("uri", "https://example.org/x", "example dot org"),
    ],
)
def test_it_checks_string_formats(write, fmt, good, bad):
    schema = {"fields": [{"name": "s", "format": fmt}]}
    report = validate(write(f"s\n{good}\n{bad}\n"), schema)
    assert errors_of(report) == [("type-error", 3, "s")]


def test_it_neutralises_formulas_in_the_error_csv(write):
    report = validate(write('id,name,value\n"=HYPERLINK(""http://x"")",a,1\n'), SCHEMA)
    rows = report_to_csv_rows(report)
    cell = rows[0].index("cell")
    assert rows[1][cell].startswith("'=HYPERLINK")
