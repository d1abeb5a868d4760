"""Reads of recurring obligations: deliverables, per-period completeness and timeliness,
escalation steps and partnership progress. Every query starts from a scoped queryset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from ddms_platform.core.permissions import scope_to_orgs

from .choices import ProgressStatus, RequestState
from .models import Agreement, DataRequest, Deliverable, EscalationStep, ProgressReport, Submission
from .services.obligations import progress_due_on, progress_status

GROUPS = ("deliverable", "agreement", "partner", "nsi")
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


def deliverable_list(user: Any) -> QuerySet[Deliverable]:
    """Deliverables the user may see: NSI staff all, a partner only those it owes."""
    return scope_to_orgs(
        Deliverable.objects.select_related("agreement", "provider", "contact"), user, "provider"
    )


@dataclass
class PeriodRow:
    """One period of one deliverable: when it was due, when first delivered, its status."""

    request_id: int
    deliverable_id: int
    period: str
    due_on: dt.date | None
    delivered_on: dt.date | None
    status: str
    first_try: bool | None


@dataclass
class Completeness:
    """Reporting rates of one deliverable, agreement, partner or NSI (DHIS2's summary)."""

    group: str
    key: int
    label: str
    expected: int = 0
    delivered: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0
    validated_first_try: int = 0
    first_try_known: int = 0
    completeness_rate: float | None = None
    timeliness_rate: float | None = None
    first_try_rate: float | None = None
    light: str = "grey"
    reasons: list[str] = field(default_factory=list)

    def add(self, row: PeriodRow) -> None:
        """Count one period."""
        if row.status == PENDING:
            self.pending += 1
            return
        self.expected += 1
        if row.status == MISSING:
            self.missing += 1
            return
        self.delivered += 1
        if row.status == ON_TIME:
            self.on_time += 1
        else:
            self.late += 1
        if row.first_try is not None:
            self.first_try_known += 1
            self.validated_first_try += row.first_try

    def compute(self) -> Completeness:
        """Derive the rates and the traffic light from the counts."""
        if self.expected:
            self.completeness_rate = round(self.delivered / self.expected, 3)
            self.timeliness_rate = round(self.on_time / self.expected, 3)
        if self.first_try_known:
            self.first_try_rate = round(self.validated_first_try / self.first_try_known, 3)
        self.light, self.reasons = completeness_light(self.completeness_rate, self.timeliness_rate)
        return self


def completeness_light(
    completeness: float | None, timeliness: float | None
) -> tuple[str, list[str]]:
    """green / amber / red from the two rates and the DDMS_COMPLETENESS_* / TIMELINESS_*
    thresholds (per cent); grey when no period is due yet."""
    if completeness is None or timeliness is None:
        return "grey", ["no period due yet"]
    red_c, red_t = settings.DDMS_COMPLETENESS_RED / 100, settings.DDMS_TIMELINESS_RED / 100
    green_c, green_t = settings.DDMS_COMPLETENESS_GREEN / 100, settings.DDMS_TIMELINESS_GREEN / 100
    reasons = []
    if completeness < red_c:
        reasons.append(f"fewer than {red_c:.0%} of the periods delivered")
    if timeliness < red_t:
        reasons.append(f"fewer than {red_t:.0%} of the periods delivered on time")
    if reasons:
        return "red", reasons
    if completeness < green_c:
        reasons.append(f"fewer than {green_c:.0%} of the periods delivered")
    if timeliness < green_t:
        reasons.append(f"fewer than {green_t:.0%} of the periods delivered on time")
    return ("amber", reasons) if reasons else ("green", [])


def period_rows(
    user: Any, *, today: dt.date | None = None, **filters: Any
) -> list[tuple[PeriodRow, dict[str, Any]]]:
    """Every generated period the user may see, classified, with its group keys: one query."""
    today = today or timezone.localdate()
    first_upload = (
        Submission.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(first=Min("uploaded_at"))
        .values("first")
    )
    first_status = Submission.objects.filter(request=OuterRef("pk"), version=1).values(
        "validation_run__status"
    )[:1]
    qs = (
        DataRequest.objects.filter(deliverable__in=deliverable_list(user).values("pk"), **filters)
        .exclude(state=RequestState.WITHDRAWN)
        .annotate(first_upload=Subquery(first_upload), first_status=Subquery(first_status))
        .order_by("deliverable_id", "period")
    )
    result: list[tuple[PeriodRow, dict[str, Any]]] = []
    for values in qs.values(
        "pk",
        "period",
        "due_on",
        "first_upload",
        "first_status",
        "deliverable_id",
        "deliverable__title",
        "agreement_id",
        "agreement__reference",
        "agreement__nsi_id",
        "agreement__nsi__name",
        "provider_id",
        "provider__name",
    ):
        delivered = (
            timezone.localtime(values["first_upload"]).date() if values["first_upload"] else None
        )
        due_on = values["due_on"]
        if delivered is not None:
            status = ON_TIME if due_on is None or delivered <= due_on else LATE
        elif due_on is not None and due_on < today:
            status = MISSING
        else:
            status = PENDING
        run_status = values["first_status"]
        first_try = None if run_status not in ("passed", "failed") else run_status == "passed"
        row = PeriodRow(
            values["pk"],
            values["deliverable_id"],
            values["period"],
            due_on,
            delivered,
            status,
            first_try,
        )
        result.append((row, dict(values)))
    return result


_GROUP_KEYS = {
    "deliverable": ("deliverable_id", "deliverable__title"),
    "agreement": ("agreement_id", "agreement__reference"),
    "partner": ("provider_id", "provider__name"),
    "nsi": ("agreement__nsi_id", "agreement__nsi__name"),
}


def completeness(
    user: Any, *, group: str = "deliverable", today: dt.date | None = None, **filters: Any
) -> list[Completeness]:
    """Reporting rates grouped by deliverable, agreement, partner or NSI (one query)."""
    if group not in _GROUP_KEYS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}")
    key_name, label_name = _GROUP_KEYS[group]
    records: dict[int, Completeness] = {}
    for row, values in period_rows(user, today=today, **filters):
        key = values[key_name]
        record = records.get(key)
        if record is None:
            record = records[key] = Completeness(group, key, values[label_name])
        record.add(row)
    return sorted((r.compute() for r in records.values()), key=lambda r: (r.label, r.key))


