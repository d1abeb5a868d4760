"""The smoke suite: black-box tests of a running production stack, over HTTP only.

`tests/smoke/stack.py` starts the stack and runs this suite with DDMS_SMOKE_URL,
DDMS_SMOKE_MAILDIR and DDMS_SMOKE_PASSWORD set; without DDMS_SMOKE_URL the folder is not
collected (tests/conftest.py), so `make test` never depends on a running stack. Nothing here
uses Django's test client, the ORM or the settings: only requests, a Maildir and Chromium.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.conftest import Session, chromium  # noqa: F401 - the session Chromium

BASE_URL = os.environ.get("DDMS_SMOKE_URL", "").rstrip("/")
MAILDIR = Path(os.environ.get("DDMS_SMOKE_MAILDIR", "/nonexistent"))
PASSWORD = os.environ.get("DDMS_SMOKE_PASSWORD", "")
# The demo accounts (manage.py load_demo) and the path each lands on after signing in.
ROLES = {
    "admin": "/nsi/",
    "nsi.manager": "/nsi/",
    "partner.power": "/portal/",
    "partner.university": "/portal/",
    "city.staff": "/city/",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.smoke)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def sign_in(username: str) -> requests.Session:
    """A requests session signed in through the real login form."""
    http = requests.Session()
    form = http.get(f"{BASE_URL}/accounts/login/", timeout=10)
    assert form.status_code == 200
    response = http.post(
        f"{BASE_URL}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(form.text),
        },
        headers={"Referer": f"{BASE_URL}/accounts/login/"},
        timeout=10,
    )
    assert response.status_code == 200 and "sessionid" in http.cookies, response.text[:500]
    http.headers["X-CSRFToken"] = http.cookies["csrftoken"]
    http.headers["Referer"] = BASE_URL + "/"
    return http


def messages_to(address: str) -> list[Message]:
    """Every message the SMTP sink received for `address`."""
    box = mailbox.Maildir(MAILDIR, create=False)
    return [m for m in box if address in (m.get("To") or "")]


def body_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    return ""


@pytest.fixture(scope="session")
def base_url() -> str:
    assert BASE_URL, "DDMS_SMOKE_URL is not set: run tests/smoke/stack.py"
    return BASE_URL


def _token_session(base_url: str, username: str) -> requests.Session:
    """As an API client would: a token made on the account page, no session, no CSRF."""
    account = sign_in(username)
    page = account.get(f"{base_url}/account/", timeout=10).text
    made = account.post(
        f"{base_url}/account/token/", data={"csrfmiddlewaretoken": csrf_token(page)}, timeout=10
    )
    key = re.search(r'<code id="api-token-key">(\w+)</code>', made.text)
    assert made.status_code == 200 and key, made.text[:500]
    client = requests.Session()
    client.headers["Authorization"] = f"Token {key.group(1)}"
    return client


@pytest.fixture(scope="session")
def scheduled_release(base_url: str) -> dict[str, Any]:
    """A release of ELEC_HH scheduled a few seconds ahead, made when the session starts.

    Beat's every-minute job has to publish it; the test that waits for that runs last
    (test_zz_release.py), so the other tests run meanwhile instead of a wait.
    """
    nsi = _token_session(base_url, "nsi.manager")
    created = nsi.post(
        f"{base_url}/api/v1/publications/",
        # Its own cells: the demo's series hold ELEC_HH up to 2025.
        json={
            "series": "smoke-elec",
            "title": "Smoke test release",
            "indicators": ["ELEC_HH"],
            "period_from": "2031-01-01",
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    # Four eyes: the other NSI manager approves.
    approved = _token_session(base_url, "nsi.approver").post(
        f"{base_url}/api/v1/publications/{created.json()['id']}/approve/", json={}, timeout=10
    )
    assert approved.status_code == 200, approved.text
    release_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    scheduled = nsi.post(
        f"{base_url}/api/v1/publications/{created.json()['id']}/schedule/",
        json={"release_at": release_at.isoformat()},
        timeout=10,
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["state"] == "scheduled"
    return scheduled.json()


@pytest.fixture(scope="session", autouse=True)
def _schedule_first(scheduled_release: dict[str, Any]) -> None:
    """Schedule the release before anything else runs."""


@pytest.fixture
def web(chromium: Any, base_url: str) -> Iterator[Session]:  # noqa: F811 - imported fixture
    """A fresh Chromium context on the stack; any console error fails the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    session = Session(page, base_url)
    yield session
    context.close()
    assert not session.problems, session.problems


def browser_sign_in(web: Session, username: str) -> None:
    """Sign in through the login form in Chromium."""
    web.go("/accounts/login/")
    web.page.get_by_label("Username").fill(username)
    web.page.get_by_label("Password").fill(PASSWORD)
    web.page.get_by_role("button", name="Sign in").last.click()
    web.page.wait_for_load_state()
