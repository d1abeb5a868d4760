"""Services for pilot projects, the policies they support and the policies' targets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.permissions import LOCAL_GOVERNMENT_KINDS, NSI_KINDS, require_nsi_staff

from ..choices import TargetDirection, Theme
from ..models import Agreement, Organisation, Pilot, Policy, PolicyTarget
from ._common import apply_fields, check_choice_list, record_change, replace_children

PILOT_FIELDS = (
    "name",
    "city",
    "territory_code",
    "country",
    "nsi",
    "local_government",
    "themes",
    "description",
    "decision_relevance",
    "starts_on",
    "ends_on",
)
POLICY_FIELDS = ("name", "kind", "description", "url")
TARGET_FIELDS = (
    "indicator_code",
    "target_value",
    "target_year",
    "direction",
    "baseline_value",
    "baseline_year",
)
INDICATOR_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,49}$")


def _clean_pilot(pilot: Pilot) -> None:
    pilot.themes = check_choice_list("themes", pilot.themes, Theme)
    if not (pilot.decision_relevance or "").strip():
        raise ValidationError(
            {"decision_relevance": ["Say why the pilot matters for decision making."]}
        )
    if pilot.nsi.kind not in NSI_KINDS:
        raise ValidationError({"nsi": ["Must be the NSI or one of its regional offices."]})
    if pilot.local_government.kind not in LOCAL_GOVERNMENT_KINDS:
        raise ValidationError({"local_government": ["Must be a local-government organisation."]})
    if pilot.starts_on and pilot.ends_on and pilot.ends_on < pilot.starts_on:
        raise ValidationError({"ends_on": ["The end date is before the start date."]})


def _ids(objs: Iterable[Any]) -> list[int]:
    return sorted(o.pk for o in objs)


@transaction.atomic
def pilot_create(
    *,
    actor: Any,
    name: str,
    city: str,
    country: Any,
    nsi: Organisation,
    local_government: Organisation,
    decision_relevance: str,
    partners: Sequence[Organisation] = (),
    agreements: Sequence[Agreement] = (),
    **fields: Any,
) -> Pilot:
    """Set up a pilot project in a city (NSI staff only)."""
    require_nsi_staff(actor, country=nsi.country_id)
    if getattr(country, "pk", country) != nsi.country_id:
        raise ValidationError({"country": ["A pilot is in its NSI's country."]})
    pilot = Pilot(
        name=name,
        city=city,
        country=country,
        nsi=nsi,
        local_government=local_government,
        decision_relevance=decision_relevance,
    )
    apply_fields(pilot, fields, PILOT_FIELDS, save=False)
    _clean_pilot(pilot)
    pilot.save()
    pilot.partners.set(partners)
    pilot.agreements.set(agreements)
    audit_record(
        actor=actor,
        action="pilot.create",
        obj=pilot,
        after={**snapshot(pilot), "partners": _ids(partners), "agreements": _ids(agreements)},
    )
    return pilot


@transaction.atomic
def pilot_update(
    *,
    pilot: Pilot,
    actor: Any,
    data: Mapping[str, Any],
    partners: Sequence[Organisation] | None = None,
    agreements: Sequence[Agreement] | None = None,
) -> Pilot:
    """Change a pilot and, when given, its partners and agreements (NSI staff only)."""
    require_nsi_staff(actor, country=pilot.nsi.country_id)
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    before, after = apply_fields(pilot, data, PILOT_FIELDS, save=False)
    _clean_pilot(pilot)
    pilot.save()
    for name, new in (("partners", partners), ("agreements", agreements)):
        if new is None:
            continue
        manager = getattr(pilot, name)
        old_ids, new_ids = _ids(manager.all()), _ids(new)
        if old_ids != new_ids:
            manager.set(new)
            before[name], after[name] = old_ids, new_ids
    record_change(actor=actor, action="pilot.update", obj=pilot, before=before, after=after)
    return pilot


def _set_targets(policy: Policy, targets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for index, item in enumerate(targets):
        code = str(item.get("indicator_code", ""))
        if not INDICATOR_CODE.match(code):
            raise ValidationError(
                {
                    "targets": [
                        f"Item {index}: indicator code {code!r} must be upper-case letters, "
                        "digits, '.', '_' or '-' (e.g. ENE-CONS-HH)."
                    ]
                }
            )
        if item.get("direction") not in TargetDirection.values:
            raise ValidationError(
                {"targets": [f"Item {index}: unknown direction {item.get('direction')!r}."]}
            )
        target = PolicyTarget(policy=policy, **{k: item[k] for k in TARGET_FIELDS if k in item})
        try:
            target.full_clean(exclude=["policy"])
        except ValidationError as exc:
            raise ValidationError(
                {
                    "targets": [
                        f"Item {index}: {field}: {' '.join(messages)}"
                        for field, messages in exc.message_dict.items()
                    ]
                }
            ) from None
        rows.append(target)
    policy.targets.all().delete()
    PolicyTarget.objects.bulk_create(rows)
    return [snapshot(r, TARGET_FIELDS) for r in rows]


@transaction.atomic
def policy_create(
    *,
    actor: Any,
    pilot: Pilot,
    name: str,
    kind: str,
    targets: Sequence[Mapping[str, Any]] = (),
    **fields: Any,
) -> Policy:
    """Record a policy a pilot supports, with the indicator targets that follow it."""
    require_nsi_staff(actor, country=pilot.nsi.country_id)
    policy = Policy(pilot=pilot, name=name, kind=kind)
    apply_fields(policy, fields, POLICY_FIELDS, save=False)
    policy.save()
    rows = _set_targets(policy, targets)
    audit_record(
        actor=actor, action="policy.create", obj=policy, after={**snapshot(policy), "targets": rows}
    )
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: Policy,
    actor: Any,
    data: Mapping[str, Any],
    targets: Sequence[Mapping[str, Any]] | None = None,
) -> Policy:
    """Change a policy and, when given, replace its targets (NSI staff only)."""
    require_nsi_staff(actor, country=policy.pilot.nsi.country_id)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before, after = apply_fields(policy, data, POLICY_FIELDS)
    if targets is not None:
        replace_children(
            before,
            after,
            "targets",
            old=[snapshot(t, TARGET_FIELDS) for t in policy.targets.all()],
            replace=lambda: _set_targets(policy, targets),
        )
    record_change(actor=actor, action="policy.update", obj=policy, before=before, after=after)
    return policy
