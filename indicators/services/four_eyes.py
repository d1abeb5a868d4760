"""Four eyes: what one NSI user prepared, another NSI manager approves (relaxable per NSI)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError, NotPermitted
from ddms_platform.core.models import AuditEntry
from ddms_platform.core.permissions import NSI_KINDS, is_admin, member_org_ids, require_member
from partnerships.models import DataRequest, Organisation

from ..models import PublishingPolicy


def _nsi_orgs(user: Any, roles: tuple[str, ...] | None = None) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=member_org_ids(user, roles), kind__in=NSI_KINDS))


def require_nsi_manager(user: Any) -> None:
    """Only an NSI (or regional office) manager approves; admins pass."""
    if not is_admin(user) and not _nsi_orgs(user, ("manager",)):
        raise NotPermitted(_("Only an NSI manager may approve."))


def four_eyes_relaxed(user: Any) -> bool:
    """True if an NSI the user works for (or its parent NSI) relaxed the rule."""
    orgs = _nsi_orgs(user)
    ids = {o.pk for o in orgs} | {o.parent_id for o in orgs if o.parent_id}
    return PublishingPolicy.objects.filter(organisation_id__in=ids, four_eyes_relaxed=True).exists()


def require_second_pair(*, actor: Any, preparer_id: int | None, what: str) -> bool:
    """Refuse `actor` approving what they prepared, unless their NSI relaxed the rule.

    Returns True when the rule was relaxed for this action (the caller records it).
    """
    if preparer_id is None or getattr(actor, "pk", None) != preparer_id:
        return False
    if four_eyes_relaxed(actor):
        return True
    raise DomainError(
        _(
            "Four eyes: %(what)s must be approved by another NSI manager than the one who prepared it."
        )
        % {"what": what},
        code="four_eyes",
    )


def request_accepted_by(data_request: DataRequest) -> int | None:
    """The user who accepted the request's submission (from its audit trail)."""
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(DataRequest),
            object_id=str(data_request.pk),
            action="data_request.accepted",
        )
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


@transaction.atomic
def publishing_policy_set(
    *, actor: Any, organisation: Organisation, four_eyes_relaxed: bool, reason: str = ""
) -> PublishingPolicy:
    """Relax (or restore) four eyes for one NSI; a manager of it decides, with a reason."""
    if organisation.kind not in NSI_KINDS:
        raise DomainError(_("Publishing policies belong to NSIs."), code="not_nsi")
    require_member(actor, organisation.pk, roles=("manager",))
    reason = reason.strip()
    if four_eyes_relaxed and not reason:
        raise DomainError(
            _("Say why four eyes is relaxed."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    policy, _created = PublishingPolicy.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    before = {"four_eyes_relaxed": policy.four_eyes_relaxed, "reason": policy.reason}
    policy.four_eyes_relaxed = four_eyes_relaxed
    policy.reason = reason
    policy.changed_by = actor if getattr(actor, "is_authenticated", False) else None
    policy.save()
    audit_record(
        actor=actor,
        action="publishing_policy.set",
        obj=policy,
        before=before,
        after={"four_eyes_relaxed": four_eyes_relaxed, "reason": reason},
    )
    return policy
