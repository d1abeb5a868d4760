"""Schema loading: a schema that is not a usable Table Schema raises a specific SchemaError."""

import pytest

from ddms_platform.tabular import SchemaError, load_schema


@pytest.mark.parametrize(
    ("descriptor", "message"),
    [
        ([], "must be a JSON object"),
        ({}, 'non-empty "fields"'),
        ({"fields": []}, 'non-empty "fields"'),
        ({"fields": ["id"]}, "field 1 must be an object"),
        ({"fields": [{"type": "integer"}]}, "field 1 has no name"),
        ({"fields": [{"name": "a", "type": "money"}]}, 'field type "money" is not supported'),
        ({"fields": [{"name": "a"}, {"name": "a"}]}, "duplicate field names: a"),
        ({"fields": [{"name": "a"}], "primaryKey": ["b"]}, "primaryKey names unknown fields: b"),
        ({"fields": [{"name": "a", "constraints": {"pattern": "("}}]}, "not a valid regex"),
        (
            {"fields": [{"name": "a", "constraints": {"required": "yes"}}]},
            '"required" must be true or false',
        ),
        ({"fields": [{"name": "a", "type": "number", "decimalChar": ",,"}]}, "decimalChar"),
        ({"fields": [{"name": "a", "format": "phone"}]}, "'phone' is not one of"),
        # frictionless 5.21 refuses these too, with these reasons
        (
            {"fields": [{"name": "a", "required": True}]},
            '"required" should be set as "constraints.required"',
        ),
        (
            {"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "1"}}]},
            'constraint "pattern" is not supported by type "integer"',
        ),
        (
            {"fields": [{"name": "a", "type": "object", "constraints": {"minimum": 1}}]},
            'constraint "minimum" is not supported by type "object"',
        ),
        ({"fields": [{"name": "a", "type": "list", "itemType": "geopoint"}]}, "'geopoint'"),
        (
            {"fields": [{"name": "a", "type": "integer", "constraints": {"exclusiveMaximum": 1}}]},
            'constraint "exclusiveMaximum" requires datapackage v2',
        ),
        ({"fields": [{"name": "a", "type": "geojson", "format": "wkt"}]}, "'wkt' is not one of"),
        (
            {
                "fields": [{"name": "a"}],
                "foreignKeys": [{"fields": ["a"], "reference": {"resource": "", "fields": []}}],
            },
            "does not match the reference fields",
        ),
        (
            {"fields": [{"name": "a"}], "x-ddms": {"totals": [{"total": "a", "parts": ["b"]}]}},
            'unknown field "b"',
        ),
    ],
)
def test_it_rejects_an_invalid_schema_with_a_specific_message(descriptor, message):
    with pytest.raises(SchemaError, match=message.replace("(", r"\(")):
        load_schema(descriptor)


def test_it_applies_table_schema_defaults():
    schema = load_schema(
        {"fields": [{"name": "a"}, {"name": "b", "type": "number"}], "missingValues": ["", "NA"]}
    )
    a, b = schema.fields
    assert (a.type, a.format, a.missing_values) == ("string", "default", ["", "NA"])
    assert (b.decimal_char, b.group_char, b.bare_number, b.number_processor) == (
        ".",
        "",
        True,
        False,
    )


def test_it_accepts_a_primary_key_given_as_a_string():
    assert load_schema({"fields": [{"name": "a"}], "primaryKey": "a"}).primary_key == ["a"]


FRICTIONLESS_REFUSES = [
    {"fields": [{"name": "a", "type": "money"}]},
    {"fields": [{"name": "a", "required": True}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "1"}}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"minLength": 1}}]},
    {"fields": [{"name": "a", "type": "boolean", "constraints": {"minimum": 1}}]},
    {"fields": [{"name": "a", "type": "object", "constraints": {"minimum": 1}}]},
    {"fields": [{"name": "a", "type": "list", "itemType": "geopoint"}]},
    {"fields": [{"name": "a", "format": "phone"}]},
    {"fields": [{"name": "a", "type": "geojson", "format": "wkt"}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"exclusiveMinimum": 1}}]},
    {
        "fields": [{"name": "a"}],
        "foreignKeys": [{"fields": ["a"], "reference": {"resource": "x", "fields": ["a", "b"]}}],
    },
]


@pytest.mark.parametrize("descriptor", FRICTIONLESS_REFUSES)
def test_it_refuses_what_frictionless_refuses(descriptor):
    from frictionless import FrictionlessException
    from frictionless import Schema as Reference

    with pytest.raises(FrictionlessException):
        Reference.from_descriptor(descriptor)
    with pytest.raises(SchemaError):
        load_schema(descriptor)


@pytest.mark.parametrize(
    "profile",
    [
        "https://datapackage.org/profiles/2.0/tableschema.json",
        "https://example.org/my-profile.json",
    ],
)
def test_exclusive_bounds_are_accepted_in_v2_and_custom_profiles(profile):
    descriptor = {
        "$schema": profile,
        "fields": [{"name": "a", "type": "integer", "constraints": {"exclusiveMinimum": 1}}],
    }
    assert load_schema(descriptor).fields[0].constraints == {"exclusiveMinimum": 1}
