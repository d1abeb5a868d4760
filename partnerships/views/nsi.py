"""NSI overview and the forms that create and move agreements and data requests."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddms_platform.core.permissions import (
    ACTING_ROLES,
    NSI_KINDS,
    is_admin,
    is_nsi_staff,
    member_org_ids,
    staff_country_ids,
)
from ddms_platform.web.helpers import call_service, only_for

from .. import dashboards, services
from .. import selectors_obligations as obligations
from ..choices import AgreementState, RequestState
from ..forms import AgreementForm, AgreementTransitionForm, DataRequestForm
from ..models import Country, Organisation
from ..schema_sources import starting_point
from ..services import requests as request_services
from . import actions

# NSI pages answer 404 to everyone else: their existence is nobody else's business.
nsi_only = only_for(is_nsi_staff)


@nsi_only
def overview(request: HttpRequest) -> HttpResponse:
    """Partnerships and requests by state, renewals, overdue, validation queue, calendars."""
    user = request.user
    requests_qs = dashboards.requests_for(user)
    context = {
        "agreements_by_state": dashboards.counts_by_state(
            dashboards.agreements_for(user), AgreementState
        ),
        "renewals": dashboards.renewals_due(user),
        "requests_by_state": dashboards.counts_by_state(requests_qs, RequestState),
        "overdue": dashboards.overdue_requests(user),
        "queue": dashboards.validation_queue(user)[:20],
        "fulfilment": dashboards.fulfilment_records(user),
        "completeness_by_partner": obligations.completeness(user, group="partner"),
        "completeness_by_nsi": obligations.completeness(user, group="nsi"),
        "activities": dashboards.activities_for(user)[:30],
        "recent_agreements": dashboards.agreements_for(user)[:10],
        "recent_requests": requests_qs.order_by("-created_at")[:10],
        # The country the page is about (an NSI works within its own; admins: every one).
        "countries": list(
            Country.objects.filter(pk__in=staff_country_ids(user)).values_list("name", flat=True)
        ),
        **dashboards.overview_sections(user),
    }
    return render(request, "partnerships/nsi_overview.html", context)


def _nsi_offices(request: HttpRequest) -> QuerySet[Organisation]:
    """The NSI organisations the user acts for (admins: all of them)."""
    offices = Organisation.objects.filter(kind__in=NSI_KINDS, is_active=True)
    if is_admin(request.user):
        return offices
    return offices.filter(pk__in=member_org_ids(request.user, ACTING_ROLES))


@nsi_only
def agreement_create(request: HttpRequest) -> HttpResponse:
    """Create a draft agreement through the registry service."""
    form = AgreementForm(request.POST or None, nsi_offices=_nsi_offices(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, agreement = call_service(
            request,
            services.agreement_create,
            _("Agreement created."),
            form=form,
            actor=request.user,
            reference=data["reference"],
            title=data["title"],
            nsi=data["nsi"],
            type=data["type"],
            parties=[{"organisation": org, "resources": ["data"]} for org in data["partners"]],
            domains=data["domains"],
            goals=data["goals"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        if ok and agreement is not None:
            return redirect(reverse("partnerships:agreement-detail", args=[agreement.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "heading": _("New agreement")},
        status=status,
    )


@nsi_only
@require_POST
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an agreement through its lifecycle; the service says which moves are legal."""
    agreement = get_object_or_404(dashboards.agreements_for(request.user), pk=pk)
    form = AgreementTransitionForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            services.agreement_transition,
            _("Agreement state changed."),
            actor=request.user,
            agreement=agreement,
            target=form.cleaned_data["target"],
        )
    return redirect(reverse("partnerships:agreement-detail", args=[pk]))


@nsi_only
def request_create(request: HttpRequest) -> HttpResponse:
    """Create an acquisition request under a signed or active agreement, optionally sending it."""
    agreements = dashboards.agreements_for(request.user).filter(
        state__in=[AgreementState.SIGNED, AgreementState.ACTIVE]
    )
    start = starting_point(request.user, request.GET) if request.method == "GET" else None
    initial: dict[str, Any] = {"table_schema": {"fields": []}, "dialect": {}}
    if start is not None:
        initial = {"table_schema": start[0], "dialect": start[1]}
    form = DataRequestForm(
        request.POST or None,
        agreements=agreements,
        nsi_offices=_nsi_offices(request),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        send_now = data.pop("send_now")
        # Create-and-send is one service: a failure leaves no half-done draft.
        ok, data_request = call_service(
            request,
            request_services.request_create_and_send
            if send_now
            else request_services.request_create,
            _("Data request created and sent.") if send_now else _("Data request created."),
            form=form,
            actor=request.user,
            direction="acquisition",
            **data,
        )
        if ok and data_request is not None:
            return redirect(reverse("partnerships:request-detail", args=[data_request.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partnerships/request_form.html",
        {"form": form, "heading": _("New data request"), "started_from": start is not None},
        status=status,
    )


@nsi_only
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a request not yet accepted (with an optional reason)."""
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    call_service(
        request,
        request_services.request_withdraw,
        _("Request withdrawn."),
        actor=request.user,
        request=data_request,
        reason=request.POST.get("reason", ""),
    )
    return redirect(reverse("partnerships:request-detail", args=[pk]))


@nsi_only
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an accepted request."""
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    call_service(
        request,
        request_services.request_close,
        _("Request closed."),
        actor=request.user,
        request=data_request,
    )
    return redirect(reverse("partnerships:request-detail", args=[pk]))


@nsi_only
@require_POST
def request_send(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = get_object_or_404(dashboards.requests_for(request.user), pk=pk)
    actions.send(request, data_request)
    return redirect(reverse("partnerships:request-detail", args=[pk]))
