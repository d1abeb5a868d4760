"""The expected table: template downloads, the schema library and the schema builder."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddms_platform.web.helpers import call_service

from .. import dashboards
from ..forms import SaveTemplateForm
from ..schema_builder import MAX_COLUMNS, SchemaBuilderForm, builder_result, column_formset
from ..schema_sources import indicator_levels
from ..selectors_schemas import schema_templates_visible
from ..services import schemas as schema_services
from ..table_templates import csv_template, xlsx_template
from .nsi import _nsi_offices, nsi_only

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


# --- the schema library and builder (NSI staff) ---------------------------------------------


@nsi_only
def library(request: HttpRequest) -> HttpResponse:
    """Saved schema templates (own and shared with the network) and where else to start."""
    templates = schema_templates_visible(request.user).order_by("name", "pk")
    earlier = dashboards.requests_for(request.user).order_by("-created_at")[:50]
    return render(
        request,
        "partnerships/schema_library.html",
        {
            "templates": templates,
            "earlier": earlier,
            "own_offices": set(_nsi_offices(request).values_list("pk", flat=True)),
            "level_choices": indicator_levels(),
        },
    )


@nsi_only
@require_POST
def library_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a template with the network, or stop sharing it."""
    template = get_object_or_404(schema_templates_visible(request.user), pk=pk)
    call_service(
        request,
        schema_services.schema_template_share,
        _("Sharing updated."),
        template=template,
        actor=request.user,
        shared=request.POST.get("shared") == "1",
    )
    return redirect(reverse("partnerships:schema-library"))


@nsi_only
def builder(request: HttpRequest) -> HttpResponse:
    """Build a Table Schema from a form, save it to the library, then start a request."""
    data = request.POST if request.method == "POST" else None
    wanted = request.GET.get("columns", "")
    extra = int(wanted) if wanted.isdigit() else 5
    formset = column_formset(extra)(data, prefix="columns")
    table_form = SchemaBuilderForm(data)
    save_form = SaveTemplateForm(data, offices=_nsi_offices(request))
    if request.method == "POST":
        result = builder_result(formset, table_form)
        if save_form.is_valid() and result is not None:
            schema, dialect = result
            ok, template = call_service(
                request,
                schema_services.schema_template_create,
                _("Schema saved to the library."),
                form=save_form,
                actor=request.user,
                owner=save_form.cleaned_data["owner"],
                name=save_form.cleaned_data["name"],
                description=save_form.cleaned_data["description"],
                table_schema=schema,
                dialect=dialect,
            )
            if ok and template is not None:
                target = reverse("partnerships:request-create") + f"?template={template.pk}"
                return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partnerships/schema_builder.html",
        {
            "formset": formset,
            "table_form": table_form,
            "save_form": save_form,
            "more_columns": min(extra + 5, MAX_COLUMNS),
        },
        status=status,
    )
