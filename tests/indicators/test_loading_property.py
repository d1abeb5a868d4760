"""Property: every file the validator passes loads under a correct mapping (through the real
worker code: validation with the platform's code lists, then the loader), whatever the
delimiter, encoding, decimal character and period spelling."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from indicators import services
from indicators.models import Observation
from partnerships.services.validation import run_engine

MAPPING = {
    "territory": "district",
    "period": "period",
    "value": "value",
    "dimensions": {"sex": "sex"},
}
# mostly good cells, now and then a bad one (so both outcomes of validation occur)
CODES = ["RS-KG", "RS-KG-ST", "RS-KG-AE"] * 4 + ["RS-XX"]  # the last is not a territory
PERIODS = st.one_of(
    st.integers(2000, 2030).map(str),
    st.tuples(st.integers(2000, 2030), st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
    st.tuples(st.integers(2000, 2030), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.sampled_from(["2024", "2024-Q1"] * 6 + ["2024-13", "24", "2024Q1"]),
)
BAD_PERIODS = {"2024-13", "24", "2024Q1"}
GOOD_VALUE = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
VALUES = st.one_of(GOOD_VALUE, GOOD_VALUE, GOOD_VALUE, st.just("x"))
ROWS = st.lists(
    st.tuples(
        st.sampled_from(CODES), PERIODS, st.sampled_from(["F", "M", "_T"] * 4 + ["Z"]), VALUES
    ),
    min_size=1,
    max_size=6,
)


def _schema(decimal_char: str) -> dict:
    return {
        "fields": [
            {"name": "district", "constraints": {"required": True}},
            {
                "name": "period",
                "constraints": {"pattern": r"[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?"},
            },
            {"name": "sex", "constraints": {"enum": ["F", "M", "_T"]}},
            {"name": "value", "type": "number", "decimalChar": decimal_char},
        ],
        "primaryKey": ["district", "period", "sex"],
        "foreignKeys": [
            {
                "fields": "district",
                "reference": {"resource": "ddms:territories:RS", "fields": "code"},
            }
        ],
    }


@pytest.mark.django_db
@settings(
    max_examples=40,
    derandomize=True,  # the same examples on every run (CI)
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=ROWS,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    decimal_char=st.sampled_from([".", ","]),
    encoding=st.sampled_from(["utf-8", "cp1251", "cp1250"]),
)
@example(
    rows=[
        ("RS-KG-ST", "2024", "F", Decimal("1.50")),
        ("RS-KG", "2024-03", "M", Decimal("1048.25")),
        ("RS-KG-AE", "2024-Q2", "_T", Decimal("0")),
    ],
    delimiter=";",
    decimal_char=",",
    encoding="cp1250",
)
def test_every_file_the_validator_passes_loads(
    world, geo, indicator, make_submission, rows, delimiter, decimal_char, encoding
):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["district", "period", "sex", "value"])
    for code, period, sex, value in rows:
        text = value if isinstance(value, str) else f"{value:.2f}".replace(".", decimal_char)
        writer.writerow([code, period, sex, text])
    content = out.getvalue().encode(encoding)
    schema = _schema(decimal_char)
    submission = make_submission(content, table_schema=schema)
    with submission.file.open("rb") as handle:
        report = run_engine(handle, schema)
    keys = [(code, period, sex) for code, period, sex, _ in rows]
    good = len(set(keys)) == len(keys) and all(
        code != "RS-XX" and period not in BAD_PERIODS and sex != "Z" and value != "x"
        for code, period, sex, value in rows
    )
    assert report["valid"] is good, report["error_counts"]
    if not report["valid"]:
        event("refused by the validator")
        return  # the loader is only ever given files that passed
    event("passed the validator")
    result = services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert result["rows"] == len(rows)
    loaded = Observation.objects.filter(submission=submission)
    assert sorted(loaded.values_list("value", flat=True)) == sorted(
        Decimal(f"{value:.2f}") for *_, value in rows
    )
    Observation.objects.all().delete()
