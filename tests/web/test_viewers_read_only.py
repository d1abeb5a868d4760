"""Viewers read only, everywhere: every write on every API route and every page action.

A viewer (NSI, partner or city) tries each one with the ids of objects it can see; nothing
answers 2xx on the API, and nothing is written (no audit entry, comment, submission, request,
agreement or publication appears).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ddms_platform.core.models import AuditEntry
from ddms_platform.notify.models import Notification, OutboxEvent
from indicators.models import Publication
from partnerships.models import Agreement, DataRequest, RequestComment, Submission

pytestmark = pytest.mark.django_db

VIEWERS = ["nsi_viewer", "partner_a_viewer", "city_viewer"]
# Personal, not an organisation's: a viewer may follow indicators and fetch its own token.
PERSONAL = ("/api/v1/subscriptions/", "/api/v1/auth/token/")


def _api_routes() -> list[str]:
    routes: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            regex = prefix + str(p.pattern).lstrip("^")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, regex)
            elif isinstance(p, URLPattern) and regex.startswith("api/v1/"):
                routes.append("/" + regex.rstrip("$").replace("\\", ""))

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def _ids(pages) -> dict[str, object]:
    event = OutboxEvent.objects.create(kind="test")
    # To an account of the NSI's country: NSI staff read only their own country's deliveries.
    notification = Notification.objects.create(
        event=event,
        channel="email",
        recipient_key="x",
        email="a@example.org",
        status="failed",
        user=pages.nsi_manager,
    )
    return {
        "organisations": pages.partner_a.pk,
        "contacts": pages.partner_a.contacts.create(name="C").pk,
        "memberships": pages.partner_a.memberships.first().pk,
        "agreements": pages.agreement_a.pk,
        "pilots": pages.pilot.pk,
        "policies": pages.pilot.policies.first().pk,
        "communication-plans": pages.pilot.communication_plans.first().pk,
        "activities": pages.pilot.communication_plans.first().activities.first().pk,
        "knowledge-articles": pages.article.pk,
        "data-requests": pages.request_a.pk,
        "submissions": pages.submission_a.pk,
        "fulfilment": pages.partner_a.pk,
        "territories": pages.territory.code,
        "indicators": pages.indicator.code,
        "publications": pages.published.pk,
        "observations": pages.published.released_observations.first().pk,
        "notifications": notification.pk,
        "case-studies": 1,
        "working-observations": 1,
        "observation-loads": 1,
        "pilots-monitoring": pages.pilot.pk,
    }


def _fill(route: str, ids: dict[str, object]) -> str:
    resource = route.split("/")[3]
    value = str(ids.get(resource, 1))
    route = re.sub(r"\(\?P<(pk|code)>[^)]*\)|<int:pk>|<str:code>", value, route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = route.replace("(?P<fmt>json|csv|sdmx.csv)", "json")
    return route


def _written() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (AuditEntry, RequestComment, Submission, DataRequest, Agreement, Publication)
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_viewer_writes_nothing_through_the_api(pages, api, viewer):
    ids = _ids(pages)
    client = api(getattr(pages, viewer))
    before = _written()
    succeeded = {}
    for route in _api_routes():
        if route.startswith(PERSONAL):
            continue
        url = _fill(route, ids)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(
                url, {"target": "signed", "reason": "x"}, format="json"
            )
            if response.status_code < 300:
                succeeded[f"{method.upper()} {url}"] = response.status_code
    assert succeeded == {}
    assert _written() == before


def test_the_api_routes_are_all_tried(pages):
    routes = _api_routes()
    assert any("notifications" in r and "retry" in r for r in routes)
    assert any("data-requests" in r and "acknowledge" in r for r in routes)
    assert len(routes) > 50


def test_an_nsi_viewer_cannot_retry_a_notification(pages, api):
    notification_id = _ids(pages)["notifications"]
    viewer = api(pages.nsi_viewer)
    assert viewer.get(f"/api/v1/notifications/{notification_id}/").status_code == 200
    response = viewer.post(f"/api/v1/notifications/{notification_id}/retry/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Notification.objects.get(pk=notification_id).status == "failed"
    manager = api(pages.nsi_manager).post(f"/api/v1/notifications/{notification_id}/retry/")
    assert manager.status_code == 200


def _page_actions(pages) -> list[tuple[str, dict]]:
    a, pk = pages.request_a.pk, pages.agreement_a.pk
    return [
        (reverse("partnerships:request-acknowledge", args=[a]), {}),
        (reverse("partnerships:request-decline", args=[a]), {"reason": "x"}),
        (reverse("partnerships:request-comment", args=[a]), {"body": "x"}),
        (reverse("partnerships:request-upload", args=[a]), {}),
        (reverse("partnerships:request-review", args=[pages.request_b.pk, "accept"]), {}),
        (reverse("partnerships:request-send", args=[a]), {}),
        (reverse("partnerships:agreement-transition", args=[pk]), {"target": "suspended"}),
        (
            reverse("partnerships:agreement-create"),
            {"reference": "V-1", "title": "V", "type": "mou", "nsi": pages.nsi.pk},
        ),
        (
            reverse("partnerships:request-create"),
            {"title": "V", "purpose": "V", "provider": pages.partner_a.pk, "columns": "a"},
        ),
        (
            reverse("indicators:publication-create"),
            {"series": "v", "title": "V", "indicators": [pages.indicator.pk]},
        ),
        (
            reverse("indicators:publication-schedule", args=[pages.draft_publication.pk]),
            {"release_at": "2030-01-01T10:00"},
        ),
        (reverse("indicators:data-need-create"), {"title": "V", "purpose": "V", "columns": "a"}),
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_viewer_writes_nothing_through_the_pages(pages, browse, viewer):
    client = browse(getattr(pages, viewer))
    before = _written()
    for url, data in _page_actions(pages):
        response = client.post(url, data)
        assert response.status_code in (302, 400, 403, 404), (url, response.status_code)
    assert _written() == before


def test_the_page_actions_write_for_an_acting_member(pages, browse):
    """The same posts do write for members who act, so the test above tests something."""
    before = AuditEntry.objects.count()
    browse(pages.partner_a_user).post(
        reverse("partnerships:request-comment", args=[pages.request_a.pk]), {"body": "x"}
    )
    browse(pages.nsi_manager).post(
        reverse("partnerships:agreement-transition", args=[pages.agreement_a.pk]),
        {"target": "suspended"},
    )
    assert RequestComment.objects.filter(body="x").exists()
    assert AuditEntry.objects.count() > before
