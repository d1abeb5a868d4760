"""Reading: encodings, delimiters and unusable inputs each give a clear outcome."""

import zipfile

import openpyxl
import pytest

from ddms_platform.tabular import SchemaError, SourceError, report_errors, validate
from ddms_platform.tabular import xlsx as xlsx_module

SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name"}]}


def only_error(report):
    assert report["valid"] is False
    assert len(report_errors(report)) == 1
    return report_errors(report)[0]


def test_it_refuses_an_empty_file(write):
    error = only_error(validate(write(b""), SCHEMA))
    assert error["type"] == "source-error"
    assert "empty" in error["note"]


def test_it_refuses_binary_garbage_with_nul_bytes(write):
    error = only_error(validate(write(bytes(range(256)) * 20), SCHEMA))
    assert error["type"] == "source-error"
    assert "binary" in error["note"]


def test_it_refuses_binary_garbage_without_nul_bytes(write):
    noise = bytes((i * 37 + 11) % 255 + 1 for i in range(5000))
    error = only_error(validate(write(noise), SCHEMA))
    assert error["type"] == "source-error"


def test_it_reports_an_encoding_error_for_broken_utf8_after_a_bom(write):
    error = only_error(validate(write(b"\xef\xbb\xbfid,name\n1,\xff\xfe\n"), SCHEMA))
    assert error["type"] == "encoding-error"


def test_it_raises_source_error_for_a_missing_file(tmp_path):
    with pytest.raises(SourceError):
        validate(tmp_path / "nope.csv", SCHEMA)


def test_it_raises_schema_error_for_an_invalid_schema(write):
    with pytest.raises(SchemaError):
        validate(write("id,name\n1,a\n"), {"fields": "nope"})


def test_it_accepts_a_header_only_file(write):
    report = validate(write("id,name\n"), SCHEMA)
    assert report["valid"] is True
    assert report["stats"]["rows"] == 0


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16", "utf-8-sig", "utf-8"])
def test_it_detects_the_encoding(write, encoding):
    text = "id,name\n1,Москва столица\n2,Санкт-Петербург и Новгород\n3,Казань\n"
    report = validate(write(text, encoding=encoding), SCHEMA)
    assert report["valid"] is True
    assert report["stats"]["encoding"] == encoding


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_sniffs_the_delimiter(write, delimiter):
    text = f"id{delimiter}name\n1{delimiter}a,b\n2{delimiter}c\n".replace("a,b", "a b")
    report = validate(write(text), SCHEMA)
    assert report["stats"]["delimiter"] == delimiter
    assert report["valid"] is True


def test_it_prefers_semicolon_over_decimal_commas(write):
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "v", "type": "number", "decimalChar": ","},
        ]
    }
    report = validate(write("id;v\n1;2,5\n2;3,75\n"), schema)
    assert report["stats"]["delimiter"] == ";"
    assert report["valid"] is True


def test_it_reports_ragged_rows_with_their_row_numbers(write):
    report = validate(write("id,name\n1,a\n2\n3,c,extra\n4,d\n"), SCHEMA, chunk_rows=2)
    found = [
        (e["type"], e["rowNumber"], e["fieldNumber"], e["cell"]) for e in report_errors(report)
    ]
    assert found == [("missing-cell", 3, 2, ""), ("extra-cell", 4, 3, "extra")]


def test_it_numbers_rows_after_multiline_values_by_record(write):
    report = validate(write('id,name\n1,"two\nlines"\nx,b\n'), SCHEMA)
    assert [(e["type"], e["rowNumber"]) for e in report_errors(report)] == [("type-error", 3)]


# XLSX ------------------------------------------------------------------------------------


def make_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_it_reads_the_first_sheet_of_an_xlsx(tmp_path):
    import datetime as dt

    path = make_xlsx(
        tmp_path / "data.xlsx",
        [["id", "name", "when"], [1, "a", dt.date(2024, 1, 31)], [2.0, "b", None]],
    )
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "name"},
            {"name": "when", "type": "date"},
        ]
    }
    report = validate(path, schema)
    assert report["valid"] is True, report_errors(report)
    assert report["stats"]["rows"] == 2


def test_it_converts_spreadsheet_values_the_way_people_read_them():
    import datetime as dt

    to_string = xlsx_module.cell_to_string
    assert to_string(3.0) == "3"
    assert to_string(2.5) == "2.5"
    assert to_string(dt.datetime(2024, 1, 31)) == "2024-01-31"
    assert to_string(dt.datetime(2024, 1, 31, 12, 30)) == "2024-01-31T12:30:00"
    assert to_string(True) == "true"
    assert to_string(None) == ""


