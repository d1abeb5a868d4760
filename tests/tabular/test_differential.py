"""Differential tests: our report must agree with frictionless (the reference) on validity
and on the number of errors of every type, for files covering every error type we check."""

import codecs

import pytest

from ddms_platform.tabular import report_errors, validate

from .conftest import frictionless_report

INT = {"name": "id", "type": "integer"}
CASES = {
    "clean": (
        "id,name,value\n1,Kyiv,2.5\n2,Lviv,3\n",
        {"fields": [INT, {"name": "name"}, {"name": "value", "type": "number"}]},
        {},
    ),
    "integer-type-errors": (
        "id\n1\n1.5\nx\n 7 \n1_000\n+3\n-4\n12345678901234567890\n007\n",
        {"fields": [INT]},
        {},
    ),
    "number-type-errors": (
        'v\n1.5\n"1,5"\n1e3\nNaN\n-inf\n.5\n5.\nabc\n 2 \n1_0.5\n',
        {"fields": [{"name": "v", "type": "number"}]},
        {},
    ),
    "boolean-date-time-year": (
        "b,d,dt,t,y\ntrue,2020-01-31,2020-01-01T10:00:00,10:00:00,2020\n"
        "yes,2020-02-30,2020-01-01,25:00:00,20\n"
        "0,2020-1-5,2020-01-01T10:00:00Z,10:00,0999\n"
        "FALSE,01.02.2020,2020-13-01T00:00:00,23:59:59,x\n",
        {
            "fields": [
                {"name": "b", "type": "boolean"},
                {"name": "d", "type": "date"},
                {"name": "dt", "type": "datetime"},
                {"name": "t", "type": "time"},
                {"name": "y", "type": "year"},
            ]
        },
        {},
    ),
    "date-formats": (
        "a,b\n01.02.2020,2020-01-01\n31.02.2020,January 5 2020\n2020-01-01,nonsense\n",
        {
            "fields": [
                {"name": "a", "type": "date", "format": "%d.%m.%Y"},
                {"name": "b", "type": "date", "format": "any"},
            ]
        },
        {},
    ),
    "constraints": (
        "code,n,share,label,kind,d\n"
        "UA01,5,0.5,ab,x,2020-01-01\n"
        "XX,-1,1.5,a,z,2019-12-31\n"
        ",101,0.1,abcdef,y,2021-01-01\n"
        "UA02,50,,abc,,\n",
        {
            "fields": [
                {"name": "code", "constraints": {"required": True, "pattern": "UA[0-9]{2}"}},
                {"name": "n", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}},
                {
                    "name": "share",
                    "type": "number",
                    "constraints": {"minimum": 0.2, "maximum": 1},
                },
                {"name": "label", "constraints": {"minLength": 2, "maxLength": 4}},
                {"name": "kind", "constraints": {"enum": ["x", "y"]}},
                {"name": "d", "type": "date", "constraints": {"minimum": "2020-01-01"}},
            ]
        },
        {},
    ),
    "integer-enum-and-required-missing-cell": (
        "a,b\n1,2\n3\n4,5\n",
        {
            "fields": [
                {"name": "a", "type": "integer", "constraints": {"enum": [1, 4]}},
                {"name": "b", "type": "integer", "constraints": {"required": True}},
            ]
        },
        {},
    ),
    "unique-and-primary-key": (
        "id,code,v\n1,a,1\n2,b,1.0\n1,c,2\n03,a,3\n3,,4\n,,\nx,d,5\n",
        {
            "fields": [
                INT,
                {"name": "code", "constraints": {"unique": True}},
                {"name": "v", "type": "number", "constraints": {"unique": True}},
            ],
            "primaryKey": ["id"],
        },
        {},
    ),
    "composite-primary-key": (
        "t,p,v\nA,2020,1\nA,2021,2\nA,2020,3\nB,,4\nB,,5\n,,6\n",
        {
            "fields": [
                {"name": "t"},
                {"name": "p", "type": "year"},
                {"name": "v", "type": "integer"},
            ],
            "primaryKey": ["t", "p"],
        },
        {},
    ),
    "primary-key-with-missing-and-bad-cells": (
        "id,t,name\n,A,a\n1,,b\nx,B,c\n1,,d\n",
        {"fields": [INT, {"name": "t"}, {"name": "name"}], "primaryKey": ["id", "t"]},
        {},
    ),
    "blank-rows-and-ragged": (
        "a,b,c\n1,2,3\n\n,,\n4,5\n6,7,8,9\n,,,x\n10\n",
        {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}, {"name": "c"}]},
        {},
    ),
    "header-errors": (
        "id,,name,name,x,y\n1,2,3,4,5,6\n",
        {
            "fields": [
                {"name": "id"},
                {"name": "blank"},
                {"name": "name"},
                {"name": "other"},
                {"name": "x"},
            ]
        },
        {},
    ),
    "incorrect-label": (
        "id,nme,Value\n1,a,2\n",
        {"fields": [INT, {"name": "name"}, {"name": "value", "type": "integer"}]},
        {},
    ),
    "missing-labels": (
        "a,b\n1,2\n3,4\n",
        {
            "fields": [
                {"name": "a"},
                {"name": "b"},
                {"name": "c", "constraints": {"required": True}},
            ]
        },
        {},
    ),
    "missing-values": (
        "a,b\nNA,1\n-,x\n,2\n",
        {
            "fields": [
                {"name": "a", "type": "integer"},
                {"name": "b", "type": "integer", "missingValues": ["x"]},
            ],
            "missingValues": ["", "NA", "-"],
        },
        {},
    ),
    "number-options": (
        "a,b,c\n1 234,5%,1.234.567\n12 3,€ 7,1.2\n1.5,x,3\n",
        {
            "fields": [
                {"name": "a", "type": "number", "groupChar": " "},
                {"name": "b", "type": "number", "bareNumber": False},
                {"name": "c", "type": "integer", "bareNumber": False},
            ]
        },
        {},
    ),
    "boolean-custom-values": (
        "b\nja\nnein\ntrue\n",
        {
            "fields": [
                {"name": "b", "type": "boolean", "trueValues": ["ja"], "falseValues": ["nein"]}
            ]
        },
        {},
    ),
    "semicolon-decimal-comma": (
        "id;value\n1;2,5\n2;1.5\n3;-0,25\n4;1 000,5\n",
        {"fields": [INT, {"name": "value", "type": "number", "decimalChar": ","}]},
        {"delimiter": ";"},
    ),
    "crlf-and-trailing-empty-lines": (
        "id,name\r\n1,a\r\nx,b\r\n\r\n\r\n",
        {"fields": [INT, {"name": "name"}]},
        {},
    ),
    "quoted-newlines": (
        'id,text\n1,"line one\nline two"\n2,"a ""quoted"" word"\nx,plain\n',
        {"fields": [INT, {"name": "text"}]},
        {},
    ),
}

