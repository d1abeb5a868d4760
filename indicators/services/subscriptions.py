"""Subscriptions: create (double opt-in for anonymous e-mail), confirm, unsubscribe."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.limits import limit_hit
from ddms_platform.core.links import site_link
from ddms_platform.notify.services import webhook_endpoint_create

from ..models import Indicator, Subscription

CONFIRM_SALT = "ddms.subscription.confirm"
FIELDS = ("channel", "frequency", "topic", "territory_id", "pilot_id", "is_active", "confirmed_at")


def confirm_token(subscription: Subscription) -> str:
    """A signed, timestamped token naming the subscription and the address it confirms."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(
        f"{subscription.pk}:{subscription.email}"
    )


def unsubscribe_url(subscription: Subscription) -> str:
    """The RFC 8058 one-click URL carried by every e-mail."""
    return site_link("subscription-unsubscribe", subscription.token)


def _send_confirmation(subscription: Subscription) -> None:
    link = site_link("subscription-confirm", confirm_token(subscription))
    context = {"link": link, "days": settings.DDMS_SUBSCRIPTION_CONFIRM_DAYS}
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=render_to_string("notify/subscription_confirm_subject.txt", context).strip(),
            message=render_to_string("notify/subscription_confirm.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[subscription.email],
        )


@transaction.atomic
def subscription_create(
    *,
    actor: Any,
    email: str = "",
    channel: str = Subscription.Channel.EMAIL,
    frequency: str = Subscription.Frequency.IMMEDIATE,
    webhook_url: str = "",
    indicators: Iterable[Indicator] = (),
    topic: str = "",
    territory: Any = None,
    pilot: Any = None,
    language: str = "",
    client_ip: str = "",
) -> Subscription:
    """Follow releases; an anonymous e-mail subscription waits for its owner's confirmation.

    Anonymous sign-ups are limited per caller address (`client_ip`) and per e-mail address,
    since each one sends a confirmation mail to an address nobody has verified yet.
    """
    signed_in = bool(getattr(actor, "is_authenticated", False))
    indicators = list(indicators)
    if not (indicators or topic or territory or pilot):
        raise DomainError(
            "Follow at least one indicator, a topic, a territory or a pilot.", code="no_target"
        )
    if channel == Subscription.Channel.WEBHOOK:
        if not signed_in:
            raise DomainError("Sign in to register a webhook.", code="webhook_needs_account")
        webhook = webhook_endpoint_create(url=webhook_url)
    else:
        webhook = None
    if not signed_in and not email:
        raise DomainError("An e-mail address is needed.", code="email_required")
    if not signed_in:
        limit_hit(
            "signup-ip",
            # A caller whose address is unknown still counts (all such callers together): a
            # forgotten argument must not switch the limit off.
            client_ip or "unknown",
            settings.DDMS_SIGNUP_RATE_PER_IP,
            message=translation.gettext("Too many subscriptions from your address."),
        )
        limit_hit(
            "confirm-mail",
            email,
            settings.DDMS_CONFIRM_MAIL_RATE_PER_ADDRESS,
            message=translation.gettext("Too many confirmation e-mails to this address."),
        )
    subscription = Subscription.objects.create(
        user=actor if signed_in else None,
        email="" if signed_in else email.strip(),
        # An account's address is already verified; an anonymous one needs double opt-in.
        confirmed_at=timezone.now() if signed_in else None,
        channel=channel,
        frequency=frequency if channel == Subscription.Channel.EMAIL else "immediate",
        webhook=webhook,
        topic=topic,
        territory=territory,
        pilot=pilot,
        language=language or translation.get_language() or "",
    )
    subscription.indicators.set(indicators)
    audit_record(
        actor=actor,
        action="subscription.create",
        obj=subscription,
        after=snapshot(subscription, FIELDS),
    )
    if subscription.confirmed_at is None:
        transaction.on_commit(lambda: _send_confirmation(subscription))
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm an anonymous subscription from its signed link (tampered or expired: refused)."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=settings.DDMS_SUBSCRIPTION_CONFIRM_DAYS * 86400
        )
    except signing.SignatureExpired:
        raise DomainError(
            "This confirmation link has expired; subscribe again.", code="link_expired"
        ) from None
    except signing.BadSignature:
        raise DomainError("This confirmation link is not valid.", code="link_invalid") from None
    pk, _, email = value.partition(":")
    subscription = Subscription.objects.select_for_update().filter(pk=int(pk), email=email).first()
    if subscription is None:
        raise DomainError("This subscription no longer exists.", code="link_invalid")
    if subscription.confirmed_at is None:
        before = snapshot(subscription, FIELDS)
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at", "updated_at"])
        audit_record(
            actor=None,
            action="subscription.confirm",
            obj=subscription,
            before=before,
            after=snapshot(subscription, FIELDS),
        )
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, actor: Any = None) -> Subscription:
    """Stop a subscription (one-click link or its owner); pending messages are cancelled."""
    from ddms_platform.notify.models import Notification

    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_active:
        before = snapshot(subscription, FIELDS)
        subscription.is_active = False
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["is_active", "unsubscribed_at", "updated_at"])
        Notification.objects.filter(
            subscription_id=subscription.pk, status=Notification.Status.PENDING
        ).update(status=Notification.Status.CANCELLED, last_error="unsubscribed")
        audit_record(
            actor=actor,
            action="subscription.unsubscribe",
            obj=subscription,
            before=before,
            after=snapshot(subscription, FIELDS),
        )
    return subscription
