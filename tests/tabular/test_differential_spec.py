"""Differential tests, built from the Table Schema and CSV Dialect specifications: for each
type, format, constraint, foreign-key form, dialect option, label rule and XLSX layout, our
valid flag, row count and count per error type equal frictionless 5.21's."""

import pytest

from ddms_platform.tabular import report_errors, validate

from .conftest import frictionless_report


def field(name, ftype, **extra):
    return {"name": name, "type": ftype, **extra}


# name -> (CSV text, schema, dialect or None)
TYPES = {
    "yearmonth": (
        "m\n2020-01\n2020-12\n2020-13\n2020-1\n2020\n2020-01-01\nx-y\n 2020-02\n",
        {"fields": [field("m", "yearmonth")]},
    ),
    "yearmonth-constraints": (
        "m\n2020-01\n2019-12\n2021-06\n2020-06\n",
        {
            "fields": [
                field(
                    "m",
                    "yearmonth",
                    constraints={"minimum": "2020-01", "maximum": "2021-01", "enum": ["2020-01"]},
                )
            ]
        },
    ),
    "duration": (
        "d\nP1Y2M3DT4H5M6S\nPT1H\nP1W\n1 hour\nP\nPT1.5S\n-P1D\n",
        {"fields": [field("d", "duration")]},
    ),
    "duration-enum": (
        "d\nPT1H\nPT60M\nP1D\n",
        {"fields": [field("d", "duration", constraints={"enum": ["PT1H"]})]},
    ),
    "geopoint-default": (
        'p\n"30.5, 50.4"\n"180,90"\n"181,0"\n"0,-91"\nx\n"1,2,3"\n"10.5,20"\n',
        {"fields": [field("p", "geopoint")]},
    ),
    "geopoint-array": (
        'p\n"[30.5, 50.4]"\n"[200, 0]"\n"[1]"\n"{""lon"": 1, ""lat"": 2}"\n"[1,2]"\n',
        {"fields": [field("p", "geopoint", format="array")]},
    ),
    "geopoint-object": (
        'p\n"{""lon"": 30.5, ""lat"": 50.4}"\n"{""lon"": 1}"\n"{""lon"": 1, ""lat"": 2, ""x"": 3}"\n"[1, 2]"\n',
        {"fields": [field("p", "geopoint", format="object")]},
    ),
    "geopoint-enum": (
        'p\n"1,2"\n"2,1"\n',
        {"fields": [field("p", "geopoint", constraints={"enum": ["1,2"]})]},
    ),
    "geojson": (
        "g\n"
        '"{""type"": ""Point"", ""coordinates"": [30.5, 50.4]}"\n'
        '"{""type"": ""Point""}"\n'
        '"{""type"": ""Feature"", ""geometry"": null, ""properties"": {}}"\n'
        '"[1, 2]"\n'
        "not json\n"
        '"{""type"": ""LineString"", ""coordinates"": [[1, 2], [3, 4]]}"\n',
        {"fields": [field("g", "geojson")]},
    ),
    "topojson": (
        "g\n"
        '"{""type"": ""Topology"", ""objects"": {}, ""arcs"": []}"\n'
        '"{""type"": ""Point"", ""coordinates"": [1, 2]}"\n'
        '"{""type"": ""Topology""}"\n',
        {"fields": [field("g", "geojson", format="topojson")]},
    ),
    "object": (
        'o\n"{""a"": 1}"\n"{}"\n"[1]"\n"1"\nx\n"{""a"": 1, ""b"": 2, ""c"": 3}"\n',
        {"fields": [field("o", "object", constraints={"minLength": 1, "maxLength": 2})]},
    ),
    "array": (
        'a\n"[1, 2]"\n"[]"\n"{""a"": 1}"\nx\n"[1, 2, 3, 4]"\n"[""x""]"\n',
        {"fields": [field("a", "array", constraints={"minLength": 1, "maxLength": 3})]},
    ),
    "array-enum": (
        'a\n"[1, 2]"\n"[2, 1]"\n',
        {"fields": [field("a", "array", constraints={"enum": ["[1, 2]"]})]},
    ),
    "array-item": (
        'a\n"[1, 2]"\n"[1, ""x""]"\n"[0, 5]"\n"[""3""]"\n',
        {
            "fields": [
                field(
                    "a",
                    "array",
                    arrayItem={"type": "integer", "constraints": {"minimum": 1}},
                )
            ]
        },
    ),
    "list": (
        'l\n"1,2,3"\n1\n"1,x"\n"1,,2"\n',
        {"fields": [field("l", "list", itemType="integer", constraints={"maxLength": 2})]},
    ),
    "list-delimiter": (
        "l\na;b\nc\n",
        {"fields": [field("l", "list", delimiter=";", constraints={"minLength": 2})]},
    ),
    "string-binary": (
        "b\naGVsbG8=\nnot base64!\naGVsbG8\n====\n",
        {"fields": [field("b", "string", format="binary")]},
    ),
    "string-uuid": (
        "u\n0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9\n0a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9\nnot-a-uuid\n0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f\n",
        {"fields": [field("u", "string", format="uuid")]},
    ),
    "string-email": (
        "e\nname@example.org\nfirst.last+tag@sub.example.co.uk\nno-at.example.org\na@b\n"
        "a@b.c\n@example.org\n",
        {"fields": [field("e", "string", format="email")]},
    ),
    "string-uri": (
        "u\nhttps://example.org/a?b=c\nmailto:a@example.org\nexample.org\n/relative/path\n"
        "urn:isbn:0451450523\nhttp://\n",
        {"fields": [field("u", "string", format="uri")]},
    ),
    "date-fmt-prefix": (
        "d\n31.01.2020\n2020-01-31\n",
        {"fields": [field("d", "date", format="fmt:%d.%m.%Y")]},
    ),
    "pattern-alternation": (
        "c\na\nb\nab\nxb\naz\n",
        {"fields": [field("c", "string", constraints={"pattern": "a|b"})]},
    ),
    "unique-geopoint": (
        'p\n"1,2"\n"1.0,2.0"\n"2,1"\n',
        {"fields": [field("p", "geopoint", constraints={"unique": True})]},
    ),
    "exclusive-bounds": (
        "n,i,t,dt,y\n1.5,5,10:00:00,2020-01-01T10:00:00,2020\n1,1,09:00:00,2019-12-31T23:59:59,2019\n"
        "2,10,12:00:00,2021-01-01T00:00:00,2021\n",
        {
            # exclusive bounds are a Table Schema v2 addition (frictionless refuses them in v1)
            "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
            "fields": [
                field("n", "number", constraints={"exclusiveMinimum": 1, "exclusiveMaximum": 2}),
                field("i", "integer", constraints={"exclusiveMinimum": 1, "exclusiveMaximum": 10}),
                field("t", "time", constraints={"exclusiveMinimum": "09:00:00"}),
                field("dt", "datetime", constraints={"exclusiveMaximum": "2021-01-01T00:00:00"}),
                field("y", "year", constraints={"exclusiveMinimum": 2019, "maximum": 2020}),
            ],
        },
    ),
    "boolean-enum-and-required": (
        "b\ntrue\nfalse\n\n0\n",
        {"fields": [field("b", "boolean", constraints={"enum": [True], "required": True})]},
    ),
    "unique-yearmonth-and-duration": (
        "m,d\n2020-01,PT1H\n2020-1,PT60M\n2020-02,PT1H\n",
        {
            "fields": [
                field("m", "yearmonth", constraints={"unique": True}),
                field("d", "duration", constraints={"unique": True}),
            ]
        },
    ),
    "any-enum": (
        "a\nx\ny\n",
        {"fields": [field("a", "any", constraints={"enum": ["x"]})]},
    ),
}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_it_agrees_with_frictionless_on_types_formats_and_constraints(name, write):
    text, schema = TYPES[name]
    path = write(text)
    expected_valid, expected_counts, expected_rows = frictionless_report(path, schema)
    report = validate(path, schema, chunk_rows=2)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows


