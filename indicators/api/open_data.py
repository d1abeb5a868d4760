"""Open data for everyone: series, bulk downloads, release calendar, policy monitoring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from icalendar import Calendar, Event
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ddms_platform.core.api import error_body
from ddms_platform.core.httpcache import (
    cached_body,
    etag_for,
    not_modified,
    not_modified_response,
    set_validators,
    store_body,
    tee_to_cache,
)
from ddms_platform.core.links import site_link
from partnerships.models import Pilot

from ..exports import (
    indicator_dataflow_id,
    sdmx_agency_id,
    stream_csv,
    stream_json,
    stream_sdmx_csv,
)
from ..models import Indicator
from ..selectors.monitoring import pilot_monitoring
from ..selectors.open_data import (
    ObservationFilter,
    declared_dimensions,
    dims_from_key,
    open_indicator,
    open_observations,
    query_list,
    series_rows,
)
from ..selectors.publications import calendar_entries, public_version
from ..services.downloads import download_count
from . import serializers

FILTER_PARAMS = [
    OpenApiParameter(
        "indicator",
        str,
        description="Indicator code(s), comma-separated; OWNER:CODE names one NSI's indicator",
    ),
    OpenApiParameter("owner", str, description="Owning NSI(s) by SDMX agency id, comma-separated"),
    OpenApiParameter("territory", str, description="Territory code(s), comma-separated"),
    OpenApiParameter("period_from", str, description="First period: 2020, 2020-Q1 or 2020-03"),
    OpenApiParameter("period_to", str, description="Last period (inclusive)"),
]
FORMATS = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "sdmx.csv": ("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", "csv"),
}


class OpenDataView(APIView):
    """Base: anonymous, no session needed (so no CSRF), the public view of the data."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []


def _validators(request: HttpRequest, now: dt.datetime, fmt: str) -> tuple[str, dt.datetime | None]:
    """An ETag and Last-Modified that change exactly when a release becomes public."""
    version = public_version(now=now)
    return etag_for(version, fmt, request.GET.urlencode()), version.last_modified


class SeriesView(OpenDataView):
    """One indicator's released values (latest version of each release), filtered."""

    @extend_schema(
        parameters=[
            OpenApiParameter("territory", str),
            OpenApiParameter("owner", str, description="The owning NSI's SDMX agency id"),
            OpenApiParameter("period_from", str),
            OpenApiParameter("period_to", str),
        ],
        responses=serializers.SeriesSerializer,
        description="Any other query parameter filters a dimension, e.g. ?sex=F,M.",
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        now = timezone.now()
        # The ETag names the code, the query and the public version: a body stored under it was
        # public at that version, and its filters were checked when it was made.
        etag, last = _validators(request, now, f"series:{code}")
        body = cached_body("series", etag)
        if body is None:
            found = open_indicator(code, now=now, owner=request.query_params.get("owner", ""))
            if found is None:
                return HttpResponse(
                    orjson.dumps(error_body(404, "not_found", "Not found.")),
                    status=404,
                    content_type="application/json",
                )
            indicator, publication_ids = found
            filters = ObservationFilter.from_query(
                request.query_params, dimensions=indicator.dimension_ids
            )
            if not_modified(request, etag, last):
                return not_modified_response(etag, last)  # type: ignore[no-any-return]
            body = self._body(indicator, filters, publication_ids)
            store_body("series", etag, body)
        elif not_modified(request, etag, last):
            return not_modified_response(etag, last)  # type: ignore[no-any-return]
        response = HttpResponse(body, content_type="application/json")
        set_validators(response, etag, last)
        return response

    @staticmethod
    def _body(
        indicator: Indicator, filters: ObservationFilter, publication_ids: list[int]
    ) -> bytes:
        rows = series_rows(indicator=indicator, filters=filters, publication_ids=publication_ids)
        keys: dict[str, dict[str, str]] = {}
        body = orjson.dumps(
            {
                "indicator": _indicator_meta(indicator),
                "observations": [
                    {
                        "id": i,
                        "territory": t,
                        "period": p,
                        "dims": dims_from_key(k, keys),
                        "value": v,
                        "status": s,
                    }
                    for i, t, p, k, v, s in rows
                ],
            }
        )
        return body


def _indicator_meta(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name_en": indicator.name_en,
        "name_sr_latn": indicator.name_sr_latn,
        "name_sr_cyrl": indicator.name_sr_cyrl,
        "unit": indicator.unit,
        "topic": indicator.topic,
        "decimals": indicator.decimals,
        "dimensions": indicator.dimensions,
        "sdg_targets": indicator.sdg_targets,
        "owner": sdmx_agency_id(indicator),
        "dataflow": indicator_dataflow_id(indicator),
    }


class DownloadView(OpenDataView):
    """Bulk download of released values as JSON, CSV or SDMX-CSV 2.0, streamed."""

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses={
            (200, "application/json"): serializers.OpenDataObservationSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/vnd.sdmx.data+csv"): OpenApiTypes.STR,
        },
        description="SDMX-CSV needs exactly one indicator (one dataflow per file). Any other "
        "query parameter filters a dimension, e.g. ?sex=F.",
    )
    def get(self, request: Request, fmt: str) -> HttpResponseBase:
        now = timezone.now()
        params = request.query_params
        etag, last = _validators(request, now, fmt)
        content_type, _ext = FORMATS[fmt]
        codes = query_list(params, "indicator")
        # A body stored under this ETag (code, query, public version) had its query checked when
        # it was made: a hit needs no query at all.
        body = cached_body("download", etag)
        stream: Iterator[bytes] | None = None
        if body is None:
            filters = ObservationFilter.from_query(params, dimensions=declared_dimensions(codes))
            indicator = None
            if fmt == "sdmx.csv":
                owners = query_list(params, "owner")
                found = (
                    open_indicator(codes[0], now=now, owner=owners[0] if len(owners) == 1 else "")
                    if len(codes) == 1
                    else None
                )
                indicator = found[0] if found else None
                if indicator is None:
                    return HttpResponse(
                        orjson.dumps(
                            error_body(
                                400,
                                "indicator_required",
                                "SDMX-CSV is one dataflow: give exactly one published indicator "
                                "with ?indicator=CODE.",
                            )
                        ),
                        status=400,
                        content_type="application/json",
                    )
            stream = tee_to_cache("download", etag, self._stream(fmt, filters, now, indicator))
        if not_modified(request, etag, last):
            return not_modified_response(etag, last)  # type: ignore[no-any-return]
        download_count(codes)  # a cache counter: no database write on this path
        name = (
            f"{codes[0].replace(':', '_')}.sdmx.csv" if fmt == "sdmx.csv" else f"observations.{fmt}"
        )
        content: Iterable[bytes] = [body] if body is not None else (stream or iter(()))
        response = StreamingHttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        set_validators(response, etag, last)
        return response

    @staticmethod
    def _stream(
        fmt: str, filters: ObservationFilter, now: dt.datetime, indicator: Indicator | None
    ) -> Iterator[bytes]:
        qs = open_observations(filters=filters, now=now)
        if fmt == "json":
            return stream_json(qs)
        if fmt == "csv":
            return stream_csv(qs)
        assert indicator is not None
        return stream_sdmx_csv(qs, indicator)


