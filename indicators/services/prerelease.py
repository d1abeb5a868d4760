"""Pre-release access: named users read a scheduled release hours early; every view is logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import require_nsi_staff

from ..choices import PublicationState
from ..models import PreReleaseAccess, PreReleaseView, Publication

S = PublicationState
MAX_HOURS = 72
GRANTABLE = (S.APPROVED, S.SCHEDULED, S.POSTPONED)


@transaction.atomic
def pre_release_grant(
    *, actor: Any, publication: Publication, username: str, hours: int, purpose: str = ""
) -> PreReleaseAccess:
    """Name a user who may read the release `hours` before its time (published with it)."""
    require_nsi_staff(actor)
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.state not in GRANTABLE:
        raise DomainError(
            _("Pre-release access is given to an approved or scheduled release only."),
            code="not_grantable",
        )
    if not 1 <= int(hours) <= MAX_HOURS:
        raise DomainError(
            _("Pre-release access lasts 1 to %(max)s hours.") % {"max": MAX_HOURS},
            code="invalid_hours",
            fields={"hours": [_("Between 1 and %(max)s.") % {"max": MAX_HOURS}]},
        )
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(
            _("No active user %(name)s.") % {"name": username},
            code="unknown_user",
            fields={"user": [_("No such user.")]},
        )
    access, _created = PreReleaseAccess.objects.update_or_create(
        publication=publication,
        user=user,
        defaults={"hours": hours, "purpose": purpose.strip(), "granted_by": actor},
    )
    audit_record(
        actor=actor,
        action="publication.pre_release_grant",
        obj=publication,
        after={"user": user.get_username(), "hours": hours, "purpose": access.purpose},
    )
    return access


def pre_release_open(
    *, user: Any, publication: Publication, now: dt.datetime | None = None
) -> PreReleaseAccess | None:
    """The user's access if it is open now (and log this view); None otherwise."""
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False) or publication.release_at is None:
        return None
    if publication.state != S.SCHEDULED:
        return None
    access = PreReleaseAccess.objects.filter(publication=publication, user=user).first()
    if access is None:
        return None
    opens = publication.release_at - dt.timedelta(hours=access.hours)
    if not opens <= now < publication.release_at:
        return None
    PreReleaseView.objects.create(access=access)
    return access