def escalation_steps(request: DataRequest) -> QuerySet[EscalationStep]:
    """The ladder steps taken for a request (the caller has checked visibility)."""
    return EscalationStep.objects.filter(request=request).order_by("recorded_at", "id")


@dataclass
class Progress:
    """An agreement's self-reporting status."""

    last_report: dt.date | None
    due_on: dt.date | None
    status: str
    inactive: bool


def progress_for(agreement: Agreement, *, today: dt.date | None = None) -> Progress:
    """When the agreement last reported, when the next report is due and its status."""
    today = today or timezone.localdate()
    last = ProgressReport.objects.filter(agreement=agreement).aggregate(last=Max("reported_on"))[
        "last"
    ]
    return Progress(
        last,
        progress_due_on(agreement, last),
        progress_status(agreement, last, today),
        agreement.progress_inactive,
    )


PROGRESS_LABELS = dict(ProgressStatus.choices)


def agreement_deliverables(user: Any, agreement: Agreement) -> list[dict[str, Any]]:
    """The agreement's deliverables the user may see, each with its classified periods."""
    deliverables = list(deliverable_list(user).filter(agreement=agreement))
    periods: dict[int, list[PeriodRow]] = {d.pk: [] for d in deliverables}
    for row, _values in period_rows(user, agreement_id=agreement.pk):
        periods.setdefault(row.deliverable_id, []).append(row)
    return [
        {"deliverable": d, "periods": sorted(periods[d.pk], key=lambda p: p.period, reverse=True)}
        for d in deliverables
    ]


# --- case-study objectives measured -------------------------------------------------------
# The indicators app tells what was published for indicator codes (this app never imports
# it): code -> {"name", "periods", "releases", "latest_period"}; registered from its ready().
IndicatorMeasures = Any
_indicator_measures: list[IndicatorMeasures] = []


def register_indicator_measures(provider: IndicatorMeasures) -> None:
    """Install the function that counts what was published for a list of indicator codes."""
    _indicator_measures[:] = [provider]


def objective_measures(user: Any, case_study: Any) -> list[dict[str, Any]]:
    """Each objective of a case study with the figures that measure it, beside the narrative:
    periods delivered of its deliverables, figures published of its indicators."""
    objectives = list(case_study.objectives.prefetch_related("deliverables"))
    deliverable_ids = {d.pk for o in objectives for d in o.deliverables.all()}
    by_deliverable = (
        {r.key: r for r in completeness(user, deliverable_id__in=sorted(deliverable_ids))}
        if deliverable_ids
        else {}
    )
    codes = sorted({c for o in objectives for c in o.indicator_codes})
    published = _indicator_measures[0](codes) if codes and _indicator_measures else {}
    return [
        {
            "objective": o,
            "deliverables": [
                {"deliverable": d, "figures": by_deliverable.get(d.pk)}
                for d in o.deliverables.all()
            ],
            "indicators": [{"code": c, **published.get(c, {})} for c in o.indicator_codes],
        }
        for o in objectives
    ]
