"""Territory services: create, update, and the all-or-nothing CSV import."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff, staff_country_ids
from partnerships.models import Country

from ..choices import LEVEL_RANK, TerritoryLevel
from ..models import Territory

TERRITORY_FIELDS = (
    "country_id",
    "code",
    "level",
    "parent_id",
    "name_en",
    "name_sr_latn",
    "name_sr_cyrl",
)
IMPORT_COLUMNS = ("code", "level", "parent_code", "name_en", "name_sr_latn", "name_sr_cyrl")
MAX_REPORTED_ERRORS = 100


def _check_parent(level: str, parent: Territory | None) -> str | None:
    """Why `parent` cannot hold a territory of `level`, or None if it can."""
    if parent is None:
        return None if level == TerritoryLevel.COUNTRY else f"a {level} needs a parent territory"
    if LEVEL_RANK[TerritoryLevel(level)] <= LEVEL_RANK[TerritoryLevel(parent.level)]:
        return f"a {level} cannot sit under a {parent.level} ({parent.code})"
    return None


def territory_country_for(
    actor: Any, country: Country | str | None = None, parent: Territory | None = None
) -> Country:
    """The country a new territory of `actor` belongs to: its parent's, else `country`, else
    the one country the actor works in (an admin with one country on the platform: that one).
    """
    code = getattr(country, "pk", country)
    if parent is not None:
        if code is not None and code != parent.country_id:
            raise DomainError(
                "A territory belongs to its parent's country.", code="invalid_hierarchy"
            )
        code = parent.country_id
    if code is None:
        mine = staff_country_ids(actor)
        if len(mine) == 1:
            code = next(iter(mine))
        elif not mine and Country.objects.count() == 1:
            code = Country.objects.get().pk
    found = Country.objects.filter(pk=code).first() if code else None
    if found is None:
        raise DomainError("Name the territory's country.", code="country_required")
    require_nsi_staff(actor, country=found)
    return found


@transaction.atomic
def territory_create(*, actor: Any, country: Any = None, **fields: Any) -> Territory:
    """Create one territory in its country after checking its place in the hierarchy."""
    require_nsi_staff(actor)
    country = territory_country_for(actor, country, fields.get("parent"))
    problem = _check_parent(fields["level"], fields.get("parent"))
    if problem:
        raise DomainError(problem, code="invalid_hierarchy")
    if Territory.objects.filter(country=country, code=fields.get("code")).exists():
        raise DomainError(
            f"{country} already has a territory with the code {fields.get('code')!r}.",
            code="invalid",
            fields={"code": ["already used in this country"]},
        )
    territory = Territory.objects.create(country=country, **fields)
    audit_record(
        actor=actor,
        action="territory.create",
        obj=territory,
        after=snapshot(territory, TERRITORY_FIELDS),
    )
    return territory


@transaction.atomic
def territory_update(*, actor: Any, territory: Territory, **fields: Any) -> Territory:
    """Change a territory's names, level or parent (its code and country are stable)."""
    require_nsi_staff(actor, country=territory.country_id)
    before = snapshot(territory, TERRITORY_FIELDS)
    fields.pop("code", None)
    fields.pop("country", None)
    parent = fields.get("parent")
    if parent is not None and parent.country_id != territory.country_id:
        raise DomainError("A territory belongs to its parent's country.", code="invalid_hierarchy")
    for name, value in fields.items():
        setattr(territory, name, value)
    problem = _check_parent(territory.level, territory.parent)
    if problem:
        raise DomainError(problem, code="invalid_hierarchy")
    territory.save()
    audit_record(
        actor=actor,
        action="territory.update",
        obj=territory,
        before=before,
        after=snapshot(territory, TERRITORY_FIELDS),
    )
    return territory


def _read_rows(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            f"The territory file is not UTF-8 (byte {exc.start}).", code="encoding_error"
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "level", "name_en") if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    if missing or unknown:
        raise DomainError(
            "The territory file header is wrong: "
            + "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(unknown)}" if unknown else "",
                )
                if part
            )
            + f". Expected columns: {', '.join(IMPORT_COLUMNS)}.",
            code="invalid_header",
        )
    reader.fieldnames = header
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


