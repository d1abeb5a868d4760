"""The platform's code lists as foreign-key targets of a request's Table Schema.

A schema says "this column holds territory codes of this country" with a foreign key to a
named resource instead of repeating an enum::

    "foreignKeys": [{"fields": "district",
                     "reference": {"resource": "ddms:territories:RS", "fields": "code"}}]

Names (the indicators app provides them; this app must not import it):

* ``ddms:territories`` — every active territory code;
* ``ddms:territories:<CODE>`` — the territory ``<CODE>`` and everything below it;
* ``ddms:territories:<CODE>:<level>`` — the territories of one level (e.g. ``municipality``) below ``<CODE>``;
* ``ddms:dimension:[<AGENCY>:]<INDICATOR>:<DIMENSION>`` — the codes of one indicator's dimension (with the owner NSI's agency id: codes are unique per NSI);
* ``ddms:obs-status`` — the SDMX observation status codes (``OBS_STATUS``).

Each is a one-column key list; the reference's ``fields`` name is not checked against it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

PREFIX = "ddms:"
# full resource name -> its keys (one-tuples of codes), or None when the name is unknown
Provider = Callable[[str], Collection[tuple[str, ...]] | None]

_provider: Provider | None = None


def register_code_lists(provider: Provider) -> None:
    """Install the function that returns the keys of a ``ddms:`` resource."""
    global _provider
    _provider = provider


def referenced_names(schema: Any) -> list[str]:
    """The external resources a schema's foreign keys refer to (not the table itself)."""
    keys = schema.get("foreignKeys") if isinstance(schema, dict) else None
    names = []
    for fk in keys if isinstance(keys, list) else []:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        name = reference.get("resource") if isinstance(reference, dict) else None
        if isinstance(name, str) and name and name not in names:
            names.append(name)
    return names


def unknown_code_lists(schema: Any) -> list[str]:
    """The resource names of a schema's foreign keys that no code list answers to."""
    return [name for name in referenced_names(schema) if _lookup(name) is None]


def references_for(schema: Any) -> dict[str, Collection[tuple[str, ...]]]:
    """Engine ``references``: each ``ddms:`` resource the schema names -> its keys."""
    out = {}
    for name in referenced_names(schema):
        keys = _lookup(name)
        if keys is not None:
            out[name] = keys
    return out


def _lookup(name: str) -> Collection[tuple[str, ...]] | None:
    if _provider is None or not name.startswith(PREFIX):
        return None
    return _provider(name)


# full resource name -> {code: label in the active language}, or None when the name is unknown
LabelProvider = Callable[[str], dict[str, str] | None]

_label_provider: LabelProvider | None = None


def register_code_list_labels(provider: LabelProvider) -> None:
    """Install the function that labels the codes of a ``ddms:`` resource."""
    global _label_provider
    _label_provider = provider


def code_list_labels(name: str) -> dict[str, str] | None:
    """{code: label} of a ``ddms:`` resource in the active language; None if unknown."""
    if _label_provider is None or not name.startswith(PREFIX):
        return None
    return _label_provider(name)
