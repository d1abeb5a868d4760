"""Reads of the partnerships registry, each scoped to what the user may see.

Every API view, admin-free page and serializer field that resolves ids goes through these, so
an object outside the user's organisations is simply not found (404 / "does not exist").
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from ddms_platform.core.audit import audit_history
from ddms_platform.core.models import AuditEntry
from ddms_platform.core.permissions import (
    NSI_KINDS,
    is_acting_nsi_staff,
    is_admin,
    member_org_ids,
    scope_to_orgs,
    staff_country_ids,
)

from .models import (
    Activity,
    Agreement,
    AgreementDocument,
    AgreementParty,
    CaseStudy,
    CommunicationPlan,
    Contact,
    Country,
    KnowledgeArticle,
    Membership,
    Organisation,
    Pilot,
    Policy,
)

# The NSI (first path) gives the row its country: its staff see the row (scope_to_orgs).
AGREEMENT_PATHS = ("nsi", "party_links__organisation")
PILOT_PATHS = ("nsi", "partners", "local_government")
PLAN_PATHS = (
    "owner",
    "pilot__nsi",
    "pilot__partners",
    "pilot__local_government",
    "agreement__nsi",
    "agreement__party_links__organisation",
)


def can_manage_registry(user: Any) -> bool:
    """True for admins and NSI staff acting as manager or member (viewers only read)."""
    return is_acting_nsi_staff(user)


def home_nsi(user: Any) -> Organisation | None:
    """The NSI the user works for: one it is a member of, else its regional office's parent."""
    mine = member_org_ids(user)
    if not mine:
        return None
    nsis = Organisation.objects.filter(kind="nsi", is_active=True).order_by("pk")
    return nsis.filter(pk__in=mine).first() or nsis.filter(children__pk__in=mine).first()


def country_list() -> QuerySet[Country]:
    """Every country (reference data)."""
    return Country.objects.all()


def organisation_list(user: Any) -> QuerySet[Organisation]:
    """NSI staff see their country's organisations; others their own and the NSI with its
    offices of their own organisations' countries; admins all."""
    qs = Organisation.objects.select_related("country", "parent")
    if is_admin(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    countries = staff_country_ids(user)
    if countries:
        return qs.filter(country_id__in=countries)
    mine = member_org_ids(user)
    home = Organisation.objects.filter(pk__in=mine).values("country_id")
    return qs.filter(Q(pk__in=mine) | Q(kind__in=NSI_KINDS, country_id__in=home))


def user_list(user: Any) -> QuerySet[Any]:
    """Accounts the user may name: NSI staff those of their country's organisations (and
    accounts without any membership yet), others members of their own organisations; admins
    all."""
    users = get_user_model().objects.filter(is_active=True)
    if is_admin(user):
        return users
    countries = staff_country_ids(user)
    if countries:
        return users.filter(
            Q(memberships__organisation__country_id__in=countries) | Q(memberships__isnull=True)
        ).distinct()
    return users.filter(memberships__organisation_id__in=member_org_ids(user)).distinct()


def contact_list(user: Any) -> QuerySet[Contact]:
    """Contacts of the user's own organisations (all for NSI staff)."""
    return scope_to_orgs(Contact.objects.select_related("organisation"), user, "organisation")


def membership_list(user: Any) -> QuerySet[Membership]:
    """Memberships of the user's own organisations (all for NSI staff)."""
    return scope_to_orgs(
        Membership.objects.select_related("user", "organisation"), user, "organisation"
    )


def agreement_list(user: Any) -> QuerySet[Agreement]:
    """Agreements where one of the user's organisations is a party (all for NSI staff)."""
    parties = AgreementParty.objects.select_related("organisation").order_by("id")
    return scope_to_orgs(
        Agreement.objects.select_related("nsi").prefetch_related(
            Prefetch("party_links", queryset=parties)
        ),
        user,
        *AGREEMENT_PATHS,
    )


def agreement_document_list(
    user: Any, agreement: Agreement | None = None
) -> QuerySet[AgreementDocument]:
    """Document versions of the agreements the user may see."""
    qs = scope_to_orgs(
        AgreementDocument.objects.select_related("uploaded_by"),
        user,
        *(f"agreement__{p}" for p in AGREEMENT_PATHS),
    )
    if agreement is not None:
        qs = qs.filter(agreement=agreement)
    return qs


def agreement_history(agreement: Agreement) -> QuerySet[AuditEntry]:
    """The agreement's audit entries, newest first (the caller has checked visibility)."""
    return audit_history(agreement)


def case_study_list(user: Any) -> QuerySet[CaseStudy]:
    """Case studies of the agreements the user may see."""
    return scope_to_orgs(
        CaseStudy.objects.select_related("agreement").prefetch_related(
            "objectives", "objectives__deliverables"
        ),
        user,
        *(f"agreement__{p}" for p in AGREEMENT_PATHS),
    )


def pilot_list(user: Any) -> QuerySet[Pilot]:
    """Pilots where one of the user's organisations is a partner or the local government."""
    return scope_to_orgs(
        Pilot.objects.select_related("country", "nsi", "local_government").prefetch_related(
            "partners", "agreements"
        ),
        user,
        *PILOT_PATHS,
    )


def policy_list(user: Any) -> QuerySet[Policy]:
    """Policies of the pilots the user may see, with their targets."""
    return scope_to_orgs(
        Policy.objects.select_related("pilot").prefetch_related("targets"),
        user,
        *(f"pilot__{p}" for p in PILOT_PATHS),
    )


def plan_list(user: Any) -> QuerySet[CommunicationPlan]:
    """Communication plans of the pilots and agreements the user may see."""
    return scope_to_orgs(
        CommunicationPlan.objects.select_related("pilot", "agreement", "owner").prefetch_related(
            "activities"
        ),
        user,
        *PLAN_PATHS,
    )


def activity_list(user: Any) -> QuerySet[Activity]:
    """Activities of the communication plans the user may see."""
    return scope_to_orgs(
        Activity.objects.select_related("plan", "owner"),
        user,
        *(f"plan__{p}" for p in PLAN_PATHS),
    )


def article_list(user: Any) -> QuerySet[KnowledgeArticle]:
    """Published articles for everyone; drafts for the NSI staff of the author's country."""
    qs = KnowledgeArticle.objects.select_related("author_organisation", "case_study")
    if is_admin(user):
        return qs
    countries = staff_country_ids(user)
    if countries:
        return qs.filter(Q(is_published=True) | Q(author_organisation__country_id__in=countries))
    return qs.filter(is_published=True)
