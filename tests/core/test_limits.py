"""Abuse limits: sign-in lockout (pages, admin, API token), anonymous API throttle, sign-up
limits per caller and per address, and the search-term cap. Every limit answers 429 with
Retry-After, in the one error shape under /api/ and as a page elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client, override_settings
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import IndicatorFactory, UserFactory, approved

pytestmark = pytest.mark.django_db

LIMIT = 5  # DDMS_LOGIN_FAILURE_LIMIT's default
PASSWORD = "right-horse-battery"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def member():
    user = UserFactory(username="ana", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(path, password, ip="10.0.0.1", username="ana"):
    return Client(REMOTE_ADDR=ip).post(path, {"username": username, "password": password})


def _token(password, ip="10.0.0.1", username="ana"):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/", {"username": username, "password": password}
    )


def _after_the_cool_off():
    """Move every recorded failure back past the cool-off, as if the time had passed."""
    AccessAttempt.objects.update(attempt_time=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def _assert_locked_page(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    html = response.content.decode()
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in html
    assert "<header" in html  # the site's layout, not a bare message


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_it_locks_a_page_sign_in_out_at_the_limit(member, path):
    for _ in range(LIMIT - 1):
        response = _sign_in(path, "wrong")
        assert response.status_code == 200  # the form again, with its error
    _assert_locked_page(_sign_in(path, "wrong"))
    _assert_locked_page(_sign_in(path, "wrong"))
    # The right password does not get in while locked out.
    _assert_locked_page(_sign_in(path, PASSWORD))


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_it_lets_the_right_password_in_after_the_cool_off(member, path):
    for _ in range(LIMIT):
        _sign_in(path, "wrong")
    _after_the_cool_off()
    response = _sign_in(path, PASSWORD)
    assert response.status_code == 302


def test_four_failures_then_the_right_password_signs_in(member):
    for _ in range(LIMIT - 1):
        _sign_in("/accounts/login/", "wrong")
    assert _sign_in("/accounts/login/", PASSWORD).status_code == 302
    # A success starts the count again.
    for _ in range(LIMIT - 1):
        assert _sign_in("/accounts/login/", "wrong").status_code == 200


def test_the_lockout_is_per_account_and_address(member):
    for _ in range(LIMIT):
        _sign_in("/accounts/login/", "wrong", ip="10.0.0.1")
    assert _sign_in("/accounts/login/", PASSWORD, ip="10.0.0.2").status_code == 302
    assert _sign_in("/accounts/login/", "x", ip="10.0.0.1", username="bob").status_code == 200


def test_a_forwarded_for_header_does_not_change_the_address(member):
    for n in range(LIMIT):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/accounts/login/", {"username": "ana", "password": "wrong"}
        )
    assert _sign_in("/accounts/login/", PASSWORD).status_code == 429


def test_it_locks_the_token_endpoint_out_in_the_error_shape(member):
    for _ in range(LIMIT - 1):
        assert _token("wrong").status_code == 400
    for password in ("wrong", PASSWORD):
        response = _token(password)
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        error = response.json()["error"]
        assert error["code"] == "rate_limited" and error["retry_after"] == 900
        assert error["message"].startswith("Too many failed sign-in attempts.")
    _after_the_cool_off()
    response = _token(PASSWORD)
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_page_and_token_failures_count_together(member):
    for _ in range(LIMIT - 1):
        _sign_in("/accounts/login/", "wrong")
    assert _token(PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        _token("wrong")
    _assert_locked_page(_sign_in("/accounts/login/", "wrong"))


@pytest.fixture
def anon_rate(monkeypatch):
    """DRF reads the rates once at import; a test sets its own."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "token": "2/minute"}
    )


def test_anonymous_api_calls_are_throttled_per_address(anon_rate, world):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(3):
        assert client.get("/api/v1/indicators/").status_code == 200
    response = client.get("/api/v1/open-data/observations.csv")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    error = response.json()["error"]
    assert error["status"] == 429 and error["code"] == "throttled"
    assert error["retry_after"] == str(wait)
    assert Client(REMOTE_ADDR="10.0.0.8").get("/api/v1/indicators/").status_code == 200


