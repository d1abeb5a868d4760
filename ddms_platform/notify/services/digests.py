"""Digests: each recipient's held notifications of a period, sent as one e-mail.

Notifications of digest subscribers are created like any other (one row per recipient and
event, unique) but wait with `digest = daily|weekly`. The periodic digest job groups a
recipient's due rows into one message and uses the same bookkeeping as immediate delivery:
a recipient's rows are claimed (pending → sending, attempts + 1) and that is committed
before the message leaves; the outcome is committed with the next recipient's claim. A second
run finds nothing pending; a run killed mid-send leaves one digest's rows `sending`, which
the sweep resolves as "outcome unknown" (e-mail is at-most-once), so nothing is sent twice,
and the later recipients' rows pending for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string, select_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from ..messages import EmailRenderer
from ..models import Channel, Notification
from ..transports import DeliveryError, build_email, open_mail_connection, send_email
from .delivery import event_gate, record_outcomes

log = logging.getLogger(__name__)

Status = Notification.Status
DIGESTS = (Notification.Digest.DAILY, Notification.Digest.WEEKLY)


def _held(frequency: str | None, *, now: dt.datetime, only_retries: bool) -> Any:
    rows = Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=Status.PENDING,
        channel=Channel.EMAIL,
        created_at__lte=now,
    )
    rows = rows.filter(digest=frequency) if frequency else rows.filter(digest__in=DIGESTS)
    if only_retries:
        # A digest that failed transiently (or an operator's retry) waits for no schedule.
        rows = rows.filter(attempts__gt=0)
    return rows


def _claim(
    keys: list[str], frequency: str | None, *, now: dt.datetime, only_retries: bool
) -> list[Notification]:
    """The recipients' due held rows (still pending: each group is handed over on its own)."""
    with transaction.atomic():
        rows = list(
            _held(frequency, now=now, only_retries=only_retries)
            .filter(recipient_key__in=keys)
            .select_related("event")
            .order_by("recipient_key", "created_at", "id")
        )
        gates = {r.event_id: event_gate(r.event) for r in {r.event_id: r for r in rows}.values()}
        held = [r for r in rows if (g := gates[r.event_id]) is not None and g > now]
        for row in held:  # an embargo moved: the item waits for a later digest
            row.next_attempt_at = gates[row.event_id]
        if held:
            Notification.objects.bulk_update(held, ["next_attempt_at"])
    return [r for r in rows if r not in held]


def _hand_over(group: list[Notification]) -> list[Notification]:
    """Mark a recipient's rows sending (in the caller's transaction); the ones still pending."""
    now = timezone.now()
    mine = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=[r.pk for r in group], status=Status.PENDING)
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=mine).update(
        status=Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1
    )
    group = [r for r in group if r.pk in set(mine)]
    for row in group:
        row.status, row.attempts, row.sending_started_at = Status.SENDING, row.attempts + 1, now
    return group


def _item_templates(name: str) -> tuple[Any, Any]:
    text = select_template([f"notify/{name}_item.txt", "notify/generic_item.txt"])
    try:
        html = get_template(f"notify/{name}_item.html")
    except TemplateDoesNotExist:
        html = get_template("notify/generic_item.html")
    return text, html


def render_digest(rows: list[Notification], renderer: EmailRenderer) -> EmailMultiAlternatives:
    """One message listing every grouped notification, in the recipient's language."""
    from ..messages import message_id, template_name

    first = rows[0]
    unsubscribe_urls = list(
        dict.fromkeys(u for r in rows if (u := r.context.get("unsubscribe_url")))
    )
    items = []
    with translation.override(first.language or settings.LANGUAGE_CODE):
        for row in rows:
            context = {
                "event": row.event,
                "payload": row.event.payload,
                **renderer.shared(row.event),
                **row.context,
                "site_url": settings.SITE_URL,
            }
            text_t, html_t = _item_templates(template_name(row.event.kind))
            items.append(
                {
                    "text": text_t.render(context).strip(),
                    # Rendered with autoescaping by our own template: safe to embed.
                    "html": mark_safe(html_t.render(context).strip()),  # noqa: S308
                }
            )
        context = {
            "items": items,
            "count": len(items),
            "frequency": first.digest,
            "unsubscribe_url": unsubscribe_urls[0] if unsubscribe_urls else "",
            "unsubscribe_urls": unsubscribe_urls,
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(render_to_string("notify/digest_subject.txt", context).split())
        text = render_to_string("notify/digest.txt", context)
        html = render_to_string("notify/digest.html", context)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    # Stable across retries of the same digest: the first grouped notification names it.
    headers = {"Message-ID": f"<{message_id(first).replace('notification', 'digest')}@{domain}>"}
    if unsubscribe_urls:
        headers["List-Unsubscribe"] = f"<{unsubscribe_urls[0]}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return build_email(to=first.email, subject=subject, text=text, html=html, headers=headers)


def _groups(rows: Iterable[Notification]) -> list[list[Notification]]:
    groups: dict[str, list[Notification]] = {}
    for row in rows:
        groups.setdefault(row.recipient_key, []).append(row)
    return list(groups.values())


def _send_groups(groups: list[list[Notification]], connection: Any) -> int:
    """Send one digest per group over the open connection; record every grouped row.

    As for immediate e-mail, each digest's rows are marked sending just before it leaves
    and its answer is committed with the next digest's mark: a run killed mid-way leaves
    one digest in flight and every later recipient's rows pending.
    """
    renderer = EmailRenderer()
    answered: list[Any] = []
    sent = 0
    try:
        for group in groups:
            with transaction.atomic():
                if answered:
                    record_outcomes(answered)  # transient failures go back to pending
                    answered = []
                group = _hand_over(group)
            if not group:
                continue  # another run has them
            started, t0 = timezone.now(), time.monotonic()
            error: DeliveryError | None = None
            try:
                send_email(connection, render_digest(group, renderer))
                sent += 1
            except DeliveryError as exc:
                error = exc
            duration = int((time.monotonic() - t0) * 1000)
            answered = [(row, started, duration, error, None) for row in group]
    finally:
        if answered:
            record_outcomes(answered)
    return sent


def digests_send(*, frequency: str | None, only_retries: bool = False) -> int:
    """Send each recipient's due held notifications as one e-mail; returns digests sent.

    `frequency` is `daily` or `weekly` (the scheduled jobs) or None with `only_retries`
    (the sweep: digests that failed transiently are sent again without waiting a day).
    """
    if frequency is not None and frequency not in DIGESTS:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    now = timezone.now()
    size = settings.DDMS_NOTIFY_BATCH_SIZE
    sent, after = 0, ""
    connection: Any = None
    try:
        while True:
            # Keyset pagination over recipients: a constant number of queries per batch.
            keys = list(
                _held(frequency, now=now, only_retries=only_retries)
                .filter(recipient_key__gt=after)
                .order_by("recipient_key")
                .values_list("recipient_key", flat=True)
                .distinct()[:size]
            )
            if not keys:
                break
            after = keys[-1]
            rows = _claim(keys, frequency, now=now, only_retries=only_retries)
            if not rows:
                continue
            if connection is None:
                try:
                    connection = open_mail_connection()
                except DeliveryError as exc:
                    for row in rows:
                        row.attempts += 1
                    record_outcomes([(row, timezone.now(), 0, exc, None) for row in rows])
                    break
            sent += _send_groups(_groups(rows), connection)
    finally:
        if connection is not None:
            connection.close()
    if sent:
        log.info("digests (%s): %s sent", frequency or "retries", sent)
    return sent
