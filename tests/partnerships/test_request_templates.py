"""The request page explains the expected table; its CSV and XLSX templates, filled, validate."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from partnerships.choices import RequestState as S
from partnerships.choices import RunStatus
from partnerships.models import Submission
from partnerships.schema_guide import describe_schema, example_for_pattern

from .requests_support import acquisition, private_media, upload  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

SCHEMA = {
    "fields": [
        {
            "name": "district",
            "title": "District",
            "description": "Code of the city district",
            "type": "string",
            "constraints": {"required": True, "pattern": "^RS-[A-Z]{2}$"},
        },
        {"name": "month", "type": "string", "constraints": {"pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}},
        {
            "name": "sex",
            "type": "string",
            "constraints": {"required": True, "enum": ["F", "M", "_T"]},
        },
        {"name": "status", "type": "string"},
        {"name": "households", "type": "integer", "constraints": {"minimum": 0, "maximum": 100000}},
    ],
    "primaryKey": ["district", "month", "sex"],
    "foreignKeys": [
        {"fields": "status", "reference": {"resource": "ddms:obs-status", "fields": "code"}}
    ],
}
ROWS = [["RS-KG", "2026-01", "F", "A", 120], ["RS-KG", "2026-01", "M", "P", 110]]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_request_page_shows_every_rule_in_words(world):
    req = acquisition(world, state=S.SENT, table_schema=SCHEMA, dialect={"delimiter": ";"})
    client = _client(world.partner_a_user)
    html = client.get(f"/requests/{req.pk}/").content.decode()
    assert "District" in html and "Code of the city district" in html
    assert "a whole number" in html and "from 0 to 100000" in html
    assert "of the form ^RS-[A-Z]{2}$, for example RS-" in html
    assert "<code>_T</code>" in html and "<code>F</code>" in html  # the allowed codes
    assert "<code>P</code> Provisional value" in html  # labels of the referenced code list
    assert "(district, month, sex)" in html and "semicolon (;)" in html
    client.post("/i18n/setlang/", {"language": "sr", "next": "/"})
    html = client.get(f"/requests/{req.pk}/").content.decode()
    assert "цео број" in html and "тачка и зарез (;)" in html and "Привремена" in html


def test_a_pattern_gets_an_example_that_matches_it():
    for pattern in (r"^RS-[A-Z]{2}$", r"^\d{4}-(0[1-9]|1[0-2])$", r"^\d{4}-Q[1-4]$", "^(A|B)x+$"):
        import re

        example = example_for_pattern(pattern)
        assert example and re.fullmatch(pattern, example), pattern
    assert example_for_pattern("(?=x)y") == ""  # look-ahead: none offered, no crash


def test_the_dialect_defaults_are_described_when_none_is_declared():
    with translation.override("en"):
        guide = describe_schema({"fields": [{"name": "a"}]}, {})
    assert guide["dialect"][0] == ("Separator", "detected (comma or semicolon)")


def _upload(world, api, capture, req, name, content):
    url = f"/api/v1/data-requests/{req.pk}/submissions/"
    with capture(execute=True):
        response = api(world.partner_a_user).post(
            url, {"file": upload(name, content)}, format="multipart"
        )
    assert response.status_code == 201, response.json()
    return Submission.objects.select_related("validation_run").get(pk=response.json()["id"])


def test_the_filled_csv_template_validates(world, api, django_capture_on_commit_callbacks):
    req = acquisition(world, state=S.ACKNOWLEDGED, table_schema=SCHEMA, dialect={"delimiter": ";"})
    response = _client(world.partner_a_user).get(f"/requests/{req.pk}/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    template = response.content.decode("utf-8-sig")
    assert template == "district;month;sex;status;households\r\n"
    filled = template + "".join(";".join(map(str, r)) + "\r\n" for r in ROWS)
    sub = _upload(
        world, api, django_capture_on_commit_callbacks, req, "t.csv", filled.encode("utf-8-sig")
    )
    assert sub.validation_run.status == RunStatus.PASSED, sub.validation_run.report


def test_the_filled_xlsx_template_validates(world, api, django_capture_on_commit_callbacks):
    req = acquisition(world, state=S.ACKNOWLEDGED, table_schema=SCHEMA)
    response = _client(world.partner_a_user).get(f"/requests/{req.pk}/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["district", "month", "sex", "status", "households"]
    assert "Code of the city district" in sheet["A1"].comment.text
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"C2:C1001", "D2:D1001"}  # the coded columns: enum and code list
    codes = book["codes"]
    assert [codes.cell(row=i, column=3).value for i in (1, 2, 3)] == ["F", "M", "_T"]
    for number, row in enumerate(ROWS, start=2):  # typed in below the header, as a person does
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    sub = _upload(world, api, django_capture_on_commit_callbacks, req, "t.xlsx", buffer.getvalue())
    assert sub.validation_run.status == RunStatus.PASSED, sub.validation_run.report


def test_another_partner_cannot_download_the_template(world):
    req = acquisition(world, state=S.SENT, table_schema=SCHEMA)
    client = _client(world.partner_b_user)
    assert client.get(f"/requests/{req.pk}/template.csv").status_code == 404
    assert _client(world.partner_a_user).get(f"/requests/{req.pk}/template.pdf").status_code == 404
