"""Vectorised type parsing of string columns, following frictionless' cell readers.

Each type has a scalar reader that mirrors frictionless exactly (used for constraint
values, for the formats we cannot express as one regex, and as the reference in tests) and,
for the common types, a vectorised path on pyarrow compute kernels that gives the same
answer without a Python call per cell. Types parsed through the scalar reader are parsed
once per *distinct* value of a chunk (dictionary encoding), with a bounded cache across
chunks, so low-cardinality columns (dates, periods) stay fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import values as typed
from .schema import Field

NOT_BARE = r"((^[^-\d]*)|(\D*$))"  # frictionless' pattern for non-bare numbers
CACHE_LIMIT = 200_000


@dataclass
class Cast:
    """Result of parsing a column: which cells parsed, and their comparable values.

    ``values`` is a numpy array (int64 for integer/year/date ordinals, float64 for number,
    bool for boolean, object for datetime/time) or, for string/any, the pyarrow column.
    ``ok`` is meaningless where the cell is missing; callers mask it.
    """

    ok: np.ndarray
    values: Any


# Scalar readers (frictionless semantics) ---------------------------------------------------


def _read_integer(field: Field, cell: str) -> int | None:
    cell = cell.strip()
    if not field.bare_number:
        cell = re.sub(NOT_BARE, "", cell)
    try:
        return int(cell)
    except ValueError:
        return None


def number_decimal(field: Field, cell: str) -> Decimal | None:
    """The exact number in a cell, read as frictionless reads it (processors applied)."""
    cell = cell.strip()
    if field.number_processor:
        if not field.bare_number:
            cell = re.sub(NOT_BARE, "", cell)
        cell = cell.replace(field.group_char, "")
        if field.decimal_char != "." and "." in cell:
            return None
        cell = cell.replace(field.decimal_char, ".")
    try:
        return Decimal(cell)
    except (InvalidOperation, ValueError):
        return None


def _read_number(field: Field, cell: str) -> float | None:
    value = number_decimal(field, cell)
    if value is None:
        return None
    return float("nan") if value.is_nan() else float(value)


def _read_date(field: Field, cell: str) -> int | None:
    try:
        if field.format == "default":
            value = dt.datetime.strptime(cell, "%Y-%m-%d").date()
        elif field.format == "any":
            from dateutil import parser

            value = parser.parse(cell).date()
        else:
            value = dt.datetime.strptime(cell, field.format).date()
    except (ValueError, OverflowError, TypeError):
        return None
    return value.toordinal()


def _read_datetime(field: Field, cell: str) -> dt.datetime | None:
    from dateutil import parser

    try:
        if field.format == "default":
            if len(cell) < 19 or cell[16] != ":":
                return None  # frictionless refuses the shorter forms isoparse accepts
            return parser.isoparse(cell)
        if field.format == "any":
            return parser.parse(cell)
        return dt.datetime.strptime(cell, field.format)
    except (ValueError, OverflowError, TypeError):
        return None


def _read_time(field: Field, cell: str) -> dt.time | None:
    from dateutil import parser

    try:
        if field.format == "default":
            if len(cell) < 8 or cell[5] != ":":
                return None
            return parser.isoparse(f"2000-01-01T{cell}").timetz()
        if field.format == "any":
            return parser.parse(cell).timetz()
        return dt.datetime.strptime(cell, field.format).timetz()
    except (ValueError, OverflowError, TypeError):
        return None


def _read_year(field: Field, cell: str) -> int | None:
    if len(cell) != 4:
        return None
    try:
        value = int(cell)
    except ValueError:
        return None
    return value if 0 <= value <= 9999 else None


def _read_boolean(field: Field, cell: str) -> bool | None:
    if cell in field.true_values:
        return True
    if cell in field.false_values:
        return False
    return None


def _read_string(field: Field, cell: str) -> str | None:
    reader = typed.string_format_reader(field.format)
    return cell if reader is None else reader(cell)


SCALAR_READERS: dict[str, Callable[[Field, str], Any]] = {
    "integer": _read_integer,
    "number": _read_number,
    "date": _read_date,
    "datetime": _read_datetime,
    "time": _read_time,
    "year": _read_year,
    "boolean": _read_boolean,
    "string": _read_string,
    "any": lambda field, cell: cell,
    "yearmonth": typed.read_yearmonth,
    "duration": typed.read_duration,
    "geopoint": typed.read_geopoint,
    "geojson": typed.read_geojson,
    "object": typed.read_object,
    "array": typed.read_array,
    "list": typed.read_list,
}
# Types whose parsed values are exact integers (compared and hashed as int64).
INT_VALUED = ("date", "year", "yearmonth")


def read_scalar(field: Field, value: Any) -> Any:
    """Convert one value (a cell, or a constraint from the schema) into the comparable domain.

    Returns None when it does not parse. Non-string constraint values (JSON numbers and
    booleans) are taken as they are, as frictionless does.
    """
    if isinstance(value, str):
        return SCALAR_READERS[field.type](field, value)
    if field.type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if field.type in ("integer", "year") and isinstance(value, int) and not isinstance(value, bool):
        return value
    if field.type == "boolean" and isinstance(value, bool):
        return value
    if field.type == "yearmonth" and isinstance(value, list | tuple) and len(value) == 2:
        year, month = value
        return year * 12 + month - 1 if isinstance(year, int) and isinstance(month, int) else None
    if field.type == "geopoint" and isinstance(value, list | tuple):
        return typed.geopoint_checked(tuple(value))
    if field.type == "array" and isinstance(value, list):
        return value
    if field.type in ("object", "geojson") and isinstance(value, dict):
        return value
    if field.type == "any":
        return value
    return None


# Vectorised casting ------------------------------------------------------------------------


def bool_mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as a writable numpy bool array (null counts as False).

    Unpacks the bitmap with numpy: ``to_numpy(zero_copy_only=False)`` on a boolean
    array goes through a per-cell conversion (pyarrow 26).
    """
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count:
        array = pc.fill_null(array, False)
    n, offset = len(array), array.offset
    data = array.buffers()[1]
    if data is None or n == 0:
        return np.zeros(n, bool)
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), count=offset + n, bitorder="little")
    return bits[offset:].view(bool)


