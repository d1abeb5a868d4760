"""Services for organisations, their contacts and memberships."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import NSI_KINDS, require_member, require_nsi_staff

from ..choices import MembershipRole, OrganisationKind
from ..models import Contact, Membership, Organisation
from ..models.registry import validate_sdmx_id
from ._common import apply_fields, record_change, record_create

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "country",
    "parent",
    "website",
    "email",
    "phone",
    "address",
    "is_active",
    "agency_id",
)
CONTACT_FIELDS = ("name", "position", "email", "phone")


def _check_parent(org: Organisation) -> None:
    if org.parent_id is None:
        if org.kind == OrganisationKind.NSI_REGIONAL:
            raise ValidationError({"parent": ["A regional office needs its NSI as parent."]})
        return
    if org.pk is not None and org.parent_id == org.pk:
        raise ValidationError({"parent": ["An organisation cannot be its own parent."]})
    parent = org.parent
    if (
        org.kind == OrganisationKind.NSI_REGIONAL
        and parent is not None
        and parent.kind not in NSI_KINDS
    ):
        raise ValidationError({"parent": ["A regional office's parent must be an NSI."]})


def _check_agency(org: Organisation) -> None:
    """An NSI names its SDMX agency (derived from its short name when not given)."""
    if org.agency_id == "":
        org.agency_id = None
    if org.kind != OrganisationKind.NSI:
        return
    if org.agency_id is None:
        org.agency_id = default_agency_id(org)
    try:
        validate_sdmx_id(org.agency_id)
    except ValidationError as exc:
        raise ValidationError({"agency_id": exc.messages}) from None
    clash = Organisation.objects.filter(agency_id__iexact=org.agency_id).exclude(pk=org.pk)
    if clash.exists():
        raise ValidationError({"agency_id": ["Another organisation has this SDMX agency id."]})


def default_agency_id(org: Organisation) -> str:
    """An unused SDMX agency id for an NSI: its short name as an SDMX id, else NSI_<country>."""
    base = re.sub(r"[^A-Za-z0-9_-]", "", (org.short_name or "").replace(" ", "_"))[:45]
    if not base or not base[0].isalpha():
        base = f"NSI_{org.country_id}"
    candidate, n = base, 2
    while Organisation.objects.filter(agency_id__iexact=candidate).exclude(pk=org.pk).exists():
        candidate, n = f"{base}_{n}", n + 1
    return candidate


@transaction.atomic
def organisation_create(
    *, actor: Any, name: str, kind: str, country: Any, **fields: Any
) -> Organisation:
    """Register an organisation (NSI staff only)."""
    require_nsi_staff(actor, country=getattr(country, "pk", country))
    org = Organisation(name=name, kind=kind, country=country)
    apply_fields(org, fields, ORGANISATION_FIELDS, save=False, check=_check_agency)
    _check_parent(org)
    org.save()
    record_create(actor=actor, action="organisation.create", obj=org)
    return org


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: Any, data: Mapping[str, Any]
) -> Organisation:
    """Change an organisation's details (NSI staff only)."""
    require_nsi_staff(actor, country=organisation.country_id)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before, after = apply_fields(org, data, ORGANISATION_FIELDS, check=_check_agency)
    _check_parent(org)
    record_change(actor=actor, action="organisation.update", obj=org, before=before, after=after)
    return org


def _require_contact_editor(actor: Any, organisation_id: int) -> None:
    # NSI staff keep the directory; a partner's managers keep their own organisation's contacts.
    try:
        require_nsi_staff(actor)
    except DomainError:
        require_member(actor, organisation_id, roles=(MembershipRole.MANAGER,))


def _check_contact(contact: Contact) -> None:
    # One entry per person: the same e-mail address twice in an organisation is a duplicate.
    if contact.email:
        twin = Contact.objects.filter(
            organisation_id=contact.organisation_id, email__iexact=contact.email
        ).exclude(pk=contact.pk)
        if twin.exists():
            raise ValidationError(
                {"email": [f"{contact.email} is already a contact of this organisation."]}
            )


@transaction.atomic
def contact_create(*, actor: Any, organisation: Organisation, name: str, **fields: Any) -> Contact:
    """Add a contact person to an organisation."""
    _require_contact_editor(actor, organisation.pk)
    contact = Contact(organisation=organisation, name=name)
    apply_fields(contact, fields, CONTACT_FIELDS, save=False, check=_check_contact)
    contact.save()
    record_create(actor=actor, action="contact.create", obj=contact)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: Any, data: Mapping[str, Any]) -> Contact:
    """Change a contact person's details."""
    _require_contact_editor(actor, contact.organisation_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before, after = apply_fields(contact, data, CONTACT_FIELDS, check=_check_contact)
    record_change(actor=actor, action="contact.update", obj=contact, before=before, after=after)
    return contact


@transaction.atomic
def contact_remove(*, contact: Contact, actor: Any) -> None:
    """Delete a contact person; the audit entry keeps what was removed."""
    _require_contact_editor(actor, contact.organisation_id)
    audit_record(
        actor=actor,
        action="contact.remove",
        obj=contact.organisation,
        before={"contact": contact.pk, "name": contact.name, "email": contact.email},
    )
    contact.delete()


@transaction.atomic
def membership_add(
    *,
    actor: Any,
    organisation: Organisation,
    user: Any,
    role: str = MembershipRole.MEMBER,
) -> Membership:
    """Let a user act for an organisation with a role (NSI staff only)."""
    require_nsi_staff(actor, country=organisation.country_id)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"user": ["This user is already a member of the organisation."]})
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.add",
        obj=organisation,
        after={"membership": membership.pk, "user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, actor: Any, role: str) -> Membership:
    """Change a member's role (NSI staff only)."""
    require_nsi_staff(actor, country=membership.organisation.country_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    before, after = apply_fields(membership, {"role": role}, ("role",))
    if before:
        audit_record(
            actor=actor,
            action="membership.update",
            obj=membership.organisation,
            before={"membership": membership.pk, "user": membership.user_id, **before},
            after={"membership": membership.pk, "user": membership.user_id, **after},
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    """Stop a user acting for an organisation (NSI staff only)."""
    require_nsi_staff(actor, country=membership.organisation.country_id)
    audit_record(
        actor=actor,
        action="membership.remove",
        obj=membership.organisation,
        before={"membership": membership.pk, "user": membership.user_id, "role": membership.role},
    )
    membership.delete()
