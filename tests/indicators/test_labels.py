"""Labels, not codes: release e-mails, the iCalendar feed and the catalogue page."""

from __future__ import annotations

import pytest

from ddms_platform.notify.messages import render_email
from ddms_platform.notify.models import Notification, OutboxEvent
from indicators.notifications import release_context
from indicators.sdmx.codes import code_lists_seed
from indicators.sdmx.labels import Labeller

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("sr", "Удео", "Share of"), ("sr-latn", "Udeo", "Удео"), ("en", "Share of", "Удео")],
)
def test_a_release_email_names_the_indicator_in_the_readers_language(
    published, indicator, language, expected, absent
):
    indicator.name_en = "Share of population near a stop"
    indicator.name_sr_latn = "Udeo stanovništva blizu stajališta"
    indicator.name_sr_cyrl = "Удео становништва близу стајалишта"
    indicator.save()
    event = OutboxEvent.objects.create(
        kind="publication.released", payload={"publication_id": published.pk}
    )
    row = Notification(
        pk=1, event=event, channel="email", email="a@example.org", language=language, context={}
    )
    message = render_email(row, event, release_context(event))
    assert expected in message.body and absent not in message.body


def test_the_labeller_turns_codes_into_labels_in_each_language(db):
    code_lists_seed()
    assert Labeller("sr").dims("age=Y15T24|sex=F") == "Од 15 до 24 године, Жене"
    assert Labeller("sr-latn").code("sex", "_T") == "Ukupno"
    assert Labeller("en").topic("mobility") == "Mobility"
    assert Labeller("sr").unit("%") == "%"
    assert Labeller("sr").unit("kWh per month") == "kWh месечно"
    assert Labeller("en").code("sex", "X") == "X"  # an unlisted code is shown as it is


def test_the_catalogue_page_shows_topic_labels(client, published, indicator):
    code_lists_seed()
    indicator.topic = "mobility"
    indicator.save()
    page = client.get("/indicators/", HTTP_ACCEPT_LANGUAGE="sr").content.decode()
    assert "Мобилност" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Audience: Local government"), ("sr", "Публика: Локална самоуправа")],
)
def test_the_icalendar_feed_shows_the_audience_label(db, language, expected):
    from django.utils import translation

    from partnerships.ical import plan_calendar

    from ..factories import CommunicationPlanFactory

    plan = CommunicationPlanFactory()
    plan.activities.create(
        title="Launch", kind="event", audience="local_government", starts_at="2030-01-01T10:00Z"
    )
    with translation.override(language):
        body = plan_calendar(plan).decode().replace("\r\n ", "")
    assert expected in body
    assert "local_government" not in body