@transaction.atomic
def territories_import(*, actor: Any, data: bytes, country: Any = None) -> dict[str, int]:
    """Create or update one country's territories from CSV; any bad row rejects the whole
    file."""
    require_nsi_staff(actor)
    country = territory_country_for(actor, country)
    rows = _read_rows(data)
    errors: list[dict[str, Any]] = []
    existing = {t.code: t for t in Territory.objects.filter(country=country)}
    by_code: dict[str, tuple[int, dict[str, str]]] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header

        def err(field: str, note: str, row: dict[str, str] = row, number: int = number) -> None:
            errors.append(
                {"rowNumber": number, "fieldName": field, "value": row.get(field), "note": note}
            )

        code = row.get("code", "")
        if not code:
            err("code", "the code is required")
        elif len(code) > 30:
            err("code", "the code is longer than 30 characters")
        elif code in by_code:
            err("code", f"the code repeats row {by_code[code][0]}")
        if row.get("level") not in TerritoryLevel.values:
            err("level", f"the level must be one of {', '.join(TerritoryLevel.values)}")
        if not row.get("name_en"):
            err("name_en", "the English name is required")
        if code:
            by_code.setdefault(code, (number, row))
    # Parents may be defined anywhere in the file or already exist.
    for number, row in by_code.values():
        parent_code = row.get("parent_code", "")
        if row.get("level") not in TerritoryLevel.values:
            continue
        parent_level = None
        if parent_code:
            if parent_code in by_code:
                parent_level = by_code[parent_code][1].get("level")
            elif parent_code in existing:
                parent_level = existing[parent_code].level
            else:
                errors.append(
                    {
                        "rowNumber": number,
                        "fieldName": "parent_code",
                        "value": parent_code,
                        "note": "unknown parent territory code",
                    }
                )
                continue
        level = row["level"]
        if parent_level is None and level != TerritoryLevel.COUNTRY:
            note = f"a {level} needs a parent territory"
        elif parent_level is not None and (
            parent_level not in TerritoryLevel.values
            or LEVEL_RANK[TerritoryLevel(level)] <= LEVEL_RANK[TerritoryLevel(parent_level)]
        ):
            note = f"a {level} cannot sit under a {parent_level} ({parent_code})"
        else:
            continue
        errors.append(
            {"rowNumber": number, "fieldName": "parent_code", "value": parent_code, "note": note}
        )
    if errors:
        errors.sort(key=lambda e: e["rowNumber"])
        rows_text = ", ".join(str(n) for n in sorted({e["rowNumber"] for e in errors})[:20])
        raise DomainError(
            f"The territory file has {len(errors)} error(s) in rows {rows_text}; nothing was imported.",
            code="import_rejected",
            errors=errors[:MAX_REPORTED_ERRORS],
            error_count=len(errors),
        )
    created = updated = 0
    # Parents first: process by level rank so every parent exists when its child is saved.
    ordered = sorted(
        by_code.values(), key=lambda item: LEVEL_RANK[TerritoryLevel(item[1]["level"])]
    )
    for _number, row in ordered:
        values = {
            "level": row["level"],
            "parent": existing.get(row.get("parent_code", "")) if row.get("parent_code") else None,
            "name_en": row["name_en"],
            "name_sr_latn": row.get("name_sr_latn", ""),
            "name_sr_cyrl": row.get("name_sr_cyrl", ""),
        }
        territory = existing.get(row["code"])
        if territory is None:
            territory = Territory.objects.create(country=country, code=row["code"], **values)
            existing[territory.code] = territory
            created += 1
            audit_record(
                actor=actor,
                action="territory.import",
                obj=territory,
                after=snapshot(territory, TERRITORY_FIELDS),
            )
        else:
            before = snapshot(territory, TERRITORY_FIELDS)
            for name, value in values.items():
                setattr(territory, name, value)
            after = snapshot(territory, TERRITORY_FIELDS)
            if after != before:
                territory.save()
                updated += 1
                audit_record(
                    actor=actor,
                    action="territory.import",
                    obj=territory,
                    before=before,
                    after=after,
                )
    return {"created": created, "updated": updated, "unchanged": len(ordered) - created - updated}
