"""The NSI publishing desk: declare, preview, approve, schedule, postpone, publish, revise, diff.

Every button is one service call; the service decides whether the action is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddms_platform.core.errors import DomainError
from ddms_platform.web.helpers import call_service
from partnerships.views.nsi import nsi_only

from . import services
from .choices import PublicationState
from .forms import PreReleaseForm, PublicationForm, ReasonForm, ScheduleForm
from .models import PreReleaseAccess, Publication
from .selectors.publications import publications_visible

S = PublicationState


def _publication(request: HttpRequest, pk: int) -> Publication:
    return get_object_or_404(
        publications_visible(user=request.user)
        .select_related("territory", "pilot", "prepared_by", "approved_by", "supersedes")
        .prefetch_related("indicators"),
        pk=pk,
    )


@nsi_only
def publication_create(request: HttpRequest) -> HttpResponse:
    """Declare a new release (create-and-schedule is one service call)."""
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["schedule"] = data.pop("schedule_now")
        ok, publication = call_service(
            request,
            services.publication_create,
            _("Publication declared. A second NSI manager approves it before it is scheduled."),
            form=form,
            actor=request.user,
            **data,
        )
        if ok and publication is not None:
            return redirect(reverse("indicators:publication-detail", args=[publication.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/publication_form.html", {"form": form}, status=status)


@nsi_only
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The release with its preview and the actions its state allows."""
    publication = _publication(request, pk)
    preview = None
    if publication.state in (S.DRAFT, S.APPROVED, S.POSTPONED):
        try:
            preview = services.publication_preview(publication=publication)
        except DomainError as exc:  # e.g. the pilot's territory code is unknown
            messages.error(request, exc.message)
    return render(
        request,
        "indicators/publication_detail.html",
        {
            "publication": publication,
            "preview": preview,
            "schedule_form": ScheduleForm(initial={"release_at": publication.release_at}),
            "reason_form": ReasonForm(),
            "pre_release_form": PreReleaseForm(),
            "access": PreReleaseAccess.objects.filter(publication=publication)
            .select_related("user")
            .order_by("granted_at"),
            "revisions": publication.revisions.order_by("version"),
        },
    )


def _reason(request: HttpRequest) -> str:
    return request.POST.get("reason", "")


def _schedule(request: HttpRequest, publication: Publication) -> tuple[bool, Any]:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return False, form
    return call_service(
        request,
        services.publication_schedule,
        _("Release scheduled."),
        actor=request.user,
        publication=publication,
        release_at=form.cleaned_data["release_at"],
        reason=form.cleaned_data["reason"],
    )


def _grant(request: HttpRequest, publication: Publication) -> tuple[bool, Any]:
    form = PreReleaseForm(request.POST)
    if not form.is_valid():
        return False, form
    return call_service(
        request,
        services.pre_release_grant,
        _("Pre-release access given."),
        actor=request.user,
        publication=publication,
        username=form.cleaned_data["user"],
        hours=form.cleaned_data["hours"],
        purpose=form.cleaned_data["purpose"],
    )


def _simple(
    service: Callable[..., Any], success: str, **fixed: Any
) -> Callable[[HttpRequest, Publication], tuple[bool, Any]]:
    def run(request: HttpRequest, publication: Publication) -> tuple[bool, Any]:
        extra = {k: (v(request) if callable(v) else v) for k, v in fixed.items()}
        return call_service(
            request, service, success, actor=request.user, publication=publication, **extra
        )

    return run


ACTIONS: dict[str, Callable[[HttpRequest, Publication], tuple[bool, Any]]] = {
    "approve": _simple(services.publication_approve, _("Release approved.")),
    "approve-schedule": _simple(
        services.publication_approve, _("Release approved and scheduled."), schedule=True
    ),
    "schedule": _schedule,
    "postpone": _simple(
        services.publication_unschedule, _("Release postponed; subscribers are told."), reason=_reason
    ),
    "cancel": _simple(
        services.publication_unschedule,
        _("Release cancelled."),
        reason=_reason,
        cancel=True,
    ),
    "publish": _simple(services.publication_publish, _("Release published."), reason=_reason),
    "revise": _simple(services.publication_revise, _("Revision started as a draft.")),
    "pre-release": _grant,
}


@nsi_only
@require_POST
def publication_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One button of the desk: one service call, its answer shown as a message."""
    run = ACTIONS.get(action)
    if run is None:
        raise Http404
    publication = _publication(request, pk)
    ok, result = run(request, publication)
    if not ok and hasattr(result, "errors"):
        for errors in result.errors.values():
            for error in errors:
                messages.error(request, str(error))
    target = publication.pk
    if ok and isinstance(result, Publication):
        target = result.pk
        if action == "publish" and result.notification_skipped:
            messages.info(request, _("No values changed, so no notification was sent."))
    return redirect(reverse("indicators:publication-detail", args=[target]))


@nsi_only
@require_POST
def publication_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Kept for old links and forms: the schedule button of the desk."""
    return publication_action(request, pk, "schedule")


@nsi_only
def publication_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What this version changed against the one it supersedes, as a table."""
    publication = _publication(request, pk)
    return render(
        request,
        "indicators/publication_diff.html",
        {"publication": publication, "diff": publication.diff or {}},
    )
