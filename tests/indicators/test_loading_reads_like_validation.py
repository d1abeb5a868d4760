"""The loader reads an accepted file through the validation engine: a file that validates
loads (encoding, dialect, decimal commas and date formats included)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ddms_platform.tabular import report_errors
from indicators import services
from indicators.models import Observation
from partnerships.services.validation import run_engine

MAPPING = {
    "territory": "district",
    "period": "month",
    "value": "value",
    "dimensions": {"sex": "sex"},
}
SCHEMA = {
    "fields": [
        {"name": "district", "constraints": {"required": True}},
        {"name": "month", "type": "date", "format": "%d.%m.%Y"},
        {"name": "sex", "constraints": {"enum": ["F", "M", "_T"]}},
        {"name": "value", "type": "number", "decimalChar": ",", "groupChar": " "},
    ],
    "primaryKey": ["district", "month", "sex"],
}
# a cp1251 export with ";" delimiters, decimal commas, a thousands space and dd.mm.yyyy
CP1251 = (
    "district;month;sex;value\n"
    "RS-KG-ST;01.03.2024;F;51,25\n"
    "RS-KG-ST;01.03.2024;M;1 048,5\n"
    "RS-KG-AE;01.04.2024;_T;40\n"
).encode("cp1251")


def test_a_cp1251_semicolon_file_with_decimal_commas_validates_and_loads(
    world, geo, indicator, make_submission
):
    submission = make_submission(CP1251, table_schema=SCHEMA)
    with submission.file.open("rb") as handle:
        report = run_engine(handle, SCHEMA)
    assert report["valid"] is True, report_errors(report)
    assert report["stats"]["delimiter"] == ";"
    result = services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert result["rows"] == 3
    values = dict(Observation.objects.values_list("dims_key", "value").filter(territory=geo.m1))
    assert values == {"sex=F": Decimal("51.25"), "sex=M": Decimal("1048.5")}
    assert Observation.objects.get(territory=geo.m2).period == "2024-04"


def test_a_cyrillic_cp1251_file_is_decoded_as_on_validation(world, geo, indicator, make_submission):
    content = ("district;month;sex;value;напомена\nRS-KG-ST;01.03.2024;F;1,5;Крагујевац\n").encode(
        "cp1251"
    )
    schema = {**SCHEMA, "fields": [*SCHEMA["fields"], {"name": "напомена"}]}
    submission = make_submission(content, table_schema=schema)
    with submission.file.open("rb") as handle:
        report = run_engine(handle, schema)
    assert report["valid"] is True and report["stats"]["encoding"] == "cp1251"
    services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert Observation.objects.get().value == Decimal("1.5")


def test_the_requests_dialect_is_used_to_load(world, geo, indicator, make_submission):
    content = b"# export\ndistrict|month|sex|value\nRS-KG-ST|01.03.2024|F|7\n"
    dialect = {"delimiter": "|", "commentChar": "#"}
    submission = make_submission(content, table_schema=SCHEMA, dialect=dialect)
    with submission.file.open("rb") as handle:
        assert run_engine(handle, SCHEMA, dialect=dialect)["valid"] is True
    services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert Observation.objects.get().value == Decimal("7")


@pytest.mark.parametrize("chunk_rows", [1, 2])
def test_a_key_repeated_across_chunks_is_rejected_and_nothing_is_written(
    world, geo, indicator, make_submission, monkeypatch, chunk_rows
):
    from indicators.services import reading

    monkeypatch.setattr(reading, "CHUNK_ROWS", chunk_rows)
    content = CP1251 + "RS-KG-ST;01.03.2024;F;9\n".encode("cp1251")
    submission = make_submission(content, table_schema=SCHEMA)
    from ddms_platform.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        services.observations_load(
            submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
        )
    assert caught.value.extra["rows"] == [5]
    assert "(row 2)" in caught.value.extra["errors"][0]["note"]
    assert not Observation.objects.exists()