SELF_FK = {
    "self-reference": (
        "id,parent\n1,\n2,1\n3,2\n4,9\n5,x\n6,4\n7,7\n",
        {
            "fields": [field("id", "integer"), field("parent", "integer")],
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}],
        },
    ),
    "self-reference-composite": (
        "code,year,parent,pyear\nA,2020,,\nB,2020,A,2020\nC,2020,A,2021\nD,2021,B,\n",
        {
            "fields": [
                field("code", "string"),
                field("year", "year"),
                field("parent", "string"),
                field("pyear", "year"),
            ],
            "foreignKeys": [
                {
                    "fields": ["parent", "pyear"],
                    "reference": {"resource": "", "fields": ["code", "year"]},
                }
            ],
        },
    ),
    "self-reference-forward": (
        "id,next\n1,3\n2,\n3,1\n4,5\n",
        {
            "fields": [field("id", "string"), field("next", "string")],
            "foreignKeys": [{"fields": ["next"], "reference": {"resource": "", "fields": ["id"]}}],
        },
    ),
}


@pytest.mark.parametrize("name", sorted(SELF_FK))
def test_it_agrees_with_frictionless_on_self_referencing_foreign_keys(name, write):
    text, schema = SELF_FK[name]
    path = write(text)
    expected_valid, expected_counts, expected_rows = frictionless_report(path, schema)
    report = validate(path, schema, chunk_rows=2)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows


