"""Forms of the network pages: adopting a definition, a network entry, importing a kit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.choices import ArticleKind
from partnerships.models import Pilot

from .kit import MAX_KIT_BYTES


class AdoptForm(forms.Form):
    code = forms.CharField(
        label=_("Code in your country"),
        max_length=50,
        required=False,
        help_text=_("Leave empty to keep the shared indicator's code."),
    )


class NetworkArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Comma-separated lower-case words; hyphens allowed."),
    )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [tag.strip() for tag in raw.split(",") if tag.strip()]


class KitImportForm(forms.Form):
    pilot = forms.ModelChoiceField(label=_("Into the pilot"), queryset=Pilot.objects.none())
    file = forms.FileField(
        label=_("Replication kit (ZIP)"),
        help_text=_("A kit exported from another pilot: a ZIP holding a data package."),
    )

    def __init__(self, *args: Any, pilots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = pilots  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_KIT_BYTES:
            raise forms.ValidationError(
                _("The kit is larger than %(limit)s bytes.") % {"limit": MAX_KIT_BYTES}
            )
        return upload
