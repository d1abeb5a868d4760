"""Double opt-in, tampered and expired links, one-click unsubscribe, own-rows-only API."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.test import Client, override_settings

from indicators.models import Subscription
from indicators.services import publication_publish
from indicators.services.subscriptions import (
    CONFIRM_SALT,
    confirm_token,
    subscription_create,
)
from tests.factories import approved

from .releases import make_indicator, make_publication

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def anonymous_subscription(django_capture_on_commit_callbacks) -> Subscription:
    indicator = make_indicator()
    with override_settings(EMAIL_BACKEND=LOCMEM), django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_create(
            actor=None, email="citizen@example.org", indicators=[indicator]
        )
    return subscription


def confirm_path(subscription: Subscription) -> str:
    return f"/subscriptions/confirm/{confirm_token(subscription)}/"


def test_an_anonymous_subscription_waits_for_confirmation(anonymous_subscription):
    assert anonymous_subscription.confirmed_at is None
    (message,) = mail.outbox
    link = re.search(r"http\S+/subscriptions/confirm/\S+/", message.body).group(0)
    path = link.split("8000", 1)[1]
    assert Client().get(path).status_code == 200  # a page with a button, nothing changes yet
    anonymous_subscription.refresh_from_db()
    assert anonymous_subscription.confirmed_at is None
    assert Client().post(path).status_code == 200
    anonymous_subscription.refresh_from_db()
    assert anonymous_subscription.confirmed_at is not None


def test_a_tampered_confirmation_link_is_refused(anonymous_subscription):
    token = confirm_token(anonymous_subscription)
    other = token.replace(f"{anonymous_subscription.pk}:", f"{anonymous_subscription.pk + 1}:")
    for bad in (token[:-2] + "xx", other):
        response = Client().post(f"/subscriptions/confirm/{bad}/")
        assert response.status_code == 400
    anonymous_subscription.refresh_from_db()
    assert anonymous_subscription.confirmed_at is None


def test_an_expired_confirmation_link_is_refused(anonymous_subscription, monkeypatch):
    token = confirm_token(anonymous_subscription)
    real = signing.TimestampSigner.unsign

    def later(self, value, max_age=None):  # noqa: ANN001
        assert self.salt == CONFIRM_SALT
        return real(self, value, max_age=-1)  # as if the days had passed

    monkeypatch.setattr(signing.TimestampSigner, "unsign", later)
    response = Client().post(f"/subscriptions/confirm/{token}/")
    assert response.status_code == 400
    assert b"expired" in response.content
    anonymous_subscription.refresh_from_db()
    assert anonymous_subscription.confirmed_at is None


def test_one_click_unsubscribe_works_without_cookies_or_csrf(anonymous_subscription):
    client = Client(enforce_csrf_checks=True)
    path = f"/subscriptions/unsubscribe/{anonymous_subscription.token}/"
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    anonymous_subscription.refresh_from_db()
    assert anonymous_subscription.is_active is False


def test_get_on_the_unsubscribe_link_only_asks(anonymous_subscription):
    response = Client().get(f"/subscriptions/unsubscribe/{anonymous_subscription.token}/")
    assert response.status_code == 200 and b"<form" in response.content
    anonymous_subscription.refresh_from_db()
    assert anonymous_subscription.is_active is True


def test_an_unknown_unsubscribe_token_is_404():
    assert Client().post("/subscriptions/unsubscribe/nope/").status_code == 404


def test_a_user_creates_and_lists_own_subscriptions_by_api(world, api):
    publication_publish(
        actor=world.nsi_manager, publication=approved(make_publication(make_indicator("POP")))
    )
    client = api(world.city_user)
    response = client.post("/api/v1/subscriptions/", {"indicators": ["POP"], "frequency": "weekly"})
    assert response.status_code == 201, response.data
    assert response.data["confirmed_at"] is not None
    Subscription.objects.create(user=world.partner_a_user, topic="x")
    listing = client.get("/api/v1/subscriptions/")
    assert [row["id"] for row in listing.data["results"]] == [response.data["id"]]


def test_a_user_cannot_see_or_delete_anothers_subscription(world, api):
    other = Subscription.objects.create(user=world.partner_a_user, topic="x")
    client = api(world.city_user)
    assert client.get(f"/api/v1/subscriptions/{other.pk}/").status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_deleting_own_subscription_unsubscribes(world, api):
    own = Subscription.objects.create(user=world.city_user, topic="x")
    assert api(world.city_user).delete(f"/api/v1/subscriptions/{own.pk}/").status_code == 204
    own.refresh_from_db()
    assert own.is_active is False


def test_a_webhook_subscription_to_a_private_address_is_refused(world, api):
    response = api(world.city_user).post(
        "/api/v1/subscriptions/",
        {"topic": "x", "channel": "webhook", "webhook_url": "http://169.254.169.254/hook"},
    )
    assert response.status_code == 400
    assert Subscription.objects.count() == 0


def test_anonymous_cannot_use_the_subscriptions_api(api):
    assert api(None).get("/api/v1/subscriptions/").status_code in (401, 403)


@pytest.mark.parametrize("count", [2, 10])
def test_the_subscription_list_takes_a_fixed_number_of_queries(
    world, api, count, django_assert_num_queries
):
    indicator = make_indicator()
    for _ in range(count):
        Subscription.objects.create(user=world.city_user, topic="x").indicators.set([indicator])
    client = api(world.city_user)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/subscriptions/")
    assert len(response.data["results"]) == count


def test_the_manage_page_lists_and_stops_own_subscriptions(world, client):
    own = Subscription.objects.create(user=world.city_user, topic="<b>x</b>")
    other = Subscription.objects.create(user=world.partner_a_user, topic="y")
    client.force_login(world.city_user)
    page = client.get("/subscriptions/")
    assert b"&lt;b&gt;x&lt;/b&gt;" in page.content
    assert client.post("/subscriptions/", {"subscription": other.pk}).status_code == 404
    client.post("/subscriptions/", {"subscription": own.pk})
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.is_active is False and other.is_active is True
