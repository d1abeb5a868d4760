"""The expected table of a request: template downloads (the explanation is on the request page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from .. import dashboards
from ..table_templates import csv_template, xlsx_template

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def request_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The request's expected table as an empty CSV or XLSX to fill in."""
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    if fmt == "csv":
        body, content_type = (
            csv_template(data_request.table_schema, data_request.dialect),
            "text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        body, content_type = (
            xlsx_template(data_request.table_schema, data_request.dialect),
            XLSX_TYPE,
        )
    else:
        raise Http404
    name = slugify(data_request.title)[:60] or "request"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{data_request.pk}-template.{fmt}"'
    )
    return response
