"""The last published value of each series of an indicator, for the validation job."""

from __future__ import annotations

from django.utils import timezone

from .models import Indicator, ReleasedObservation
from .selectors.publications import current_publication_ids

TOTAL_CODES = ("_T", "")


def previous_published_values(
    indicator_code: str, dimensions: list[str]
) -> dict[tuple[str, ...], float]:
    """{(territory code, *codes of `dimensions`): latest public value} of one indicator.

    Only what the public sees now counts (embargoed releases are not "published" yet). Rows
    broken down by a dimension the file does not carry are skipped unless they are totals,
    so each key gets one comparable value.
    """
    # The hook names a code only; codes repeat across NSIs, but their territory codes do not,
    # so another country's namesake contributes no matching key.
    indicator = Indicator.objects.filter(code=indicator_code).only("pk").order_by("pk").first()
    if indicator is None:
        return {}
    ids = current_publication_ids(now=timezone.now(), indicator_id=indicator.pk)
    rows = (
        ReleasedObservation.objects.filter(
            publication_id__in=ids, indicator_id=indicator.pk, value__isnull=False
        )
        .order_by("period_start", "id")
        .values_list("territory_code", "dims", "value")
    )
    latest: dict[tuple[str, ...], float] = {}
    for territory, dims, value in rows.iterator(chunk_size=5000):
        if value is None:
            continue
        extra = {k: v for k, v in (dims or {}).items() if k not in dimensions}
        if any(str(v) not in TOTAL_CODES for v in extra.values()):
            continue
        key = (territory, *[str((dims or {}).get(d, "")) for d in dimensions])
        latest[key] = float(value)  # ascending periods: the last one wins
    return latest
