"""Links to an indicator's public page: /indicators/<OWNER>/<CODE>/ (codes are per owner)."""

from __future__ import annotations

from typing import Any

from django import template

from ..urls_public import indicator_page_url

register = template.Library()


@register.filter
def indicator_url(indicator: Any) -> str:
    """The indicator's public page."""
    return indicator_page_url(indicator)


@register.filter
def indicator_subscribe_url(indicator: Any) -> str:
    """Where the indicator page's subscribe form posts."""
    return indicator_page_url(indicator, "subscribe")
