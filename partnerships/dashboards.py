"""Read-side figures for the role pages: every query starts from an org-scoped queryset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from ddms_platform.core.permissions import member_org_ids, scope_to_orgs

from . import selectors
from .choices import AgreementState, RequestDirection, RequestState, RunStatus
from .models import Activity, Agreement, DataRequest, Organisation, Submission, ValidationRun
from .models.requests import OPEN_REQUEST_STATES

RENEWAL_HORIZON_DAYS = 90


def agreements_for(user: Any) -> QuerySet[Agreement]:
    """Agreements the user may see: NSI staff all, partners those they are a party to."""
    return selectors.agreement_list(user).order_by("-created_at")


def requests_for(user: Any) -> QuerySet[DataRequest]:
    """Data requests the user's organisations asked or were asked (NSI staff: all)."""
    return scope_to_orgs(DataRequest.objects.all(), user, "requester", "provider").select_related(
        "requester", "provider", "agreement"
    )


def submissions_for(user: Any) -> QuerySet[Submission]:
    """Submissions to requests the user may see, with their validation run."""
    return scope_to_orgs(
        Submission.objects.all(), user, "request__requester", "request__provider"
    ).select_related("request", "validation_run")


def acts_as_provider(user: Any, request: DataRequest) -> bool:
    """True when the user acts (manager/member) for the organisation asked for the data."""
    return request.provider_id in member_org_ids(user, ("manager", "member"))


@dataclass(frozen=True)
class Fulfilment:
    """A partner's record: requests answered on time and first uploads that passed."""

    organisation: Organisation
    requests: int
    submitted: int
    on_time: int
    overdue: int
    first_uploads: int
    first_passed: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.submitted if self.submitted else None

    @property
    def first_pass_rate(self) -> float | None:
        return self.first_passed / self.first_uploads if self.first_uploads else None

    @property
    def light(self) -> str:
        """Traffic light: green when both rates reach 80 %, red below 50 % or when overdue."""
        rates = [r for r in (self.on_time_rate, self.first_pass_rate) if r is not None]
        if self.overdue or any(r < 0.5 for r in rates):
            return "red"
        if not rates or all(r >= 0.8 for r in rates):
            return "green"
        return "amber"


def fulfilment_records(requests: QuerySet[DataRequest]) -> list[Fulfilment]:
    """Per provider: on-time submission and first-upload pass rate (a constant 3 queries)."""
    requests = requests.filter(direction=RequestDirection.ACQUISITION).exclude(
        state=RequestState.DRAFT
    )
    first_upload = {
        row["request_id"]: row["first_at"]
        for row in Submission.objects.filter(request__in=requests)
        .values("request_id")
        .annotate(first_at=Min("uploaded_at"))
    }
    first_passed = set(
        ValidationRun.objects.filter(
            submission__request__in=requests, submission__version=1, status=RunStatus.PASSED
        ).values_list("submission__request_id", flat=True)
    )
    by_org: dict[int, dict[str, Any]] = {}
    for req in requests.select_related("provider"):
        rec = by_org.setdefault(
            req.provider_id,
            {"organisation": req.provider, "requests": 0, "submitted": 0, "on_time": 0}
            | {"overdue": 0, "first_uploads": 0, "first_passed": 0},
        )
        rec["requests"] += 1
        rec["overdue"] += int(req.is_overdue)
        uploaded = first_upload.get(req.pk)
        if uploaded is not None:
            rec["submitted"] += 1
            rec["first_uploads"] += 1
            rec["first_passed"] += int(req.pk in first_passed)
            if req.due_on is None or timezone.localdate(uploaded) <= req.due_on:
                rec["on_time"] += 1
    return sorted((Fulfilment(**r) for r in by_org.values()), key=lambda f: f.organisation.name)


def counts_by_state(qs: QuerySet[Any], choices: Any) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state of the lifecycle, zeros included."""
    counts = dict(qs.order_by().values_list("state").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in choices.choices]


def renewals_due(user: Any, *, today: dt.date | None = None) -> list[Agreement]:
    """Signed or active agreements whose end falls within the renewal horizon."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=RENEWAL_HORIZON_DAYS)
    return list(
        agreements_for(user)
        .filter(
            state__in=[AgreementState.SIGNED, AgreementState.ACTIVE],
            ends_on__isnull=False,
            ends_on__lte=horizon,
        )
        .order_by("ends_on")
    )


def overdue_requests(user: Any) -> list[DataRequest]:
    """Open requests past their due date."""
    return list(
        requests_for(user)
        .filter(state__in=OPEN_REQUEST_STATES, due_on__lt=timezone.localdate())
        .order_by("due_on")
    )


def validation_queue(user: Any) -> QuerySet[Submission]:
    """Latest submissions awaiting a decision: validation pending or request submitted."""
    return (
        submissions_for(user)
        .filter(request__state=RequestState.SUBMITTED)
        .order_by("-uploaded_at")
        .select_related("request__provider")
    )


def activities_for(user: Any, *, days: int = 120) -> QuerySet[Activity]:
    """Communication activities from today on, for plans the user may see."""
    start = timezone.now() - dt.timedelta(days=1)
    return (
        scope_to_orgs(Activity.objects.all(), user, "plan__owner")
        .filter(starts_at__gte=start, starts_at__lte=start + dt.timedelta(days=days))
        .select_related("plan")
        .order_by("starts_at")
    )
