"""Working days: Monday to Friday except the country's public holidays (`holidays` package)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    try:
        days = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        # A country the package does not know: weekends only (documented in docs/requests.md).
        return frozenset()
    return frozenset(days.keys())


def is_working_day(day: dt.date, country: str) -> bool:
    """True on a weekday that is not a public holiday of `country` (ISO 3166-1 alpha-2)."""
    return day.weekday() < 5 and day not in _holidays(country.upper(), day.year)


def add_working_days(day: dt.date, n: int, country: str) -> dt.date:
    """The `n`-th working day after `day` (before it when `n` is negative; `day` itself at 0)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day, country):
            remaining -= 1
    return day
