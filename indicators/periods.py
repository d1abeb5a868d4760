"""Reporting periods: 2024 (year), 2024-Q1 (quarter), 2024-03 (month), as SDMX writes them."""

from __future__ import annotations

import datetime as dt
import re

from .choices import PeriodType

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# A month written as the date of its first day (a date column of the request's schema, read
# as ISO by the engine): 2024-03-01 is the month 2024-03. Other days are not periods.
_MONTH_START = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-01$")


def parse_period(raw: object) -> tuple[str, str, dt.date] | None:
    """Return (canonical period, period type, start date), or None if `raw` is not a period."""
    text = str(raw).strip().upper()
    if text.endswith(".0") and _YEAR.match(text[:-2]):
        text = text[:-2]  # a year read as a float from a spreadsheet
    if m := _YEAR.match(text):
        year = int(m.group(1))
        return text, PeriodType.YEAR, dt.date(year, 1, 1)
    if m := _QUARTER.match(text):
        year, quarter = int(m.group(1)), int(m.group(2))
        return f"{year}-Q{quarter}", PeriodType.QUARTER, dt.date(year, 3 * quarter - 2, 1)
    if m := _MONTH.match(text) or _MONTH_START.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        return f"{year}-{month:02d}", PeriodType.MONTH, dt.date(year, month, 1)
    return None


def period_bound(raw: str | None, *, end: bool = False) -> dt.date | None:
    """A filter bound: the start date of the period, or of the period after it when `end`."""
    if not raw:
        return None
    parsed = parse_period(raw)
    if parsed is None:
        return None
    _, kind, start = parsed
    if not end:
        return start
    if kind == PeriodType.YEAR:
        return dt.date(start.year + 1, 1, 1)
    months = 3 if kind == PeriodType.QUARTER else 1
    month = start.month + months
    return dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def dims_key(dims: dict[str, str]) -> str:
    """The canonical key of a set of dimension values: 'age=Y15-24|sex=F' (sorted by id)."""
    return "|".join(f"{k}={dims[k]}" for k in sorted(dims))
