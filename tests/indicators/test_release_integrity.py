"""Release integrity: declared cells, the cross-release leak, four eyes, the release lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ddms_platform.core.errors import DomainError, IllegalTransition, NotPermitted
from ddms_platform.core.models import AuditEntry
from ddms_platform.notify.models import Notification, OutboxEvent
from indicators import services
from indicators.models import Publication
from indicators.services.publications import LIFECYCLE

from ..factories import MembershipFactory, UserFactory, approved
from .conftest import NOW, T0, add_obs
from .test_publications import public_views

SECOND = dt.timedelta(seconds=1)


def _nothing_of_2025_is_public(api, embargoed):
    released = embargoed.released_observations.first()
    seen = public_views(api, embargoed.pk, released.pk)
    assert seen["catalogue"] == [] and seen["observations"] == [] and seen["publications"] == []
    for key in ("indicator", "series", "observation", "lineage", "publication", "frozen"):
        assert seen[key] == 404, key
    assert seen["json"] == b"[]" and b"2025" not in seen["csv"] and seen["sdmx"] == 400
    assert [e["released"] for e in seen["calendar"]] == [False]
    assert b"40" not in seen["ics"]
    assert (
        Client().get(reverse("indicators:indicator-detail", args=["PT_ACCESS"])).status_code == 404
    )
    assert not OutboxEvent.objects.filter(kind="publication.released").exists()
    assert not Notification.objects.exists()  # neither e-mail nor webhook


def test_a_second_series_over_embargoed_cells_is_refused_through_the_api(world, api, embargoed):
    response = api(world.nsi_manager).post(
        "/api/v1/publications/",
        {"series": "leak", "title": "Leak", "indicators": ["PT_ACCESS"]},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "cells_held_by_other_release"
    assert "Access 2025" in error["message"] and "pt-2025" in error["message"]
    conflict = error["conflicts"][0]
    assert conflict["publication"] == embargoed.pk and conflict["cells"] == 6
    assert "PT_ACCESS/RS-KG-ST/2025-01/sex=_T" in conflict["examples"]
    assert not Publication.objects.filter(series="leak").exists()
    _nothing_of_2025_is_public(api, embargoed)


def test_a_second_series_over_embargoed_cells_is_refused_through_the_web_form(
    world, api, embargoed
):
    client = Client()
    client.force_login(world.nsi_manager)
    response = client.post(
        reverse("indicators:publication-create"),
        {"series": "leak", "title": "Leak", "indicators": [embargoed.indicators.get().pk]},
        follow=True,
    )
    assert "Access 2025" in response.content.decode()
    assert not Publication.objects.filter(series="leak").exists()
    _nothing_of_2025_is_public(api, embargoed)


def test_a_series_that_declares_other_cells_is_accepted(world, geo, indicator, embargoed):
    for narrower in (
        {"period_from": dt.date(2026, 1, 1)},
        {"territory": geo.rs, "period_to": dt.date(2024, 12, 31)},
    ):
        pub = services.publication_create(
            actor=world.nsi_manager,
            series=f"other-{len(narrower)}-{narrower.get('territory', 'x')}",
            title="Other",
            indicators=[indicator],
            **narrower,
        )
        assert pub.state == "draft"


def test_a_dimension_filter_separates_two_series(world, geo, indicator, nsi_approver):
    add_obs(indicator, geo.m1, "2024", "1", dims={"sex": "F"}, count=50)
    add_obs(indicator, geo.m1, "2024", "2", dims={"sex": "M"}, count=50)
    women = services.publication_create(
        actor=world.nsi_manager,
        series="women",
        title="Women",
        indicators=[indicator],
        dimension_filter={"sex": ["F"]},
    )
    services.publication_create(
        actor=world.nsi_manager,
        series="men",
        title="Men",
        indicators=[indicator],
        dimension_filter={"sex": ["M"]},
    )
    with pytest.raises(DomainError, match="Women"):
        services.publication_create(
            actor=world.nsi_manager,
            series="all",
            title="All",
            indicators=[indicator],
            dimension_filter={"sex": ["F", "_T"]},
        )
    services.publication_publish(actor=world.nsi_manager, publication=approved(women))
    assert list(women.released_observations.values_list("dims_key", flat=True)) == ["sex=F"]


def test_freezing_takes_exactly_the_declared_cells(world, geo, indicator):
    add_obs(indicator, geo.m1, "2024-12", "1")
    add_obs(indicator, geo.m1, "2025-01", "2")
    add_obs(indicator, geo.rs, "2024-06", "3")  # outside the territory
    pub = services.publication_create(
        actor=world.nsi_manager,
        series="y2024",
        title="2024",
        indicators=[indicator],
        territory=geo.city,
        period_from=dt.date(2024, 1, 1),
        period_to=dt.date(2024, 12, 31),
    )
    preview = services.publication_preview(publication=pub)
    assert preview["cells"] == 1 and preview["groups"][0]["periods"] == ["2024-12"]
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    assert list(pub.released_observations.values_list("period", flat=True)) == ["2024-12"]


def test_the_preview_counts_suppressions_and_the_difference_to_the_public_version(
    world, geo, indicator
):
    indicator.min_cell_count = 10
    indicator.save()
    cell = add_obs(indicator, geo.m1, "2024", "5", count=50)
    add_obs(indicator, geo.m2, "2024", "6", count=2)
    pub = services.publication_create(
        actor=world.nsi_manager, series="p", title="P", indicators=[indicator]
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    revision = services.publication_revise(actor=world.nsi_manager, publication=pub)
    cell.value = 7
    cell.save()
    preview = services.publication_preview(publication=revision)
    assert preview["cells"] == 2 and preview["suppressed"] == 1
    assert preview["against"] == pub.pk
    assert preview["diff_summary"] == {"added": 0, "removed": 0, "changed": 1}
    assert not revision.released_observations.exists()  # a preview writes nothing


# --- four eyes -------------------------------------------------------------------------------


def test_the_preparer_cannot_approve_their_own_release(world, indicator):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    with pytest.raises(DomainError, match="Four eyes"):
        services.publication_approve(actor=world.nsi_manager, publication=pub)
    assert Publication.objects.get(pk=pub.pk).state == "draft"


def test_a_draft_cannot_be_scheduled_or_published_before_approval(world, indicator):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    with pytest.raises(IllegalTransition):
        services.publication_publish(actor=world.nsi_manager, publication=pub)
    with pytest.raises(IllegalTransition):
        services.publication_schedule(
            actor=world.nsi_manager, publication=pub, release_at=T0, now=NOW
        )


def test_only_an_nsi_manager_approves(world, indicator):
    member = MembershipFactory(
        user=UserFactory(username="nsi-member"), organisation=world.nsi, role="member"
    ).user
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    with pytest.raises(NotPermitted):
        services.publication_approve(actor=member, publication=pub)
    with pytest.raises(NotPermitted):
        services.publication_approve(actor=world.partner_a_user, publication=pub)


def test_a_second_manager_approves_and_the_approval_is_audited(world, indicator, nsi_approver):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    pub = services.publication_approve(actor=nsi_approver, publication=pub)
    assert pub.state == "approved" and pub.approved_by == nsi_approver
    entry = AuditEntry.objects.get(action="publication.approve")
    assert entry.actor == nsi_approver and entry.after["four_eyes_relaxed"] is False


def test_editing_an_approved_release_needs_approval_again(world, indicator, nsi_approver):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    services.publication_approve(actor=nsi_approver, publication=pub)
    pub = services.publication_update(actor=nsi_approver, publication=pub, title="t2")
    assert pub.state == "draft" and pub.approved_by is None and pub.prepared_by == nsi_approver
    with pytest.raises(DomainError, match="Four eyes"):
        services.publication_approve(actor=nsi_approver, publication=pub)
    assert services.publication_approve(actor=world.nsi_manager, publication=pub).state == (
        "approved"
    )


def test_a_small_office_may_relax_four_eyes_and_the_change_is_audited(world, indicator):
    with pytest.raises(DomainError, match="why"):
        services.publishing_policy_set(
            actor=world.nsi_manager, organisation=world.nsi, four_eyes_relaxed=True
        )
    services.publishing_policy_set(
        actor=world.nsi_manager,
        organisation=world.nsi,
        four_eyes_relaxed=True,
        reason="One statistician in the office.",
    )
    entry = AuditEntry.objects.get(action="publishing_policy.set")
    assert entry.before["four_eyes_relaxed"] is False and entry.after["four_eyes_relaxed"] is True
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    assert services.publication_approve(actor=world.nsi_manager, publication=pub).state == (
        "approved"
    )
    assert AuditEntry.objects.get(action="publication.approve").after["four_eyes_relaxed"] is True


def test_a_partner_cannot_change_an_nsis_publishing_policy(world):
    with pytest.raises(NotPermitted):
        services.publishing_policy_set(
            actor=world.partner_a_user, organisation=world.nsi, four_eyes_relaxed=True, reason="x"
        )


def test_the_api_refuses_self_approval_and_accepts_a_second_manager(
    world, api, indicator, nsi_approver
):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    url = f"/api/v1/publications/{pub.pk}/approve/"
    assert api(world.nsi_manager).post(url).json()["error"]["code"] == "four_eyes"
    assert api(None).post(url).status_code in (401, 403)
    assert api(world.partner_a_user).post(url).status_code in (403, 404)
    response = api(nsi_approver).post(url)
    assert response.status_code == 200 and response.json()["state"] == "approved"


# --- the lifecycle, pinned --------------------------------------------------------------------


def test_the_release_lifecycle_is_exactly_this_table():
    table = {state: LIFECYCLE.allowed(state) for state in LIFECYCLE.transitions}
    assert table == {
        "draft": ["approved", "cancelled"],
        "approved": ["cancelled", "draft", "published", "scheduled"],
        "scheduled": ["cancelled", "postponed", "published"],
        "postponed": ["cancelled", "draft", "scheduled"],
        "published": ["superseded"],
        "superseded": [],
        "cancelled": [],
    }


def test_a_cancelled_release_gives_its_cells_back(world, api, embargoed, indicator):
    services.publication_unschedule(
        actor=world.nsi_manager, publication=embargoed, reason="Source withdrawn.", cancel=True
    )
    pub = services.publication_create(
        actor=world.nsi_manager, series="again", title="Again", indicators=[indicator]
    )
    assert pub.state == "draft"


def test_a_cancelled_release_cannot_be_scheduled_again(world, embargoed):
    services.publication_unschedule(
        actor=world.nsi_manager, publication=embargoed, reason="Withdrawn.", cancel=True
    )
    with pytest.raises(IllegalTransition):
        services.publication_schedule(
            actor=world.nsi_manager, publication=embargoed, release_at=T0 + SECOND
        )


def test_the_preview_is_for_nsi_staff_only(world, api, indicator):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    url = f"/api/v1/publications/{pub.pk}/preview/"
    response = api(world.nsi_manager).get(url)
    assert response.status_code == 200 and response.json()["cells"] == 0
    for user in (None, world.partner_a_user, world.city_user):
        assert api(user).get(url).status_code in (401, 403, 404)


def test_the_desk_pages_answer_404_to_everyone_but_nsi_staff(world, indicator):
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[indicator]
    )
    urls = [
        reverse("indicators:publication-detail", args=[pub.pk]),
        reverse("indicators:publication-diff", args=[pub.pk]),
    ]
    for user in (world.partner_a_user, world.city_user):
        client = Client()
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        action = reverse("indicators:publication-action", args=[pub.pk, "cancel"])
        assert client.post(action).status_code == 404
    assert Publication.objects.get(pk=pub.pk).state == "draft"
    staff = Client()
    staff.force_login(world.nsi_manager)
    assert all(staff.get(url).status_code == 200 for url in urls)
    missing = reverse("indicators:publication-action", args=[pub.pk, "no-such-action"])
    assert staff.post(missing).status_code == 404


def test_a_manager_relaxes_four_eyes_on_the_desk_page_and_a_partner_cannot(world):
    url = reverse("indicators:publishing-policy")
    partner = Client()
    partner.force_login(world.partner_a_user)
    assert partner.get(url).status_code == 404
    manager = Client()
    manager.force_login(world.nsi_manager)
    assert world.nsi.name in manager.get(url).content.decode()
    manager.post(url, {"organisation": world.nsi.pk, "four_eyes_relaxed": "on", "reason": "x"})
    assert AuditEntry.objects.filter(action="publishing_policy.set").count() == 1
    assert partner.post(url, {"organisation": world.nsi.pk}).status_code == 404


def test_create_and_schedule_through_the_api_is_one_approval_away(
    world, api, indicator, nsi_approver
):
    release_at = (NOW + dt.timedelta(days=3)).isoformat()
    created = api(world.nsi_manager).post(
        "/api/v1/publications/",
        {"series": "s", "title": "t", "indicators": ["PT_ACCESS"], "release_at": release_at},
        format="json",
    )
    assert created.status_code == 201 and created.json()["state"] == "draft"
    url = f"/api/v1/publications/{created.json()['id']}/approve/"
    response = api(nsi_approver).post(url, {"schedule": True}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "scheduled"
