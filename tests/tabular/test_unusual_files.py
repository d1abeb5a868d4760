"""Unusual files get clear answers: very long lines, short Latin-script files in the code
pages partners use, streams instead of paths, CSV content under an .xlsx name."""

import io

import pytest

from ddms_platform.tabular import report_errors, validate
from ddms_platform.tabular.reader import MAX_FIELD_CHARS

TWO = {"fields": [{"name": "id", "type": "integer"}, {"name": "name"}]}


def test_it_reads_a_header_of_nine_thousand_names(write):
    names = [f"column_{i}" for i in range(9000)]
    path = write(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n")
    schema = {"fields": [{"name": n, "type": "integer"} for n in names]}
    report = validate(path, schema)
    assert report["valid"] is True
    assert report["stats"]["fields"] == 9000


def test_it_reads_a_ten_megabyte_single_line(write):
    path = write("id,name\n1," + "x" * (10 << 20) + "\n")
    report = validate(path, {"fields": [TWO["fields"][0], {"name": "name"}]})
    assert report["valid"] is True
    assert report["stats"]["rows"] == 1


def test_it_reads_a_file_that_is_one_ten_megabyte_line(write):
    path = write("x" * (10 << 20) + "\n")
    report = validate(path, {"fields": [{"name": "id"}]})
    assert report["error_counts"] == {"incorrect-label": 1}
    assert report["stats"]["rows"] == 0


def test_it_refuses_a_cell_beyond_the_limit_with_a_source_error(write, monkeypatch):
    import csv

    from ddms_platform.tabular import reader

    monkeypatch.setattr(reader, "MAX_FIELD_CHARS", 1000)
    old = csv.field_size_limit(1000)
    try:
        path = write("id,name\n" + "x" * 5000 + ",y\n")
        report = validate(path, TWO, dialect={"skipInitialSpace": True})
    finally:
        csv.field_size_limit(old)
    assert report["error_counts"] == {"source-error": 1}
    assert "limit of 1000 characters" in report_errors(report)[0]["note"]


def test_the_cell_limit_is_far_beyond_the_csv_module_default():
    assert MAX_FIELD_CHARS > 131_072 * 100


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("id,name\n1,Zürich-Süd\n2,Café-Ölmühle\n", "latin-1", "cp1252"),
        ("id,name\n1,Zürich-Süd\n2,Café-Ölmühle\n", "cp1252", "cp1252"),
        ("id,name\n1,Zürich-Süd\n2,Café-Ölmühle\n3,Crème brûlée\n", "mac-roman", "mac-roman"),
        ("id,name\n1,Perché sì\n2,Città più bella\n", "cp1252", "cp1252"),
        ("id,name\n1,Perché\n2,Poiché né\n", "cp1250", None),
        ("id,name\n1,Děčín\n2,Łódź\n3,Kraków\n", "cp1250", "cp1250"),
        ("id,name\n1,Szeged\n2,Győr\n", "iso-8859-2", None),
    ],
)
def test_it_decodes_short_latin_files_correctly(write, text, encoding, expected):
    path = write(text, encoding=encoding)
    report = validate(path, TWO)
    assert report["valid"] is True, report_errors(report)
    chosen = report["stats"]["encoding"]
    if expected:
        assert chosen == expected
    # whatever code page was chosen, the text reads as written
    assert path.read_bytes().decode(chosen) == text


def test_it_reads_the_decoded_values_not_mojibake(write):
    path = write("id,name\n1,Zürich-Süd\n", encoding="latin-1")
    schema = {
        "fields": [TWO["fields"][0], {"name": "name", "constraints": {"enum": ["Zürich-Süd"]}}]
    }
    assert validate(path, schema)["valid"] is True


def test_it_validates_a_seekable_binary_stream(write):
    stream = io.BytesIO("id;name\n1;a\nx;b\n".encode("cp1251"))
    report = validate(stream, TWO)
    assert report["error_counts"] == {"type-error": 1}
    assert report["stats"]["delimiter"] == ";"


def test_it_validates_an_xlsx_stream(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "name"])
    workbook.active.append(["x", "a"])
    workbook.save(tmp_path / "a.xlsx")
    stream = io.BytesIO((tmp_path / "a.xlsx").read_bytes())
    report = validate(stream, TWO)
    assert report["stats"]["format"] == "xlsx"
    assert report["error_counts"] == {"type-error": 1}
