"""A scheduled release goes public when beat's every-minute job runs (this file runs last)."""

from __future__ import annotations

import requests

from tests.services import wait_for


def test_scheduled_release_is_published_by_beat(base_url, scheduled_release):
    url = f"{base_url}/api/v1/publications/{scheduled_release['id']}/"

    def published() -> dict | None:
        response = requests.get(url, timeout=10)  # anonymous: released versions only
        if response.status_code != 200:
            return None
        body = response.json()
        return body if body["state"] == "published" else None

    release = wait_for(published, timeout=90, interval=0.5, what="beat to publish the release")
    assert release["published_at"]
    calendar = requests.get(f"{base_url}/releases/", timeout=10).text
    assert "Smoke test release" in calendar
    rows = requests.get(
        f"{base_url}/api/v1/open-data/observations.csv?indicator=ELEC_HH", timeout=30
    )
    assert rows.status_code == 200 and rows.text.count("\n") > 1
