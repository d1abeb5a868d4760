"""Back-office of the partnerships app (one module per area)."""

from . import requests  # noqa: F401
