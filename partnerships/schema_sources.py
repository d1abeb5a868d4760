"""Where a new request's expected table can start from: the library, an earlier request, or
an indicator (the indicators app registers the generator; this app must not import it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from ddms_platform.core.permissions import is_admin, staff_country_ids

from .models import DataRequest
from .selectors_requests import requests_visible_to
from .selectors_schemas import schema_templates_visible

# (indicator code, territory root code, level, period type) -> Table Schema, None if unknown
IndicatorSchema = Callable[[str, str, str, str, frozenset[str] | None], dict[str, Any] | None]

_indicator_schema: IndicatorSchema | None = None


def register_indicator_schema(provider: IndicatorSchema) -> None:
    """Install the function that writes the Table Schema of an indicator's data."""
    global _indicator_schema
    _indicator_schema = provider


def indicator_schema(
    code: str,
    *,
    root: str = "",
    level: str = "",
    period: str = "",
    countries: frozenset[str] | None = None,
) -> dict[str, Any] | None:
    """The generated Table Schema of an indicator's data, None if there is no such indicator
    (among `countries`' indicators when given: codes are unique per NSI)."""
    if _indicator_schema is None or not code:
        return None
    return _indicator_schema(code, root, level, period, countries)


def starting_point(user: Any, params: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(schema, dialect) named by ``template``, ``from_request`` or ``indicator`` in ``params``."""
    template_id, request_id = params.get("template"), params.get("from_request")
    if template_id and str(template_id).isdigit():
        template = schema_templates_visible(user).filter(pk=int(template_id)).first()
        return (template.table_schema, template.dialect) if template else None
    if request_id and str(request_id).isdigit():
        earlier: DataRequest | None = requests_visible_to(user).filter(pk=int(request_id)).first()
        return (earlier.table_schema, earlier.dialect) if earlier else None
    if params.get("indicator"):
        schema = indicator_schema(
            str(params["indicator"]),
            countries=None if is_admin(user) else staff_country_ids(user),
            root=str(params.get("root", "")),
            level=str(params.get("level", "")),
            period=str(params.get("period", "")),
        )
        return (schema, {}) if schema is not None else None
    return None


def indicator_levels() -> list[tuple[str, str]]:
    """The territory levels a generated schema may ask for (value, label)."""
    # the same words as the indicators app's TerritoryLevel, so the catalogues already hold them
    return [
        ("", "–"),
        ("region", str(_("Region"))),
        ("district", str(_("District"))),
        ("city", str(_("City"))),
        ("municipality", str(_("Municipality"))),
    ]
