"""manage.py load_demo: the synthetic Kragujevac pilot, idempotent, with working demo logins."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ddms_platform.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = [
        m
        for label in ("partnerships", "indicators", "notify")
        for m in apps.get_app_config(label).get_models()
    ]
    return {
        **{m.__name__: m.objects.count() for m in models},
        "users": get_user_model().objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_the_kragujevac_pilot_with_agreements_in_several_states():
    output = _run()
    from partnerships.models import Agreement, CommunicationPlan, KnowledgeArticle, Pilot

    assert set(Agreement.objects.values_list("state", flat=True)) == {
        "draft",
        "negotiation",
        "signed",
        "active",
    }
    pilot = Pilot.objects.get(country_id="RS")
    assert pilot.city == "Kragujevac" and "(synthetic demo)" in pilot.description
    codes = set(pilot.policies.values_list("targets__indicator_code", flat=True))
    assert {"ENE-CONS-HH", "MOB-PT-SHARE"} <= codes
    plan = CommunicationPlan.objects.get()
    assert plan.activities.filter(kind="seminar").exists()
    assert KnowledgeArticle.objects.filter(is_published=True).count() == 2
    assert "partner.power" in output and "demo-partner.power-2026" in output
    assert "demo only" in output


def test_running_twice_changes_nothing():
    _run()
    before = _counts()
    _run()
    assert _counts() == before


def test_printed_logins_work_and_roles_are_right(client):
    _run()
    from ddms_platform.core.permissions import is_city_staff, is_nsi_staff

    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert is_nsi_staff(users["nsi.manager"])
    assert not is_nsi_staff(users["partner.power"])
    assert is_city_staff(users["city.staff"])
    assert client.login(username="partner.power", password="demo-partner.power-2026")
    response = client.get("/api/v1/agreements/")
    assert [a["reference"] for a in response.json()["results"]] == ["KG-2026-01"]


def test_password_comes_from_the_environment(monkeypatch, client):
    monkeypatch.setenv("DDMS_DEMO_PASSWORD", "chosen-pass-123")
    output = _run()
    assert "chosen-pass-123" in output
    assert client.login(username="nsi.manager", password="chosen-pass-123")
