"""Page forms go through the same services as the API: state changes, audit, field errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ddms_platform.core.models import AuditEntry
from indicators.models import Publication, Subscription
from partnerships.models import Agreement, DataRequest
from tests.factories import IndicatorFactory, MembershipFactory, PilotFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA = json.loads((DATA / "requests_schema.json").read_text())


def test_nsi_manager_creates_and_transitions_an_agreement(pages, browse):
    client = browse(pages.nsi_manager)
    response = client.post(
        reverse("partnerships:agreement-create"),
        {
            "nsi": pages.nsi.pk,
            "reference": "AGR-WEB-1",
            "title": "Mobility <i>data</i>",
            "type": "mou",
            "partners": [pages.partner_a.pk],
            "domains": ["mobility"],
        },
    )
    agreement = Agreement.objects.get(reference="AGR-WEB-1")
    assert response.status_code == 302 and agreement.state == "draft"
    client.post(
        reverse("partnerships:agreement-transition", args=[agreement.pk]), {"target": "negotiation"}
    )
    agreement.refresh_from_db()
    assert agreement.state == "negotiation"
    assert AuditEntry.objects.filter(object_id=str(agreement.pk)).count() >= 2


def test_illegal_agreement_transition_shows_the_services_message(pages, browse):
    client = browse(pages.nsi_manager)
    response = client.post(
        reverse("partnerships:agreement-transition", args=[pages.agreement_a.pk]),
        {"target": "draft"},
        follow=True,
    )
    pages.agreement_a.refresh_from_db()
    assert pages.agreement_a.state == "active"
    assert "cannot go from" in response.content.decode()


def test_agreement_form_shows_field_errors(pages, browse):
    response = browse(pages.nsi_manager).post(
        reverse("partnerships:agreement-create"), {"title": ""}
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_nsi_manager_creates_and_sends_a_data_request(pages, browse):
    response = browse(pages.nsi_manager).post(
        reverse("partnerships:request-create"),
        {
            "requester": pages.nsi.pk,
            "title": "Traffic counts",
            "purpose": "Mobility plan",
            "provider": pages.partner_a.pk,
            "agreement": pages.agreement_a.pk,
            "frequency": "monthly",
            "due_on": "2030-01-31",
            "table_schema": json.dumps(SCHEMA),
            "send_now": "on",
        },
    )
    request = DataRequest.objects.get(title="Traffic counts")
    assert response.status_code == 302
    assert request.state == "sent"


def test_partner_acknowledges_comments_and_uploads(
    pages, browse, django_capture_on_commit_callbacks
):
    pages.request_a.table_schema = SCHEMA
    pages.request_a.save()
    client = browse(pages.partner_a_user)
    client.post(reverse("partnerships:request-acknowledge", args=[pages.request_a.pk]))
    client.post(
        reverse("partnerships:request-comment", args=[pages.request_a.pk]), {"body": "<b>When?</b>"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnerships:request-upload", args=[pages.request_a.pk]),
            {
                "file": SimpleUploadedFile(
                    "data.csv", (DATA / "requests_invalid.csv").read_bytes(), "text/csv"
                )
            },
        )
    pages.request_a.refresh_from_db()
    assert pages.request_a.state == "submitted"
    submission = pages.request_a.submissions.order_by("-version").first()
    assert response["Location"] == reverse("partnerships:submission-detail", args=[submission.pk])
    html = client.get(response["Location"]).content.decode()
    assert 'id="error-table"' in html and "consumption_mwh" in html


def test_upload_by_script_answers_json_with_the_next_page(
    pages, browse, django_capture_on_commit_callbacks
):
    pages.request_a.table_schema = SCHEMA
    pages.request_a.state = "acknowledged"
    pages.request_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = browse(pages.partner_a_user).post(
            reverse("partnerships:request-upload", args=[pages.request_a.pk]),
            {
                "file": SimpleUploadedFile(
                    "ok.csv", (DATA / "requests_valid.csv").read_bytes(), "text/csv"
                )
            },
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
    assert response.status_code == 200
    assert response.json()["redirect"].startswith("/submissions/")


def test_partner_declines_with_a_reason_and_viewer_cannot(pages, browse):
    viewer = browse(pages.partner_a_viewer).post(
        reverse("partnerships:request-decline", args=[pages.request_a.pk]),
        {"reason": "No"},
        follow=True,
    )
    pages.request_a.refresh_from_db()
    assert pages.request_a.state == "sent" and viewer.status_code == 200
    browse(pages.partner_a_user).post(
        reverse("partnerships:request-decline", args=[pages.request_a.pk]),
        {"reason": "No data <yet>"},
    )
    pages.request_a.refresh_from_db()
    assert pages.request_a.state == "declined" and pages.request_a.decline_reason == "No data <yet>"


def test_decline_without_reason_gives_a_field_error(pages, browse):
    response = browse(pages.partner_a_user).post(
        reverse("partnerships:request-decline", args=[pages.request_a.pk]), {"reason": ""}
    )
    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()


def test_nsi_requests_changes_then_accepts(pages, browse):
    client = browse(pages.nsi_manager)
    client.post(
        reverse("partnerships:request-review", args=[pages.request_b.pk, "changes"]),
        {"comment": "Fix row 3"},
    )
    pages.request_b.refresh_from_db()
    assert pages.request_b.state == "changes_requested"
    pages.request_b.state = "submitted"
    pages.request_b.save()
    client.post(reverse("partnerships:request-review", args=[pages.request_b.pk, "accept"]))
    pages.request_b.refresh_from_db()
    assert pages.request_b.state == "accepted"
    assert (
        client.post(
            reverse("partnerships:request-review", args=[pages.request_b.pk, "other"])
        ).status_code
        == 404
    )


def test_city_sends_a_data_need_to_the_nsi(pages, browse):
    response = browse(pages.city_user).post(
        reverse("indicators:data-need-create"),
        {
            "pilot": pages.pilot.pk,
            "title": "Households by district",
            "purpose": "Housing plan",
            "columns": "district, year, households",
        },
    )
    need = DataRequest.objects.get(title="Households by district")
    assert response.status_code == 302
    assert need.direction == "data_need" and need.requester == pages.city and need.state == "sent"
    assert need.provider == pages.pilot.nsi and need.pilot == pages.pilot


def test_a_data_need_goes_only_to_a_pilot_the_city_belongs_to(pages, browse):
    other = PilotFactory(name="Elsewhere")
    response = browse(pages.city_user).post(
        reverse("indicators:data-need-create"),
        {"pilot": other.pk, "title": "N", "purpose": "P", "columns": "a"},
    )
    assert response.status_code == 400
    assert not DataRequest.objects.filter(title="N").exists()


def test_city_staff_subscribe_and_see_it_in_their_subscriptions(pages, browse):
    client = browse(pages.city_user)
    response = client.post(reverse("indicators:indicator-subscribe", args=["EN-1"]))
    assert response["Location"] == reverse("subscription-manage")
    assert Subscription.objects.filter(user=pages.city_user, indicators=pages.indicator).exists()
    assert "EN-1" in client.get(reverse("subscription-manage")).content.decode()


def test_anonymous_subscription_needs_an_email(pages, browse):
    client = browse(None)
    client.post(reverse("indicators:indicator-subscribe", args=["EN-1"]), {"email": ""})
    assert not Subscription.objects.exists()
    client.post(
        reverse("indicators:indicator-subscribe", args=["EN-1"]), {"email": "a@example.org"}
    )
    assert Subscription.objects.get().confirmed_at is None


def test_nsi_manager_creates_and_schedules_a_publication(pages, browse):
    client = browse(pages.nsi_manager)
    release = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("indicators:publication-create"),
        {
            "series": "energy-web",
            "title": "Energy web release",
            # EN-1's every period belongs to the "energy" series: a new series takes another.
            "indicators": [IndicatorFactory(code="EN-WEB").pk],
            "release_at": release,
            "schedule_now": "on",
        },
    )
    publication = Publication.objects.get(series="energy-web")
    assert response.status_code == 302
    # Four eyes: the draft proposes the time; a second manager's approval schedules it.
    assert publication.state == "draft" and publication.release_at is not None
    approver = MembershipFactory(
        user=UserFactory(username="approver"), organisation=pages.nsi, role="manager"
    ).user
    browse(approver).post(
        reverse("indicators:publication-action", args=[publication.pk, "approve-schedule"])
    )
    publication.refresh_from_db()
    assert publication.state == "scheduled" and publication.approved_by == approver


def test_nsi_manager_schedules_an_approved_release_from_its_page(pages, browse):
    client = browse(pages.nsi_manager)
    release = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    pages.draft_publication.indicators.add(pages.indicator)
    client.post(
        reverse("indicators:publication-schedule", args=[pages.draft_publication.pk]),
        {"release_at": release},
    )
    pages.draft_publication.refresh_from_db()
    assert pages.draft_publication.state == "draft"  # not approved yet: refused
    Publication.objects.filter(pk=pages.draft_publication.pk).update(state="approved")
    client.post(
        reverse("indicators:publication-schedule", args=[pages.draft_publication.pk]),
        {"release_at": release},
    )
    pages.draft_publication.refresh_from_db()
    assert pages.draft_publication.state == "scheduled"


def test_city_dashboard_offers_unsubscribe_for_followed_indicators(pages, browse):
    client = browse(pages.city_user)
    client.post(reverse("indicators:indicator-subscribe", args=["EN-1"]))
    html = client.get(reverse("indicators:city-dashboard")).content.decode()
    assert "You follow this indicator." in html
    subscription = Subscription.objects.get(user=pages.city_user)
    client.post(reverse("subscription-manage"), {"subscription": subscription.pk})
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert (
        "You follow this indicator."
        not in client.get(reverse("indicators:city-dashboard")).content.decode()
    )
