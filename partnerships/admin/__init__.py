"""Back-office of the partnerships app; every save and action goes through the services."""

from . import agreements, communication, obligations, pilots, registry, requests, schemas

__all__ = [
    "agreements",
    "communication",
    "obligations",
    "pilots",
    "registry",
    "requests",
    "schemas",
]
