"""An honest calendar: postponing and cancelling keep the entry; bringing forward is announced;
pre-release access is named, logged and published; a revision that changes nothing is silent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from ddms_platform.core.errors import DomainError
from ddms_platform.notify.models import OutboxEvent
from indicators import services
from indicators.models import PreReleaseView, Publication

from ..factories import UserFactory, approved
from .conftest import NOW, T0, add_obs

HOUR = dt.timedelta(hours=1)


def _ics_event(api) -> dict:
    cal = Calendar.from_ical(api(None).get("/api/v1/release-calendar.ics").content)
    [event] = [c for c in cal.walk() if c.name == "VEVENT"]
    return event


def test_postponing_needs_a_reason(world, embargoed):
    with pytest.raises(DomainError, match="reason"):
        services.publication_unschedule(actor=world.nsi_manager, publication=embargoed)
    assert Publication.objects.get(pk=embargoed.pk).state == "scheduled"


def test_a_postponed_release_stays_on_the_calendar_and_in_the_ics_with_the_same_uid(
    world, api, embargoed, frozen_now
):
    before = _ics_event(api)
    assert int(before["SEQUENCE"]) == 0 and str(before["STATUS"]) == "CONFIRMED"
    assert before.decoded("DTSTAMP") == NOW  # when the entry was written, not the release time
    later = NOW + HOUR
    frozen_now(later)
    services.publication_unschedule(
        actor=world.nsi_manager, publication=embargoed, reason="The source file is late."
    )
    [entry] = api(None).get("/api/v1/release-calendar/").json()
    assert entry["state"] == "postponed" and entry["reason"] == "The source file is late."
    after = _ics_event(api)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == 1 and str(after["STATUS"]) == "TENTATIVE"
    assert after.decoded("DTSTAMP") == later
    assert "late" in str(after["DESCRIPTION"])
    html = Client().get(reverse("indicators:release-calendar")).content.decode()
    assert "Postponed" in html and "The source file is late." in html
    # Its values are gone from the release, and nothing is public.
    assert not embargoed.released_observations.exists()
    assert api(None).get("/api/v1/observations/").json()["results"] == []


def test_a_cancelled_release_is_status_cancelled_in_the_ics(world, api, embargoed):
    uid = str(_ics_event(api)["UID"])
    services.publication_unschedule(
        actor=world.nsi_manager, publication=embargoed, reason="Withdrawn.", cancel=True
    )
    event = _ics_event(api)
    assert str(event["UID"]) == uid and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_a_postponed_release_is_rescheduled_with_a_higher_sequence(world, api, embargoed):
    services.publication_unschedule(actor=world.nsi_manager, publication=embargoed, reason="Late.")
    with pytest.raises(DomainError, match="reason"):  # earlier than announced: needs a reason
        services.publication_schedule(
            actor=world.nsi_manager, publication=embargoed, release_at=T0 - HOUR
        )
    services.publication_schedule(
        actor=world.nsi_manager, publication=embargoed, release_at=T0 + 24 * HOUR
    )
    event = _ics_event(api)
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CONFIRMED"
    assert embargoed.released_observations.count() == 6


def test_bringing_an_announced_release_forward_needs_a_reason_and_is_announced(
    world, api, embargoed
):
    with pytest.raises(DomainError, match="reason"):
        services.publication_publish(actor=world.nsi_manager, publication=embargoed)
    assert Publication.objects.get(pk=embargoed.pk).state == "scheduled"
    pub = services.publication_publish(
        actor=world.nsi_manager, publication=embargoed, reason="Requested by parliament."
    )
    assert pub.state == "published" and pub.calendar_sequence == 1
    change = OutboxEvent.objects.get(kind="publication.calendar_changed")
    assert change.payload["change"] == "brought_forward"
    assert change.payload["reason"] == "Requested by parliament."


def test_the_api_refuses_an_unscheduling_without_a_reason(world, api, embargoed):
    url = f"/api/v1/publications/{embargoed.pk}/unschedule/"
    response = api(world.nsi_manager).post(url, {}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "reason_required"
    assert api(world.partner_a_user).post(url, {"reason": "x"}).status_code in (403, 404)
    response = api(world.nsi_manager).post(url, {"reason": "Late."}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "postponed"


# --- pre-release access -----------------------------------------------------------------------


def test_pre_release_access_opens_hours_early_logs_every_view_and_is_published(
    world, embargoed, frozen_now
):
    mayor = UserFactory(username="mayor", first_name="Ana", last_name="Mayor")
    services.pre_release_grant(
        actor=world.nsi_manager,
        publication=embargoed,
        username="mayor",
        hours=2,
        purpose="Mayor's office briefing",
    )
    client = Client()
    client.force_login(mayor)
    url = reverse("indicators:release-pre-release", args=[embargoed.pk])
    frozen_now(T0 - 3 * HOUR)  # too early
    assert client.get(url).status_code == 302
    frozen_now(T0 - 2 * HOUR)
    page = client.get(url)
    assert page.status_code == 200 and "40" in page.content.decode()
    client.get(url)
    assert PreReleaseView.objects.filter(access__user=mayor).count() == 2
    # Someone else without access sees nothing.
    other = Client()
    other.force_login(world.partner_a_user)
    assert other.get(url).status_code == 302
    assert PreReleaseView.objects.count() == 2
    # At the release time the list of who had access is on the public page.
    frozen_now(T0)
    html = Client().get(reverse("indicators:release-detail", args=[embargoed.pk])).content
    assert "Ana Mayor" in html.decode() and "2 view(s)" in html.decode()


def test_only_nsi_staff_give_pre_release_access(world, api, embargoed):
    UserFactory(username="mayor")
    url = f"/api/v1/publications/{embargoed.pk}/pre-release-access/"
    body = {"user": "mayor", "hours": 3}
    assert api(world.partner_a_user).post(url, body).status_code in (403, 404)
    assert api(world.nsi_manager).post(url, {"user": "mayor", "hours": 99}).status_code == 400
    assert api(world.nsi_manager).post(url, body).status_code == 201


# --- zero-change revisions --------------------------------------------------------------------


def test_a_revision_that_changes_nothing_notifies_nobody_and_says_so(world, geo, indicator):
    add_obs(indicator, geo.m1, "2023", "5")
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    assert OutboxEvent.objects.filter(kind="publication.released").count() == 1
    revision = services.publication_revise(actor=world.nsi_manager, publication=pub)
    revision = services.publication_publish(actor=world.nsi_manager, publication=approved(revision))
    assert revision.diff_summary == {"added": 0, "removed": 0, "changed": 0}
    assert revision.notification_skipped is True
    assert OutboxEvent.objects.filter(kind="publication.released").count() == 1
    client = Client()
    client.force_login(world.nsi_manager)
    page = client.get(reverse("indicators:publication-detail", args=[revision.pk]))
    assert "no notification was sent" in page.content.decode()
