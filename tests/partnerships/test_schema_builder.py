"""The form-based schema builder writes the Table Schema an expert would write by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerships.models import SchemaTemplate
from partnerships.schema_builder import SchemaBuilderForm, builder_result, column_formset

pytestmark = pytest.mark.django_db

HAND_WRITTEN = {
    "fields": [
        {
            "name": "district",
            "title": "District",
            "type": "string",
            "constraints": {"required": True},
        },
        {
            "name": "month",
            "type": "string",
            "constraints": {"required": True, "pattern": r"^\d{4}-\d{2}$"},
        },
        {"name": "sex", "type": "string", "constraints": {"enum": ["F", "M", "_T"]}},
        {
            "name": "households",
            "description": "Households connected",
            "type": "integer",
            "constraints": {"minimum": 0, "maximum": 500000},
        },
        {"name": "share", "type": "number", "constraints": {"minimum": 0, "maximum": 0.5}},
    ],
    "primaryKey": ["district", "month", "sex"],
    "foreignKeys": [
        {"fields": "district", "reference": {"resource": "ddms:territories", "fields": "code"}}
    ],
}


def _post(columns, **table):
    data = {
        "columns-TOTAL_FORMS": str(len(columns)),
        "columns-INITIAL_FORMS": "0",
        "columns-MIN_NUM_FORMS": "0",
        "columns-MAX_NUM_FORMS": "100",
        "primary_key": table.get("primary_key", ""),
        "delimiter": table.get("delimiter", ""),
    }
    for i, column in enumerate(columns):
        data.update({f"columns-{i}-{k}": v for k, v in column.items()})
    return data


COLUMNS = [
    {
        "name": "district",
        "title": "District",
        "type": "string",
        "required": "on",
        "code_list": "ddms:territories",
    },
    {"name": "month", "type": "string", "required": "on", "pattern": r"^\d{4}-\d{2}$"},
    {"name": "sex", "type": "string", "codes": "F, M, _T"},
    {
        "name": "households",
        "description": "Households connected",
        "type": "integer",
        "minimum": "0",
        "maximum": "500000",
    },
    {"name": "share", "type": "number", "minimum": "0", "maximum": "0.5"},
]


def _build(columns, **table):
    data = _post(columns, **table)
    formset = column_formset()(data, prefix="columns")
    settings_form = SchemaBuilderForm(data)
    return builder_result(formset, settings_form), formset, settings_form


def test_builder_output_equals_the_hand_written_schema(world):
    result, _formset, _table = _build(COLUMNS, primary_key="district, month, sex", delimiter=";")
    assert result == (HAND_WRITTEN, {"delimiter": ";"})


@pytest.mark.parametrize(
    "column,field,message",
    [
        ({"name": "2nd", "type": "string"}, "name", "starting with a letter"),
        ({"name": "a", "type": "string", "minimum": "1"}, "minimum", "number"),
        (
            {"name": "a", "type": "integer", "minimum": "5", "maximum": "1"},
            "maximum",
            "below the minimum",
        ),
        ({"name": "a", "type": "integer", "pattern": "^1$"}, "pattern", "text columns"),
        ({"name": "a", "type": "string", "pattern": "(["}, "pattern", "regular expression"),
        (
            {"name": "a", "type": "string", "codes": "x", "code_list": "ddms:territories"},
            "codes",
            "not both",
        ),
        ({"name": "a", "type": "string", "code_list": "ddms:nothing"}, "code_list", "No code list"),
        ({"name": "a", "type": "colour"}, "type", "valid choice"),
    ],
)
def test_invalid_builder_input_gives_errors_on_the_field(world, column, field, message):
    result, formset, _table = _build([column])
    assert result is None
    assert message in " ".join(formset.forms[0].errors[field])


def test_a_key_column_must_exist_and_names_must_differ(world):
    result, formset, table = _build(
        [{"name": "a", "type": "string"}, {"name": "a", "type": "string"}], primary_key="a, b"
    )
    assert result is None
    assert "same name" in " ".join(formset.forms[1].errors["name"])
    assert "b" in " ".join(table.errors["primary_key"])


def test_the_builder_page_saves_to_the_library_and_starts_a_request(world):
    client = Client()
    client.force_login(world.nsi_manager)
    assert (
        client.get("/nsi/schemas/build/?columns=8").content.decode().count("<fieldset class=") == 8
    )
    data = _post(COLUMNS, primary_key="district, month, sex") | {
        "name": "Households",
        "description": "",
        "owner": str(world.nsi.pk),
    }
    response = client.post("/nsi/schemas/build/", data)
    template = SchemaTemplate.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?template={template.pk}")
    assert template.table_schema == HAND_WRITTEN and template.owner == world.nsi
    bad = client.post("/nsi/schemas/build/", _post([{"name": "2nd", "type": "string"}]))
    assert bad.status_code == 400 and "starting with a letter" in bad.content.decode()


def test_the_builder_is_for_nsi_staff_only(world):
    client = Client()
    client.force_login(world.partner_a_user)
    assert client.get("/nsi/schemas/build/").status_code == 404
