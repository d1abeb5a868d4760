"""The SDMX REST web service under /sdmx/ (SDMX REST 2.x paths and the 1.5 forms).

Formats by content negotiation (the Accept header, or `format=`); errors as the standard
says: 404 no results, 400 a malformed query, 406 a format it cannot write, 501 a feature it
does not implement, 413 a response larger than DDMS_SDMX_MAX_OBSERVATIONS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from ..exports import sdmx_agency_id
from .codes import sdmx_lang
from .data import SdmxError, observations, parse_query, write_csv, write_json, write_xml
from .structures import TYPES, indicator_for_flow, structures, to_sdmx_json, to_sdmx_ml

XML_DATA = "application/vnd.sdmx.structurespecificdata+xml; version=2.1"
JSON_DATA = "application/vnd.sdmx.data+json; version=2.0.0"
CSV_DATA = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
XML_STRUCTURE = "application/vnd.sdmx.structure+xml; version=2.1"
JSON_STRUCTURE = "application/vnd.sdmx.structure+json; version=2.0.0"

# Media type (without parameters) or `format=` value → what we write.
DATA_TYPES = {
    "application/vnd.sdmx.structurespecificdata+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/vnd.sdmx.data+json": "json",
    "application/json": "json",
    "application/vnd.sdmx.data+csv": "csv",
    "text/csv": "csv",
}
DATA_FORMATS = {
    "structurespecificdata": "xml",
    "sdmx-ml": "xml",
    "xml": "xml",
    "jsondata": "json",
    "sdmx-json": "json",
    "json": "json",
    "csvfile": "csv",
    "csv": "csv",
    "sdmx-csv": "csv",
}
STRUCTURE_TYPES = {
    "application/vnd.sdmx.structure+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/vnd.sdmx.structure+json": "json",
    "application/json": "json",
}
STRUCTURE_FORMATS = {
    "structure": "xml",
    "sdmx-ml": "xml",
    "xml": "xml",
    "sdmx-json": "json",
    "json": "json",
}


def negotiate(request: HttpRequest, types: dict[str, str], formats: dict[str, str]) -> str:
    """The format to write: `format=` first, else the best Accept entry; none fits → 406."""
    fmt = request.GET.get("format")
    if fmt:
        if fmt.lower() not in formats:
            raise SdmxError(
                406, f"format={fmt!r} is not available; use one of {', '.join(formats)}."
            )
        return formats[fmt.lower()]
    accept = request.headers.get("Accept", "") or "*/*"
    entries = []
    for position, raw in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in raw.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        entries.append((-q, position, media.lower()))
    for neg_q, _position, media in sorted(entries):
        if neg_q == 0:
            continue
        if media in types:
            return types[media]
        if media in ("*/*", "application/*", "text/*"):
            return "xml" if media != "text/*" else "csv"
    raise SdmxError(406, f"Cannot write {accept!r}; available: {', '.join(sorted(set(types)))}.")


def error(err: SdmxError) -> HttpResponse:
    """An SDMX error message (the SDMX-JSON error shape, readable by any client)."""
    import orjson

    body = {"errors": [{"code": err.status, "title": err.message}]}
    return HttpResponse(orjson.dumps(body), status=err.status, content_type="application/json")


def _guard(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except SdmxError as err:
            return error(err)

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return require_GET(wrapped)


def _lang() -> str:
    return sdmx_lang(get_language())


@_guard
def structure(
    request: HttpRequest,
    kind: str,
    agency: str = "*",
    resource: str = "*",
    version: str = "~",
) -> HttpResponse:
    """/structure/{type}/{agency}/{id}/{version} (and /{type}/… of SDMX REST 1.5)."""
    kind = kind.lower()
    if kind not in (*TYPES, "*", "all", "structure"):
        raise SdmxError(501, f"Structure type {kind!r} is not served.")
    references = request.GET.get("references", "none").lower()
    if references not in (
        "none",
        "parents",
        "parentsandsiblings",
        "children",
        "descendants",
        "all",
        *TYPES,
    ):
        raise SdmxError(400, f"references={references!r} is not valid.")
    fmt = negotiate(request, STRUCTURE_TYPES, STRUCTURE_FORMATS)
    found = structures(kind, agency, resource, version, references)
    if not found.all():
        raise SdmxError(404, "No structures match the query.")
    if fmt == "json":
        return HttpResponse(to_sdmx_json(found, lang=_lang()), content_type=JSON_STRUCTURE)
    return HttpResponse(to_sdmx_ml(found), content_type=XML_STRUCTURE)


WRITERS: dict[str, tuple[Callable[..., Iterator[bytes]], str, str]] = {
    "xml": (write_xml, XML_DATA, "xml"),
    "json": (write_json, JSON_DATA, "json"),
    "csv": (write_csv, CSV_DATA, "csv"),
}


@_guard
def data(
    request: HttpRequest,
    agency: str = "*",
    resource: str = "",
    version: str = "*",
    key: str = "*",
    context: str = "dataflow",
) -> HttpResponseBase:
    """/data/dataflow/{agency}/{id}/{version}/{key} (and /data/{flowRef}/{key} of 1.5)."""
    if context not in ("dataflow", "*"):
        raise SdmxError(501, f"Data by {context} is not served; query by dataflow.")
    if version not in ("*", "~", "latest", "+", "1.0.0", "1.0", "1"):
        raise SdmxError(404, f"No dataflow {resource} in version {version}.")
    fmt = negotiate(request, DATA_TYPES, DATA_FORMATS)
    indicator = indicator_for_flow(resource, agency=agency)
    if indicator is None:
        raise SdmxError(404, f"No dataflow {resource} of agency {agency}.")
    params = request.GET.dict()
    if "labels=both" in request.headers.get("Accept", "").replace(" ", ""):
        params.setdefault("labels", "both")  # the SDMX-CSV media-type parameter
    query = parse_query(indicator, key, params, _lang())
    qs = observations(query)
    limit = settings.DDMS_SDMX_MAX_OBSERVATIONS
    if limit and qs.count() > limit:
        raise SdmxError(
            413, f"The response would hold more than {limit} observations; narrow the key."
        )
    if not qs.exists():
        raise SdmxError(404, "No data match the query.")
    writer, content_type, ext = WRITERS[fmt]
    response = StreamingHttpResponse(writer(query, qs), content_type=content_type)
    name = f"{sdmx_agency_id(indicator)}_{resource}"
    response["Content-Disposition"] = f'inline; filename="{name}.{ext}"'
    response["Vary"] = "Accept, Accept-Language"
    return response


def data_legacy(request: HttpRequest, flow_ref: str, key: str = "*") -> HttpResponseBase:
    """/data/{flowRef}/{key}: flowRef is ID, AGENCY,ID or AGENCY,ID,VERSION (SDMX REST 1.5)."""
    parts = flow_ref.split(",")
    agency, resource, version = (
        ("*", parts[0], "*")
        if len(parts) == 1
        else (parts[0], parts[1], parts[2] if len(parts) > 2 else "*")
    )
    return data(request, agency=agency, resource=resource, version=version, key=key)
