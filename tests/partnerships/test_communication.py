"""Communication plans, activities, the iCalendar feed and the knowledge base."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from ddms_platform.core.audit import audit_history
from partnerships.models import Activity, CommunicationPlan, KnowledgeArticle

pytestmark = pytest.mark.django_db


def test_plan_must_be_for_a_pilot_or_an_agreement(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/communication-plans/",
        {"title": "Orphan", "owner": registry.nsi.pk, "audiences": ["media"]},
        format="json",
    )
    assert response.status_code == 400
    assert "pilot or for an agreement" in str(response.json()["error"]["fields"])
    assert not CommunicationPlan.objects.filter(title="Orphan").exists()


def test_plan_for_an_agreement_with_audiences_is_created(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/communication-plans/",
        {
            "title": "Agreement plan",
            "owner": registry.nsi.pk,
            "agreement": registry.agreement.pk,
            "audiences": ["businesses", "media"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan = CommunicationPlan.objects.get(pk=response.json()["id"])
    assert audit_history(plan).get().action == "plan.create"


def test_unknown_audience_is_a_field_error(registry, api):
    response = api(registry.nsi_manager).patch(
        f"/api/v1/communication-plans/{registry.plan.pk}/", {"audiences": ["aliens"]}, format="json"
    )
    assert response.status_code == 400
    assert "audiences" in response.json()["error"]["fields"]


def test_activity_is_added_and_marked_done_with_figures(registry, api):
    client = api(registry.nsi_manager)
    created = client.post(
        "/api/v1/activities/",
        {
            "plan": registry.plan.pk,
            "kind": "workshop",
            "title": "Data literacy workshop",
            "starts_at": "2026-03-10T10:00:00+01:00",
            "audience": "local_government",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["owner"] == "nsi"
    url = f"/api/v1/activities/{created.json()['id']}/"
    done = client.patch(url, {"status": "done", "attendees": 42}, format="json")
    assert done.status_code == 200
    activity = Activity.objects.get(pk=created.json()["id"])
    assert [e.action for e in audit_history(activity)] == ["activity.update", "activity.create"]


def test_activity_ending_before_it_starts_is_refused(registry, api):
    response = api(registry.nsi_manager).patch(
        f"/api/v1/activities/{registry.activity.pk}/",
        {"ends_at": (registry.activity.starts_at - dt.timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["error"]["fields"]


def test_calendar_feed_parses_back_with_the_plans_activities(registry, api):
    Activity.objects.create(
        plan=registry.plan,
        kind="press_release",
        title="Results <b>press</b> release",
        starts_at=timezone.now() + dt.timedelta(days=3),
        status="cancelled",
        location="City hall",
    )
    response = api(registry.partner_a_user).get(
        f"/api/v1/communication-plans/{registry.plan.pk}/calendar.ics"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["Results <b>press</b> release", "Seminar A"]
    assert str(events[0]["status"]) == "CANCELLED"
    assert str(events[0]["location"]) == "City hall"
    assert events[1].decoded("dtstart") == registry.activity.starts_at.replace(microsecond=0)
    assert str(events[1]["uid"]).startswith(f"activity-{registry.activity.pk}@")


def test_calendar_of_a_foreign_plan_is_404(registry, api):
    url = f"/api/v1/communication-plans/{registry.plan.pk}/calendar.ics"
    assert api(registry.partner_b_user).get(url).status_code == 404
    assert api(None).get(url).status_code in (401, 403)


def test_article_body_is_sanitised_and_slug_generated(registry, api):
    response = api(registry.nsi_manager).post(
        "/api/v1/knowledge-articles/",
        {
            "title": "Working with utilities",
            "kind": "best_practice",
            "body": '<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:x">l</a></p>',
            "tags": ["energy", "data-sharing"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()["body"]
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    assert response.json()["slug"] == "working-with-utilities"
    assert response.json()["is_published"] is False


def test_duplicate_slug_and_bad_tags_are_field_errors(registry, api):
    client = api(registry.nsi_manager)
    dup = client.post(
        "/api/v1/knowledge-articles/",
        {"title": "Again", "slug": "published", "kind": "guideline"},
        format="json",
    )
    assert dup.status_code == 400 and "slug" in dup.json()["error"]["fields"]
    tags = client.post(
        "/api/v1/knowledge-articles/",
        {"title": "T", "kind": "guideline", "tags": ["Not A Tag!"]},
        format="json",
    )
    assert tags.status_code == 400 and "tags" in tags.json()["error"]["fields"]


def test_drafts_are_visible_to_nsi_staff_only(registry, api):
    partner_slugs = {
        a["slug"]
        for a in api(registry.partner_b_user).get("/api/v1/knowledge-articles/").json()["results"]
    }
    assert partner_slugs == {"published"}
    draft_url = f"/api/v1/knowledge-articles/{registry.draft.pk}/"
    assert api(registry.city_user).get(draft_url).status_code == 404
    assert api(registry.nsi_manager).get(draft_url).status_code == 200


def test_publishing_an_article_is_audited_and_makes_it_readable(registry, api):
    response = api(registry.nsi_manager).post(
        f"/api/v1/knowledge-articles/{registry.draft.pk}/publish/"
    )
    assert response.status_code == 200 and response.json()["is_published"] is True
    assert audit_history(registry.draft).get().action == "article.publish"
    assert (
        api(registry.city_user).get(f"/api/v1/knowledge-articles/{registry.draft.pk}/").status_code
        == 200
    )


def test_case_study_with_objectives_and_publication(registry, api):
    client = api(registry.nsi_manager)
    created = client.post(
        "/api/v1/case-studies/",
        {
            "agreement": registry.agreement.pk,
            "title": "Forecasting prices",
            "narrative": "We <planned> a model.",
            "objectives": [
                {"objective": "Monthly data feed", "status": "achieved"},
                {"objective": "Price model", "status": "partly", "planned_outcome": "MAPE < 5%"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert [o["status"] for o in created.json()["objectives"]] == ["achieved", "partly"]
    published = client.post(f"/api/v1/case-studies/{created.json()['id']}/publish/")
    assert published.status_code == 200
    article = KnowledgeArticle.objects.get(pk=published.json()["id"])
    assert article.kind == "case_study" and article.is_published
    assert "&lt;planned&gt;" in article.body


def test_partner_b_cannot_see_case_study_of_partner_a(registry, api):
    url = f"/api/v1/case-studies/{registry.case_study.pk}/"
    assert api(registry.partner_a_user).get(url).status_code == 200
    assert api(registry.partner_b_user).get(url).status_code == 404
