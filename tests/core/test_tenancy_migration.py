"""The tenancy migration on a copy of the demo database: single-country data migrates losslessly.

The (Serbian) demo is loaded, the database is taken back to the migrations before tenancy
(indicators without owner, territories without country, NSIs without agency id) and forward
again; every indicator gets its NSI back, every territory its country, and no row is lost.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps as live_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators import demo as indicators_demo
from partnerships import demo as registry_demo

BEFORE = [
    ("partnerships", "0004_validationrun_job_lease"),
    ("indicators", "0004_observationload_job_lease"),
]
COUNTED = [
    ("indicators", "Indicator"),
    ("indicators", "Territory"),
    ("indicators", "Observation"),
    ("indicators", "Publication"),
    ("indicators", "ReleasedObservation"),
    ("partnerships", "Organisation"),
    ("partnerships", "DataRequest"),
    ("partnerships", "Pilot"),
]


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [
        key
        for key in executor.loader.graph.leaf_nodes()
        if key[0] in ("indicators", "partnerships")
    ]


def _counts(app_registry: object) -> dict[str, int]:
    return {
        f"{a}.{m}": app_registry.get_model(a, m).objects.count()  # type: ignore[attr-defined]
        for a, m in COUNTED
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_migrates_back_and_forth_without_loss(monkeypatch):
    # A single-country installation (the state before tenancy): the Serbian demo only.
    monkeypatch.setattr(registry_demo, "EXTRA_LOADERS", [indicators_demo.load])
    call_command("load_demo", stdout=io.StringIO())
    indicator = live_apps.get_model("indicators", "Indicator")
    territory = live_apps.get_model("indicators", "Territory")
    owners = dict(indicator.objects.values_list("code", "owner__agency_id"))
    countries = dict(territory.objects.values_list("code", "country_id"))
    counts = _counts(live_apps)
    assert set(owners.values()) == {"SORS"} and set(countries.values()) == {"RS"}

    old = _migrate(BEFORE)
    old_indicator = old.get_model("indicators", "Indicator")  # type: ignore[attr-defined]
    assert "owner" not in {f.name for f in old_indicator._meta.get_fields()}
    assert _counts(old) == counts
    # The agency id is derived again from the NSI's short name.
    old.get_model("partnerships", "Organisation").objects.filter(kind="nsi").update(  # type: ignore[attr-defined]
        short_name="SORS"
    )

    new = _migrate(_latest())
    assert _counts(new) == counts
    new_indicator = new.get_model("indicators", "Indicator")  # type: ignore[attr-defined]
    new_territory = new.get_model("indicators", "Territory")  # type: ignore[attr-defined]
    assert dict(new_indicator.objects.values_list("code", "owner__agency_id")) == owners
    assert dict(new_territory.objects.values_list("code", "country_id")) == countries


@pytest.mark.django_db(transaction=True)
def test_indicators_without_any_nsi_get_a_placeholder_owner():
    old = _migrate(BEFORE)
    old.get_model("indicators", "Indicator").objects.create(  # type: ignore[attr-defined]
        code="ORPHAN", name_en="Orphan", unit="%", topic="t"
    )
    old.get_model("indicators", "Territory").objects.create(  # type: ignore[attr-defined]
        code="ZZ-1", level="country", name_en="Nowhere"
    )
    new = _migrate(_latest())
    orphan = new.get_model("indicators", "Indicator").objects.select_related("owner").get()  # type: ignore[attr-defined]
    assert (orphan.owner.kind, orphan.owner.agency_id) == ("nsi", "UNASSIGNED")
    assert (
        new.get_model("indicators", "Territory").objects.get().country_id == orphan.owner.country_id
    )  # type: ignore[attr-defined]
