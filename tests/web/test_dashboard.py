"""The city dashboard, embeds, the public progress page and the evidence-use log."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from indicators.models import EvidenceUse, Indicator, ReleasedObservation, Territory
from partnerships.models import PolicyTarget

from ..factories import MembershipFactory, OrganisationFactory, PilotFactory, UserFactory

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[20, 44], [20.2, 44], [20.2, 44.2], [20, 44.2], [20, 44]]],
}


def _figure(pages, dims_key: str = "") -> ReleasedObservation:
    return ReleasedObservation.objects.get(publication=pages.published, dims_key=dims_key)


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _record(pages, **extra) -> EvidenceUse:
    from indicators.services.evidence import evidence_record

    fields = {
        "actor": pages.city_user,
        "pilot": pages.pilot,
        "released_observation": _figure(pages),
        "kind": "budget_line",
        "title": "Insulation grants, budget line 4.2",
        "decided_on": dt.date(2026, 11, 20),
        "decision_body": "City council",
    }
    return evidence_record(**(fields | extra))


# --- embeds and framing ---------------------------------------------------------------------


def test_it_lets_only_the_embed_views_be_framed(pages, browse):
    client = browse(None)
    embed = client.get("/embed/indicators/EN-1/")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    for url in ("/indicators/EN-1/", f"/pilots/{pages.pilot.pk}/progress/", "/releases/"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url
    dashboard = browse(pages.city_user).get("/city/")
    assert dashboard["X-Frame-Options"] == "DENY"


def test_the_embed_frame_ancestors_come_from_the_setting(pages, browse, settings):
    settings.DDMS_EMBED_FRAME_ANCESTORS = ["https://kragujevac.example", "https://news.example"]
    response = browse(None).get("/embed/indicators/EN-1/?view=tile")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://kragujevac.example https://news.example" in policy


def test_an_embed_shows_the_state_its_url_names(pages, browse):
    client = browse(None)
    chart = client.get("/embed/indicators/EN-1/?sex=F").content.decode()
    panel = json.loads(
        chart.split('id="panel-EN-1-RS-KG" type="application/json">')[1].split("<")[0]
    )
    assert [s["label"] for s in panel["series"]] == ["Female"]
    assert panel["series"][0]["data"] == [4.2]  # the indicator's one decimal
    tile = client.get("/embed/indicators/EN-1/?view=tile&territory=RS-KG").content.decode()
    assert '<article class="tile' in tile, tile
    assert '"big">4.3<' in tile and "2024" in tile
    # Embargoed values never reach an embed, and an unpublished indicator is not there at all.
    assert "987" not in chart + tile
    assert client.get("/embed/indicators/EN-2/").status_code == 404


def test_the_indicator_page_offers_the_link_and_iframe_of_its_state(pages, browse):
    # The link and the iframe name the owner's address (codes are unique per NSI).
    agency = pages.nsi.agency_id
    html = browse(None).get("/indicators/EN-1/?sex=F").content.decode()
    assert f'value="http://testserver/indicators/{agency}/EN-1/?sex=F"' in html
    assert f'&lt;iframe src="http://testserver/embed/indicators/{agency}/EN-1/?sex=F"' in html


def test_an_unknown_dimension_code_in_the_url_shows_every_value(pages, browse):
    response = browse(None).get("/indicators/EN-1/?sex=%3Cscript%3E")
    assert response.status_code == 200
    html = response.content.decode()
    panel = json.loads(
        html.split('id="panel-EN-1-RS-KG" type="application/json">')[1].split("<")[0]
    )
    assert sorted(s["label"] for s in panel["series"]) == ["Female", "Kragujevac"]
    # The share link names the state shown: the unknown code is not part of it.
    link = f"http://testserver/indicators/{pages.nsi.agency_id}/EN-1/"
    assert f'id="share-link" type="url" readonly value="{link}"' in html


# --- maps -----------------------------------------------------------------------------------


def test_the_map_colours_known_values_by_their_class(pages):
    from indicators import visuals

    indicator = Indicator.objects.get(code="EN-1")
    rows = []
    for i, value in enumerate(("10", "20", "30", None)):
        t = Territory.objects.create(
            country=pages.country,
            code=f"RS-KG-{i}",
            level="municipality",
            name_en=f"M{i}",
            parent=pages.territory,
            boundary=SQUARE,
            boundary_source="SYNTHETIC test",
        )
        rows.append(
            ReleasedObservation(
                indicator=indicator,
                territory=t,
                territory_code=t.code,
                period="2024",
                period_type="A",
                dims_key="",
                value=None if value is None else Decimal(value),
                status="C" if value is None else "A",
            )
        )
    data = visuals.map_data(indicator, rows)
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in data["features"]["features"]}
    assert fills == {
        "RS-KG-0": "#eff3ff",
        "RS-KG-1": "#6baed6",
        "RS-KG-2": "#08519c",
        "RS-KG-3": None,
    }
    assert data["has_suppressed"] and data["synthetic"]
    assert [round(c["high"], 2) for c in data["legend"]] == [14.0, 18.0, 22.0, 26.0, 30.0]


# --- the dashboard --------------------------------------------------------------------------


def _more_indicators(pages, count: int) -> None:
    for n in range(count):
        indicator = Indicator.objects.create(
            owner=pages.nsi, code=f"X-{n}", name_en=f"Extra {n}", unit="%", topic="energy"
        )
        pages.published.indicators.add(indicator)
        territory = Territory.objects.create(
            country=pages.country,
            code=f"RS-KG-X{n}",
            level="municipality",
            parent=pages.territory,
            name_en=f"T{n}",
            boundary=SQUARE,
        )
        for t in (pages.territory, territory):
            for year in (2023, 2024):
                ReleasedObservation.objects.create(
                    publication=pages.published,
                    indicator=indicator,
                    territory=t,
                    indicator_code=indicator.code,
                    territory_code=t.code,
                    period=str(year),
                    period_type="A",
                    period_start=dt.date(year, 1, 1),
                    value=Decimal(year - 2000),
                    status="A",
                )
        PolicyTarget.objects.create(
            policy=pages.pilot.policies.first(),
            indicator_code=indicator.code,
            target_value=Decimal(40),
            target_year=2030,
            direction="increase",
        )


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/city/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Since the merge: owners, code lists (sdmx) and the city's pilot scope add a fixed few.
DASHBOARD_QUERIES = 23


def test_the_dashboard_costs_the_same_queries_whatever_the_indicators_and_territories(
    pages, browse
):
    client = browse(pages.city_user)
    client.get("/city/")  # warm the session and the content-type caches
    few = _dashboard_queries(client)
    _more_indicators(pages, 6)
    many = _dashboard_queries(client)
    html = client.get("/city/").content.decode()
    assert html.count('<article class="tile') == 7
    assert few == many == DASHBOARD_QUERIES, (few, many)


def test_a_dashboard_tile_shows_latest_value_change_and_level(pages, browse):
    _more_indicators(pages, 1)
    html = browse(pages.city_user).get("/city/").content.decode()
    href = f'href="/indicators/{pages.nsi.agency_id}/X-0/"'
    tile = html.split(href)[0].rsplit('<article class="tile', 1)[1]
    tile += html.split(href)[1].split("</article>")[0]
    assert ">24.0<" in tile and "2024" in tile
    assert "+4.3 %" in tile  # 24 against 23
    # 23 to 24 is 4.3 % a year; 40 by 2030 needs (40/23)^(1/7) - 1 = 8.2 %: R = 0.53.
    assert "level-limited_progress" in tile
    assert "<polyline" in tile


def test_only_city_staff_see_the_dashboard(pages, browse):
    assert browse(pages.partner_a_user).get("/city/").status_code == 404
    assert browse(None).get("/city/").status_code == 302


# --- the public progress page ---------------------------------------------------------------


def test_the_progress_page_is_public_and_shows_each_input(pages, browse):
    html = browse(None).get(f"/pilots/{pages.pilot.pk}/progress/").content.decode()
    assert "Energy plan" in html
    assert "How this was measured" in html and "Base year and value" in html
    assert "R ≥ 0.95" in html
    assert browse(None).get("/pilots/999999/progress/").status_code == 404


# --- the evidence-use log -------------------------------------------------------------------


def test_city_staff_record_a_decision_pinned_to_the_release_and_lineage(pages):
    response = _api(pages.city_user).post(
        "/api/v1/evidence/",
        {
            "pilot": pages.pilot.pk,
            "policy": pages.pilot.policies.first().pk,
            "figure": _figure(pages).pk,
            "kind": "council_decision",
            "title": "Energy retrofit of schools",
            "decided_on": "2026-11-20",
            "decision_body": "City council",
            "url": "https://kragujevac.example/decisions/42",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["publication"] == pages.published.pk and body["publication_version"] == 1
    assert body["lineage_sha256"] == pages.submission_b.sha256
    assert (body["indicator"], body["territory"], body["period"], body["value"]) == (
        "EN-1",
        "RS-KG",
        "2024",
        4.25,
    )


@pytest.mark.parametrize("who", ["partner_a_user", "nsi_manager"])
def test_only_the_pilots_city_records_decisions(pages, who):
    response = _api(getattr(pages, who)).post(
        "/api/v1/evidence/",
        {
            "pilot": pages.pilot.pk,
            "figure": _figure(pages).pk,
            "kind": "budget_line",
            "title": "T",
            "decided_on": "2026-11-20",
            "decision_body": "Council",
        },
        format="json",
    )
    assert response.status_code in (400, 403)
    assert not EvidenceUse.objects.exists()


def test_anonymous_cannot_record(pages):
    response = _api().post("/api/v1/evidence/", {}, format="json")
    assert response.status_code in (401, 403)


def test_another_city_cannot_name_this_pilot(pages):
    other = OrganisationFactory(kind="local_government", country=pages.country)
    user = MembershipFactory(user=UserFactory(username="other-city"), organisation=other).user
    PilotFactory(local_government=other, nsi=pages.nsi, country=pages.country)
    response = _api(user).post(
        "/api/v1/evidence/",
        {
            "pilot": pages.pilot.pk,
            "figure": _figure(pages).pk,
            "kind": "budget_line",
            "title": "T",
            "decided_on": "2026-11-20",
            "decision_body": "Council",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "pilot" in json.dumps(response.json())


def test_an_embargoed_figure_cannot_be_cited(pages):
    embargoed = ReleasedObservation.objects.filter(publication=pages.embargoed).first()
    with pytest.raises(Exception, match="not published"):
        _record(pages, released_observation=embargoed)


def test_a_private_record_is_seen_by_the_pilot_and_the_nsi_only(pages, browse):
    record = _record(pages)
    url = f"/api/v1/evidence/{record.pk}/"
    assert _api(pages.city_user).get(url).status_code == 200
    assert _api(pages.nsi_manager).get(url).status_code == 200
    for user in (None, pages.partner_b_user):
        assert _api(user).get(url).status_code == 404
        assert _api(user).get("/api/v1/evidence/").json()["count"] == 0
    assert record.title not in browse(None).get("/indicators/EN-1/").content.decode()
    assert record.title in browse(pages.city_user).get("/indicators/EN-1/").content.decode()


def test_a_public_record_shows_on_the_indicator_progress_and_dashboard_pages(pages, browse):
    record = _record(pages, public=True, policy=pages.pilot.policies.first())
    anonymous = browse(None)
    assert record.title in anonymous.get("/indicators/EN-1/").content.decode()
    progress = anonymous.get(f"/pilots/{pages.pilot.pk}/progress/").content.decode()
    policy_section = progress.split('<h2 id="policy-')[1]
    assert record.title in policy_section and "v1" in policy_section
    assert record.title in browse(pages.city_user).get("/city/").content.decode()
    assert _api().get(f"/api/v1/evidence/?pilot={pages.pilot.pk}").json()["count"] == 1


def test_the_evidence_list_costs_the_same_queries_for_one_or_many_records(
    pages, django_assert_num_queries
):
    _record(pages, public=True)
    client = _api(pages.city_user)
    client.get("/api/v1/evidence/")
    for _ in range(5):
        _record(pages, public=True)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/evidence/")
    assert response.json()["count"] == 6


def test_the_web_form_records_with_a_document_only_its_readers_can_fetch(pages, browse):
    client = browse(pages.city_user)
    response = client.post(
        "/city/evidence/",
        {
            "indicator": "EN-1",
            "territory": "RS-KG",
            "period": "2024",
            "slice": "sex=F",
            "kind": "investment_item",
            "title": "Solar on schools",
            "decided_on": "2026-10-01",
            "decision_body": "Mayor's office",
            "document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        },
    )
    assert response.status_code == 302
    record = EvidenceUse.objects.get()
    assert record.dims_key == "sex=F" and record.document_name == "plan.pdf"
    url = f"/evidence/{record.pk}/document/"
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 plan"
    assert browse(None).get(url).status_code == 404
    assert browse(pages.partner_b_user).get(url).status_code == 404


def test_the_web_form_names_a_figure_that_is_not_published(pages, browse):
    response = browse(pages.city_user).post(
        "/city/evidence/",
        {
            "indicator": "EN-1",
            "territory": "RS-KG",
            "period": "2025",
            "kind": "budget_line",
            "title": "T",
            "decided_on": "2026-10-01",
            "decision_body": "Council",
        },
    )
    assert response.status_code == 400
    assert "No published figure" in response.content.decode()


# --- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "20/11/2026"), ("sr-latn", "20.11.2026."), ("sr", "20.11.2026.")],
)
def test_dates_are_day_month_year_in_every_language(pages, browse, language, expected):
    _record(pages, public=True)
    client = browse(None)
    client.cookies["django_language"] = language
    html = client.get("/indicators/EN-1/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert expected in html
    assert "11/20/2026" not in html
