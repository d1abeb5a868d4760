"""Web forms of the indicators pages: shapes only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator, Territory


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
