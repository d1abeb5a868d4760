"""Importing a replication kit into a pilot of another country: preview, then all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff
from ddms_platform.tabular import DialectError, SchemaError, load_dialect, load_schema
from partnerships.choices import (
    ActivityKind,
    AgreementType,
    PolicyKind,
    RequestFrequency,
    TargetDirection,
)
from partnerships.models import Agreement, CommunicationPlan, DataRequest, Pilot
from partnerships.models import Policy as PolicyModel
from partnerships.services import (
    activity_create,
    agreement_create,
    pilot_update,
    plan_create,
    policy_create,
)
from partnerships.services.network import request_draft_from_template
from partnerships.services.pilots import INDICATOR_CODE

from ..choices import KitImportStatus
from ..kit import (
    ACTIVITY_KEYS,
    AGREEMENT_KEYS,
    INDICATOR_KEYS,
    PLAN_KEYS,
    POLICY_KEYS,
    REQUEST_KEYS,
    own_indicators,
    pilot_nsi,
    read_kit,
)
from ..models import Indicator, KitImport
from .indicators import _clean as check_indicator_fields
from .indicators import indicator_create


class KitClash(DomainError):
    """The kit names something the importing country already has; nothing was written."""

    status_code = 409
    code = "kit_clash"


def _bad(resource: str, index: int, message: str) -> DomainError:
    where = f"{resource}[{index}]"
    return DomainError(
        _("The replication kit is not usable: %(where)s: %(message)s")
        % {"where": where, "message": message},
        code="invalid_kit",
        fields={resource: [f"item {index}: {message}"]},
    )


def _text(item: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    if required and not value.strip():
        raise ValueError(f"{key} is required")
    return value


def _choice(item: dict[str, Any], key: str, choices: Any) -> str:
    value = item.get(key)
    if value not in choices.values:
        raise ValueError(f"{key} {value!r} is not one of {', '.join(choices.values)}")
    return str(value)


def _check_each(
    kit: dict[str, Any], resource: str, check: Callable[[dict[str, Any]], None]
) -> None:
    for index, item in enumerate(kit[resource]):
        try:
            check(item)
        except ValueError as exc:
            raise _bad(resource, index, str(exc)) from None
        except DomainError as exc:
            fields = exc.extra.get("fields") or {}
            detail = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in fields.items())
            raise _bad(resource, index, detail or exc.message) from None


def _check_indicator(item: dict[str, Any]) -> None:
    unknown = sorted(set(item) - set(INDICATOR_KEYS))
    if unknown:
        raise ValueError(f"unknown keys {', '.join(unknown)}")
    if not INDICATOR_CODE.match(str(item.get("code", ""))):
        raise ValueError(f"code {item.get('code')!r} is not an indicator code")
    for key in ("name_en", "unit", "topic"):
        _text(item, key, required=True)
    check_indicator_fields(dict(item))


def _check_request(item: dict[str, Any]) -> None:
    _text(item, "title", required=True)
    _text(item, "purpose", required=True)
    _choice(item, "frequency", RequestFrequency)
    try:
        load_schema(item.get("table_schema"))
        load_dialect(item.get("dialect") or None)
    except (SchemaError, DialectError) as exc:
        raise ValueError(str(exc)) from None


def _check_target(target: Any, codes: set[str]) -> None:
    if not isinstance(target, dict):
        raise ValueError("each target must be an object")
    code = str(target.get("indicator_code", ""))
    if code not in codes:
        raise ValueError(f"target indicator {code!r} is neither in the kit nor yours")
    _choice(target, "direction", TargetDirection)
    for key in ("target_value", "baseline_value"):
        if target.get(key) is not None:
            try:
                Decimal(str(target[key]))
            except InvalidOperation:
                raise ValueError(f"{key} {target[key]!r} is not a number") from None
    if not isinstance(target.get("target_year"), int):
        raise ValueError("target_year must be a year")


def _check_plan(item: dict[str, Any]) -> None:
    _text(item, "title", required=True)
    activities = item.get("activities", [])
    if not isinstance(activities, list):
        raise ValueError("activities must be a list")
    for activity in activities:
        if not isinstance(activity, dict):
            raise ValueError("each activity must be an object")
        _choice(activity, "kind", ActivityKind)
        _text(activity, "title", required=True)
        offset = activity.get("offset_days")
        if not isinstance(offset, int) or offset < 0:
            raise ValueError("offset_days must be a whole number of days, 0 or more")


def _check_agreement(item: dict[str, Any]) -> None:
    _text(item, "title", required=True)
    _choice(item, "type", AgreementType)


def _duplicates(rows: list[dict[str, Any]], key: str) -> list[str]:
    seen: set[Any] = set()
    dups = []
    for row in rows:
        if row.get(key) in seen:
            dups.append(str(row.get(key)))
        seen.add(row.get(key))
    return dups


def kit_plan(*, kit: dict[str, Any], pilot: Pilot) -> dict[str, Any]:
    """Check a read kit against the pilot's country: what would be created, what clashes.

    Raises DomainError naming resource and item for a kit that is not usable at all.
    """
    mine = own_indicators(pilot)
    kit_codes = [str(i.get("code")) for i in kit["indicators"]]
    for resource, key in (
        ("indicators", "code"),
        ("request-templates", "title"),
        ("policies", "name"),
        ("communication-plans", "title"),
        ("agreement-templates", "title"),
    ):
        dups = _duplicates(kit[resource], key)
        if dups:
            raise _bad(resource, 0, f"{key} {dups[0]!r} appears twice")
    _check_each(kit, "indicators", _check_indicator)
    _check_each(kit, "request-templates", _check_request)
    known = set(kit_codes) | set(mine.values_list("code", flat=True))

    def check_policy(item: dict[str, Any]) -> None:
        _text(item, "name", required=True)
        _choice(item, "kind", PolicyKind)
        targets = item.get("targets", [])
        if not isinstance(targets, list):
            raise ValueError("targets must be a list")
        for target in targets:
            _check_target(target, known)

    _check_each(kit, "policies", check_policy)
    _check_each(kit, "communication-plans", _check_plan)
    _check_each(kit, "agreement-templates", _check_agreement)

    titles = {r: [str(i.get(k)) for i in kit[r]] for r, k in _KEYS.items()}
    existing = {
        "indicators": set(mine.filter(code__in=kit_codes).values_list("code", flat=True)),
        "request-templates": set(
            DataRequest.objects.filter(
                pilot=pilot, title__in=titles["request-templates"]
            ).values_list("title", flat=True)
        ),
        "policies": set(
            PolicyModel.objects.filter(pilot=pilot, name__in=titles["policies"]).values_list(
                "name", flat=True
            )
        ),
        "communication-plans": set(
            CommunicationPlan.objects.filter(
                pilot=pilot, title__in=titles["communication-plans"]
            ).values_list("title", flat=True)
        ),
        "agreement-templates": set(
            Agreement.objects.filter(
                nsi__country_id=pilot.country_id, title__in=titles["agreement-templates"]
            ).values_list("title", flat=True)
        ),
    }
    create: dict[str, list[str]] = {}
    clashes: list[dict[str, str]] = []
    for resource, keys in titles.items():
        create[resource] = [k for k in keys if k not in existing[resource]]
        clashes += [
            {"resource": resource, "key": k, "message": _CLASH_MESSAGES[resource] % {"key": k}}
            for k in keys
            if k in existing[resource]
        ]
    return {"create": create, "clashes": clashes}


_KEYS = {
    "indicators": "code",
    "request-templates": "title",
    "policies": "name",
    "communication-plans": "title",
    "agreement-templates": "title",
}
_CLASH_MESSAGES = {
    "indicators": "Your NSI already has an indicator %(key)s.",
    "request-templates": "The pilot already has a data request titled %(key)r.",
    "policies": "The pilot already has a policy named %(key)r.",
    "communication-plans": "The pilot already has a communication plan titled %(key)r.",
    "agreement-templates": "Your country already has an agreement titled %(key)r.",
}


@transaction.atomic
def kit_preview(*, actor: Any, pilot: Pilot, data: bytes) -> KitImport:
    """Read an uploaded kit and record what importing it into `pilot` would create and what
    clashes; nothing of the kit is written yet (staff of the pilot's country)."""
    require_nsi_staff(actor, country=pilot.country_id)
    kit, sha256 = read_kit(data)
    plan = kit_plan(kit=kit, pilot=pilot)
    kit_import = KitImport.objects.create(
        pilot=pilot,
        package=kit,
        sha256=sha256,
        preview=plan,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="kit.preview",
        obj=kit_import,
        after={"pilot": pilot.pk, "sha256": sha256, "clashes": len(plan["clashes"])},
    )
    return kit_import


def _activity_start(day: dt.date, offset: int) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(10, 0))
    return timezone.make_aware(moment)


