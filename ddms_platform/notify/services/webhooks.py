"""Webhook endpoints: created only for public addresses; disabled when the receiver is gone."""

from __future__ import annotations

from django.db import transaction

from ..models import Notification, WebhookEndpoint
from ..transports import check_webhook_url, new_webhook_secret


def webhook_endpoint_create(*, url: str, secret: str = "") -> WebhookEndpoint:
    """Store an endpoint after checking that its host resolves only to public addresses."""
    check_webhook_url(url)
    return WebhookEndpoint.objects.create(url=url, secret=secret or new_webhook_secret())


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop sending to an endpoint (HTTP 410) and cancel what was still waiting for it."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            is_active=False, disabled_reason=reason[:300]
        )
        Notification.objects.filter(
            webhook_id=endpoint.pk, status=Notification.Status.PENDING
        ).update(status=Notification.Status.CANCELLED, last_error=f"endpoint disabled: {reason}")
    endpoint.is_active = False
    endpoint.disabled_reason = reason[:300]
