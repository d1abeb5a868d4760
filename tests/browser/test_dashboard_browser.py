"""The dashboard in Chromium: choropleth colours, phone width, embeds framed by another origin."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from indicators.models import ReleasedObservation, Territory

pytestmark = pytest.mark.browser

# value -> the class colour the legend promises (equal intervals over 10..30, 5 classes)
KNOWN = {"RS-KG-A": ("10", "#eff3ff"), "RS-KG-B": ("20", "#6baed6"), "RS-KG-C": ("30", "#08519c")}


def _square(x: float) -> dict[str, Any]:
    ring = [[x, 44.0], [x + 0.1, 44.0], [x + 0.1, 44.1], [x, 44.1], [x, 44.0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _municipalities(pages) -> None:
    cells = {code: value for code, (value, _c) in KNOWN.items()} | {"RS-KG-D": None}
    for i, (code, value) in enumerate(cells.items()):
        territory = Territory.objects.create(
            country=pages.country,
            code=code,
            level="municipality",
            parent=pages.territory,
            name_en=f"Municipality {code[-1]}",
            name_sr_latn=f"Opština {code[-1]}",
            name_sr_cyrl=f"Општина {code[-1]}",
            boundary=_square(20 + 0.1 * i),
            boundary_source="SYNTHETIC test boundary",
        )
        ReleasedObservation.objects.create(
            publication=pages.published,
            indicator=pages.indicator,
            territory=territory,
            indicator_code="EN-1",
            territory_code=code,
            period="2024",
            period_type="A",
            period_start=dt.date(2024, 1, 1),
            value=None if value is None else Decimal(value),
            status="C" if value is None else "A",
        )


@pytest.mark.parametrize("language", ["en", "sr-latn", "sr"])
def test_the_choropleth_fills_each_territory_with_its_class_colour(web, pages, language):
    _municipalities(pages)
    web.page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": web.base_url}]
    )
    web.go("/indicators/EN-1/?period=2024")
    web.page.locator("div.map[data-rendered='4']").wait_for()
    for code, (_value, colour) in KNOWN.items():
        shape = web.page.locator(f"path.territory-{code}")
        assert shape.get_attribute("fill") == colour, (language, code)
    hatched = web.page.locator("path.territory-RS-KG-D")
    assert hatched.get_attribute("fill") == "url(#ddms-hatch)"
    assert web.page.locator("pattern#ddms-hatch").count() == 1
    # The legend and the accessible table are there in the page's language.
    legend = web.page.locator(".map-legend").inner_text()
    suppressed = {"en": "suppressed", "sr-latn": "potisnuto", "sr": "потиснуто"}[language]
    assert suppressed in legend
    assert web.page.locator("table.data").is_visible()
    web.screenshot(f"map-{language}")


def _no_horizontal_scroll(web) -> None:
    width = web.page.evaluate("document.documentElement.scrollWidth")
    client = web.page.evaluate("document.documentElement.clientWidth")
    assert width <= client, (web.page.url, width, client)


def test_no_page_scrolls_sideways_on_a_390_pixel_phone(web, pages):
    _municipalities(pages)
    assert web.page.viewport_size["width"] == 390
    for path in (
        "/indicators/EN-1/",
        f"/pilots/{pages.pilot.pk}/progress/",
        f"/releases/{pages.published.pk}/",
        "/embed/indicators/EN-1/?view=map",
    ):
        web.go(path)
        web.page.wait_for_load_state("load")
        _no_horizontal_scroll(web)
    web.sign_in("city")
    web.page.locator("article.tile").first.wait_for()
    _no_horizontal_scroll(web)
    web.screenshot("city-dashboard-390")
    web.page.context.clear_cookies()
    web.sign_in("pa")
    web.go(f"/submissions/{pages.submission_a.pk}/")
    _no_horizontal_scroll(web)


def _free_port() -> int:
    # This project's helpers serve in 8700-8799; take a free one there, else any.
    for port in range(8790, 8800):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return 0


@pytest.fixture
def other_origin(live_server) -> Iterator[str]:
    """A page on another origin (another port) that frames an embed and a normal page."""
    target = live_server.url
    html = (
        "<!doctype html><title>City website</title>"
        f'<iframe id="embed" name="embed" src="{target}/embed/indicators/EN-1/?view=tile"></iframe>'
        f'<iframe id="page" name="page" src="{target}/indicators/EN-1/"></iframe>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_another_site_frames_the_embed_and_not_the_rest(web, pages, other_origin):
    web.expected.append("frame-ancestors")  # Chromium logs the blocked frame; that is the point
    framing_messages: list[str] = []
    web.page.on("console", lambda message: framing_messages.append(message.text))
    web.page.goto(other_origin)
    embed = web.page.frame_locator("#embed")
    embed.locator("article.tile").wait_for()
    assert "Electricity use" in embed.locator("article.tile").inner_text()
    # The normal page is refused: Chromium shows its error page in that frame instead.
    blocked = web.page.frame(name="page")
    for _ in range(100):
        if blocked.url.startswith("chrome-error:"):
            break
        web.page.wait_for_timeout(100)
    assert blocked.url.startswith("chrome-error:")
    assert "Electricity use" not in blocked.content()
    assert any("frame-ancestors 'none'" in m for m in framing_messages)
