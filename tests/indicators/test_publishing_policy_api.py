"""The per-NSI four-eyes setting through the API: managers of that office only."""

from __future__ import annotations

import pytest

from ddms_platform.core.models import AuditEntry
from indicators.models import PublishingPolicy

pytestmark = pytest.mark.django_db

URL = "/api/v1/publishing-policies/"


def test_a_manager_reads_and_relaxes_their_offices_policy(world, api):
    client = api(world.nsi_manager)
    listed = client.get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["organisation"] for r in rows] == [world.nsi.pk]
    assert rows[0]["four_eyes_relaxed"] is False and rows[0]["updated_at"] is None
    detail = f"{URL}{world.nsi.pk}/"
    response = client.put(
        detail, {"four_eyes_relaxed": True, "reason": "One statistician."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["four_eyes_relaxed"] is True and body["changed_by"] == "nsi"
    policy = PublishingPolicy.objects.get(organisation=world.nsi)
    assert policy.four_eyes_relaxed and policy.reason == "One statistician."
    assert AuditEntry.objects.filter(action="publishing_policy.set").count() == 1
    assert client.get(detail).json()["four_eyes_relaxed"] is True


def test_relaxing_without_a_reason_is_refused_by_the_service(world, api):
    response = api(world.nsi_manager).put(
        f"{URL}{world.nsi.pk}/", {"four_eyes_relaxed": True, "reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert not PublishingPolicy.objects.exists()


@pytest.mark.parametrize("who", ["partner_a_user", "nsi_viewer", "city_user", "outsider"])
def test_anyone_but_a_manager_of_the_office_gets_404(world, api, who):
    client = api(getattr(world, who))
    detail = f"{URL}{world.nsi.pk}/"
    assert client.get(detail).status_code == 404
    put = client.put(detail, {"four_eyes_relaxed": True, "reason": "x"}, format="json")
    assert put.status_code == 404
    listed = client.get(URL).json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    assert not PublishingPolicy.objects.exists()


def test_a_manager_of_one_office_cannot_reach_another(world, api):
    # The NSI's manager does not manage the regional office: 404, nothing written.
    response = api(world.nsi_manager).put(
        f"{URL}{world.regional.pk}/", {"four_eyes_relaxed": True, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert api(None).get(URL).status_code in (401, 403)
    assert not PublishingPolicy.objects.exists()
