"""Helpers shared by the registry services: choice-list checks and audited field updates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def check_choice_list(field: str, values: Any, choices: type[models.TextChoices]) -> list[str]:
    """Return `values` de-duplicated, or raise a field error naming the unknown entries."""
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: ["Must be a list of strings."]})
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        raise ValidationError(
            {
                field: [
                    f"Unknown value(s): {', '.join(repr(v) for v in unknown)}. "
                    f"Allowed: {', '.join(choices.values)}."
                ]
            }
        )
    return list(dict.fromkeys(values))


def check_tags(values: Any) -> list[str]:
    """Tags are free but tidy: lower-case words joined by hyphens, at most 40 characters."""
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError({"tags": ["Must be a list of strings."]})
    bad = [v for v in values if not TAG_PATTERN.match(v)]
    if bad:
        raise ValidationError(
            {
                "tags": [
                    f"Invalid tag(s): {', '.join(repr(v) for v in bad)}. Use lower-case letters, "
                    "digits and hyphens, at most 40 characters."
                ]
            }
        )
    return list(dict.fromkeys(values))


def apply_fields(
    instance: models.Model,
    data: Mapping[str, Any],
    allowed: Iterable[str],
    *,
    save: bool = True,
    check: Callable[[Any], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the allowed fields from `data`, validate, save; return (before, after) of what changed.

    With `save=False` (new rows) the caller saves after its own checks. `check` runs the
    service's own rules before the model's, so their clearer messages win.
    """
    allowed_set = set(allowed)
    unknown = sorted(set(data) - allowed_set)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(unknown)}.")
    attnames = {}
    for name in data:
        field = instance._meta.get_field(name)
        attnames[name] = field.attname if hasattr(field, "attname") else name
    before = snapshot(instance, attnames.values())
    for name, value in data.items():
        setattr(instance, name, value)
    if check is not None:
        check(instance)
    instance.full_clean()
    after = snapshot(instance, attnames.values())
    changed = [k for k in after if after[k] != before[k]]
    if changed and save:
        instance.save()
    return {k: before[k] for k in changed}, {k: after[k] for k in changed}


def replace_children(
    before: dict[str, Any],
    after: dict[str, Any],
    key: str,
    *,
    old: list[dict[str, Any]],
    replace: Callable[[], list[dict[str, Any]]],
) -> None:
    """Run `replace` (which rewrites a set of child rows) and, when the rows changed, add
    their old and new descriptions under `key` to the audit entry's before/after."""
    new = replace()
    if old != new:
        before[key], after[key] = old, new


def record_change(
    *, actor: Any, action: str, obj: models.Model, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Write the audit entry of an update, only when something changed."""
    if before or after:
        audit_record(actor=actor, action=action, obj=obj, before=before, after=after)


def record_create(*, actor: Any, action: str, obj: models.Model) -> None:
    """Write the audit entry of a creation with the new values."""
    audit_record(actor=actor, action=action, obj=obj, before=None, after=snapshot(obj))
