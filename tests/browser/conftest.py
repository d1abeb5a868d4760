"""Browser tests: Playwright driving the system Chromium against pytest-django's live server.

No browser is ever downloaded: Chromium comes from the OS packages (`.ci/run` installs it when
/usr/bin/chromium is missing). Without it these tests skip on a laptop and FAIL in CI
(DDMS_REQUIRE_SERVICES=1), like the other service-backed tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notify.conftest import smtp_sink  # noqa: F401 - shared fixtures
from tests.services import services_required
from tests.web.conftest import _fast_passwords, browse, pages  # noqa: F401 - shared fixtures

CHROMIUM = Path(os.environ.get("DDMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "pass-word-123"  # the factories' password


def _need_chromium() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is not installed"
    if problem:
        if services_required():
            pytest.fail(f"Browser tests are required (DDMS_REQUIRE_SERVICES=1): {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session (a fresh context per test)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous, so Django's async guard must stand aside.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """A browser page with the live server's address and the console problems it logged."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        # Console messages a test expects (it asserts on them itself), by a part of their text.
        self.expected: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _console(self, message: Any) -> None:
        text = message.text
        if any(part in text for part in self.expected):
            return
        if message.type == "error" or "Content Security Policy" in text:
            self.problems.append(f"console {message.type}: {text}")

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def sign_in(self, username: str) -> None:
        self.go("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").last.click()
        self.page.wait_for_load_state()

    def screenshot(self, name: str, *, full_page: bool = True) -> None:
        """Save the page; very long pages (the API docs) take only the visible part."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def web(chromium: Any, live_server: Any, transactional_db: None) -> Iterator[Session]:
    """A fresh browser context on the live server; fails the test on any console error."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    session = Session(page, live_server.url)
    yield session
    context.close()
    # Any console error fails the test: a CSP violation, a missing static file, a script error.
    assert not session.problems, session.problems
