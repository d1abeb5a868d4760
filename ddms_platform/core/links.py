"""Absolute links to the site's pages, for e-mails, feeds and anything read off the site."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def site_link(view_name: str, *args: object) -> str:
    """The page's address on the public site (DDMS_SITE_URL): what a recipient opens."""
    return settings.SITE_URL + reverse(view_name, args=args)
