"""Read-side figures for the role pages: every query starts from an org-scoped queryset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from ddms_platform.core.permissions import ACTING_ROLES, member_org_ids

from . import selectors, selectors_requests
from .choices import AgreementState, RequestState
from .models import Activity, Agreement, DataRequest, Submission

RENEWAL_HORIZON_DAYS = 90


def agreements_for(user: Any) -> QuerySet[Agreement]:
    """Agreements the user may see: NSI staff all, partners those they are a party to."""
    return selectors.agreement_list(user).order_by("-created_at")


def requests_for(user: Any) -> QuerySet[DataRequest]:
    """Data requests the user may see (the API's rule), with overdue annotated."""
    return selectors_requests.with_overdue(
        selectors_requests.requests_visible_to(user).select_related(
            "requester", "provider", "agreement"
        )
    )


def submissions_for(user: Any) -> QuerySet[Submission]:
    """Submissions the user may see, with their request and validation run."""
    return selectors_requests.submissions_visible_to(user).select_related(
        "request__provider", "validation_run"
    )


def acts_as_provider(user: Any, request: DataRequest) -> bool:
    """True when the user acts (manager/member) for the organisation asked for the data."""
    return request.provider_id in member_org_ids(user, ACTING_ROLES)


def fulfilment_records(user: Any) -> list[selectors_requests.Fulfilment]:
    """Fulfilment records the user may read: own organisations, or every partner for the NSI."""
    return selectors_requests.fulfilment_for(
        list(selectors_requests.fulfilment_organisations(user))
    )


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
        requests_for(user).filter(selectors_requests.overdue_condition()).order_by("due_on")
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
        selectors.activity_list(user)
        .filter(starts_at__gte=start, starts_at__lte=start + dt.timedelta(days=days))
        .order_by("starts_at")
    )


# Sections the apps above this one add to the NSI overview (indicators: the release plan), by
# context name; registered from their AppConfig.ready(), as this app never imports them.
OverviewSection = Callable[[Any], Any]
OVERVIEW_SECTIONS: dict[str, OverviewSection] = {}


def register_overview_section(name: str, section: OverviewSection) -> None:
    """Show `section(user)` on the NSI overview as template variable `name`."""
    OVERVIEW_SECTIONS[name] = section


def overview_sections(user: Any) -> dict[str, Any]:
    """The registered sections of the NSI overview, computed for `user`."""
    return {name: section(user) for name, section in OVERVIEW_SECTIONS.items()}