def test_it_reads_a_csv_named_xlsx_as_csv(write):
    # the format comes from the content (as on upload), never from the name
    report = validate(write("id,name\n1,a\n", name="data.xlsx"), SCHEMA)
    assert report["valid"] is True
    assert report["stats"]["format"] == "csv"


def test_it_refuses_an_xlsx_that_is_not_a_zip(write):
    error = only_error(validate(write("id,name\n1,a\n", name="data.xlsx"), SCHEMA, format="xlsx"))
    assert error["type"] == "source-error"
    assert "not a zip" in error["note"]


def test_it_refuses_a_zip_bomb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _ in range(20):
            member.write(b"\0" * (1 << 20))
    error = only_error(validate(path, SCHEMA))
    assert error["type"] == "source-error"
    assert "zip bomb" in error["note"]


def test_it_refuses_an_xlsx_expanding_beyond_the_size_limit(tmp_path):
    path = make_xlsx(tmp_path / "data.xlsx", [["id", "name"], [1, "a"]])
    error = only_error(validate(path, SCHEMA, max_xlsx_bytes=1000))
    assert error["type"] == "source-error"
    assert "limit" in error["note"]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData></worksheet>'
)


def billion_laughs_xlsx(tmp_path):
    clean = make_xlsx(tmp_path / "clean.xlsx", [["id", "name"], [1, "a"]])
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = BILLION_LAUGHS
            dst.writestr(info.filename, data)
    return path


def test_it_refuses_a_billion_laughs_xlsx(tmp_path):
    error = only_error(validate(billion_laughs_xlsx(tmp_path), SCHEMA))
    assert error["type"] == "source-error"
    assert "billion-laughs" in error["note"]


def test_openpyxl_itself_refuses_entities_when_our_prescan_is_bypassed(tmp_path, monkeypatch):
    # defence in depth: openpyxl parses sheets with defusedxml when it is installed
    monkeypatch.setattr(xlsx_module, "_check_zip", lambda path, max_bytes: None)
    error = only_error(validate(billion_laughs_xlsx(tmp_path), SCHEMA))
    assert error["type"] == "source-error"
    assert "lollol" not in error["note"]


def test_it_restarts_exactly_when_ragged_rows_appear_late(write):
    rows = "".join(f"{i},n\n" for i in range(1, 30)) + "30\n31,n,extra\n"
    seen = []
    report = validate(write("id,name\n" + rows), SCHEMA, chunk_rows=4, progress=seen.append)
    assert report["error_counts"] == {"missing-cell": 1, "extra-cell": 1}
    assert [(e["type"], e["rowNumber"]) for e in report_errors(report)] == [
        ("missing-cell", 31),
        ("extra-cell", 32),
    ]
    assert report["stats"]["rows"] == 31
    assert seen[-1] == 31


def test_it_does_not_mistake_accented_latin_text_for_cyrillic(write):
    text = "id,name\n1,Café de la Gare\n2,Crème brûlée à Genève\n3,Señor Müller\n"
    report = validate(write(text, encoding="cp1252"), SCHEMA)
    assert report["stats"]["encoding"] not in ("cp1251", "koi8-r", "iso-8859-5", "cp866")
    assert report["valid"] is True


def test_it_reads_a_value_longer_than_a_parse_block(write):
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "name", "constraints": {"maxLength": 10}},
        ]
    }
    report = validate(write("id,name\n1,a\n2," + "x" * (3 << 20) + "\n3,c\n"), schema)
    assert report["error_counts"] == {"constraint-error": 1}
    assert report_errors(report)[0]["rowNumber"] == 3


def test_whole_file_utf8_check_skips_ascii_pieces_but_not_a_split_character(tmp_path):
    """ASCII pieces are skipped, yet a character cut at a piece boundary is still judged."""
    from ddms_platform.tabular.encoding import READ_SIZE, decodes_cleanly

    path = tmp_path / "data.csv"
    head = b"a\n" + b"x" * (READ_SIZE - 3)
    path.write_bytes(head + "é".encode() + b"y" * 10)  # é split across two pieces
    assert decodes_cleanly(path, "utf-8")
    path.write_bytes(head + b"\xc3" + b"y" * 10)  # a lead byte followed by an ASCII piece
    assert not decodes_cleanly(path, "utf-8")
    path.write_bytes(head + b"y" + b"y" * READ_SIZE + b"\xff")  # bad byte two pieces later
    assert not decodes_cleanly(path, "utf-8")
    path.write_bytes(head + b"y" + b"\xc3")  # truncated at the very end
    assert not decodes_cleanly(path, "utf-8")
