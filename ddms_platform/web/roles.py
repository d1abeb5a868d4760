"""Which home page a user lands on; the role rules themselves live in core.permissions."""

from __future__ import annotations

from typing import Any

from ddms_platform.core.permissions import (
    is_city_staff,
    is_network_coordinator,
    is_nsi_staff,
    member_org_ids,
)

NSI, NETWORK, CITY, PARTNER, PUBLIC = "nsi", "network", "city", "partner", "public"

HOME_URL_NAMES = {
    NSI: "partnerships:nsi-overview",
    NETWORK: "network:home",
    CITY: "indicators:city-dashboard",
    PARTNER: "partnerships:portal",
    PUBLIC: "web:public-home",
}


def role_of(user: Any) -> str:
    """The role whose home page the user sees first (NSI, coordinator, city, partner)."""
    if not getattr(user, "is_authenticated", False):
        return PUBLIC
    if is_nsi_staff(user):
        return NSI
    if is_network_coordinator(user):
        return NETWORK
    if is_city_staff(user):
        return CITY
    if member_org_ids(user):
        return PARTNER
    return PUBLIC
