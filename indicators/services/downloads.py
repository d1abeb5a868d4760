"""Counting open-data downloads without a database write on the request path.

A download adds one to a cache counter per indicator and month (`cache.incr`, atomic in
Redis); the flush job moves the counters into `DownloadCount` every few minutes. Reading a
counter and taking the read amount off it (`decr`) keeps the increments that arrive in
between. With the per-process local-memory cache (no DDMS_CACHE_URL) each process counts its
own downloads and the flush run in that process moves them; production shares Redis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import DownloadCount, Indicator

ALL = "*"
PREFIX = "ddms:downloads"


def _key(month: str, code: str) -> str:
    return f"{PREFIX}:{month}:{code}"


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def download_count(codes: Iterable[str], *, today: dt.date | None = None) -> None:
    """Count one download of the open data of `codes` (none named: the whole table)."""
    month = _month(today or timezone.localdate())
    for code in list(dict.fromkeys(codes)) or [ALL]:
        key = _key(month, code[:50])
        # add() is a no-op when the counter exists; incr() is atomic in Redis.
        cache.add(key, 0, timeout=None)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr: start again
            cache.set(key, 1, timeout=None)


def download_counts_flush(*, today: dt.date | None = None) -> int:
    """Move the cache counters of this and last month into DownloadCount; return the total."""
    today = today or timezone.localdate()
    months = [_month(today), _month(today.replace(day=1) - dt.timedelta(days=1))]
    codes = [ALL, *Indicator.objects.order_by().values_list("code", flat=True)]
    keys = {_key(month, code): (month, code) for month in months for code in codes}
    moved = 0
    for key, value in cache.get_many(list(keys)).items():
        n = int(value or 0)
        if n <= 0:
            continue
        month, code = keys[key]
        with transaction.atomic():
            row, created = DownloadCount.objects.select_for_update().get_or_create(
                indicator_code=code, month=month, defaults={"count": n}
            )
            if not created:
                DownloadCount.objects.filter(pk=row.pk).update(count=F("count") + n)
        cache.decr(key, n)
        moved += n
    return moved
