"""Template filters: names in the page's language and sanitised rich text."""

from __future__ import annotations

from typing import Any

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localname(obj: Any) -> str:
    """`name_sr_cyrl` / `name_sr_latn` / `name_en` for the active language, English as fallback."""
    lang = (get_language() or "en").lower()
    if lang == "sr":
        value = getattr(obj, "name_sr_cyrl", "")
    elif lang.startswith("sr"):
        value = getattr(obj, "name_sr_latn", "")
    else:
        value = ""
    return value or getattr(obj, "name_en", "") or str(obj)


@register.filter
def sanitised(value: str | None) -> SafeString:
    """Rich text cleaned with nh3 at render time too, so no stored markup can run script."""
    return mark_safe(nh3.clean(value or ""))  # noqa: S308 - nh3 output is safe HTML
