"""Code lists: seeding the standard ones, labels in the reader's language, unit codes."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import get_language

from ddms_platform.core.audit import audit_record

from ..models import Code, CodeList, Territory
from .standard_codes import STANDARD_CODE_LISTS

# SDMX and the platform's three languages: the Django language code → the SDMX xml:lang tag.
LANGUAGES = {"en": "en", "sr-latn": "sr-Latn", "sr": "sr-Cyrl"}
NAME_FIELDS = {"en": "name_en", "sr-Latn": "name_sr_latn", "sr-Cyrl": "name_sr_cyrl"}
SDMX_ID = re.compile(r"[^A-Za-z0-9_@$-]")


def sdmx_lang(lang: str | None = None) -> str:
    """The SDMX language tag (en, sr-Latn, sr-Cyrl) of a Django language code (default: active)."""
    code = (lang or get_language() or "en").lower()
    if code == "sr" or code.startswith("sr-cyrl"):
        return "sr-Cyrl"
    return "sr-Latn" if code.startswith("sr") else "en"


def localised(obj: Any, lang: str | None = None) -> str:
    """name_sr_cyrl / name_sr_latn / name_en of `obj` in the language, English as fallback."""
    value = getattr(obj, NAME_FIELDS[sdmx_lang(lang)], "")
    return value or getattr(obj, "name_en", "") or str(obj)


def names(obj: Any) -> dict[str, str]:
    """{'en': …, 'sr-Latn': …, 'sr-Cyrl': …} of a named row, empty translations left out."""
    return {tag: getattr(obj, field) for tag, field in NAME_FIELDS.items() if getattr(obj, field)}


def list_id_for(concept: str) -> str:
    """The code list coding a concept or dimension id: sex → CL_SEX."""
    return "CL_" + concept.upper()


@transaction.atomic
def code_lists_seed(*, actor: Any = None) -> int:
    """Create the standard code lists and codes that are missing; edits are kept. Idempotent."""
    created = 0
    for list_id, (en, latn, cyrl), rows in STANDARD_CODE_LISTS:
        code_list, new = CodeList.objects.get_or_create(
            list_id=list_id, defaults={"name_en": en, "name_sr_latn": latn, "name_sr_cyrl": cyrl}
        )
        have = set(code_list.codes.values_list("code", flat=True))
        missing = [
            Code(
                code_list=code_list,
                code=code,
                name_en=c_en,
                name_sr_latn=c_latn,
                name_sr_cyrl=c_cyrl,
                order=i,
            )
            for i, (code, c_en, c_latn, c_cyrl) in enumerate(rows)
            if code not in have
        ]
        Code.objects.bulk_create(missing)
        if new or missing:
            created += len(missing)
            audit_record(
                actor=actor,
                action="code_list.seed",
                obj=code_list,
                after={"codes": [c.code for c in missing]},
            )
    return created


def code_labels(list_id: str, lang: str | None = None) -> dict[str, str]:
    """Code → label in the language for one code list (empty when the list does not exist)."""
    tag = sdmx_lang(lang)
    return {
        code.code: localised(code, tag)
        for code in Code.objects.filter(code_list__list_id=list_id).only(
            "code", "name_en", "name_sr_latn", "name_sr_cyrl"
        )
    }


def territory_labels(codes: Any = None, lang: str | None = None) -> dict[str, str]:
    """Territory code → name in the language (all territories, or those `codes`)."""
    qs = Territory.objects.only("code", "name_en", "name_sr_latn", "name_sr_cyrl")
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    tag = sdmx_lang(lang)
    return {t.code: localised(t, tag) for t in qs}


def unit_code(unit: str) -> str:
    """The CL_UNIT_MEASURE code of an indicator's unit (its code, or the code labelled so)."""
    found = (
        Code.objects.filter(code_list__list_id="CL_UNIT_MEASURE", code=unit).first()
        or Code.objects.filter(code_list__list_id="CL_UNIT_MEASURE", name_en=unit).first()
    )
    return found.code if found else SDMX_ID.sub("_", unit.upper())[:50] or "NUMBER"


def unit_label(unit: str, lang: str | None = None) -> str:
    """An indicator's unit in the language (the unit text itself when it is not coded)."""
    found = (
        Code.objects.filter(code_list__list_id="CL_UNIT_MEASURE", code=unit).first()
        or Code.objects.filter(code_list__list_id="CL_UNIT_MEASURE", name_en=unit).first()
    )
    return localised(found, lang) if found else unit