def test_it_agrees_with_frictionless_on_a_foreign_key_to_another_resource(write, tmp_path):
    from collections import Counter

    from frictionless import Package, Resource, Schema, system

    path = write("district,value\nUA01,1\nUA02,2\nXX99,3\n,4\n")
    codes = tmp_path / "territories.csv"
    codes.write_text("code\nUA01\nUA02\nUA03\n", encoding="utf-8")
    schema = {
        "fields": [field("district", "string"), field("value", "integer")],
        "foreignKeys": [
            {"fields": "district", "reference": {"resource": "territories", "fields": "code"}}
        ],
    }
    with system.use_context(trusted=True):
        package = Package(
            resources=[
                Resource(name="data", path=str(path), schema=Schema.from_descriptor(schema)),
                Resource(name="territories", path=str(codes)),
            ]
        )
        expected = package.get_resource("data").validate(limit_errors=10**6)
    counts = dict(Counter(e.type for e in expected.tasks[0].errors))
    report = validate(path, schema, references={"territories": [("UA01",), ("UA02",), ("UA03",)]})
    assert report["error_counts"] == counts == {"foreign-key": 1}
    assert report_errors(report)[0]["rowNumber"] == 4
    assert "XX99" in report_errors(report)[0]["note"]


SCHEMA3 = {"fields": [field("a", "integer"), field("b", "string"), field("c", "number")]}
DIALECTS = {
    "pipe": ("a|b|c\n1|x|2.5\ny|z|3\n", {"delimiter": "|"}),
    "no-header": ("1,x,2.5\n2,y,oops\n", {"header": False}),
    "header-rows-joined": ("a,b,c\n,part,\n1,x,2\n", {"headerRows": [1, 2]}),
    "header-row-two": ("junk,junk,junk\na,b,c\n1,x,2\nx,y,z\n", {"headerRows": [2]}),
    "comment-char": ("a,b,c\n# a comment\n1,x,2\n#,,\nx,y,1\n", {"commentChar": "#"}),
    "comment-above-header": (
        "# exported today\na,b,c\n1,x,2\n# note\nx,y,1\n",
        {"commentChar": "#"},
    ),
    "comment-and-header-row-two": (
        "#,c\njunk,junk,junk\na,b,c\n1,x,2\n",
        {"commentChar": "#", "headerRows": [2]},
    ),
    "comment-rows": ("a,b,c\n1,x,2\nx,y,z\n3,w,4\n", {"commentRows": [3]}),
    "quote-char": ("a,b,c\n1,'x,y',2\n2,'it''s',3\n", {"quoteChar": "'"}),
    "escape-char": ('a,b,c\n1,"x\\"y",2\n2,x\\,y,3\n', {"escapeChar": "\\", "doubleQuote": False}),
    "double-quote-false-without-escape": ('a,b,c\n1,"x""y",2\n', {"doubleQuote": False}),
    "skip-initial-space": ("a, b, c\n1, x, 2.5\n2,  y, 3\n", {"skipInitialSpace": True}),
    "no-skip-initial-space": ("a,b,c\n1, x, 2.5\n", {}),
    "semicolon-declared": ("a;b;c\n1;x,y;2\n", {"delimiter": ";"}),
    "line-terminator-crlf": ("a,b,c\r\n1,x,2\r\n", {"lineTerminator": "\r\n"}),
}


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_it_agrees_with_frictionless_on_dialects(name, write):
    text, dialect = DIALECTS[name]
    path = write(text)
    expected_valid, expected_counts, expected_rows = frictionless_report(
        path, SCHEMA3, dialect=dialect or None
    )
    report = validate(path, SCHEMA3, dialect=dialect, chunk_rows=2)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows


