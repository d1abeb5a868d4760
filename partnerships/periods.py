"""Reporting periods of deliverables: 2026-03 (month), 2026-Q1 (quarter), 2026 (year).

A period is handled as an integer index per frequency (months since year 0, quarters, years),
so "every period from the first up to today" is a range, not a calendar walk.
"""

from __future__ import annotations

import datetime as dt
import re

from .choices import DeliverableFrequency as F

_PATTERNS = {
    F.MONTHLY: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    F.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
    F.YEARLY: re.compile(r"^(\d{4})$"),
}
_PER_YEAR = {F.MONTHLY: 12, F.QUARTERLY: 4, F.YEARLY: 1}


def period_index(frequency: str, period: str) -> int:
    """The index of `period`; ValueError when it is not a period of that frequency."""
    match = _PATTERNS[F(frequency)].match(period or "")
    if match is None:
        example = {F.MONTHLY: "2026-03", F.QUARTERLY: "2026-Q1", F.YEARLY: "2026"}[F(frequency)]
        raise ValueError(f"'{period}' is not a {frequency} period (write it like {example}).")
    year = int(match.group(1))
    sub = int(match.group(2)) - 1 if match.lastindex == 2 else 0
    return year * _PER_YEAR[F(frequency)] + sub


def period_label(frequency: str, index: int) -> str:
    """The period written as SDMX writes it."""
    per_year = _PER_YEAR[F(frequency)]
    year, sub = divmod(index, per_year)
    if frequency == F.MONTHLY:
        return f"{year}-{sub + 1:02d}"
    if frequency == F.QUARTERLY:
        return f"{year}-Q{sub + 1}"
    return f"{year}"


def period_start(frequency: str, index: int) -> dt.date:
    """The first day of the period."""
    per_year = _PER_YEAR[F(frequency)]
    year, sub = divmod(index, per_year)
    return dt.date(year, sub * (12 // per_year) + 1, 1)


def period_end(frequency: str, index: int) -> dt.date:
    """The last day of the period."""
    return period_start(frequency, index + 1) - dt.timedelta(days=1)


def period_containing(frequency: str, day: dt.date) -> int:
    """The index of the period `day` falls in."""
    per_year = _PER_YEAR[F(frequency)]
    return day.year * per_year + (day.month - 1) // (12 // per_year)


def period_due_on(frequency: str, index: int, due_days: int) -> dt.date:
    """The due date: `due_days` after the period's last day."""
    return period_end(frequency, index) + dt.timedelta(days=due_days)
