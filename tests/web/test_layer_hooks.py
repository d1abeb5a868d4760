"""partnerships never imports indicators: indicators fills partnerships' hooks at start-up."""

from __future__ import annotations

import pytest

from indicators import demo as indicators_demo
from indicators import demo_network
from partnerships import demo

pytestmark = pytest.mark.django_db


def test_the_nsi_overview_shows_the_release_plan_from_the_indicators_app(client, pages):
    client.force_login(pages.nsi_manager)
    html = client.get("/nsi/").content.decode()
    assert pages.embargoed.title in html  # scheduled: on the plan
    assert pages.draft_publication.title in html  # draft: on the plan


def test_the_demo_runs_the_indicators_loader_after_the_registry():
    loaders = list(demo.EXTRA_LOADERS)
    assert loaders == [indicators_demo.load, demo_network.load]
