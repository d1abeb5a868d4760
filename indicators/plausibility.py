"""The last published value of each series of an indicator, for the validation job."""

from __future__ import annotations

from django.utils import timezone

from .models import Indicator, ReleasedObservation, Territory
from .selectors.publications import current_publication_ids

TOTAL_CODES = ("_T", "")


def previous_published_values(
    indicator_code: str, dimensions: list[str], by_period: bool = False
) -> dict[tuple[str, ...], float]:
    """{(territory code, *codes of `dimensions`): latest public value} of one indicator.

    With ``by_period`` every published period is kept, keyed by
    ``(territory, *codes, period)`` with the period as SDMX writes it (2026, 2026-Q1, 2026-01),
    so a monthly value can be judged against the same month a year earlier.

    Only what the public sees now counts (embargoed releases are not "published" yet). Rows
    broken down by a dimension the file does not carry are skipped unless they are totals,
    so each key gets one comparable value.
    """
    # The hook names a code only; codes repeat across NSIs, but their territory codes do not,
    # so another country's namesake contributes no matching key.
    indicator_ids = list(Indicator.objects.filter(code=indicator_code).values_list("pk", flat=True))
    if not indicator_ids:
        return {}
    ids = [
        pk
        for indicator_id in indicator_ids
        for pk in current_publication_ids(now=timezone.now(), indicator_id=indicator_id)
    ]
    rows = (
        ReleasedObservation.objects.filter(
            publication_id__in=ids, indicator_id__in=indicator_ids, value__isnull=False
        )
        .order_by("period_start", "id")
        .values_list("territory_code", "dims", "value", "period")
    )
    latest: dict[tuple[str, ...], float] = {}
    for territory, dims, value, period in rows.iterator(chunk_size=5000):
        if value is None:
            continue
        extra = {k: v for k, v in (dims or {}).items() if k not in dimensions}
        if any(str(v) not in TOTAL_CODES for v in extra.values()):
            continue
        key = (territory, *[str((dims or {}).get(d, "")) for d in dimensions])
        if by_period:
            key = (*key, str(period))
        latest[key] = float(value)  # ascending periods: the last one wins
    return latest


def indicator_tolerance(indicator_code: str) -> float | None:
    """The indicator's own jump tolerance (relative change), None when it has none."""
    return (
        Indicator.objects.filter(code=indicator_code)
        .values_list("jump_tolerance", flat=True)
        .first()
    )


def territory_children() -> dict[str, list[str]]:
    """{parent code: [codes of its active children]} over all active territories."""
    rows = Territory.objects.filter(is_active=True, parent__isnull=False).values_list(
        "parent__code", "code"
    )
    children: dict[str, list[str]] = {}
    for parent, code in rows.order_by("code"):
        children.setdefault(parent, []).append(code)
    return children
