"""Sharing indicator definitions with the network and adopting them into another country."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError, NotPermitted
from ddms_platform.core.permissions import require_nsi_staff
from ddms_platform.core.sharing import network_share_set

from ..models import ComparabilityGroup, Indicator, IndicatorAdoption
from ..selectors.network import own_indicator_list
from .indicators import INDICATOR_FIELDS, indicator_create, indicator_owner_for

# What an adoption copies: the concept, methodology, unit and dimensions stay the source's.
ADOPTED_FIELDS = tuple(f for f in INDICATOR_FIELDS if f not in ("code", "is_active"))


@transaction.atomic
def indicator_share(*, indicator: Indicator, actor: Any, shared: bool = True) -> Indicator:
    """Share an indicator definition with the network, or take it back (its own NSI's staff).

    Only the definition is shared; values stay under the release calendar.
    """
    require_nsi_staff(actor)
    if not own_indicator_list(actor).filter(pk=indicator.pk).exists():
        raise NotPermitted(_("You may share only your own NSI's indicators."))
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    network_share_set(obj=locked, actor=actor, shared=shared, action="indicator")
    return locked


def _group_for(source: Indicator) -> ComparabilityGroup:
    group = source.comparability_groups.order_by("pk").first()
    if group is not None:
        return group
    base = slugify(source.code)[:50] or "indicator"
    code, n = base, 2
    while ComparabilityGroup.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    group = ComparabilityGroup.objects.create(code=code, name_en=source.name_en)
    group.indicators.add(source)
    return group


@transaction.atomic
def indicator_adopt(*, source: Indicator, actor: Any, code: str = "") -> IndicatorAdoption:
    """Adopt another NSI's shared indicator definition into the actor's own country.

    The new indicator has the same concept, methodology, unit and dimensions; the adoption is
    recorded and both indicators join one comparability group.
    """
    require_nsi_staff(actor)
    nsi = indicator_owner_for(actor)
    source = Indicator.objects.select_for_update().get(pk=source.pk)
    if not source.shared_with_network:
        raise DomainError(_("This indicator is not shared with the network."), code="not_shared")
    if own_indicator_list(actor).filter(pk=source.pk).exists():
        raise DomainError(
            _("This indicator is already your own; share it instead of adopting it."),
            code="own_indicator",
        )
    code = (code or source.code).strip()
    earlier = IndicatorAdoption.objects.filter(source=source, organisation=nsi).first()
    if earlier is not None:
        raise DomainError(
            _("Your NSI adopted this indicator already, as %(code)s.")
            % {"code": earlier.adopted.code},
            code="already_adopted",
            fields={"code": [_("already adopted")]},
        )
    if Indicator.objects.filter(owner=nsi, code=code).exists():
        raise DomainError(
            _("Your NSI already has an indicator with the code %(code)s.") % {"code": code},
            code="code_taken",
            fields={"code": [_("already used by one of your indicators")]},
        )
    fields = {name: getattr(source, name) for name in ADOPTED_FIELDS}
    adopted = indicator_create(actor=actor, owner=nsi, code=code, **fields)
    group = _group_for(source)
    group.indicators.add(adopted)
    adoption = IndicatorAdoption.objects.create(
        source=source,
        adopted=adopted,
        group=group,
        organisation=nsi,
        adopted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="indicator.adopt",
        obj=adopted,
        after={"source": source.pk, "group": group.code, "organisation": nsi.pk},
    )
    return adoption
