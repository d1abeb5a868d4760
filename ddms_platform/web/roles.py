"""Which home page a user lands on; the role rules themselves live in core.permissions."""

from __future__ import annotations

from typing import Any

from ddms_platform.core.permissions import is_city_staff, is_nsi_staff, member_org_ids

NSI, CITY, PARTNER, PUBLIC = "nsi", "city", "partner", "public"

HOME_URL_NAMES = {
    NSI: "partnerships:nsi-overview",
    CITY: "indicators:city-dashboard",
    PARTNER: "partnerships:portal",
    PUBLIC: "web:public-home",
}


def role_of(user: Any) -> str:
    """The role whose home page the user sees first (NSI before city before partner)."""
    if not getattr(user, "is_authenticated", False):
        return PUBLIC
    if is_nsi_staff(user):
        return NSI
    if is_city_staff(user):
        return CITY
    if member_org_ids(user):
        return PARTNER
    return PUBLIC
