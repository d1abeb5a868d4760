"""The batch renderer fills in per recipient exactly what rendering each message would give."""

from __future__ import annotations

import email
from collections.abc import Iterator

import pytest

from ddms_platform.notify.messages import EmailRenderer, PrerenderedEmail, render_email
from ddms_platform.notify.models import Notification, OutboxEvent
from ddms_platform.notify.registry import unregister

from . import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broadcast_handler() -> Iterator[None]:
    handlers.install()
    yield
    unregister(handlers.KIND)


def notification(
    event: OutboxEvent, address: str, pk: int, *, link: str = "", **fields: object
) -> Notification:
    # Real links carry a signed token (letters, digits, ":", "-", "_"): escaping keeps them.
    return Notification(
        pk=pk,
        event=event,
        channel="email",
        email=address,
        context={"unsubscribe_url": link or f"https://ddms.example/u/{pk}:Tok-en_{pk}/"},
        **fields,
    )


def parsed(message) -> email.message.Message:
    return email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))


def test_a_prerendered_message_equals_the_one_rendered_for_that_recipient():
    event = OutboxEvent.objects.create(kind=handlers.KIND)
    renderer = EmailRenderer()
    renderer.render(notification(event, "first@example.org", 1), event)  # primes the cache
    row = notification(event, "second@example.org", 2, language="sr")
    fast, slow = renderer.render(row, event), render_email(row, event, renderer.shared(event))
    assert isinstance(fast, PrerenderedEmail)
    a, b = parsed(fast), parsed(slow)
    for header in ("To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert a[header] == b[header], header
    parts_a = [p.get_payload(decode=True) for p in a.walk() if not p.is_multipart()]
    parts_b = [p.get_payload(decode=True) for p in b.walk() if not p.is_multipart()]
    assert parts_a == parts_b
    assert b"https://ddms.example/u/2:Tok-en_2/" in parts_a[0]
    assert a["List-Unsubscribe"] == "<https://ddms.example/u/2:Tok-en_2/>"


def test_a_link_that_escaping_would_change_is_rendered_on_its_own():
    # Text parts keep it raw, HTML parts escape it: one shared stand-in cannot serve both.
    event = OutboxEvent.objects.create(kind=handlers.KIND)
    renderer = EmailRenderer()
    renderer.render(notification(event, "first@example.org", 1), event)
    row = notification(event, "second@example.org", 2, link="https://ddms.example/u/2?a=1&b=2")
    message = renderer.render(row, event)
    assert not isinstance(message, PrerenderedEmail)
    parts = [p.get_payload(decode=True) for p in parsed(message).walk() if not p.is_multipart()]
    assert b"https://ddms.example/u/2?a=1&b=2" in parts[0]  # raw in the text part
    assert b"https://ddms.example/u/2?a=1&amp;b=2" in parts[1]  # escaped in HTML


def test_a_non_ascii_address_is_rendered_on_its_own():
    event = OutboxEvent.objects.create(kind=handlers.KIND)
    message = EmailRenderer().render(notification(event, "ćirilica@example.org", 3), event)
    assert not isinstance(message, PrerenderedEmail)
