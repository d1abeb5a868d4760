"""The one bridge from page forms to the domain services (the same ones the API calls)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ddms_platform.web.helpers import call_service

from ..forms import AgreementTransitionForm
from ..models import Agreement, DataRequest, Submission
from ..services import requests as request_services
from ..services.submissions import submission_upload


def acknowledge(request: HttpRequest, data_request: DataRequest) -> bool:
    ok, _r = call_service(
        request,
        request_services.request_acknowledge,
        _("Request acknowledged."),
        actor=request.user,
        request=data_request,
    )
    return ok


def decline(request: HttpRequest, data_request: DataRequest, reason: str, form: forms.Form) -> bool:
    ok, _r = call_service(
        request,
        request_services.request_decline,
        _("Request declined."),
        form=form,
        actor=request.user,
        request=data_request,
        reason=reason,
    )
    return ok


def comment(request: HttpRequest, data_request: DataRequest, body: str, form: forms.Form) -> bool:
    ok, _r = call_service(
        request,
        request_services.request_comment_add,
        _("Message posted."),
        form=form,
        actor=request.user,
        request=data_request,
        body=body,
    )
    return ok


def upload(request: HttpRequest, data_request: DataRequest, form: forms.Form) -> Submission | None:
    ok, submission = call_service(
        request,
        submission_upload,
        _("File uploaded; validation has started."),
        form=form,
        actor=request.user,
        request=data_request,
        uploaded_file=form.cleaned_data["file"],
    )
    return submission if ok else None


def review(request: HttpRequest, data_request: DataRequest, decision: str, comment: str) -> bool:
    if decision == "accept":
        ok, _r = call_service(
            request,
            request_services.request_accept,
            _("Submission accepted."),
            actor=request.user,
            request=data_request,
        )
    else:
        ok, _r = call_service(
            request,
            request_services.request_changes,
            _("Changes requested from the partner."),
            actor=request.user,
            request=data_request,
            reason=comment,
        )
    return ok


def send(request: HttpRequest, data_request: DataRequest) -> bool:
    ok, _r = call_service(
        request,
        request_services.request_send,
        _("Request sent to the partner."),
        actor=request.user,
        request=data_request,
    )
    return ok


def agreement_transition_form(agreement: Agreement) -> AgreementTransitionForm:
    return AgreementTransitionForm(initial={"target": agreement.state})
