"""Partner portal: agreements, data requests, uploads, validation reports, fulfilment."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ddms_platform.core.permissions import is_nsi_staff, member_org_ids
from ddms_platform.tabular import report_errors, report_warnings, upgrade_report

from .. import dashboards
from .. import selectors_obligations as obligations
from ..choices import RunStatus
from ..forms import CommentForm, DeclineForm, ReviewForm, UploadForm
from ..models import DataRequest, Submission
from ..report_messages import explained, type_label
from ..schema_guide import describe_schema
from ..selectors import agreement_document_list
from . import actions
from .obligations import agreement_obligations

FINAL_RUN_STATES = (RunStatus.PASSED, RunStatus.FAILED, RunStatus.ERROR)


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """My organisations' agreements and data requests with due dates, and my fulfilment."""
    own = member_org_ids(request.user)
    requests_qs = dashboards.requests_for(request.user).filter(provider_id__in=own)
    context = {
        "agreements": dashboards.agreements_for(request.user),
        "requests": requests_qs.order_by("due_on", "-created_at"),
        "fulfilment": dashboards.fulfilment_records(request.user),
        "completeness": obligations.completeness(request.user),
    }
    return render(request, "partnerships/portal.html", context)


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One agreement the user's organisation is party to (NSI staff: any)."""
    agreement = get_object_or_404(dashboards.agreements_for(request.user), pk=pk)
    return render(
        request,
        "partnerships/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": agreement.party_links.select_related("organisation"),
            "documents": agreement_document_list(request.user, agreement),
            "requests": dashboards.requests_for(request.user).filter(agreement=agreement),
            "transition_form": actions.agreement_transition_form(agreement),
            "is_nsi": is_nsi_staff(request.user),
            **agreement_obligations(request, agreement),
        },
    )


def _request_page(
    request: HttpRequest, data_request: DataRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The request page; bound forms passed in show their field errors in place."""
    context: dict[str, Any] = {
        "data_request": data_request,
        "fields": (data_request.table_schema or {}).get("fields", []),
        "guide": describe_schema(data_request.table_schema, data_request.dialect),
        "comments": data_request.comments.select_related("author"),
        "submissions": data_request.submissions.select_related("validation_run", "uploaded_by"),
        "is_provider": dashboards.acts_as_provider(request.user, data_request),
        "is_nsi": is_nsi_staff(request.user),
        "decline_form": DeclineForm(),
        "comment_form": CommentForm(),
        "upload_form": UploadForm(),
        "review_form": ReviewForm(),
        "escalation_steps": obligations.escalation_steps(data_request),
    } | forms
    return render(request, "partnerships/request_detail.html", context, status=status)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A data request: what is asked, the thread, the uploads and the actions open to me."""
    return _request_page(request, get_object_or_404(dashboards.requests_for(request.user), pk=pk))


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("partnerships:request-detail", args=[pk]))


@login_required
@require_POST
def request_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    actions.acknowledge(request, data_request)
    return _back(pk)


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid() and actions.decline(
        request, data_request, form.cleaned_data["reason"], form
    ):
        return _back(pk)
    if not form.errors:
        return _back(pk)  # the service's refusal is in the messages
    return _rerender(request, data_request, decline_form=form)


@login_required
@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid() and actions.comment(request, data_request, form.cleaned_data["body"], form):
        return _back(pk)
    if not form.errors:
        return _back(pk)  # the service's refusal is in the messages
    return _rerender(request, data_request, comment_form=form)


@login_required
@require_POST
def request_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file; the static upload script posts here too and follows the answer."""
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    form = UploadForm(request.POST, request.FILES)
    wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    submission = actions.upload(request, data_request, form) if form.is_valid() else None
    if submission is not None:
        target = reverse("partnerships:submission-detail", args=[submission.pk])
        return JsonResponse({"redirect": target}) if wants_json else redirect(target)
    if wants_json:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        # A refused upload without field errors left its reason as a message: hand it over.
        errors += [str(m.message) for m in messages.get_messages(request)]
        return JsonResponse({"errors": errors}, status=400)
    if form.is_valid() and not form.errors:
        return _back(pk)
    return _rerender(request, data_request, upload_form=form)


@login_required
@require_POST
def request_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """NSI accepts a submission or requests changes (the service checks who may)."""
    if decision not in ("accept", "changes"):
        raise Http404
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    actions.review(request, data_request, decision, comment)
    return _back(pk)


def _rerender(request: HttpRequest, data_request: DataRequest, **forms: Any) -> HttpResponse:
    return _request_page(request, data_request, status=400, **forms)


def _submission(request: HttpRequest, pk: int) -> Submission:
    return get_object_or_404(dashboards.submissions_for(request.user), pk=pk)


def _run_summary(submission: Submission) -> dict[str, Any]:
    run = getattr(submission, "validation_run", None)
    status = run.status if run else RunStatus.QUEUED
    return {
        "status": status,
        "status_label": str(RunStatus(status).label),
        "rows_done": run.rows_done if run else 0,
        "final": status in FINAL_RUN_STATES,
    }


REPORT_PAGE_SIZE = 50


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A submission's validation: live status until it ends, then the plain-language report,
    paginated and filterable by column and error type."""
    submission = _submission(request, pk)
    run = getattr(submission, "validation_run", None)
    report = (upgrade_report(run.report) if run and run.report else None) or {}
    errors = report_errors(report)
    column = request.GET.get("column", "")
    kind = request.GET.get("type", "")
    shown = [
        e
        for e in errors
        if (not column or e.get("fieldName") == column) and (not kind or e.get("type") == kind)
    ]
    page = Paginator(shown, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {k: v for k, v in (("column", column), ("type", kind)) if v}
    context = {
        "submission": submission,
        "data_request": submission.request,
        "run": run,
        "summary": _run_summary(submission),
        "report": report,
        "page": page,
        "errors": explained(list(page.object_list)),
        "filters": filters,
        "filter_query": urlencode(filters),
        "columns": sorted({str(e["fieldName"]) for e in errors if e.get("fieldName")}),
        "types": [(t, type_label(t)) for t in sorted({str(e["type"]) for e in errors})],
        "error_counts": [
            (t, type_label(t), n) for t, n in sorted((report.get("error_counts") or {}).items())
        ],
        "warnings": explained(report_warnings(report)),
        "warning_count": (report.get("stats") or {}).get("warnings") or 0,
    }
    return render(request, "partnerships/submission_detail.html", context)


@login_required
def submission_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The validation run's status as JSON, polled by the page's static script."""
    return JsonResponse(_run_summary(_submission(request, pk)))
