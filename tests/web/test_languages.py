"""Every interface string is translated into Serbian (Latin and Cyrillic) and pages switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("lang", ["sr_Latn", "sr"])
def test_every_message_has_a_translation_and_is_compiled(lang):
    po = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    empty = re.findall(r'\nmsgid "(.+)"\nmsgstr ""\n\n', po + "\n")
    assert not empty, f"untranslated in {lang}: {empty[:5]}"
    assert "#, fuzzy" not in po
    assert (LOCALE / lang / "LC_MESSAGES" / "django.mo").stat().st_size > 10_000


def test_cyrillic_catalogue_has_no_latin_words_outside_acronyms():
    po = (LOCALE / "sr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    strings = re.findall(r'\nmsgstr(?:\[\d\])? "(.+)"', po)
    stripped = [
        re.sub(r"%\(\w+\)s|\\.|\{.*\}|\b[A-Z][A-Z0-9-]+\b|Table Schema", "", s) for s in strings
    ]
    assert not [s for s in stripped if re.search(r"[a-z]{2,}", s)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", "Release calendar"),
        ("sr-latn", "Kalendar objavljivanja"),
        ("sr", "Календар објављивања"),
    ],
)
def test_language_switch_translates_pages(pages, browse, lang, expected):
    client = browse(None)
    response = client.post(reverse("set_language"), {"language": lang, "next": "/releases/"})
    assert response.status_code == 302
    html = client.get("/releases/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{expected}</h1>" in html


@pytest.mark.django_db
def test_partner_portal_in_cyrillic_shows_translated_states_and_names(pages, browse):
    client = browse(pages.partner_a_user)
    client.post(reverse("set_language"), {"language": "sr", "next": "/"})
    html = client.get(reverse("partnerships:portal")).content.decode()
    assert "Портал партнера" in html and "Послато" in html
    detail = client.get(reverse("indicators:indicator-detail", args=["EN-1"])).content.decode()
    assert "Потрошња струје" in detail
