"""Web forms of the indicators pages: shapes only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator, Territory
from .selectors.publications import staff_indicators
from .selectors.territories import staff_territories


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

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An NSI releases its own country's indicators for its own country's territories.
        self.fields["indicators"].queryset = staff_indicators(user).filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["territory"].queryset = staff_territories(user)  # type: ignore[attr-defined]


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
