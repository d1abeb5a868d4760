"""The one bridge from page forms to the domain services (the same ones the API calls)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ddms_platform.web.helpers import call_service

from ..forms import AgreementTransitionForm, UploadForm
from ..models import Agreement, DataRequest, Submission


def _services() -> Any:
    from .. import services

    return services


def acknowledge(request: HttpRequest, data_request: DataRequest) -> bool:
    s = _services()
    ok, _r = call_service(
        request,
        s.request_acknowledge,
        _("Request acknowledged."),
        actor=request.user,
        data_request=data_request,
    )
    return ok


def decline(request: HttpRequest, data_request: DataRequest, reason: str) -> bool:
    s = _services()
    ok, _r = call_service(
        request,
        s.request_decline,
        _("Request declined."),
        actor=request.user,
        data_request=data_request,
        reason=reason,
    )
    return ok


def comment(request: HttpRequest, data_request: DataRequest, body: str) -> bool:
    s = _services()
    ok, _r = call_service(
        request,
        s.request_comment,
        _("Message posted."),
        actor=request.user,
        data_request=data_request,
        body=body,
    )
    return ok


def upload(request: HttpRequest, data_request: DataRequest, form: UploadForm) -> Submission | None:
    s = _services()
    ok, submission = call_service(
        request,
        s.submission_create,
        _("File uploaded; validation has started."),
        actor=request.user,
        data_request=data_request,
        upload=form.cleaned_data["file"],
    )
    return submission if ok else None


def review(request: HttpRequest, data_request: DataRequest, decision: str, comment: str) -> bool:
    s = _services()
    if decision == "accept":
        ok, _r = call_service(
            request,
            s.request_accept,
            _("Submission accepted."),
            actor=request.user,
            data_request=data_request,
        )
    else:
        ok, _r = call_service(
            request,
            s.request_changes,
            _("Changes requested from the partner."),
            actor=request.user,
            data_request=data_request,
            comment=comment,
        )
    return ok


def send(request: HttpRequest, data_request: DataRequest) -> bool:
    s = _services()
    ok, _r = call_service(
        request,
        s.request_send,
        _("Request sent to the partner."),
        actor=request.user,
        data_request=data_request,
    )
    return ok


def agreement_transition_form(agreement: Agreement) -> AgreementTransitionForm:
    return AgreementTransitionForm(initial={"target": agreement.state})
