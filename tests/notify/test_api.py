"""The delivery log API: NSI staff only; filter by status; retry a failed notification."""

from __future__ import annotations

import pytest

from ddms_platform.core.models import AuditEntry
from ddms_platform.notify.models import Notification
from ddms_platform.notify.services import outbox_record
from tests.factories import CountryFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def make(n: int, status: str = "failed") -> list[Notification]:
    """Notifications to a member of a Serbian organisation (the world's NSI staff's country)."""
    event = outbox_record(kind="test.none")
    recipient = MembershipFactory(organisation=OrganisationFactory()).user
    return [
        Notification.objects.create(
            event=event,
            user=recipient,
            channel="email",
            recipient_key=f"email:{status}{i}",
            email=f"{status}{i}@example.org",
            status=status,
        )
        for i in range(n)
    ]


def test_nsi_staff_lists_notifications_filtered_by_status(world, api):
    make(2, "failed")
    make(1, "sent")
    response = api(world.nsi_manager).get("/api/v1/notifications/", {"status": "failed"})
    assert response.status_code == 200
    assert {row["status"] for row in response.data["results"]} == {"failed"}
    assert response.data["count"] == 2


@pytest.mark.parametrize("user", ["partner_a_user", "city_user", "outsider"])
def test_others_cannot_read_the_delivery_log(world, api, user):
    make(1)
    assert api(getattr(world, user)).get("/api/v1/notifications/").status_code == 403


def test_anonymous_cannot_read_the_delivery_log(world, api):
    assert api(None).get("/api/v1/notifications/").status_code in (401, 403)


@pytest.mark.parametrize("count", [2, 10])
def test_the_list_takes_a_fixed_number_of_queries(world, api, count, django_assert_num_queries):
    make(count)
    client = api(world.nsi_manager)
    with django_assert_num_queries(3):  # memberships, count, page
        response = client.get("/api/v1/notifications/")
    assert len(response.data["results"]) == count


def test_nsi_staff_retries_a_failed_notification(
    world, api, smtp_sink, django_capture_on_commit_callbacks
):
    (notification,) = make(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.nsi_manager).post(f"/api/v1/notifications/{notification.pk}/retry/")
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert smtp_sink.handler.recipients() == [notification.email]
    assert AuditEntry.objects.filter(action="notification.retry").count() == 1


def test_a_sent_notification_cannot_be_retried(world, api):
    (notification,) = make(1, "sent")
    response = api(world.nsi_manager).post(f"/api/v1/notifications/{notification.pk}/retry/")
    assert response.status_code == 400
    assert response.data["error"]["code"] == "not_retryable"


def test_a_partner_cannot_retry(world, api):
    (notification,) = make(1)
    response = api(world.partner_a_user).post(f"/api/v1/notifications/{notification.pk}/retry/")
    assert response.status_code == 403
    notification.refresh_from_db()
    assert notification.status == "failed"


def test_the_admin_action_retries_failed_notifications(
    world, client, smtp_sink, django_capture_on_commit_callbacks
):
    (notification,) = make(1)
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notify/notification/",
            {"action": "retry_failed", "_selected_action": [notification.pk]},
        )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == "sent"


def test_an_unknown_outcome_is_not_retried_without_confirmation(world, api, smtp_sink):
    (notification,) = make(1, "unknown")
    response = api(world.nsi_manager).post(f"/api/v1/notifications/{notification.pk}/retry/")
    assert response.status_code == 400
    assert response.data["error"]["code"] == "confirmation_required"
    assert "confirm_unknown_outcome" in response.data["error"]["message"]
    notification.refresh_from_db()
    assert notification.status == "unknown" and smtp_sink.messages == []
    assert not AuditEntry.objects.filter(action="notification.retry").exists()


def test_a_confirmed_retry_of_an_unknown_outcome_is_sent_and_audited(
    world, api, smtp_sink, django_capture_on_commit_callbacks
):
    (notification,) = make(1, "unknown")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.nsi_manager).post(
            f"/api/v1/notifications/{notification.pk}/retry/",
            {"confirm_unknown_outcome": True},
            format="json",
        )
    assert response.status_code == 200, response.data
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert smtp_sink.handler.recipients() == [notification.email]
    entry = AuditEntry.objects.get(action="notification.retry")
    assert entry.actor == world.nsi_manager
    assert entry.before["status"] == "unknown" and entry.after["confirmed_unknown_outcome"] is True


def test_a_malformed_confirmation_is_a_400(world, api):
    (notification,) = make(1, "unknown")
    response = api(world.nsi_manager).post(
        f"/api/v1/notifications/{notification.pk}/retry/",
        {"confirm_unknown_outcome": "perhaps"},
        format="json",
    )
    assert response.status_code == 400
    assert "confirm_unknown_outcome" in response.data["error"]["fields"]


def test_the_admin_action_leaves_unknown_outcomes_alone(
    world, client, smtp_sink, django_capture_on_commit_callbacks
):
    (notification,) = make(1, "unknown")
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/notify/notification/",
            {"action": "retry_failed", "_selected_action": [notification.pk]},
        )
    notification.refresh_from_db()
    assert notification.status == "unknown" and smtp_sink.messages == []


def test_nsi_staff_of_another_country_see_none_of_the_delivery_log(world, api):
    make(2)
    foreign_nsi = OrganisationFactory(
        kind="nsi", country=CountryFactory(code="ME", name="Montenegro")
    )
    foreign = MembershipFactory(organisation=foreign_nsi, role="manager").user
    (own,) = make(1)
    listed = api(foreign).get("/api/v1/notifications/").json()
    assert listed["count"] == 0
    missing = api(foreign).get("/api/v1/notifications/999999/")
    hidden = api(foreign).get(f"/api/v1/notifications/{own.pk}/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert api(world.nsi_manager).get("/api/v1/notifications/").json()["count"] == 3
