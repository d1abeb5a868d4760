"""Every error type the engine emits reads as one plain sentence in each language."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from ddms_platform import tabular
from ddms_platform.tabular.report import ERROR_META, make_error
from partnerships.report_messages import explain, explained_report

LANGS = ("en", "sr-latn", "sr")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
INT = {"name": "households", "type": "integer"}
# error type -> (file, schema, the texts its message must show)
CASES = {
    "type-error": (
        "households\n1\nabc\n",
        {"fields": [INT]},
        ["5" if False else "3", "households", "abc"],
    ),
    "constraint-error": (
        "code,n\nA,1\n,2\n",
        {"fields": [{"name": "code", "constraints": {"required": True}}, {"name": "n"}]},
        ["3", "code"],
    ),
    "missing-cell": ("a,b\n1,2\n3\n", {"fields": [{"name": "a"}, {"name": "b"}]}, ["3", "b"]),
    "extra-cell": ("a\n1\n2,<b>x</b>\n", {"fields": [{"name": "a"}]}, ["3", "<b>x</b>", "2"]),
    "blank-row": ("a,b\n1,2\n,\n3,4\n", {"fields": [{"name": "a"}, {"name": "b"}]}, ["3"]),
    "primary-key": (
        "district,month\nRS-KG,2026-01\nRS-BG,2026-01\nRS-KG,2026-01\n",
        {"fields": [{"name": "district"}, {"name": "month"}], "primaryKey": ["district", "month"]},
        ["4", "RS-KG, 2026-01", "2"],
    ),
    "unique-error": (
        "code\nA\nB\nA\n",
        {"fields": [{"name": "code", "constraints": {"unique": True}}]},
        ["4", "code", "A", "2"],
    ),
    "foreign-key": (
        "id,parent\n1,\n2,9\n",
        {
            "fields": [{"name": "id"}, {"name": "parent"}],
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}],
        },
        ["3", "9", "parent"],
    ),
    "extra-label": ("a,extra\n1,2\n", {"fields": [{"name": "a"}]}, ["extra", "2"]),
    "missing-label": ("a\n1\n", {"fields": [{"name": "a"}, {"name": "b"}]}, ["b", "2"]),
    "blank-label": ("a,\n1,2\n", {"fields": [{"name": "a"}, {"name": "b"}]}, ["2", "b"]),
    "duplicate-label": ("a,a\n1,2\n", {"fields": [{"name": "a"}, {"name": "b"}]}, ["a", "2"]),
    "incorrect-label": ("a,x\n1,2\n", {"fields": [{"name": "a"}, {"name": "b"}]}, ["x", "2", "b"]),
    "source-error": (b"\x00\x01binary", {"fields": [{"name": "a"}]}, ["binary"]),
    "total-warning": (
        "men,women,total\n4,5,10\n",
        {
            "fields": [{"name": n, "type": "integer"} for n in ("men", "women", "total")],
            "x-ddms": {"totals": [{"total": "total", "parts": ["men", "women"]}]},
        },
        ["2", "10", "4, 5", "9"],
    ),
}


def _entry(write, kind):
    content, schema, _shown = CASES[kind]
    report = tabular.validate(write(content), schema)
    entries = tabular.report_errors(report) + tabular.report_warnings(report)
    return next(e for e in entries if e["type"] == kind)


@pytest.fixture
def write(tmp_path):
    def _write(content, name="data.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return _write


def _explained(entry, lang):
    with translation.override(lang):
        return explain(entry)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_error_type_gets_a_message_a_hint_and_a_label(write, kind, lang):
    entry = _entry(write, kind)
    text = _explained(entry, lang)
    for shown in CASES[kind][2]:
        assert shown in text["message"], (kind, lang, text["message"])
    assert text["hint"] and text["label"] != kind
    english = _explained(entry, "en")
    if lang != "en":
        assert text["message"] != english["message"] and text["label"] != english["label"]
        assert text["hint"] != english["hint"]
    assert bool(CYRILLIC.search(text["message"] + text["label"] + text["hint"])) is (lang == "sr")


def test_the_engine_emits_no_type_without_a_message():
    from partnerships.report_messages import HINTS, MESSAGES, TYPE_LABELS

    assert set(ERROR_META) == set(MESSAGES) == set(TYPE_LABELS)
    assert set(ERROR_META) - {"type-error", "constraint-error"} == set(HINTS)


def test_a_type_error_reads_as_the_issue_asks(write):
    entry = {**_entry(write, "type-error"), "rowNumber": 5}
    assert (
        _explained(entry, "en")["message"]
        == "Row 5, column households: “abc” is not a whole number."
    )
    assert (
        _explained(entry, "sr-latn")["message"] == "Red 5, kolona households: “abc” nije ceo broj."
    )
    assert _explained(entry, "sr")["message"] == "Ред 5, колона households: “abc” није цео број."


def test_a_repeated_key_names_the_key_values_and_the_first_row(write):
    entry = _entry(write, "primary-key")
    assert _explained(entry, "en")["message"] == "Row 4 repeats the key (RS-KG, 2026-01) of row 2."
    assert _explained(entry, "sr")["message"] == "Ред 4 понавља кључ (RS-KG, 2026-01) реда 2."


def test_an_empty_key_says_which_columns_are_empty(write):
    content = "district,month\n,\nRS,1\n"
    schema = {
        "fields": [{"name": "district"}, {"name": "month"}],
        "primaryKey": ["district", "month"],
    }
    report = tabular.validate(write(content), schema)
    # a fully empty row is a blank row; make one key column empty only
    report = tabular.validate(
        write("district,month,x\n,,1\n"), {**schema, "fields": [*schema["fields"], {"name": "x"}]}
    )
    [entry] = [e for e in tabular.report_errors(report) if e["type"] == "primary-key"]
    assert _explained(entry, "en")["message"] == (
        "Row 2 has no key: the key columns (district, month) are all empty."
    )


def test_a_missing_required_value_is_shown_as_empty_and_the_rule_as_the_schema_writes_it(write):
    entry = _entry(write, "constraint-error")
    assert entry["constraintValue"] is True  # JSON true, not Python's "True"
    text = _explained(entry, "en")["message"]
    assert text == "Row 3, column code: the value is empty, but this column is required."
    assert "None" not in text and "True" not in text


@pytest.mark.parametrize(
    "constraints,cell,expected",
    [
        (
            {"enum": ["F", "M", "_T"]},
            "X",
            'Row 2, column c: “X” is not one of the allowed values ["F", "M", "_T"].',
        ),
        ({"minimum": 0}, "-5", "Row 2, column c: “-5” is less than the minimum 0."),
        ({"maximum": 10}, "11", "Row 2, column c: “11” is more than the maximum 10."),
        (
            {"pattern": "^RS-[A-Z]{2}$"},
            "rs-kg",
            "Row 2, column c: “rs-kg” does not have the expected form ^RS-[A-Z]{2}$.",
        ),
        ({"maxLength": 2}, "abc", "Row 2, column c: “abc” is longer than 2 characters."),
        ({"minLength": 4}, "abc", "Row 2, column c: “abc” is shorter than 4 characters."),
    ],
)
def test_constraint_messages_show_value_and_rule(write, constraints, cell, expected):
    kind = "integer" if "minimum" in constraints or "maximum" in constraints else "string"
    schema = {"fields": [{"name": "c", "type": kind, "constraints": constraints}]}
    [entry] = tabular.report_errors(tabular.validate(write(f"c\n{cell}\n"), schema))
    assert _explained(entry, "en")["message"] == expected


def test_control_characters_in_a_value_are_shown_escaped(write):
    entry = {**_entry(write, "type-error"), "cell": "1\t2"}
    assert "“1\\t2”" in _explained(entry, "en")["message"]


def test_an_encoding_error_and_a_jump_read_plainly():
    encoding = make_error("encoding-error", note="not UTF-8 or cp1251")
    assert _explained(encoding, "sr-latn")["message"] == (
        "Kodiranje znakova datoteke nije prepoznato: not UTF-8 or cp1251"
    )
    jump = make_error(
        "jump-warning",
        rowNumber=7,
        fieldName="value",
        fieldNumber=3,
        cell="2300",
        note="",
        values=[2300.0],
        expected=900.0,
        tolerance=0.5,
        rowNumbers=[7],
    )
    assert _explained(jump, "en")["message"] == (
        "Row 7, column value: “2300” is far from the comparable earlier value 900 "
        "(allowed change: 50%)."
    )


def test_the_served_report_keeps_frictionless_fields_and_adds_messages(write):
    import frictionless

    report = tabular.validate(write("households\n1\nabc\n"), {"fields": [INT]})
    served = explained_report(report, "sr")
    [entry] = served["tasks"][0]["errors"]
    assert entry["explanation"]["message"].startswith("Ред 3")
    assert entry["note"] == 'type is "integer/default"'  # frictionless' own note stays
    assert frictionless.Report.from_descriptor(served).tasks[0].errors[0].type == "type-error"


def test_a_total_names_its_row_the_parts_and_the_expected_sum(write):
    entry = _entry(write, "total-warning")
    assert _explained(entry, "en")["message"] == (
        "Row 2, column total: the total “10” differs from the sum of its parts 4, 5, which is 9."
    )
    across = {**entry, "rowNumbers": [2, 5, 6]}
    assert _explained(across, "sr-latn")["message"].startswith("Redovi 2, 5, 6: zbir “10”")