def _plain_digits(column: pa.Array, *, decimal: bool) -> np.ndarray:
    """Cells made of ASCII digits only (at least one), plus at most one "." if ``decimal``.

    Arrow's ``ascii_is_decimal`` kernel (false for an empty cell) measured 5x faster than
    classifying the bytes with numpy for integers, and 1.4x for decimals after removing the
    first ".".
    """
    text = column if not decimal else pc.replace_substring(column, ".", "", max_replacements=1)
    return bool_mask(pc.ascii_is_decimal(text))


class Caster:
    """Parses one field's column chunk after chunk, keeping a bounded per-value cache.

    Integers and numbers take a fast vectorised path for the common spelling (``-123``,
    ``12.5``) that accepts only what frictionless accepts; every other non-missing cell
    (whitespace, exponents, underscores, errors…) goes through the exact scalar reader,
    once per distinct value. So the result is exact and the Python work is proportional to
    the unusual cells only.
    """

    def __init__(self, field: Field, *, need_values: bool = True) -> None:
        self.field = field
        self.need_values = need_values
        self._cache: dict[str, Any] = {}
        self._fast_re = (
            self._fast_number_regex(field) if field.type in ("integer", "number") else None
        )

    @staticmethod
    def _fast_number_regex(field: Field) -> str:
        if field.type == "integer":
            return r"^-?[0-9]{1,18}$"
        if not field.number_processor:
            return r"^-?[0-9]+(?:\.[0-9]+)?$"
        group = re.escape(field.group_char) if field.group_char else ""
        decimal = re.escape(field.decimal_char)
        return rf"^-?[0-9][0-9{group}]*(?:{decimal}[0-9]+)?$"

    def cast(self, column: pa.Array, missing: np.ndarray | None = None) -> Cast:
        """Parse ``column`` (strings, no nulls); cells flagged in ``missing`` are not parsed."""
        ftype = self.field.type
        if ftype in ("integer", "number"):
            return self._numeric(column, missing)
        if ftype == "boolean":
            f = self.field
            ok = bool_mask(pc.is_in(column, pa.array(f.true_values + f.false_values, pa.string())))
            if not self.need_values:
                return Cast(ok, None)
            values = bool_mask(pc.is_in(column, pa.array(f.true_values, pa.string())))
            return Cast(ok, values)
        if ftype == "string":
            if self.field.format == "default":
                return Cast(np.ones(len(column), bool), column)
            return Cast(self._per_distinct(column).ok, column)
        if ftype == "any":
            return Cast(np.ones(len(column), bool), column)
        # dates, times and years: few distinct values per chunk, parsed exactly in Python
        return self._per_distinct(column)

    def _fast_mask(self, column: pa.Array) -> np.ndarray:
        """Cells in the plain spelling, found with cheap kernels before any regex.

        Unsigned integers: all ASCII digits (at most 18, to fit int64). Plain decimals: the
        same once the first "." is removed. Everything else (signs, processors…) takes the
        anchored regex, still a strict subset of what frictionless accepts.
        """
        f = self.field
        plain = f.type == "integer" or not f.number_processor
        if plain:
            fast = _plain_digits(column, decimal=f.type == "number")
            if f.type == "integer":
                fast &= pc.binary_length(column).to_numpy(zero_copy_only=False) <= 18
            rest = np.flatnonzero(~fast)
            if not len(rest):
                return fast
            if len(rest) < len(fast):
                # negative numbers and the like: regex on the remainder only
                fast[rest] = bool_mask(
                    pc.match_substring_regex(column.take(pa.array(rest)), self._fast_re)
                )
                return fast
        return bool_mask(pc.match_substring_regex(column, self._fast_re))

    def _numeric(self, column: pa.Array, missing: np.ndarray | None) -> Cast:
        f = self.field
        fast = self._fast_mask(column)
        ok = fast.copy()
        values = None
        if self.need_values:
            target = pa.int64() if f.type == "integer" else pa.float64()
            all_fast = bool(fast.all())
            text = column if all_fast else column.filter(pa.array(fast))
            if f.type == "number" and f.number_processor:
                if f.group_char:
                    text = pc.replace_substring(text, f.group_char, "")
                if f.decimal_char != ".":
                    text = pc.replace_substring(text, f.decimal_char, ".")
            parsed_fast = pc.cast(text, target).to_numpy(zero_copy_only=False)
            if all_fast:
                values = np.array(parsed_fast)
            else:
                values = np.zeros(len(column), dtype=parsed_fast.dtype)
                values[fast] = parsed_fast
        slow = ~fast if missing is None else ~fast & ~missing
        positions = np.flatnonzero(slow)
        if len(positions):
            parsed = self._parse_distinct(column.take(pa.array(positions)))
            ok[positions] = np.array([v is not None for v in parsed], dtype=bool)
            if values is not None:
                if f.type == "integer" and any(
                    v is not None and not -(2**63) <= v < 2**63 for v in parsed
                ):
                    values = values.astype(object)  # exact Python ints beyond int64 (rare)
                values[positions] = [0 if v is None else v for v in parsed]
        return Cast(ok, values)

    def _distinct(self, column: pa.Array) -> tuple[list[Any], np.ndarray]:
        """Scalar-read each distinct value once: (result per distinct value, index per cell)."""
        encoded = column.dictionary_encode()
        reader = SCALAR_READERS[self.field.type]
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        parsed = []
        for value in encoded.dictionary.to_pylist():
            if value not in self._cache:
                self._cache[value] = reader(self.field, value)
            parsed.append(self._cache[value])
        return parsed, encoded.indices.to_numpy(zero_copy_only=False)

    def _parse_distinct(self, column: pa.Array) -> list[Any]:
        parsed, indices = self._distinct(column)
        return [parsed[i] for i in indices]

    def _per_distinct(self, column: pa.Array) -> Cast:
        if self.field.type == "date" and self.field.format == "default":
            return self._iso_dates(column)
        return self._per_distinct_scalar(column)

    def _per_distinct_scalar(self, column: pa.Array) -> Cast:
        parsed, indices = self._distinct(column)
        ok_d = np.array([v is not None for v in parsed], dtype=bool)
        values_d: np.ndarray
        if self.field.type in INT_VALUED:
            try:
                values_d = np.array([v if v is not None else 0 for v in parsed], dtype=np.int64)
            except OverflowError:  # a year beyond int64 (only in yearmonth): exact objects
                values_d = np.empty(len(parsed), dtype=object)
                values_d[:] = parsed
        else:
            values_d = np.empty(len(parsed), dtype=object)
            values_d[:] = parsed
        return Cast(ok_d[indices], values_d[indices])

    def _iso_dates(self, column: pa.Array) -> Cast:
        """Default-format dates: each distinct ``YYYY-MM-DD`` value checked with numpy.

        A value of exactly that shape whose year, month and day form a real date (so
        2020-02-30 and year 0 are refused, as by ``strptime``) is valid with ordinal
        ``date.toordinal()``; any other distinct value (other spellings strptime accepts,
        errors) takes the exact scalar reader. This spares a strptime call per new date.
        """
        encoded = column.dictionary_encode()
        distinct = encoded.dictionary
        if not len(distinct) or encoded.null_count:
            return self._per_distinct_scalar(column)
        text = pc.if_else(pc.equal(pc.binary_length(distinct), 10), distinct, "0000-00-00")
        raw = np.frombuffer(text.buffers()[2], np.uint8)[: 10 * len(text)]
        cells = raw.reshape(-1, 10).astype(np.int32) - 48
        digits = cells[:, [0, 1, 2, 3, 5, 6, 8, 9]]
        form = ((digits >= 0) & (digits <= 9)).all(axis=1)
        form &= (cells[:, 4] == -3) & (cells[:, 7] == -3)  # "-" is 48 - 3
        y = cells[:, 0] * 1000 + cells[:, 1] * 100 + cells[:, 2] * 10 + cells[:, 3]
        m = cells[:, 5] * 10 + cells[:, 6]
        d = cells[:, 8] * 10 + cells[:, 9]
        leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
        good_month = (m >= 1) & (m <= 12)
        last = _MONTH_DAYS[np.where(good_month, m, 0)] + (leap & (m == 2))
        ok_d = form & (y >= 1) & good_month & (d >= 1) & (d <= last)
        values_d = np.where(ok_d, _ordinal(y, m, d), 0).astype(np.int64)
        others = np.flatnonzero(~ok_d)
        if len(others):
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            for p, value in zip(others, distinct.take(pa.array(others)).to_pylist(), strict=True):
                if value not in self._cache:
                    self._cache[value] = _read_date(self.field, value)
                parsed = self._cache[value]
                ok_d[p] = parsed is not None
                values_d[p] = 0 if parsed is None else parsed
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        return Cast(ok_d[indices], values_d[indices])


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _ordinal(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``date(y, m, d).toordinal()`` for arrays of valid dates (proleptic Gregorian)."""
    y = y.astype(np.int64) - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 + 719163  # days since 1970-01-01, then its ordinal


def identity_keys(field: Field, cast: Cast, column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """64-bit identities of parsed values for unique / primary-key checks.

    Returns ``(keys, comparable)``; ``comparable`` is False where a value can never equal
    another (NaN), as with frictionless' dict lookup. Integers, dates, years and booleans map
    to their exact value; other types to a 64-bit hash of their canonical text.
    """
    values = cast.values
    n = len(cast.ok)
    comparable = np.ones(n, dtype=bool)
    if isinstance(values, np.ndarray) and values.dtype == np.int64:
        return values.view(np.uint64), comparable
    if isinstance(values, np.ndarray) and values.dtype == bool:
        return values.astype(np.uint64), comparable
    if isinstance(values, np.ndarray) and values.dtype == np.float64:
        comparable = ~np.isnan(values)
        clean = np.where(values == 0, 0.0, values)  # -0.0 equals 0.0
        return clean.view(np.uint64), comparable
    if isinstance(values, np.ndarray):  # object: big ints, datetimes, times, JSON…
        text = np.array([typed.canonical(v) for v in values], dtype=object)
        return pd.util.hash_array(text), comparable
    return pd.util.hash_array(column.to_numpy(zero_copy_only=False)), comparable
