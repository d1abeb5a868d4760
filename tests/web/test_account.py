"""The account page: a user makes, replaces and revokes their own API token."""

from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ddms_platform.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _key(html: str) -> str:
    match = re.search(r'<code id="api-token-key">([0-9a-f]{40})</code>', html)
    assert match, "no new key on the page"
    return match.group(1)


def _api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/data-requests/").status_code


def test_it_is_linked_from_the_header(client, world):
    client.force_login(world.partner_a_user)
    assert 'href="/account/"' in client.get("/portal/").content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_makes_a_token_that_authenticates_the_api(client, world):
    client.force_login(world.partner_a_user)
    assert "You have no API token." in client.get("/account/").content.decode()
    key = _key(client.post("/account/token/").content.decode())
    assert Token.objects.get(user=world.partner_a_user).key == key
    assert _api_status(key) == 200
    # Shown once: the page afterwards says a token exists, without the key.
    page = client.get("/account/").content.decode()
    assert "You have a token" in page and key not in page


def test_replacing_the_token_stops_the_old_one(client, world):
    client.force_login(world.partner_a_user)
    old = _key(client.post("/account/token/").content.decode())
    new = _key(client.post("/account/token/").content.decode())
    assert old != new
    assert _api_status(old) == 401
    assert _api_status(new) == 200


def test_revoking_the_token_stops_it_and_is_audited(client, world):
    client.force_login(world.partner_a_user)
    key = _key(client.post("/account/token/").content.decode())
    response = client.post("/account/token/revoke/", follow=True)
    assert "Your API token was revoked." in response.content.decode()
    assert _api_status(key) == 401
    actions = list(
        AuditEntry.objects.filter(actor=world.partner_a_user).values_list("action", flat=True)
    )
    assert "api_token.create" in actions and "api_token.revoke" in actions
    assert not AuditEntry.objects.filter(object_id=key).exists()  # never the key itself


def test_revoking_touches_only_ones_own_token(client, world):
    other = Token.objects.create(user=world.partner_b_user)
    client.force_login(world.partner_a_user)
    client.post("/account/token/")
    client.post("/account/token/revoke/")
    assert Token.objects.filter(pk=other.pk).exists()
    assert _api_status(other.key) == 200


def test_token_changes_need_a_post(client, world):
    client.force_login(world.partner_a_user)
    assert client.get("/account/token/").status_code == 405
    assert client.get("/account/token/revoke/").status_code == 405
    assert not Token.objects.filter(user=world.partner_a_user).exists()