@transaction.atomic
def kit_apply(*, kit_import: KitImport, actor: Any) -> KitImport:
    """Create everything a previewed kit holds in its pilot, or nothing: a clash found now
    (the country may have changed since the preview) or any invalid item writes nothing."""
    locked = KitImport.objects.select_for_update().select_related("pilot").get(pk=kit_import.pk)
    pilot = locked.pilot
    require_nsi_staff(actor, country=pilot.country_id)
    if locked.status != KitImportStatus.PREVIEWED:
        raise DomainError(_("This kit was imported already."), code="already_applied")
    kit = locked.package
    plan = kit_plan(kit=kit, pilot=pilot)
    if plan["clashes"]:
        locked.preview = plan
        locked.save(update_fields=["preview", "updated_at"])
        raise KitClash(
            _("The kit clashes with what your country already has; nothing was imported."),
            clashes=plan["clashes"],
        )
    owner = pilot_nsi(pilot)
    created: list[Indicator] = []
    try:
        for item in kit["indicators"]:
            fields = {k: item[k] for k in INDICATOR_KEYS if k in item and item[k] is not None}
            created.append(indicator_create(actor=actor, owner=owner, **fields))
        for item in kit["request-templates"]:
            request_draft_from_template(
                actor=actor, pilot=pilot, **{k: item[k] for k in REQUEST_KEYS if k in item}
            )
        for item in kit["policies"]:
            policy_create(
                actor=actor,
                pilot=pilot,
                targets=item.get("targets", []),
                **{k: item[k] or "" for k in POLICY_KEYS if k in item},
            )
        today = timezone.localdate()
        for item in kit["communication-plans"]:
            fields = {k: item[k] for k in PLAN_KEYS if k in item}
            plan_row = plan_create(actor=actor, owner=pilot.nsi, pilot=pilot, **fields)
            for activity in item.get("activities", []):
                offset = int(activity["offset_days"])
                values = {
                    k: activity[k] or ""
                    for k in ACTIVITY_KEYS
                    if k in activity and k != "offset_days"
                }
                activity_create(
                    actor=actor, plan=plan_row, starts_at=_activity_start(today, offset), **values
                )
        agreements = list(pilot.agreements.all())
        for index, item in enumerate(kit["agreement-templates"], start=1):
            reference = f"KIT{locked.pk}-{index}-{(owner.short_name or 'NSI')[:20]}"
            agreements.append(
                agreement_create(
                    actor=actor,
                    reference=reference,
                    nsi=pilot.nsi,
                    **{k: item[k] for k in AGREEMENT_KEYS if k in item},
                )
            )
        if kit["agreement-templates"]:
            pilot_update(pilot=pilot, actor=actor, data={}, agreements=agreements)
    except ValidationError as exc:
        raise DomainError(
            _("The kit could not be imported; nothing was written."),
            code="invalid_kit",
            fields=exc.message_dict if hasattr(exc, "error_dict") else {"kit": exc.messages},
        ) from None
    locked.indicators.set(created)
    locked.status = KitImportStatus.APPLIED
    locked.applied_at = timezone.now()
    locked.preview = plan
    locked.save(update_fields=["status", "applied_at", "preview", "updated_at"])
    audit_record(
        actor=actor,
        action="kit.apply",
        obj=locked,
        before={"status": KitImportStatus.PREVIEWED},
        after={"status": KitImportStatus.APPLIED, "indicators": [i.pk for i in created]},
    )
    return locked
