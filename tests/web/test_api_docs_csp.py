"""The API docs' inline code runs under the CSP by nonce; no other page loosens the policy."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts if p[0]}


def test_swagger_ui_inline_script_and_style_carry_the_header_nonce(client):
    response = client.get("/api/docs/")
    policy = _policy(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html and f'<style nonce="{nonce}">' in html
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "https://" not in html  # sidecar files only


def test_pages_without_inline_code_send_no_nonce(client):
    policy = _policy(client.get("/releases/"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"


def test_only_redoc_allows_inline_styles_and_blob_workers(client):
    policy = _policy(client.get("/api/redoc/"))
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["worker-src"] == "'self' blob:"
    assert "'nonce-" in policy["script-src"] and "unsafe-inline" not in policy["script-src"]
