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
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from ddms_platform.core.errors import DomainError
from ddms_platform.web.helpers import call_service
from partnerships.views.nsi import nsi_only

from . import services
from .choices import PublicationState
from .forms import PreReleaseForm, PublicationForm, ReasonForm, ScheduleForm
from .models import PreReleaseAccess, Publication
from .selectors.publications import staff_publications

S = PublicationState


def _publication(request: HttpRequest, pk: int) -> Publication:
    return get_object_or_404(
        staff_publications(request.user)
        .select_related("territory", "pilot", "prepared_by", "approved_by", "supersedes")
        .prefetch_related("indicators"),
        pk=pk,
    )


@nsi_only
def publication_create(request: HttpRequest) -> HttpResponse:
    """Declare a new release (create-and-schedule is one service call)."""
    form = PublicationForm(request.POST or None, user=request.user)
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
    service: Callable[..., Any], success: Any, **fixed: Any
) -> Callable[[HttpRequest, Publication], tuple[bool, Any]]:
    """A button that calls `service`; `success` is lazy, so it speaks the page's language."""

    def run(request: HttpRequest, publication: Publication) -> tuple[bool, Any]:
        extra = {k: (v(request) if callable(v) else v) for k, v in fixed.items()}
        return call_service(
            request, service, str(success), actor=request.user, publication=publication, **extra
        )

    return run


ACTIONS: dict[str, Callable[[HttpRequest, Publication], tuple[bool, Any]]] = {
    "approve": _simple(services.publication_approve, _lazy("Release approved.")),
    "approve-schedule": _simple(
        services.publication_approve, _lazy("Release approved and scheduled."), schedule=True
    ),
    "schedule": _schedule,
    "postpone": _simple(
        services.publication_unschedule,
        _lazy("Release postponed; subscribers are told."),
        reason=_reason,
    ),
    "cancel": _simple(
        services.publication_unschedule,
        _lazy("Release cancelled."),
        reason=_reason,
        cancel=True,
    ),
    "publish": _simple(services.publication_publish, _lazy("Release published."), reason=_reason),
    "revise": _simple(services.publication_revise, _lazy("Revision started as a draft.")),
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


# --- loading an accepted submission into observations ------------------------------------------

PREVIEW_ROWS = 5


def _loadable_submissions(user: Any) -> Any:
    """Submissions of accepted requests whose validation passed, among those the user may see
    (the service checks the rest)."""
    from ddms_platform.core.scoping import visible_queryset
    from partnerships.choices import RequestState, RunStatus
    from partnerships.models import Submission

    return (
        visible_queryset(Submission, user)
        .filter(request__state=RequestState.ACCEPTED, validation_run__status=RunStatus.PASSED)
        .select_related("request")
        .order_by("-uploaded_at")
    )


def _file_preview(submission: Any) -> tuple[list[str], list[list[str]], str]:
    """The file's columns and its first rows (or why it cannot be read)."""
    from .services.reading import open_table

    try:
        with open_table(submission) as table:
            labels = [str(c) for c in table.labels]
            for frame in table.frames(labels):
                head = frame.head(PREVIEW_ROWS).fillna("")
                return labels, [[str(v) for v in row] for row in head.itertuples(index=False)], ""
            return labels, [], ""
    except Exception as exc:  # noqa: BLE001 - an unreadable file is shown, not a 500
        return [], [], str(exc)


@nsi_only
def load_create(request: HttpRequest) -> HttpResponse:
    """Choose the submission and indicator, see the first rows, map the columns, load."""
    from .forms import LoadChooseForm, MappingForm

    source = request.POST if request.method == "POST" else request.GET
    choose = LoadChooseForm(
        source or None, submissions=_loadable_submissions(request.user), user=request.user
    )
    context: dict[str, Any] = {"choose": choose}
    if source and choose.is_valid():
        submission = choose.cleaned_data["submission"]
        indicator = choose.cleaned_data["indicator"]
        columns, rows, problem = _file_preview(submission)
        mapping_form = MappingForm(
            request.POST if request.method == "POST" else None,
            columns=columns,
            indicator=indicator,
        )
        context.update(
            submission=submission,
            indicator=indicator,
            columns=columns,
            rows=rows,
            problem=problem,
            mapping_form=mapping_form,
        )
        if request.method == "POST" and mapping_form.is_valid():
            ok, load = call_service(
                request,
                services.observation_load_request,
                _("Load queued."),
                form=mapping_form,
                actor=request.user,
                submission=submission,
                indicator=indicator,
                mapping=mapping_form.mapping(),
            )
            if ok and load is not None:
                return redirect(reverse("indicators:load-detail", args=[load.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/load_form.html", context, status=status)


@nsi_only
def load_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A load job's progress and its outcome, with rejected rows named."""
    from ddms_platform.core.scoping import visible_queryset

    from .models import ObservationLoad

    load = get_object_or_404(
        visible_queryset(ObservationLoad, request.user).select_related(
            "submission__request", "indicator"
        ),
        pk=pk,
    )
    result = load.result or {}
    return render(
        request,
        "indicators/load_detail.html",
        {
            "load": load,
            "result": result,
            "errors": result.get("errors") or [],
            "finished": load.status in load.FINISHED,
        },
    )


@nsi_only
def publishing_policy(request: HttpRequest) -> HttpResponse:
    """An NSI manager relaxes (or restores) four eyes for their office, with a reason."""
    from ddms_platform.core.permissions import NSI_KINDS, member_org_ids
    from partnerships.models import Organisation

    from .models import PublishingPolicy

    offices = Organisation.objects.filter(
        pk__in=member_org_ids(request.user, ("manager",)), kind__in=NSI_KINDS
    ).order_by("name")
    if request.method == "POST":
        office = get_object_or_404(offices, pk=request.POST.get("organisation") or 0)
        call_service(
            request,
            services.publishing_policy_set,
            _("Publishing policy saved."),
            actor=request.user,
            organisation=office,
            four_eyes_relaxed=request.POST.get("four_eyes_relaxed") == "on",
            reason=request.POST.get("reason", ""),
        )
        return redirect(reverse("indicators:publishing-policy"))
    policies = {
        p.organisation_id: p for p in PublishingPolicy.objects.filter(organisation__in=offices)
    }
    return render(
        request,
        "indicators/publishing_policy.html",
        {"offices": [(o, policies.get(o.pk)) for o in offices]},
    )
