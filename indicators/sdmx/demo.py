"""Demo content of the standards layer: the standard code lists and reference metadata."""

from __future__ import annotations

from typing import Any

from ..models import Indicator
from .codes import code_lists_seed
from .metadata import indicator_metadata_update, metadata_content

NSI = {
    "en": "Statistical Office of the Republic of Serbia (demo)",
    "sr-Latn": "Republički zavod za statistiku (demo)",
    "sr-Cyrl": "Републички завод за статистику (демо)",
}
COMMON: dict[str, dict[str, str]] = {
    "CONTACT_ORGANISATION": NSI,
    "CONTACT_DETAILS": {
        "en": "Local statistics unit, demo@example.org",
        "sr-Latn": "Odeljenje lokalne statistike, demo@example.org",
        "sr-Cyrl": "Одељење локалне статистике, demo@example.org",
    },
    "RELEASE_POLICY": {
        "en": "Released on the dates of the public release calendar, at 11:00; embargoed until then.",
        "sr-Latn": "Objavljuje se prema javnom kalendaru objavljivanja, u 11:00; do tada pod embargom.",
        "sr-Cyrl": "Објављује се према јавном календару објављивања, у 11:00; до тада под ембаргом.",
    },
    "ACCURACY": {
        "en": "Synthetic demo values; no sampling error applies.",
        "sr-Latn": "Sintetičke demo vrednosti; greška uzorka ne postoji.",
        "sr-Cyrl": "Синтетичке демо вредности; грешка узорка не постоји.",
    },
    "COMPARABILITY": {
        "en": "Comparable across the territories of the pilot; the definition follows the SDG indicator.",
        "sr-Latn": "Uporedivo između teritorija pilota; definicija prati SDG indikator.",
        "sr-Cyrl": "Упоредиво између територија пилота; дефиниција прати SDG индикатор.",
    },
    "REVISION": {
        "en": "A corrected release supersedes the previous version; every version stays available.",
        "sr-Latn": "Ispravljeno izdanje zamenjuje prethodnu verziju; sve verzije ostaju dostupne.",
        "sr-Cyrl": "Исправљено издање замењује претходну верзију; све верзије остају доступне.",
    },
}


def load(ctx: Any = None) -> int:
    """Seed the code lists and fill the metadata of the Serbian demo indicators that have none
    (idempotent)."""
    created = code_lists_seed()
    if ctx is None:
        return created
    actor = ctx.users["nsi.manager"]
    # The Serbian NSI's indicators only: the texts name it, and the second country's loader runs
    # later (so a second run must not find its indicators here for the first time).
    for indicator in Indicator.objects.filter(owner__country_id="RS").order_by("code"):
        if metadata_content(indicator):
            continue
        content = dict(COMMON)
        content["DEFINITION"] = {
            "en": indicator.name_en,
            "sr-Latn": indicator.name_sr_latn or indicator.name_en,
            "sr-Cyrl": indicator.name_sr_cyrl or indicator.name_en,
        }
        if indicator.methodology:
            content["COMPUTATION"] = {"en": indicator.methodology}
        indicator_metadata_update(actor=actor, indicator=indicator, content=content)
    return created
