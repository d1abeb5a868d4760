"""Web forms: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AgreementState, AgreementType, Domain, RequestFrequency
from .models import Organisation


def partner_choices(nsi_offices: Any) -> Any:
    """Active partner organisations of the offices' countries (an NSI works in its own)."""
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(kind__in=["nsi", "nsi_regional"])
        .filter(country_id__in=nsi_offices.values("country_id"))
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=5000)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=10000)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Data file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the partner"), widget=forms.Textarea, required=False
    )


class AgreementForm(forms.Form):
    nsi = forms.ModelChoiceField(label=_("NSI office"), queryset=Organisation.objects.none())
    reference = forms.CharField(label=_("Reference"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=AgreementType.choices)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"), queryset=Organisation.objects.none()
    )
    domains = forms.MultipleChoiceField(
        label=_("Domains"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea, required=False)
    starts_on = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, nsi_offices: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["nsi"].queryset = nsi_offices  # type: ignore[attr-defined]
        self.fields["partners"].queryset = partner_choices(nsi_offices)  # type: ignore[attr-defined]


class AgreementTransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("New state"), choices=AgreementState.choices)
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DataRequestForm(forms.Form):
    requester = forms.ModelChoiceField(
        label=_("Requested by (NSI office)"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea, required=False)
    provider = forms.ModelChoiceField(
        label=_("Partner asked"), queryset=Organisation.objects.none()
    )
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=Organisation.objects.none())
    frequency = forms.ChoiceField(label=_("Frequency"), choices=RequestFrequency.choices)
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    table_schema = forms.JSONField(
        label=_("Expected table (Table Schema JSON)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_('For example {"fields": [{"name": "year", "type": "integer"}]}'),
    )
    dialect = forms.JSONField(
        label=_("CSV dialect (Frictionless CSV Dialect JSON)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            'Leave empty to detect the delimiter. For example {"delimiter": "|"} or '
            '{"header": false}'
        ),
    )
    send_now = forms.BooleanField(label=_("Send to the partner now"), required=False)

    def __init__(
        self, *args: object, agreements: object = None, nsi_offices: object = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["requester"].queryset = nsi_offices  # type: ignore[attr-defined]
        self.fields["provider"].queryset = partner_choices(nsi_offices)  # type: ignore[attr-defined]
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]


class SaveTemplateForm(forms.Form):
    """Name and owner of a schema saved from the builder."""

    name = forms.CharField(label=_("Template name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (NSI office)"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: object, offices: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = offices  # type: ignore[attr-defined]
