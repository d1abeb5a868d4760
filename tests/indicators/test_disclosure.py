"""Disclosure control: a value needs a count, and no suppressed value is derivable by subtraction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.test import Client

from ddms_platform.core.errors import DomainError
from ddms_platform.core.models import AuditEntry
from indicators import services
from indicators.models import Observation, ReleasedObservation, Territory

from ..factories import approved
from .conftest import add_obs

MAPPING = {"territory": "t", "period": "p", "value": "v", "dimensions": {"sex": "s"}}


@pytest.fixture
def ruled(indicator):
    indicator.min_cell_count = 10
    indicator.save()
    return indicator


def test_a_load_without_a_count_column_is_refused_for_an_indicator_with_a_rule(
    world, geo, ruled, make_submission
):
    submission = make_submission(b"t,p,s,v\nRS-KG-ST,2023,F,5\n")
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission, mapping=MAPPING, indicator=ruled, actor=world.nsi_manager
        )
    assert caught.value.code == "count_required" and "count" in caught.value.extra["fields"]
    assert not Observation.objects.exists()


def test_an_empty_count_is_refused_with_its_row_and_column(world, geo, ruled, make_submission):
    submission = make_submission(b"t,p,s,v,n\nRS-KG-ST,2023,F,5,40\nRS-KG-ST,2023,M,6,\n")
    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission,
            mapping={**MAPPING, "count": "n"},
            indicator=ruled,
            actor=world.nsi_manager,
        )
    [error] = caught.value.extra["errors"]
    assert error["rowNumber"] == 3 and error["fieldName"] == "n"
    assert "empty count" in error["note"]
    assert not Observation.objects.exists()


def test_an_explicit_confirmation_releases_values_without_a_count_and_is_audited(
    world, geo, ruled, make_submission
):
    submission = make_submission(b"t,p,s,v\nRS-KG-ST,2023,F,5\n")
    result = services.observations_load(
        submission=submission,
        mapping={**MAPPING, "confirm_without_count": True},
        indicator=ruled,
        actor=world.nsi_manager,
    )
    assert result["confirmed_without_count"] == 1
    entry = AuditEntry.objects.get(action="observations.disclosure_confirmed")
    assert entry.actor == world.nsi_manager and entry.after == {
        "indicator": "PT_ACCESS",
        "cells": 1,
    }
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[ruled]
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    assert pub.released_observations.get().value == Decimal("5.0")


def test_a_value_without_a_count_or_confirmation_is_never_released(world, geo, ruled):
    add_obs(ruled, geo.m1, "2023", "5", dims={"sex": "F"})  # as if loaded before the rule
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[ruled]
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    row = pub.released_observations.get()
    assert row.value is None and row.status == "C"


def test_a_missing_count_for_an_indicator_without_a_rule_is_fine(
    world, geo, indicator, make_submission
):
    submission = make_submission(b"t,p,s,v\nRS-KG-ST,2023,F,5\n")
    result = services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert result["rows"] == 1


# --- secondary suppression ---------------------------------------------------------------------


def _recoverable(rows: list[ReleasedObservation], children: dict[int, list[int]]) -> list[str]:
    """Every suppressed cell an outsider recovers as total − Σ other parts (or Σ parts)."""
    found = []
    cells = {(r.indicator_id, r.territory_id, r.period, r.dims_key): r for r in rows}

    def check(total, parts, expected):
        members = [total, *parts]
        hidden = [m for m in members if m.value is None and m.status == "C"]
        if len(parts) == expected and len(hidden) == 1:
            found.append(f"{hidden[0].territory_code}/{hidden[0].period}/{hidden[0].dims_key}")

    by_dim = defaultdict(dict)
    for r in rows:
        by_dim[(r.indicator_id, r.territory_id, r.period)][r.dims.get("sex")] = r
    for members in by_dim.values():
        if "_T" in members:
            check(members["_T"], [members[c] for c in ("F", "M") if c in members], 2)
    for (indicator_id, territory_id, period, key), total in cells.items():
        kids = children.get(territory_id) or []
        if kids:
            parts = [
                cells[(indicator_id, k, period, key)]
                for k in kids
                if (indicator_id, k, period, key) in cells
            ]
            check(total, parts, len(kids))
    return found


def test_no_suppressed_value_is_recoverable_by_subtraction_from_any_public_release(
    world, geo, ruled, api
):
    # The city = its two municipalities, and each territory's total = women + men.
    counts = {
        (geo.m1, "F"): 4,  # below the rule: primary suppression
        (geo.m1, "M"): 50,
        (geo.m1, "_T"): 54,
        (geo.m2, "F"): 60,
        (geo.m2, "M"): 70,
        (geo.m2, "_T"): 130,
        (geo.city, "F"): 64,
        (geo.city, "M"): 120,
        (geo.city, "_T"): 184,
    }
    for (territory, sex), count in counts.items():
        add_obs(ruled, territory, "2024", str(count * 1.5), dims={"sex": sex}, count=count)
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[ruled], territory=geo.city
    )
    preview = services.publication_preview(publication=pub)
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    rows = list(pub.released_observations.all())
    suppressed = sorted(f"{r.territory_code}/{r.dims_key}" for r in rows if r.status == "C")
    # m1/F (primary) → m1/M or m1/_T (sex total), city/F or m2/F (hierarchy), and so on
    assert "RS-KG-ST/sex=F" in suppressed and len(suppressed) >= 4
    assert preview["suppressed"] == len(suppressed)
    children = defaultdict(list)
    for parent, pk in Territory.objects.filter(parent__isnull=False).values_list("parent_id", "pk"):
        children[parent].append(pk)
    # Read back what the public gets (the JSON download) and try every subtraction.
    public = b"".join(api(None).get("/api/v1/open-data/observations.json").streaming_content)
    assert b'"C"' in public
    public_rows = list(
        ReleasedObservation.objects.filter(publication__in=[pub.pk], publication__state="published")
    )
    assert _recoverable(public_rows, children) == []


def test_a_lone_suppressed_part_without_a_published_total_needs_nothing_more(world, geo, ruled):
    add_obs(ruled, geo.m1, "2024", "1", dims={"sex": "F"}, count=3)
    add_obs(ruled, geo.m1, "2024", "2", dims={"sex": "M"}, count=40)
    pub = services.publication_create(
        actor=world.nsi_manager, series="s", title="t", indicators=[ruled], territory=geo.m1
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    statuses = dict(pub.released_observations.values_list("dims_key", "status"))
    assert statuses == {"sex=F": "C", "sex=M": "A"}  # no total: nothing to subtract from
    assert Client().get("/api/v1/open-data/observations.csv").status_code == 200
