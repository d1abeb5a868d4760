"""Labels in the reader's language for what pages, charts, e-mails and feeds would otherwise
show as raw codes: territories, dimension codes (SEX=_T → Total), units, topics, statuses."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .codes import code_labels, list_id_for, localised, sdmx_lang, territory_labels, unit_label
from .structures import CONCEPT_NAMES


class Labeller:
    """Code → label lookups for one language, each code list read once."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = sdmx_lang(lang)
        self._lists: dict[str, dict[str, str]] = {}
        self._territories: dict[str, str] | None = None

    def code(self, concept: str, code: str) -> str:
        """The label of a code of a concept's list (the code itself when it is not listed)."""
        list_id = list_id_for(concept)
        if list_id not in self._lists:
            self._lists[list_id] = code_labels(list_id, self.lang)
        return self._lists[list_id].get(str(code), str(code))

    def concept(self, concept: str) -> str:
        """The name of a concept or dimension (sex → Sex, from its code list's name)."""
        names = CONCEPT_NAMES.get(concept.upper())
        if names:
            return names.get(self.lang) or names["en"]
        from ..models import CodeList

        found = CodeList.objects.filter(list_id=list_id_for(concept)).first()
        return localised(found, self.lang) if found else concept

    def territory(self, code: str) -> str:
        if self._territories is None:
            self._territories = territory_labels(lang=self.lang)
        return self._territories.get(code, code)

    def dims(self, dims_key: str) -> str:
        """'age=Y15T24|sex=F' → '15 to 24 years, Female'."""
        if not dims_key:
            return ""
        parts = [part.split("=", 1) for part in dims_key.split("|") if "=" in part]
        return ", ".join(self.code(dim, code) for dim, code in parts)

    def unit(self, unit: str) -> str:
        return unit_label(unit, self.lang)

    def topic(self, topic: str) -> str:
        return self.code("TOPIC", topic)

    def status(self, status: str) -> str:
        return self.code("OBS_STATUS", status)


def all_label() -> str:
    """The label of 'no filter' in a dimension menu (the total is a code of its own)."""
    return _("All")
