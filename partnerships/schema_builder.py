"""The form-based schema builder: columns, types, constraints, codes and key -> Table Schema.

The builder writes a plain Table Schema that the JSON field of the request form shows and
experts may still edit; every problem is reported on the field (column row) that causes it.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ddms_platform.tabular import SchemaError, load_schema

from .references import PREFIX, unknown_code_lists

TYPES = [
    ("string", _("text")),
    ("integer", _("whole number")),
    ("number", _("number")),
    ("boolean", _("true or false")),
    ("date", _("date")),
    ("yearmonth", _("year and month")),
    ("year", _("year")),
]
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NUMERIC = ("integer", "number", "year")


class ColumnForm(forms.Form):
    """One column of the expected table."""

    name = forms.CharField(label=_("Column name"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=1000, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=TYPES, initial="string")
    required = forms.BooleanField(label=_("Required"), required=False)
    unique = forms.BooleanField(label=_("Each value once"), required=False)
    minimum = forms.DecimalField(label=_("Minimum"), required=False)
    maximum = forms.DecimalField(label=_("Maximum"), required=False)
    pattern = forms.CharField(
        label=_("Pattern (regular expression)"), max_length=300, required=False
    )
    codes = forms.CharField(
        label=_("Allowed codes (comma-separated)"), max_length=5000, required=False
    )
    code_list = forms.CharField(
        label=_("Code list"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ddms:territories:RS"}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not NAME.match(name):
            raise ValidationError(
                _("Use letters, digits and underscores, starting with a letter."), code="name"
            )
        return name

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data.get("pattern", "")
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValidationError(
                    _("Not a valid regular expression: %(error)s"), params={"error": exc}
                ) from exc
        return pattern

    def clean_code_list(self) -> str:
        name = self.cleaned_data.get("code_list", "").strip()
        if name and (not name.startswith(PREFIX) or unknown_code_lists(_fk_schema("x", name))):
            raise ValidationError(_("No code list is called %(name)s."), params={"name": name})
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("type")
        low, high = data.get("minimum"), data.get("maximum")
        if (low is not None or high is not None) and kind not in NUMERIC:
            self.add_error("minimum", _("A range needs a number, whole number or year column."))
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum is below the minimum."))
        if data.get("pattern") and kind != "string":
            self.add_error("pattern", _("A pattern applies to text columns only."))
        if data.get("codes") and data.get("code_list"):
            self.add_error("codes", _("Give either codes or a code list, not both."))
        return data


MAX_COLUMNS = 100


def column_formset(extra: int = 3) -> Any:
    """The formset class of the builder's columns with ``extra`` empty rows."""
    return forms.formset_factory(
        ColumnForm,
        extra=max(0, min(extra, MAX_COLUMNS)),
        max_num=MAX_COLUMNS,
        validate_max=True,
    )


ColumnFormSet = column_formset()


class SchemaBuilderForm(forms.Form):
    """The table-level settings: key and separator."""

    primary_key = forms.CharField(
        label=_("Key columns (comma-separated)"), max_length=500, required=False
    )
    delimiter = forms.ChoiceField(
        label=_("Separator"),
        choices=[("", _("detect")), (",", ","), (";", ";"), ("\t", _("tab"))],
        required=False,
    )


def _fk_schema(column: str, resource: str) -> dict[str, Any]:
    return {"foreignKeys": [_foreign_key(column, resource)]}


def _foreign_key(column: str, resource: str) -> dict[str, Any]:
    return {"fields": column, "reference": {"resource": resource, "fields": "code"}}


def _number(value: Any, kind: str) -> Any:
    return (
        int(value) if kind in ("integer", "year") or value == value.to_integral() else float(value)
    )


def column_descriptor(data: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema field of one cleaned column form."""
    kind = data["type"]
    field: dict[str, Any] = {"name": data["name"]}
    for key in ("title", "description"):
        if data.get(key):
            field[key] = data[key]
    field["type"] = kind
    constraints: dict[str, Any] = {}
    if data.get("required"):
        constraints["required"] = True
    if data.get("unique"):
        constraints["unique"] = True
    for key in ("minimum", "maximum"):
        if data.get(key) is not None:
            constraints[key] = _number(data[key], kind)
    if data.get("pattern"):
        constraints["pattern"] = data["pattern"]
    codes = [c.strip() for c in (data.get("codes") or "").split(",") if c.strip()]
    if codes:
        constraints["enum"] = [_number_code(c, kind) for c in dict.fromkeys(codes)]
    if constraints:
        field["constraints"] = constraints
    return field


def _number_code(code: str, kind: str) -> Any:
    if kind == "integer":
        try:
            return int(code)
        except ValueError:
            return code
    return code


def build_schema(
    columns: list[dict[str, Any]], *, primary_key: list[str], delimiter: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(Table Schema, CSV dialect) from cleaned column forms and table settings."""
    schema: dict[str, Any] = {"fields": [column_descriptor(c) for c in columns]}
    if primary_key:
        schema["primaryKey"] = primary_key
    foreign = [_foreign_key(c["name"], c["code_list"]) for c in columns if c.get("code_list")]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema, ({"delimiter": delimiter} if delimiter else {})


def builder_result(
    formset: Any, settings_form: SchemaBuilderForm
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Validate the builder forms; the schema and dialect, or None with errors on the forms."""
    if not (formset.is_valid() and settings_form.is_valid()):
        return None
    columns = [f.cleaned_data for f in formset.forms if f.cleaned_data and f.has_changed()]
    names = [c["name"] for c in columns]
    seen: set[str] = set()
    for form in formset.forms:
        name = form.cleaned_data.get("name") if form.cleaned_data else None
        if name and name in seen:
            form.add_error("name", _("Two columns cannot have the same name."))
        if name:
            seen.add(name)
    key = [k.strip() for k in settings_form.cleaned_data["primary_key"].split(",") if k.strip()]
    missing = [k for k in key if k not in names]
    if missing:
        settings_form.add_error(
            "primary_key",
            _("Not a column of the table: %(names)s") % {"names": ", ".join(missing)},
        )
    if not columns:
        settings_form.add_error(None, _("Add at least one column."))
    if any(f.errors for f in formset.forms) or settings_form.errors:
        return None
    schema, dialect = build_schema(
        columns, primary_key=key, delimiter=settings_form.cleaned_data.get("delimiter") or ""
    )
    try:
        load_schema(schema)
    except SchemaError as exc:  # a combination the checks above did not foresee
        settings_form.add_error(None, str(exc))
        return None
    return schema, dialect
