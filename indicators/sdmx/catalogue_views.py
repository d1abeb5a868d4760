"""DCAT-AP catalogue and Frictionless Data Package downloads (public, open data only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def catalog_ttl(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def datapackage_zip(request: HttpRequest, code: str) -> HttpResponse:
    raise NotImplementedError
