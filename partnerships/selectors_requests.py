"""Reads of data requests and submissions: who sees what, overdue, and fulfilment records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from ddms_platform.core.permissions import (
    NSI_KINDS,
    is_admin,
    is_nsi_staff,
    member_org_ids,
    staff_country_ids,
)

from .choices import RequestState, RunStatus
from .models import DataRequest, Organisation, Submission, ValidationRun
from .models.requests import OPEN_REQUEST_STATES


def requests_visible_to(user: Any) -> QuerySet[DataRequest]:
    """Requests the user may see: its organisations ask or are asked (drafts: askers only).

    NSI staff see every request of their country (asker or asked there) except another
    organisation's unsent draft; admins see all.
    """
    qs = DataRequest.objects.all()
    if is_admin(user):
        return qs
    orgs = member_org_ids(user)
    condition = Q(requester_id__in=orgs) | (Q(provider_id__in=orgs) & ~Q(state=RequestState.DRAFT))
    countries = staff_country_ids(user)
    if countries:
        condition |= (Q(requester__kind__in=NSI_KINDS) | ~Q(state=RequestState.DRAFT)) & (
            Q(requester__country_id__in=countries) | Q(provider__country_id__in=countries)
        )
    elif not orgs:
        return qs.none()
    return qs.filter(condition)


def overdue_condition() -> Q:
    """Past its due date while the provider still owes an answer (as `DataRequest.is_overdue`)."""
    return Q(due_on__lt=timezone.localdate(), state__in=OPEN_REQUEST_STATES)


def with_overdue(qs: QuerySet[DataRequest]) -> QuerySet[DataRequest]:
    """Annotate `overdue` (bool) so lists can show and sort by it."""
    return qs.annotate(
        overdue=Case(
            When(overdue_condition(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    """Submissions of the requests the user may see."""
    qs = Submission.objects.all()
    if is_admin(user):
        return qs
    return qs.filter(request__in=requests_visible_to(user).values("pk"))


# --- Fulfilment record -------------------------------------------------------------------

# Traffic-light thresholds (documented in docs/requests.md). Green needs both rates good;
# one bad rate is enough for red; a rate with no data does not count either way.
GREEN_ON_TIME = 0.8
GREEN_FIRST_PASS = 0.6
RED_ON_TIME = 0.5
RED_FIRST_PASS = 0.3


@dataclass
class Fulfilment:
    """How an organisation has answered the requests addressed to it."""

    organisation_id: int
    organisation_name: str
    answered_on_time: int = 0
    answered_late: int = 0
    overdue_unanswered: int = 0
    first_uploads: int = 0
    first_uploads_passed: int = 0
    on_time_rate: float | None = None
    first_upload_pass_rate: float | None = None
    light: str = "grey"
    reasons: list[str] = field(default_factory=list)

    def compute(self) -> Fulfilment:
        """Derive the rates and the traffic light from the counts."""
        timed = self.answered_on_time + self.answered_late + self.overdue_unanswered
        self.on_time_rate = round(self.answered_on_time / timed, 3) if timed else None
        self.first_upload_pass_rate = (
            round(self.first_uploads_passed / self.first_uploads, 3) if self.first_uploads else None
        )
        self.light, self.reasons = traffic_light(self.on_time_rate, self.first_upload_pass_rate)
        return self


def traffic_light(on_time: float | None, first_pass: float | None) -> tuple[str, list[str]]:
    """green / amber / red from the two rates; grey when there is nothing to judge yet."""
    if on_time is None and first_pass is None:
        return "grey", ["no requests due and no validated first uploads yet"]
    reasons = []
    if on_time is not None and on_time < RED_ON_TIME:
        reasons.append(f"fewer than {RED_ON_TIME:.0%} of requests answered on time")
    if first_pass is not None and first_pass < RED_FIRST_PASS:
        reasons.append(f"fewer than {RED_FIRST_PASS:.0%} of first uploads passed validation")
    if reasons:
        return "red", reasons
    if on_time is not None and on_time < GREEN_ON_TIME:
        reasons.append(f"fewer than {GREEN_ON_TIME:.0%} of requests answered on time")
    if first_pass is not None and first_pass < GREEN_FIRST_PASS:
        reasons.append(f"fewer than {GREEN_FIRST_PASS:.0%} of first uploads passed validation")
    return ("amber", reasons) if reasons else ("green", [])


def fulfilment_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose fulfilment record the user may read.

    NSI staff: every organisation of their country that has been asked for data (admins: of
    every country); others: their own.
    """
    if is_nsi_staff(user):
        asked = DataRequest.objects.exclude(state=RequestState.DRAFT).values("provider_id")
        orgs = Organisation.objects.filter(pk__in=asked)
        if not is_admin(user):
            orgs = orgs.filter(country_id__in=staff_country_ids(user))
        return orgs.order_by("name", "pk")
    return Organisation.objects.filter(pk__in=member_org_ids(user)).order_by("name", "pk")


def fulfilment_for(organisations: list[Organisation]) -> list[Fulfilment]:
    """Fulfilment records of the given organisations, in two queries whatever their number."""
    records = {org.pk: Fulfilment(org.pk, org.name) for org in organisations}
    if not records:
        return []
    latest_upload = (
        Submission.objects.filter(request=OuterRef("pk"))
        .order_by("-version")
        .values("uploaded_at")[:1]
    )
    requests = (
        DataRequest.objects.filter(provider_id__in=records, due_on__isnull=False)
        .exclude(state__in=[RequestState.DRAFT, RequestState.WITHDRAWN, RequestState.DECLINED])
        .annotate(answered_at=Subquery(latest_upload))
    )
    today = timezone.localdate()
    for provider_id, due_on, state, answered in requests.values_list(
        "provider_id", "due_on", "state", "answered_at"
    ):
        record = records[provider_id]
        if due_on is None:
            continue
        if answered is not None:
            if timezone.localtime(answered).date() <= due_on:
                record.answered_on_time += 1
            else:
                record.answered_late += 1
        elif state in OPEN_REQUEST_STATES and due_on < today:
            record.overdue_unanswered += 1
    first_runs = (
        ValidationRun.objects.filter(
            submission__version=1,
            submission__request__provider_id__in=records,
            status__in=[RunStatus.PASSED, RunStatus.FAILED],
        )
        .values("submission__request__provider_id", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for provider_id, status, n in first_runs.values_list(
        "submission__request__provider_id", "status", "n"
    ):
        counts[provider_id][status] = n
    for org_id, by_status in counts.items():
        record = records[org_id]
        record.first_uploads_passed = by_status.get(RunStatus.PASSED, 0)
        record.first_uploads = record.first_uploads_passed + by_status.get(RunStatus.FAILED, 0)
    return [record.compute() for record in records.values()]
