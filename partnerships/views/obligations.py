"""Pages of recurring obligations: an agreement's deliverables, periods and self-report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ddms_platform.core.permissions import ACTING_ROLES, is_acting_nsi_staff, member_org_ids
from ddms_platform.web.helpers import call_service

from .. import dashboards
from .. import selectors_obligations as obligations
from ..models import Agreement
from ..selectors import case_study_list
from ..services.obligations import progress_report_add


class ProgressReportForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("What the partnership achieved this year"),
        widget=forms.Textarea,
        max_length=10000,
    )


def can_report_progress(user: Any, agreement: Agreement) -> bool:
    """NSI staff and the acting members of a party may send the self-report."""
    if is_acting_nsi_staff(user):
        return True
    parties = {link.organisation_id for link in agreement.party_links.all()}
    return bool(parties & member_org_ids(user, ACTING_ROLES))


def agreement_obligations(request: HttpRequest, agreement: Agreement) -> dict[str, Any]:
    """The agreement page's deliverables, their periods, completeness and progress."""
    return {
        "deliverables": obligations.agreement_deliverables(request.user, agreement),
        "completeness": obligations.completeness(request.user, agreement_id=agreement.pk),
        "progress": obligations.progress_for(agreement),
        "can_report": can_report_progress(request.user, agreement),
        "progress_form": ProgressReportForm(),
        "case_studies": [
            {"case_study": case, "objectives": obligations.objective_measures(request.user, case)}
            for case in case_study_list(request.user).filter(agreement=agreement)
        ],
    }


@login_required
@require_POST
def agreement_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an agreement's yearly progress self-report."""
    agreement = get_object_or_404(dashboards.agreements_for(request.user), pk=pk)
    form = ProgressReportForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            progress_report_add,
            _("Thank you: the progress report is recorded."),
            form=form,
            agreement=agreement,
            actor=request.user,
            summary=form.cleaned_data["summary"],
        )
    return redirect(reverse("partnerships:agreement-detail", args=[agreement.pk]))