def test_signed_in_users_are_not_throttled_as_anonymous(anon_rate, world, api):
    client = api(world.partner_a_user)
    assert all(client.get("/api/v1/indicators/").status_code == 200 for _ in range(5))


def test_the_token_endpoint_has_its_own_rate(anon_rate, member):
    assert _token(PASSWORD).status_code == 200
    assert _token(PASSWORD).status_code == 200
    response = _token(PASSWORD)
    assert response.status_code == 429 and response.json()["error"]["code"] == "throttled"


@pytest.fixture
def public_indicator(world):
    from indicators import services

    indicator = IndicatorFactory(code="EN_1")
    pub = services.publication_create(
        actor=world.nsi_manager, series="en", title="EN", indicators=[indicator]
    )
    services.publication_publish(actor=world.nsi_manager, publication=approved(pub))
    return indicator


def _subscribe(email, ip, capture):
    with override_settings(EMAIL_BACKEND=LOCMEM), capture(execute=True):
        return Client(REMOTE_ADDR=ip).post("/indicators/EN_1/subscribe/", {"email": email})


@override_settings(DDMS_SIGNUP_RATE_PER_IP="3/hour")
def test_anonymous_sign_ups_are_limited_per_caller_address(
    public_indicator, django_capture_on_commit_callbacks
):
    for n in range(3):
        assert (
            _subscribe(
                f"r{n}@example.org", "10.1.1.1", django_capture_on_commit_callbacks
            ).status_code
            == 302
        )
    response = _subscribe("r9@example.org", "10.1.1.1", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Too many subscriptions from your address." in response.content.decode()
    assert len(mail.outbox) == 3
    assert (
        _subscribe("r9@example.org", "10.1.1.2", django_capture_on_commit_callbacks).status_code
        == 302
    )


@override_settings(DDMS_SIGNUP_RATE_PER_IP="2/hour", EMAIL_BACKEND=LOCMEM)
def test_a_sign_up_without_a_caller_address_is_still_limited(
    public_indicator, django_capture_on_commit_callbacks
):
    from ddms_platform.core.errors import RateLimited
    from indicators.services.subscriptions import subscription_create

    def subscribe(n: int):
        with django_capture_on_commit_callbacks(execute=True):
            return subscription_create(
                actor=AnonymousUser(), email=f"x{n}@example.org", indicators=[public_indicator]
            )

    subscribe(0)
    subscribe(1)
    with pytest.raises(RateLimited):
        subscribe(2)
    assert len(mail.outbox) == 2


@override_settings(DDMS_CONFIRM_MAIL_RATE_PER_ADDRESS="2/day")
def test_confirmation_mails_are_limited_per_address(
    public_indicator, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _subscribe("same@example.org", "10.2.0.1", capture).status_code == 302
    assert _subscribe("Same@Example.org", "10.2.0.2", capture).status_code == 302
    response = _subscribe("same@example.org ", "10.2.0.3", capture)
    assert response.status_code == 429
    assert "Too many confirmation e-mails to this address." in response.content.decode()
    assert len(mail.outbox) == 2


def test_search_takes_at_most_ten_terms(world, api):
    client = api(None)
    assert client.get("/api/v1/indicators/", {"search": " ".join(["a"] * 10)}).status_code == 200
    response = client.get("/api/v1/indicators/", {"search": " ".join(["a"] * 11)})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_many_search_terms" and error["limit"] == 10
    assert "at most 10 terms" in error["message"]


def test_six_thousand_search_terms_are_refused(world, api):
    response = api(None).get("/api/v1/indicators/", {"search": "x " * 6000})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "search_too_long" and error["limit"] == 200
    assert "limited to 200 characters" in error["message"]
