"""Web forms of the indicators pages: shapes only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from partnerships.models import Pilot

from .models import EvidenceKind, Indicator, Territory


class PublicationForm(forms.Form):
    series = forms.SlugField(label=_("Series (short name)"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=300)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"), queryset=Indicator.objects.filter(is_active=True)
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Territory.objects.filter(is_active=True), required=False
    )
    release_at = forms.DateTimeField(
        label=_("Release date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)
    schedule_now = forms.BooleanField(label=_("Schedule the release now"), required=False)


class ScheduleForm(forms.Form):
    release_at = forms.DateTimeField(
        label=_("Release date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Signed-in users may leave this empty to use their account."),
    )


class DataNeedForm(forms.Form):
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

    def table_schema(self) -> dict[str, object]:
        """The expected table as a Table Schema of text columns (the NSI refines it)."""
        names = [c.strip() for c in self.cleaned_data["columns"].split(",") if c.strip()]
        return {"fields": [{"name": name, "type": "string"} for name in names]}


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
