"""The vectorised fast paths must agree with the scalar readers that mirror frictionless."""

import numpy as np
import pyarrow as pa
import pytest

from ddms_platform.tabular.casting import Caster, read_scalar
from ddms_platform.tabular.schema import Field

TRICKY = [
    "1", "-1", "+5", " 7 ", "1_000", "1__0", "_1", "1.0", "x", "007", "-", "+",
    "12345678901234567890", "1e3", ".5", "1.", "inf", "-Infinity", "NaN", "nan12", "snan",
    "1,5", "1.234,5", "€ 12", "12%", "2020-01-01", "2020-1-5", "2020-02-30", "2020-02-29",
    "2021-02-29", "0000-01-01", "2020-01- 5", "2020-13-01", " 2020-01-01", "00:00:00",
    "12:30:00", "2020-01-01T10:00:00", "2020-01-01T10:00:00Z", "2020", "202", "+202",
    "true", "TRUE", "yes", "01.02.2020", "٣",
]  # fmt: skip

FIELDS = [
    Field("a", "integer"),
    Field("a", "integer", bare_number=False),
    Field("a", "number"),
    Field("a", "number", decimal_char=",", group_char=".", number_processor=True),
    Field("a", "number", bare_number=False, number_processor=True),
    Field("a", "date"),
    Field("a", "date", format="%d.%m.%Y"),
    Field("a", "datetime"),
    Field("a", "time"),
    Field("a", "year"),
    Field("a", "boolean"),
]


@pytest.mark.parametrize(
    "field", FIELDS, ids=lambda f: f"{f.type}-{f.format}-{f.decimal_char}-{f.bare_number}"
)
def test_vectorised_casting_agrees_with_the_scalar_reader(field):
    cast = Caster(field).cast(pa.array(TRICKY))
    for i, value in enumerate(TRICKY):
        expected = read_scalar(field, value)
        assert bool(cast.ok[i]) == (expected is not None), value
        if (
            expected is not None
            and isinstance(cast.values, np.ndarray)
            and cast.values.dtype != object
        ):
            got = cast.values[i]
            assert got == expected or (got != got and expected != expected), value


def test_iso_dates_checked_with_numpy_agree_with_strptime():
    """Every YYYY-MM-DD shape (bad months, days, leap years, year 0) as strptime decides."""
    field = Field("a", "date")
    rng = np.random.default_rng(3)
    years = rng.choice([0, 1, 4, 100, 1600, 1900, 2000, 2020, 2021, 2100, 9999], 20_000)
    years[::3] = rng.integers(0, 10_000, len(years[::3]))
    months = rng.integers(0, 14, len(years))
    days = rng.integers(0, 33, len(years))
    cells = [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in zip(years, months, days, strict=True)]
    cells += ["2020-0a-01", "2020-01-+1", "+020-01-01", "2020/01/01", "２０２０-01-01", "20200101"]
    column = pa.array(["offset", *cells], pa.string()).slice(1)  # a slice, as chunks are
    cast = Caster(field).cast(column, np.zeros(len(cells), bool))
    expected = [read_scalar(field, cell) for cell in cells]
    assert cast.ok.tolist() == [v is not None for v in expected]
    assert cast.values[cast.ok].tolist() == [v for v in expected if v is not None]
