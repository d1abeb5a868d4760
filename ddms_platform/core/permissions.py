"""Organisation-scoped access: the one place that decides which rows a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .errors import NotPermitted

NSI_KINDS = ("nsi", "nsi_regional")
LOCAL_GOVERNMENT_KINDS = ("local_government",)
# The project team running the network across countries (see docs/network.md).
NETWORK_KINDS = ("network",)
ACTING_ROLES = ("manager", "member")

M = TypeVar("M", bound=Model)


def _membership_rows(user: Any) -> list[tuple[int, str, str, str]]:
    """(organisation id, kind, role, country) for each membership: one query, cached on the
    user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_ddms_membership_rows", None)
    if cached is None:
        membership = apps.get_model(settings.DDMS_MEMBERSHIP_MODEL)
        cached = list(
            membership.objects.filter(user_id=user.pk, organisation__is_active=True).values_list(
                "organisation_id", "organisation__kind", "role", "organisation__country_id"
            )
        )
        user._ddms_membership_rows = cached
    return cached


def _memberships(user: Any) -> list[tuple[int, str, str]]:
    """(organisation id, organisation kind, role) for each membership."""
    return [(org, kind, role) for org, kind, role, _country in _membership_rows(user)]


def staff_country_ids(user: Any, roles: Iterable[str] | None = None) -> frozenset[str]:
    """The countries whose NSI (or regional office) the user works for, optionally only with
    these roles: NSI staff act within these countries only (admins: see `is_admin`)."""
    wanted = set(roles) if roles is not None else None
    return frozenset(
        country
        for _o, kind, role, country in _membership_rows(user)
        if kind in NSI_KINDS and (wanted is None or role in wanted)
    )


def member_org_ids(user: Any, roles: Iterable[str] | None = None) -> frozenset[int]:
    """Ids of the organisations the user is a member of (optionally only with these roles)."""
    wanted = set(roles) if roles is not None else None
    return frozenset(
        org for org, _kind, role in _memberships(user) if wanted is None or role in wanted
    )


def is_admin(user: Any) -> bool:
    """True for platform operators (Django superusers)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def is_nsi_staff(user: Any) -> bool:
    """True for admins and members of the NSI or one of its regional offices."""
    return is_admin(user) or any(kind in NSI_KINDS for _o, kind, _r in _memberships(user))


def is_city_staff(user: Any) -> bool:
    """True for members of a local-government organisation."""
    return any(kind in LOCAL_GOVERNMENT_KINDS for _o, kind, _r in _memberships(user))


def scope_to_orgs(
    qs: QuerySet[M], user: Any, *paths: str, staff_sees_all: bool = True
) -> QuerySet[M]:
    """Restrict `qs` to rows linked through any of `paths` to one of the user's organisations.

    Staff of an NSI or its regional office also see every row whose path leads to an
    organisation of their own country (unless `staff_sees_all` is False); admins see every
    row; anonymous users see none. A sub-select on primary keys keeps many-to-many paths from
    duplicating rows.
    """
    if is_admin(user):
        return qs
    org_ids = member_org_ids(user)
    if not org_ids:
        return qs.none()
    countries = staff_country_ids(user) if staff_sees_all else frozenset()
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__in": org_ids})
        if countries:
            condition |= Q(**{f"{path}__country_id__in": countries})
    return qs.filter(pk__in=qs.model._default_manager.filter(condition).values("pk"))


def scope_to_countries(qs: QuerySet[M], user: Any, *paths: str) -> QuerySet[M]:
    """Restrict `qs` to rows whose country (through any of `paths`, each ending at a Country)
    is one the user works in as NSI staff; admins see every row, everyone else none."""
    if is_admin(user):
        return qs
    countries = staff_country_ids(user)
    if not countries:
        return qs.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__in": countries})
    return qs.filter(condition)


def country_member_user_ids(user: Any) -> Any:
    """A sub-select of the accounts that are members of an organisation in one of the NSI
    staff's countries: who their country's notifications go to (None for admins: everyone)."""
    if is_admin(user):
        return None
    membership = apps.get_model(settings.DDMS_MEMBERSHIP_MODEL)
    return membership.objects.filter(organisation__country_id__in=staff_country_ids(user)).values(
        "user_id"
    )


def is_staff_of_country(user: Any, country_id: str | None, *, acting: bool = False) -> bool:
    """True for admins and for NSI staff of `country_id` (acting: manager or member role)."""
    if is_admin(user):
        return True
    return country_id in staff_country_ids(user, ACTING_ROLES if acting else None)


def require_member(user: Any, org_id: int | None, *, roles: Iterable[str] = ACTING_ROLES) -> None:
    """Raise NotPermitted unless the user acts for `org_id` with one of `roles` (admins pass)."""
    if is_admin(user):
        return
    if org_id is None or org_id not in member_org_ids(user, roles):
        raise NotPermitted("You do not act for this organisation with a role that allows this.")


def is_acting_nsi_staff(user: Any) -> bool:
    """True for admins and NSI staff with a manager or member role (viewers only read)."""
    return is_admin(user) or any(
        kind in NSI_KINDS and role in ACTING_ROLES for _o, kind, role in _memberships(user)
    )


def require_nsi_staff(user: Any, *, country: Any = None) -> None:
    """Raise NotPermitted unless the user is NSI staff acting with a manager or member role
    (of `country`, a Country or its code, when given)."""
    if not is_acting_nsi_staff(user):
        raise NotPermitted("Only NSI staff may do this.")
    if country is not None:
        code = getattr(country, "pk", country)
        if not is_staff_of_country(user, code, acting=True):
            raise NotPermitted("Only NSI staff of this country may do this.")


class IsNSIStaff(BasePermission):
    """API permission: NSI staff or admin read; viewers among them may not write."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return is_nsi_staff(request.user)
        return is_acting_nsi_staff(request.user)


class PublicReadNSIWrite(BasePermission):
    """API permission: anyone may read (selectors hide what is embargoed); acting NSI staff
    write."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or is_acting_nsi_staff(request.user)


def is_network_coordinator(user: Any) -> bool:
    """True for members of a network organisation: they read what every country published or
    shared with the network, never a country's working data."""
    return any(kind in NETWORK_KINDS for _o, kind, _r in _memberships(user))


def is_acting_network_coordinator(user: Any) -> bool:
    """True for network coordinators with a manager or member role (viewers only read)."""
    return any(
        kind in NETWORK_KINDS and role in ACTING_ROLES for _o, kind, role in _memberships(user)
    )


def network_org_ids(user: Any) -> frozenset[int]:
    """Ids of the network organisations the user acts for (manager or member)."""
    return frozenset(
        org
        for org, kind, role in _memberships(user)
        if kind in NETWORK_KINDS and role in ACTING_ROLES
    )


def require_network_coordinator(user: Any) -> None:
    """Raise NotPermitted unless the user is an acting network coordinator (admins pass)."""
    if not (is_admin(user) or is_acting_network_coordinator(user)):
        raise NotPermitted("Only the network coordinator may do this.")


def is_network_reader(user: Any) -> bool:
    """True for whoever reads what countries shared with the network: admins, NSI staff of
    any country and network coordinators."""
    return is_nsi_staff(user) or is_network_coordinator(user)