def _conditional(
    request: HttpRequest, fmt: str, build: Callable[[dt.datetime], HttpResponseBase]
) -> HttpResponseBase:
    """Answer 304 when the client's copy is current, else `build(now)` with validators."""
    now = timezone.now()
    etag, last = _validators(request, now, fmt)
    if not_modified(request, etag, last):
        return not_modified_response(etag, last)  # type: ignore[no-any-return]
    response = build(now)
    set_validators(response, etag, last)
    return response


CALENDAR_PARAMS = [
    OpenApiParameter("indicator", str, description="Only releases of this indicator code"),
    OpenApiParameter("topic", str, description="Only releases with an indicator of this topic"),
]


def _calendar_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:50] for k in ("indicator", "topic")}


class CalendarView(OpenDataView):
    """The release calendar: announced releases (postponed and cancelled ones too, with the
    reason) as date, title and state; released ones in full."""

    pagination_class = None

    @extend_schema(
        parameters=CALENDAR_PARAMS, responses=serializers.CalendarEntrySerializer(many=True)
    )
    def get(self, request: Request) -> HttpResponseBase:
        filters = _calendar_filters(request)
        return _conditional(
            request,
            "calendar",
            lambda now: Response(
                [
                    (
                        serializers.CalendarEntrySerializer
                        if entry["released"]
                        else serializers.UpcomingEntrySerializer
                    )(entry).data
                    for entry in calendar_entries(now=now, **filters)
                ]
            ),
        )


class CalendarICSView(OpenDataView):
    """The release calendar as an iCalendar feed (same filters as the JSON calendar)."""

    @extend_schema(parameters=CALENDAR_PARAMS, responses={(200, "text/calendar"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponseBase:
        filters = _calendar_filters(request)
        return _conditional(
            request,
            "calendar.ics",
            lambda now: HttpResponse(
                calendar_ics(calendar_entries(now=now, **filters)),
                content_type="text/calendar; charset=utf-8",
            ),
        )


_ICS_STATUS = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def calendar_ics(entries: list[dict[str, Any]]) -> bytes:
    """One VEVENT per announced release: title, time and state (the values are not in the feed).

    The UID stays the release's for life, so a postponed or cancelled release updates the
    subscriber's entry: SEQUENCE counts the changes, DTSTAMP is when the entry was written.
    """
    cal = Calendar()
    cal.add("prodid", "-//DDMS//release calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "DDMS release calendar")
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "ddms"
    for entry in entries:
        event = Event()
        start = entry["release_at"]
        event.add("uid", f"release-{entry['id']}@{host}")
        summary = entry["title"]
        if entry["state"] == "postponed":
            summary = f"Postponed: {summary}"
        elif entry["state"] == "cancelled":
            summary = f"Cancelled: {summary}"
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=30))
        event.add("dtstamp", entry["written_at"] or start)
        event.add("sequence", entry["sequence"])
        event.add("status", _ICS_STATUS.get(entry["state"], "CONFIRMED"))
        if entry["reason"]:
            event.add("description", entry["reason"])
        event.add("url", site_link("indicators:release-detail", entry["id"]))
        cal.add_component(event)
    return cal.to_ical()


class MonitoringView(APIView):
    """A pilot's policy targets: the progress measure on their published values, for everyone."""

    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.MonitoringSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        # Public, like the progress page: published figures against adopted targets.
        pilot = get_object_or_404(Pilot.objects.all(), pk=pk)
        return Response(
            serializers.MonitoringSerializer(pilot_monitoring(pilot=pilot), many=True).data
        )
