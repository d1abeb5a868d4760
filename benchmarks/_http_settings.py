"""Settings of the HTTP benchmark's server: production settings plus one trivial view."""

from ddms_platform.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks._http_urls"
