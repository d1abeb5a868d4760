"""Web forms of the indicators pages: shapes only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from partnerships.models import Pilot

from .models import EvidenceKind, Indicator, Territory
from .selectors.publications import staff_indicators
from .selectors.territories import staff_territories

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class PublicationForm(forms.Form):
    """The declaration of a release: indicators × territories × periods × dimensions."""

    series = forms.SlugField(label=_("Series (short name)"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=300)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"), queryset=Indicator.objects.filter(is_active=True)
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.filter(is_active=True),
        required=False,
        help_text=_("With everything below it; empty means every territory."),
    )
    period_from = forms.DateField(
        label=_("First period starts on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_to = forms.DateField(
        label=_("Last period starts on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    dimension_filter = forms.CharField(
        label=_("Dimension codes"),
        required=False,
        max_length=1000,
        help_text=_("Optional, e.g. sex=F,M; age=Y15-24 (a dimension not named: all codes)"),
    )
    release_at = forms.DateTimeField(
        label=_("Release date and time"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)
    schedule_now = forms.BooleanField(
        label=_("Schedule at this time once approved"), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An NSI releases its own country's indicators for its own country's territories.
        self.fields["indicators"].queryset = staff_indicators(user).filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["territory"].queryset = staff_territories(user)  # type: ignore[attr-defined]

    def clean_dimension_filter(self) -> dict[str, list[str]]:
        """`sex=F,M; age=Y15-24` → {"sex": ["F", "M"], "age": ["Y15-24"]}."""
        text = self.cleaned_data.get("dimension_filter") or ""
        out: dict[str, list[str]] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            dim, sep, codes = part.partition("=")
            values = [c.strip() for c in codes.split(",") if c.strip()]
            if not sep or not dim.strip() or not values:
                raise forms.ValidationError(_("Write dimension=code,code; …"))
            out[dim.strip()] = values
        return out


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PreReleaseForm(forms.Form):
    user = forms.CharField(label=_("User name"), max_length=150)
    hours = forms.IntegerField(label=_("Hours before the release"), min_value=1, max_value=72)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)


class ScheduleForm(forms.Form):
    release_at = forms.DateTimeField(
        label=_("Release date and time"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    reason = forms.CharField(
        label=_("Reason (if earlier than announced)"), max_length=1000, required=False
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Signed-in users may leave this empty to use their account."),
    )


class DataNeedForm(forms.Form):
    # Routing is explicit: the pilot names the city that asks and the NSI that answers.
    pilot = forms.ModelChoiceField(label=_("Pilot"), queryset=Pilot.objects.none())
    title = forms.CharField(label=_("What data do you need?"), max_length=300)
    purpose = forms.CharField(label=_("What decision will it support?"), widget=forms.Textarea)
    columns = forms.CharField(
        label=_("Columns you expect"),
        max_length=1000,
        help_text=_("Column names separated by commas, e.g. district, year, households"),
    )
    due_on = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, pilots: QuerySet[Pilot] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pilots is not None:
            self.fields["pilot"].queryset = pilots  # type: ignore[attr-defined]
            if pilots.count() == 1:
                self.fields["pilot"].initial = pilots.first()

    def table_schema(self) -> dict[str, object]:
        """The expected table as a Table Schema of text columns (the NSI refines it)."""
        names = [c.strip() for c in self.cleaned_data["columns"].split(",") if c.strip()]
        return {"fields": [{"name": name, "type": "string"} for name in names]}


class LoadChooseForm(forms.Form):
    """Step 1 of a load: which accepted submission, into which indicator."""

    submission: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Accepted submission"),
        queryset=None,  # type: ignore[arg-type]
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.filter(is_active=True)
    )

    def __init__(
        self, *args: Any, submissions: QuerySet[Any], user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].queryset = submissions  # type: ignore[attr-defined]
        # Loads go into the user's own country's indicators only.
        self.fields["indicator"].queryset = staff_indicators(user).filter(is_active=True)  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    """Step 2: which column holds what; a drop-down of the file's columns per role."""

    def __init__(self, *args: Any, columns: list[str], indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = [("", "—")] + [(c, c) for c in columns]
        guess = {c.lower(): c for c in columns}
        for role, label in (
            ("territory", _("Territory code")),
            ("period", _("Period")),
            ("value", _("Value")),
        ):
            self.fields[role] = forms.ChoiceField(
                label=label, choices=required, initial=guess.get(role, "")
            )
        for dim in indicator.dimension_ids:
            self.fields[f"dim_{dim}"] = forms.ChoiceField(
                label=_("Dimension %(dim)s") % {"dim": dim},
                choices=required,
                initial=guess.get(dim.lower(), ""),
            )
        for role, label in (("status", _("Status (optional)")), ("count", _("Count (optional)"))):
            self.fields[role] = forms.ChoiceField(
                label=label, choices=required, required=False, initial=guess.get(role, "")
            )
        self.fields["confirm_without_count"] = forms.BooleanField(
            label=_("I confirm that values without a count are safe to release"), required=False
        )
        self.indicator = indicator

    def mapping(self) -> dict[str, Any]:
        data = self.cleaned_data
        mapping: dict[str, Any] = {k: data[k] for k in ("territory", "period", "value")}
        mapping["dimensions"] = {d: data[f"dim_{d}"] for d in self.indicator.dimension_ids}
        for key in ("status", "count"):
            if data.get(key):
                mapping[key] = data[key]
        if data.get("confirm_without_count"):
            mapping["confirm_without_count"] = True
        return mapping


class EvidenceForm(forms.Form):
    """A decision a published figure informed; the figure is named by its cell."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    territory = forms.ChoiceField(label=_("Territory"))
    period = forms.CharField(
        label=_("Period of the figure"), max_length=10, help_text="2024, 2024-Q1, 2024-03"
    )
    slice = forms.CharField(
        label=_("Slice (dimension codes)"),
        max_length=255,
        required=False,
        help_text=format_lazy(
            "{} sex=_T", _("Empty for an indicator without dimensions; otherwise, for example:")
        ),
    )
    kind = forms.ChoiceField(label=_("Kind of decision"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Decision"), max_length=300)
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    decision_body = forms.CharField(label=_("Decided by"), max_length=200)
    policy = forms.ChoiceField(label=_("Policy"), required=False)
    url = forms.URLField(label=_("Link to the decision"), required=False, assume_scheme="https")
    document = forms.FileField(label=_("Document"), required=False)
    public = forms.BooleanField(label=_("Show this record to the public"), required=False)

    def __init__(
        self,
        *args: object,
        pilot: Pilot | None = None,
        indicators: list[Indicator] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice = self.fields  # ChoiceFields; django-stubs types them as Field
        choice["indicator"].choices = [  # type: ignore[attr-defined]
            (i.code, f"{i.code} {i.name_en}") for i in indicators or []
        ]
        codes = [pilot.territory_code] if pilot else []
        territories = Territory.objects.filter(code__in=codes) | Territory.objects.filter(
            parent__code__in=codes
        )
        choice["territory"].choices = [  # type: ignore[attr-defined]
            (t.code, t.name_en) for t in territories.order_by("code")
        ]
        choice["policy"].choices = [("", "–")] + [  # type: ignore[attr-defined]
            (str(p.pk), p.name) for p in (pilot.policies.all() if pilot else [])
        ]
