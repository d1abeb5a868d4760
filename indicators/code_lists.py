"""Keys of the platform's code lists, for foreign keys in requests' Table Schemas."""

from __future__ import annotations

from collections.abc import Collection

from ddms_platform.web.templatetags.ddms import localname

from .choices import ObsStatus, TerritoryLevel
from .models import Indicator, Territory


def code_list_keys(name: str) -> Collection[tuple[str, ...]] | None:
    """Keys of a ``ddms:`` resource (see ``partnerships.references``), None if unknown."""
    parts = name.split(":")
    if parts[:2] == ["ddms", "obs-status"] and len(parts) == 2:
        return {(code,) for code in ObsStatus.values}
    if parts[:2] == ["ddms", "territories"] and len(parts) == 2:
        return set(Territory.objects.filter(is_active=True).values_list("code"))
    if parts[:2] == ["ddms", "territories"] and len(parts) in (3, 4):
        root = Territory.objects.filter(code=parts[2]).first()
        if root is None or (len(parts) == 4 and parts[3] not in TerritoryLevel.values):
            return None
        return _subtree(root, level=parts[3] if len(parts) == 4 else None)
    if parts[:2] == ["ddms", "dimension"] and len(parts) in (4, 5):
        # ddms:dimension:<AGENCY>:<INDICATOR>:<DIM> names one NSI's indicator; the older
        # ddms:dimension:<INDICATOR>:<DIM> every indicator of that code (codes are per NSI).
        found = Indicator.objects.filter(code=parts[-2])
        if len(parts) == 5:
            found = found.filter(owner__agency_id=parts[2])
        lists = [(i or {}).get(parts[-1]) for i in found.values_list("dimensions", flat=True)]
        if not any(codes is not None for codes in lists):
            return None
        return {(str(code),) for codes in lists if codes is not None for code in codes}
    return None


def dimension_resource(indicator: Indicator, dimension: str) -> str:
    """The ``ddms:`` foreign-key resource of one indicator dimension's codes."""
    agency = indicator.owner.agency_id
    owner = f"{agency}:" if agency else ""
    return f"ddms:dimension:{owner}{indicator.code}:{dimension}"


def _subtree(root: Territory, level: str | None = None) -> set[tuple[str, ...]]:
    """Codes of ``root`` and everything below it (only those of ``level`` when given)."""
    # one query per level (a country has four or five)
    keys: set[tuple[str, ...]] = set()
    if level is None or root.level == level:
        keys.add((root.code,))
    below = [root.pk]
    while below:
        children = list(
            Territory.objects.filter(parent_id__in=below, is_active=True).values_list(
                "pk", "code", "level"
            )
        )
        keys.update((code,) for _, code, kind in children if level is None or kind == level)
        below = [pk for pk, _, _ in children]
    return keys


def code_list_labels(name: str) -> dict[str, str] | None:
    """{code: label in the active language} of a ``ddms:`` resource, None if unknown."""
    keys = code_list_keys(name)
    if keys is None:
        return None
    codes = sorted(key[0] for key in keys)
    parts = name.split(":")
    if parts[1] == "obs-status":
        return {code: str(ObsStatus(code).label) for code in codes}
    if parts[1] == "territories":
        territories = Territory.objects.filter(code__in=codes)
        return {t.code: localname(t) for t in territories}
    # Dimension codes: the labels of the platform's code lists (CL_SEX, CL_AGE, …), the one
    # place that holds them; a code no list names has no label.
    from .sdmx.labels import Labeller

    labels, dimension = Labeller(), parts[-1]
    return {code: label for code in codes if (label := labels.code(dimension, code)) != code}
