"""Every page a role can reach by following links answers without a server error."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from .conftest import ROLES, sign_in

# Never followed: signing out, the back-office, language switching, files and feeds.
SKIP = re.compile(
    r"^/(accounts/logout|admin/|i18n/|media/|static/)|\.(csv|ics|json|xlsx)$|/download"
)
LIMIT = 120


def crawl(http: requests.Session, base_url: str, start: str) -> dict[str, int]:
    """Status of every same-site page reachable from `start`, breadth first, up to LIMIT."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        response = http.get(base_url + path, timeout=30, allow_redirects=True)
        seen[path] = response.status_code
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.text):
            url = urlsplit(urljoin(base_url + path, href.replace("&amp;", "&")))
            if url.netloc != urlsplit(base_url).netloc or SKIP.search(url.path):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.parametrize("username", [None, *sorted(ROLES)])
def test_no_reachable_page_answers_a_server_error(base_url, username):
    http = sign_in(username) if username else requests.Session()
    statuses = crawl(http, base_url, "/")
    assert len(statuses) > 10  # 16 public pages, 19 to 37 per role, when this was written
    errors = {path: status for path, status in statuses.items() if status >= 500}
    assert not errors, errors