ENCODED = {
    "cp1251": ("id;назва\n1;Київ\n2;Львів\nx;Одеса\n", "cp1251", ";"),
    "utf-16": ("id,назва\n1,Київ\nx,Львів\n", "utf-16", None),
    "utf-8-bom": ("id,назва\n1,Київ\nx,Львів\n", "utf-8-sig", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_agrees_with_frictionless(name, write):
    text, schema, options = CASES[name]
    path = write(text)
    expected_valid, expected_counts, expected_rows = frictionless_report(path, schema, **options)
    report = validate(path, schema, chunk_rows=2)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_it_agrees_with_frictionless_on_encodings(name, write):
    text, encoding, delimiter = ENCODED[name]
    path = write(text, encoding=encoding)
    schema = {"fields": [INT, {"name": "назва"}]}
    # frictionless is told the encoding; we must find it ourselves
    fl_encoding = "utf-8-sig" if encoding == "utf-8-sig" else encoding
    expected_valid, expected_counts, expected_rows = frictionless_report(
        path, schema, encoding=fl_encoding, delimiter=delimiter
    )
    report = validate(path, schema)
    assert report["error_counts"] == expected_counts == {"type-error": 1}
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows
    assert codecs.lookup(report["stats"]["encoding"]).name == codecs.lookup(encoding).name


def test_it_reports_the_same_rows_and_fields_as_frictionless(write):
    text, schema, _ = CASES["blank-rows-and-ragged"]
    path = write(text)
    import frictionless
    from frictionless import Resource, Schema, system

    with system.use_context(trusted=True):
        reference = Resource(path=str(path), schema=Schema.from_descriptor(schema)).validate()
    expected = sorted(
        (e.type, getattr(e, "row_number", None), getattr(e, "field_number", None))
        for e in reference.tasks[0].errors
    )
    assert isinstance(reference, frictionless.Report)
    ours = sorted(
        (e["type"], e["rowNumber"], e["fieldNumber"]) for e in report_errors(validate(path, schema))
    )
    assert ours == expected


def test_it_agrees_with_frictionless_on_xlsx(tmp_path):
    import datetime as dt

    import openpyxl

    path = tmp_path / "data.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [
        ["id", "name", "when", "share"],
        [1, "a", dt.date(2024, 1, 31), 0.5],
        [2, None, dt.date(2024, 2, 1), 2],
        ["x", "c", "not a date", 0.25],
        [2, "d", dt.date(2024, 2, 3), "n/a"],
    ]:
        sheet.append(row)
    workbook.save(path)
    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"unique": True}},
            {"name": "name", "constraints": {"required": True}},
            {"name": "when", "type": "date"},
            {"name": "share", "type": "number", "constraints": {"maximum": 1}},
        ]
    }
    expected_valid, expected_counts, expected_rows = frictionless_report(path, schema)
    report = validate(path, schema)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows
