"""Indicator services: create and update with validated SDG codes and code lists."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import is_admin, require_nsi_staff
from partnerships.choices import OrganisationKind
from partnerships.models import Organisation
from partnerships.selectors import home_nsi

from ..models import Indicator

# SDG indicator codes: goal.target.indicator, targets may be letters (e.g. 11.a.1).
SDG_CODE = re.compile(r"^(?:[1-9]|1[0-7])\.(?:[1-9][0-9]?|[a-z])(?:\.[1-9][0-9]?)?$")
DIMENSION_ID = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
DIMENSION_CODE = re.compile(r"^[A-Za-z0-9_.\-+]{1,40}$")
# Dimension ids the SDMX key already uses for the territory, frequency and period.
RESERVED_DIMENSIONS = {"freq", "ref_area", "time_period", "obs_value", "obs_status", "dataflow"}
INDICATOR_FIELDS = (
    "code",
    "name_en",
    "name_sr_latn",
    "name_sr_cyrl",
    "description",
    "unit",
    "topic",
    "sdg_targets",
    "methodology",
    "dimensions",
    "decimals",
    "min_cell_count",
    "annual_aggregation",
    "is_active",
)


def _clean(fields: dict[str, Any]) -> None:
    """Check SDG codes, dimensions and decimals; raise DomainError naming the field."""
    problems: dict[str, list[str]] = {}
    sdg = fields.get("sdg_targets")
    if sdg is not None:
        if not isinstance(sdg, list):
            problems["sdg_targets"] = ["must be a list such as ['11.2.1']"]
        else:
            bad = [str(c) for c in sdg if not isinstance(c, str) or not SDG_CODE.match(c)]
            if bad:
                problems["sdg_targets"] = [
                    f"not an SDG target/indicator code (like 11.2.1): {', '.join(bad)}"
                ]
    dims = fields.get("dimensions")
    if dims is not None:
        if not isinstance(dims, dict):
            problems["dimensions"] = ['must map dimension ids to code lists: {"sex": ["F", "M"]}']
        else:
            notes = []
            for dim, codes in dims.items():
                if not isinstance(dim, str) or not DIMENSION_ID.match(dim):
                    notes.append(f"{dim!r} is not a dimension id (lower case, digits, _)")
                elif dim in RESERVED_DIMENSIONS:
                    notes.append(f"{dim!r} is reserved")
                if not isinstance(codes, list) or not codes:
                    notes.append(f"{dim!r} needs a non-empty list of codes")
                    continue
                bad = [
                    str(c) for c in codes if not isinstance(c, str) or not DIMENSION_CODE.match(c)
                ]
                if bad:
                    notes.append(f"{dim!r} has invalid codes: {', '.join(bad)}")
                if len(set(codes)) != len(codes):
                    notes.append(f"{dim!r} repeats a code")
            if notes:
                problems["dimensions"] = notes
    decimals = fields.get("decimals")
    if decimals is not None and not 0 <= int(decimals) <= 8:
        problems["decimals"] = ["must be between 0 and 8"]
    if problems:
        raise DomainError("The indicator has invalid fields.", code="invalid", fields=problems)


def indicator_owner_for(actor: Any, owner: Organisation | None = None) -> Organisation:
    """The NSI a new indicator of `actor` belongs to: `owner` if given (an NSI of a country the
    actor works in), else the actor's own NSI (a regional office's parent NSI)."""
    if owner is not None:
        if owner.kind != OrganisationKind.NSI:
            raise DomainError("An indicator's owner must be an NSI.", code="invalid", field="owner")
        require_nsi_staff(actor, country=owner.country_id)
        return owner
    found = home_nsi(actor)
    if found is None and is_admin(actor):
        found = Organisation.objects.filter(kind=OrganisationKind.NSI).order_by("pk").first()
    if found is None:
        raise DomainError(
            "Name the NSI that owns the indicator.", code="owner_required", field="owner"
        )
    return found


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    source_organisations: Any = (),
    owner: Organisation | None = None,
    **fields: Any,
) -> Indicator:
    """Define a new indicator, owned by the actor's NSI (or `owner`); codes are per owner."""
    require_nsi_staff(actor)
    owner = indicator_owner_for(actor, owner)
    _clean(fields)
    code = str(fields.get("code", ""))
    if Indicator.objects.filter(owner=owner, code=code).exists():
        raise DomainError(
            f"{owner} already has an indicator with the code {code!r}.",
            code="invalid",
            fields={"code": ["already used by this NSI"]},
        )
    indicator = Indicator.objects.create(
        owner=owner, created_by=actor if actor.is_authenticated else None, **fields
    )
    indicator.source_organisations.set(source_organisations)
    audit_record(
        actor=actor,
        action="indicator.create",
        obj=indicator,
        after=snapshot(indicator, INDICATOR_FIELDS),
    )
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: Any, indicator: Indicator, source_organisations: Any = None, **fields: Any
) -> Indicator:
    """Change an indicator's metadata; its code, owner and existing dimension codes stay
    stable."""
    require_nsi_staff(actor, country=indicator.owner.country_id)
    _clean(fields)
    fields.pop("code", None)
    fields.pop("owner", None)
    new_dims = fields.get("dimensions")
    if new_dims is not None and indicator.observations.exists():
        # Loaded observations use the old code lists: a dimension or code may be added, never
        # taken away.
        for dim, codes in (indicator.dimensions or {}).items():
            if dim not in new_dims or set(codes) - set(new_dims[dim]):
                raise DomainError(
                    f"Dimension {dim!r} has loaded observations; its codes can only be extended.",
                    code="dimension_in_use",
                )
        if set(new_dims) - set(indicator.dimensions or {}):
            raise DomainError(
                "New dimensions cannot be added once observations are loaded.",
                code="dimension_in_use",
            )
    before = snapshot(indicator, INDICATOR_FIELDS)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.save()
    if source_organisations is not None:
        indicator.source_organisations.set(source_organisations)
    audit_record(
        actor=actor,
        action="indicator.update",
        obj=indicator,
        before=before,
        after=snapshot(indicator, INDICATOR_FIELDS),
    )
    return indicator


def indicator_resolve_code(code: str, *, country: Any = None) -> Indicator:
    """The indicator a policy target's `indicator_code` names (within `country`, a Country or
    its code, when given: codes are unique per NSI); DomainError if there is none."""
    qs = Indicator.objects.filter(code=code.strip())
    if country is not None:
        qs = qs.filter(owner__country_id=getattr(country, "pk", country))
    indicator = qs.order_by("owner_id").first()
    if indicator is None:
        raise DomainError(
            f"No indicator has the code {code!r}.", code="unknown_indicator", field="indicator_code"
        )
    return indicator
