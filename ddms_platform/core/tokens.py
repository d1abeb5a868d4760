"""API tokens: each user makes and revokes their own (DRF TokenAuthentication, one per user)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from .audit import audit_record


@transaction.atomic
def api_token_create(*, actor: Any) -> Token:
    """A new token for the actor; any previous one stops working at once."""
    replaced = Token.objects.filter(user=actor).delete()[0] > 0
    token = Token.objects.create(user=actor)
    # The audit entry names the user, never the key: the audit trail is not a place for secrets.
    audit_record(actor=actor, action="api_token.create", obj=actor, after={"replaced": replaced})
    return token


@transaction.atomic
def api_token_revoke(*, actor: Any) -> bool:
    """Delete the actor's token (if any); True when there was one."""
    revoked = Token.objects.filter(user=actor).delete()[0] > 0
    if revoked:
        audit_record(actor=actor, action="api_token.revoke", obj=actor)
    return revoked


def api_token_of(user: Any) -> Token | None:
    """The user's current token, if they made one."""
    return Token.objects.filter(user=user).first()
