"""DCAT-AP catalogue and Frictionless Data Package downloads (public, open data only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .catalogue import build_catalogue
from .datapackage import datapackage_zip as build_package
from .structures import sdmx_indicators


@require_GET
def catalog_ttl(request: HttpRequest) -> HttpResponse:
    """The DCAT-AP catalogue in Turtle."""
    body = build_catalogue().serialize(format="turtle")
    return HttpResponse(body, content_type="text/turtle; charset=utf-8")


@require_GET
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    """The DCAT-AP catalogue in JSON-LD."""
    body = build_catalogue().serialize(format="json-ld")
    return HttpResponse(body, content_type="application/ld+json")


@require_GET
def datapackage_zip(request: HttpRequest, code: str, agency: str | None = None) -> HttpResponse:
    """One public indicator as a zipped Frictionless Data Package (404 under embargo; 404 for
    a bare code several NSIs share — the owned address names the NSI)."""
    found = sdmx_indicators().filter(code=code)
    if agency is not None:
        found = found.filter(owner__agency_id__iexact=agency)
    matches = list(found.select_related("owner")[:2])
    if len(matches) != 1:
        raise Http404
    indicator = matches[0]
    response = HttpResponse(build_package(indicator), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{code}-datapackage.zip"'
    return response
