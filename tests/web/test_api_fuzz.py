"""Schemathesis over the whole API, as every role: no server error, no response that breaks
the OpenAPI schema at /api/schema/.

Runs in-process against the WSGI application (the real middleware stack) on PostgreSQL,
where text with a NUL byte or an out-of-range integer fails differently than on SQLite.
Examples per operation and roles are bounded so the whole run stays within a few minutes.
"""

from __future__ import annotations

import itertools
import os
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ddms_platform.wsgi import application

pytestmark = pytest.mark.django_db

# Examples per operation; each example is sent as the next role in turn, so every role meets
# every operation once EXAMPLES >= len(ROLES) (CI keeps it small; raise it locally).
EXAMPLES = int(os.environ.get("DDMS_FUZZ_EXAMPLES", "6"))
ROLES = ("anonymous", "partner_a_user", "city_user", "nsi_manager", "nsi_viewer", "admin")
CHECKS = [not_a_server_error, response_schema_conformance]


# Loaded once at collection, from the schema endpoint itself (no database needed).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes database connections at the end of each request; in a test
    that would close the test transaction's connection (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(
    services, _keep_the_test_connection, pages: SimpleNamespace
) -> dict[str, dict[str, str]]:
    """An Authorization header per role, over demo-like data (tests/web/conftest.py)."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        token, _ = Token.objects.get_or_create(user=getattr(pages, role))
        headers[role] = {"Authorization": f"Token {token.key}"}
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema_as_every_role(case, tokens):
    role = ROLES[next(_turn) % len(ROLES)]
    response = case.call(headers=tokens[role])
    case.validate_response(response, checks=CHECKS)


_turn = itertools.count()