DETECTED = {
    "pipe": "a|b|c\n1|x|2.5\n2|y|3\n",
    "tab": "a\tb\tc\n1\tx,y\t2.5\n",
    "semicolon-decimal-comma": "a;b;c\n1;x;2,5\n2;y;3,5\n",
}


@pytest.mark.parametrize("name", sorted(DETECTED))
def test_it_detects_the_delimiter_when_none_is_declared(name, write):
    path = write(DETECTED[name])
    delimiter = {"pipe": "|", "tab": "\t", "semicolon-decimal-comma": ";"}[name]
    schema = {"fields": [field("a", "integer"), field("b", "string"), field("c", "string")]}
    expected_valid, expected_counts, _ = frictionless_report(
        path, schema, dialect={"delimiter": delimiter}
    )
    report = validate(path, schema)
    assert report["stats"]["delimiter"] == delimiter
    assert (report["valid"], report["error_counts"]) == (expected_valid, expected_counts)


LABELS = {
    "trailing-space": "a ,b,c\n1,x,2\n",
    "leading-space-and-tab": " a,\tb,c\n1,x,2\n",
    "blank": "a,,c\n1,x,2\n",
    "duplicate": "a,a,c\n1,x,2\n",
    "wrong-case": "A,b,c\n1,x,2\n",
}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_it_agrees_with_frictionless_on_labels(name, write):
    path = write(LABELS[name])
    expected_valid, expected_counts, _ = frictionless_report(path, SCHEMA3)
    report = validate(path, SCHEMA3)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid


def _workbook(path, cells):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for ref, value in cells.items():
        sheet[ref] = value
    workbook.save(path)
    return path


XLSX = {
    "trailing-blank-header-cell": {"A1": "a", "B1": "b", "A2": 1, "B2": "x", "C2": 3, "A3": 4},
    "starts-with-blank-rows": {"A3": "a", "B3": "b", "A4": 1, "B4": "x", "A5": 2, "B5": "y"},
    # shifted one column right: "a" is read as field b (string), "b" as field c (integer)
    "blank-first-column": {"B1": "a", "C1": "b", "B2": "x", "C2": 1},
    "blank-row-inside": {"A1": "a", "B1": "b", "A2": 1, "B2": "x", "A4": 2, "B4": "y"},
}


@pytest.mark.parametrize("name", sorted(XLSX))
def test_it_agrees_with_frictionless_on_xlsx_layouts(name, tmp_path):
    path = _workbook(tmp_path / "data.xlsx", XLSX[name])
    schema = {"fields": [field("a", "integer"), field("b", "string"), field("c", "integer")]}
    expected_valid, expected_counts, expected_rows = frictionless_report(path, schema)
    report = validate(path, schema)
    assert report["error_counts"] == expected_counts
    assert report["valid"] is expected_valid
    assert report["stats"]["rows"] == expected_rows
