"""The report page: plain sentences, escaped values, pages of 50, filters by column and type."""

from __future__ import annotations

import pytest
from django.test import Client

from ddms_platform import tabular
from partnerships.choices import RequestState as S
from partnerships.models import Submission, ValidationRun

from .requests_support import acquisition

pytestmark = pytest.mark.django_db
SCHEMA = {
    "fields": [{"name": "code"}, {"name": "n", "type": "integer"}, {"name": "m", "type": "integer"}]
}


@pytest.fixture
def report_run(world, tmp_path):
    rows = "".join(f"C{i},x,{i}\n" for i in range(60)) + "C60,1,<script>\n"
    rows += "".join(f"D{i},1,y\n" for i in range(10))
    path = tmp_path / "data.csv"
    path.write_text("code,n,m\n" + rows)
    report = tabular.validate(path, SCHEMA)
    req = acquisition(world, state=S.SUBMITTED, table_schema=SCHEMA)
    submission = Submission.objects.create(
        request=req,
        version=1,
        file="x.csv",
        original_name="x.csv",
        format="csv",
        size=1,
        sha256="0" * 64,
        uploaded_by=world.partner_a_user,
    )
    ValidationRun.objects.create(submission=submission, status="failed", report=report)
    return submission


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_the_report_is_paginated_in_plain_sentences(world, report_run):
    url = f"/submissions/{report_run.pk}/"
    html = _get(world.partner_a_user, url).content.decode()
    assert html.count('class="report-error"') == 50 and "page 1 of 2" in html
    assert "Row 2, column n: “x” is not a whole number." in html
    assert "Write digits only" in html and "Wrong kind of value" in html
    second = _get(world.partner_a_user, url + "?page=2").content.decode()
    assert second.count('class="report-error"') == 21
    assert "“&lt;script&gt;” is not a whole number" in second and "<script>\n" not in second


def test_the_report_filters_by_column_and_type(world, report_run):
    url = f"/submissions/{report_run.pk}/?column=m&type=type-error"
    html = _get(world.partner_a_user, url).content.decode()
    assert html.count('class="report-error"') == 11
    assert "column m" in html and "column n:" not in html
    none = _get(world.partner_a_user, f"/submissions/{report_run.pk}/?column=zzz").content.decode()
    assert "No errors match the filter." in none


def test_another_partner_cannot_read_the_report(world, report_run):
    assert _get(world.partner_b_user, f"/submissions/{report_run.pk}/").status_code == 404


def test_the_api_report_adds_messages_in_the_callers_language(world, api, report_run):
    response = api(world.partner_a_user).get(
        f"/api/v1/submissions/{report_run.pk}/report/", HTTP_ACCEPT_LANGUAGE="sr-latn"
    )
    body = response.json()
    first = body["tasks"][0]["errors"][0]
    assert first["explanation"]["message"] == "Red 2, kolona n: “x” nije ceo broj."
    assert first["note"] == 'type is "integer/default"' and body["error_counts"] == {
        "type-error": 71
    }
    assert (
        api(world.partner_b_user).get(f"/api/v1/submissions/{report_run.pk}/report/").status_code
        == 404
    )
