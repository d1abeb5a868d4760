"""What `manage.py run_platform` prints once everything is up (the apps add their lines)."""

from __future__ import annotations

from collections.abc import Callable

# Each returns text to print last (or "" for nothing); registered from AppConfig.ready(), so
# the platform layer never imports the apps (partnerships adds the demo logins).
BANNERS: list[Callable[[], str]] = []


def register_banner(banner: Callable[[], str]) -> None:
    """Print `banner()` when the platform is up, after the worker's and beat's start-up output."""
    if banner not in BANNERS:
        BANNERS.append(banner)


def banner_text() -> str:
    """The registered banners' text, in registration order."""
    return "\n".join(text for text in (banner() for banner in BANNERS) if text)
