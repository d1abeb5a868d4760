"""Web forms of the indicators pages: shapes only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator, Territory


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
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


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
