"""Deliverables and the jobs of recurring obligations: periods, escalation, lifecycle, progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from ddms_platform.core.audit import _jsonable, audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.models import AuditEntry
from ddms_platform.core.permissions import NSI_KINDS, require_nsi_staff
from ddms_platform.notify.models import OutboxEvent
from ddms_platform.notify.services import outbox_record, outbox_record_once

from ..choices import (
    AgreementState,
    AgreementType,
    EscalationStepKind,
    MembershipRole,
    ProgressStatus,
    RequestDirection,
    RequestState,
)
from ..models import (
    Agreement,
    AgreementParty,
    Contact,
    DataRequest,
    Deliverable,
    EscalationPolicy,
    EscalationStep,
    Membership,
    Organisation,
    ProgressReport,
    RequestComment,
)
from ..periods import period_containing, period_due_on, period_index, period_label
from ..working_days import add_working_days
from ._common import apply_fields, record_change, record_create
from .requests import check_dialect, check_table_schema

RUNNING_AGREEMENTS = (AgreementState.SIGNED, AgreementState.ACTIVE)
DELIVERABLE_FIELDS = (
    "title",
    "purpose",
    "legal_basis",
    "table_schema",
    "dialect",
    "frequency",
    "due_days",
    "first_period",
    "last_period",
    "contact",
    "is_active",
)
# Bounds on first and last periods: a typo (1026 for 2026) must not create a thousand years of
# requests.
MIN_YEAR, MAX_YEAR = 2000, 2100
PERIOD_OPENED = "request.period_opened"
ESCALATED = "request.escalated"
AGREEMENT_EXPIRED = "agreement.expired"


# --- deliverables ---------------------------------------------------------------------------


def _check_deliverable(deliverable: Deliverable) -> None:
    agreement = deliverable.agreement
    if agreement.type != AgreementType.DATA_SHARING:
        raise DomainError(
            "Deliverables belong to data-sharing agreements.",
            code="invalid",
            fields={"agreement": ["Not a data-sharing agreement."]},
        )
    if not AgreementParty.objects.filter(
        agreement=agreement, organisation_id=deliverable.provider_id
    ).exists():
        raise DomainError(
            "The provider is not a party to this agreement.",
            code="invalid",
            fields={"provider": ["Not a party to the agreement."]},
        )
    for name in ("first_period", "last_period"):
        value = getattr(deliverable, name)
        if name == "last_period" and not value:
            continue
        try:
            period_index(deliverable.frequency, value)
        except (ValueError, KeyError) as exc:
            raise DomainError(str(exc), code="invalid", fields={name: [str(exc)]}) from exc
        if not MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
            message = f"A period between {MIN_YEAR} and {MAX_YEAR}, please."
            raise DomainError(message, code="invalid", fields={name: [message]})
    if deliverable.last_period and period_index(
        deliverable.frequency, deliverable.last_period
    ) < period_index(deliverable.frequency, deliverable.first_period):
        message = "The last period comes before the first."
        raise DomainError(message, code="invalid", fields={"last_period": [message]})
    contact: Contact | None = deliverable.contact
    if contact is not None and contact.organisation_id != deliverable.provider_id:
        message = "The responsible contact works for another organisation."
        raise DomainError(message, code="invalid", fields={"contact": [message]})
    check_table_schema(deliverable.table_schema)
    check_dialect(deliverable.dialect)
    deliverable.dialect = deliverable.dialect or {}


def deliverable_create(
    *, actor: Any, agreement: Agreement, provider: Organisation, **fields: Any
) -> Deliverable:
    """Add a recurring data obligation to a data-sharing agreement (NSI staff)."""
    require_nsi_staff(actor)
    deliverable = Deliverable(agreement=agreement, provider=provider)
    with transaction.atomic():
        apply_fields(deliverable, fields, DELIVERABLE_FIELDS, save=False, check=_check_deliverable)
        deliverable.save()
        record_create(actor=actor, action="deliverable.create", obj=deliverable)
    return deliverable


def deliverable_update(
    *, deliverable: Deliverable, actor: Any, data: Mapping[str, Any]
) -> Deliverable:
    """Change a deliverable; the audit entry keeps what it was before."""
    require_nsi_staff(actor)
    with transaction.atomic():
        locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        if (
            data.get("frequency", locked.frequency) != locked.frequency
            and locked.data_requests.exists()
        ):
            message = "The frequency cannot change once periods were requested."
            raise DomainError(message, code="invalid", fields={"frequency": [message]})
        before, after = apply_fields(locked, data, DELIVERABLE_FIELDS, check=_check_deliverable)
        record_change(
            actor=actor, action="deliverable.update", obj=locked, before=before, after=after
        )
    return locked


# --- periods --------------------------------------------------------------------------------


def periods_owed(deliverable: Deliverable, agreement: Agreement, today: dt.date) -> range:
    """The indexes of the periods opened by `today`, within the deliverable and the agreement."""
    frequency = deliverable.frequency
    first = period_index(frequency, deliverable.first_period)
    last = period_containing(frequency, today)
    if deliverable.last_period:
        last = min(last, period_index(frequency, deliverable.last_period))
    if agreement.ends_on is not None:
        # A period that opens after the agreement ends is owed to nobody.
        last = min(last, period_containing(frequency, agreement.ends_on))
    return range(first, last + 1)


def _new_request(deliverable: Deliverable, index: int, now: dt.datetime) -> DataRequest:
    agreement = deliverable.agreement
    period = period_label(deliverable.frequency, index)
    return DataRequest(
        direction=RequestDirection.ACQUISITION,
        title=f"{deliverable.title} — {period}",
        purpose=deliverable.purpose,
        legal_basis=deliverable.legal_basis,
        requester_id=agreement.nsi_id,
        provider_id=deliverable.provider_id,
        agreement=agreement,
        table_schema=deliverable.table_schema,
        dialect=deliverable.dialect,
        frequency=deliverable.frequency,
        due_on=period_due_on(deliverable.frequency, index, deliverable.due_days),
        deliverable=deliverable,
        period=period,
        state=RequestState.SENT,
        sent_at=now,
    )


def periods_generate(*, today: dt.date | None = None, batch_size: int = 500) -> int:
    """Create every opened period's request not created yet; return how many were created.

    Idempotent and catching up: the periods owed are computed from the first period, so a
    run after downtime creates every missed one, and a period that exists is skipped. A batch
    holds its deliverables' row locks, so two concurrent runs never create a period twice
    (the unique constraint on deliverable and period is the last line).
    """
    today = today or timezone.localdate()
    candidates = list(
        Deliverable.objects.filter(is_active=True, agreement__state__in=RUNNING_AGREEMENTS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    created = 0
    for start in range(0, len(candidates), batch_size):
        created += _generate_batch(candidates[start : start + batch_size], today)
    return created


def _generate_batch(ids: list[int], today: dt.date) -> int:
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            Deliverable.objects.select_for_update(of=("self",))
            .select_related("agreement")
            .filter(pk__in=ids, is_active=True, agreement__state__in=RUNNING_AGREEMENTS)
            .order_by("pk")
        )
        existing = set(
            DataRequest.objects.filter(deliverable__in=[d.pk for d in batch]).values_list(
                "deliverable_id", "period"
            )
        )
        new = [
            _new_request(deliverable, index, now)
            for deliverable in batch
            for index in periods_owed(deliverable, deliverable.agreement, today)
            if (deliverable.pk, period_label(deliverable.frequency, index)) not in existing
        ]
        if not new:
            return 0
        DataRequest.objects.bulk_create(new, batch_size=1000)
        content_type = ContentType.objects.get_for_model(DataRequest)
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    actor=None,
                    action="data_request.generate",
                    content_type=content_type,
                    object_id=str(request.pk),
                    object_repr=str(request)[:300],
                    after=_jsonable(
                        {
                            "deliverable": request.deliverable_id,
                            "period": request.period,
                            "due_on": request.due_on,
                            "state": request.state,
                        }
                    ),
                )
                for request in new
            ],
            batch_size=1000,
        )
        # The relay hands these to the broker within its interval (10 s); one event per
        # period, so the partner hears of each period it owes, in its members' languages.
        OutboxEvent.objects.bulk_create(
            [
                OutboxEvent(
                    kind=PERIOD_OPENED,
                    key=f"{PERIOD_OPENED}:{request.deliverable_id}:{request.period}",
                    object_type=DataRequest._meta.label_lower,
                    object_id=str(request.pk),
                    payload={
                        "request_id": request.pk,
                        "period": request.period,
                        "due_on": request.due_on.isoformat() if request.due_on else "",
                        "notify_organisation_id": request.provider_id,
                    },
                )
                for request in new
            ],
            batch_size=1000,
        )
    return len(new)


# --- escalation ladder ----------------------------------------------------------------------


def ladder_for(
    nsi_id: int | None, policies: Mapping[int, EscalationPolicy]
) -> tuple[int, int, int]:
    """(reminder days before, managers after, coordinator after) in working days."""
    policy = policies.get(nsi_id) if nsi_id is not None else None
    if policy is not None:
        return policy.reminder_days_before, policy.managers_after, policy.coordinator_after
    return (
        settings.DDMS_ESCALATION_REMINDER_DAYS,
        settings.DDMS_ESCALATION_MANAGERS_AFTER,
        settings.DDMS_ESCALATION_COORDINATOR_AFTER,
    )


def step_dates(due_on: dt.date, country: str, ladder: tuple[int, int, int]) -> dict[str, dt.date]:
    """The working day each step of the ladder falls on for a request due on `due_on`."""
    before, managers, coordinator = ladder
    return {
        EscalationStepKind.REMINDER: add_working_days(due_on, -before, country),
        EscalationStepKind.MANAGERS: add_working_days(due_on, managers, country),
        EscalationStepKind.COORDINATOR: add_working_days(due_on, coordinator, country),
    }


def partner_has_acted() -> Q:
    """The provider answered: any move out of `sent` (acknowledge, decline, upload) or a
    message in the thread from one of its members."""
    provider_comment = RequestComment.objects.filter(
        request=OuterRef("pk"), author__memberships__organisation=OuterRef("provider_id")
    )
    return ~Q(state=RequestState.SENT) | Q(Exists(provider_comment))


def _user_ids(org_ids: list[int], roles: tuple[str, ...]) -> list[int]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id__in=org_ids, role__in=roles, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )


def step_recipients(request: DataRequest, step: str) -> list[int]:
    """User ids the step reaches: the provider's members, its managers, the NSI coordinator."""
    if step == EscalationStepKind.REMINDER:
        return _user_ids([request.provider_id], (MembershipRole.MANAGER, MembershipRole.MEMBER))
    if step == EscalationStepKind.MANAGERS:
        return _user_ids([request.provider_id], (MembershipRole.MANAGER,))
    agreement = request.agreement
    if agreement is not None and agreement.coordinator_id is not None:
        return [agreement.coordinator_id]
    nsi_id = agreement.nsi_id if agreement is not None else request.requester_id
    return _user_ids([nsi_id], (MembershipRole.MANAGER,))


def escalation_run(*, today: dt.date | None = None) -> int:
    """Take every ladder step due by `today` for requests the partner has not answered.

    Each step is recorded once per request (unique constraint and outbox key); a reminder is
    only sent before the due date passes, and once the partner acts no step follows.
    """
    today = today or timezone.localdate()
    policies = {p.nsi_id: p for p in EscalationPolicy.objects.all()}
    horizon = today + dt.timedelta(days=31)  # no ladder sets a reminder a month ahead
    requests = (
        DataRequest.objects.filter(
            state=RequestState.SENT, due_on__isnull=False, due_on__lte=horizon
        )
        .exclude(partner_has_acted())
        .select_related("agreement", "provider", "requester")
        .order_by("due_on", "pk")
    )
    taken = {
        (request_id, step)
        for request_id, step in EscalationStep.objects.filter(
            request__in=requests.values("pk")
        ).values_list("request_id", "step")
    }
    recorded = 0
    for request in requests.iterator(chunk_size=500):
        assert request.due_on is not None  # filtered above
        nsi_id = (
            request.agreement.nsi_id
            if request.agreement
            else (request.requester_id if request.requester.kind in NSI_KINDS else None)
        )
        dates = step_dates(
            request.due_on, request.provider.country_id, ladder_for(nsi_id, policies)
        )
        for step, day in dates.items():
            if (request.pk, step) in taken or day > today:
                continue
            if step == EscalationStepKind.REMINDER and request.due_on < today:
                continue  # too late to remind: the overdue steps take over
            recorded += _record_step(request, step, day)
    return recorded


def _record_step(request: DataRequest, step: str, day: dt.date) -> int:
    recipients = step_recipients(request, step)
    try:
        with transaction.atomic():
            EscalationStep.objects.create(
                request=request, step=step, due_on=day, recipients=recipients
            )
            outbox_record_once(
                key=f"{ESCALATED}:{request.pk}:{step}",
                kind=ESCALATED,
                obj=request,
                payload={
                    "request_id": request.pk,
                    "step": step,
                    "due_on": request.due_on.isoformat() if request.due_on else "",
                    "user_ids": recipients,
                },
            )
    except IntegrityError:
        return 0  # a concurrent run took this step
    return 1


# --- agreement lifecycle --------------------------------------------------------------------


def agreements_expire(*, today: dt.date | None = None) -> int:
    """Expire active agreements past their end date: audit entry and a notice to both sides."""
    today = today or timezone.localdate()
    expired = 0
    ids = list(
        Agreement.objects.filter(state=AgreementState.ACTIVE, ends_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=pk)
            if (
                agreement.state != AgreementState.ACTIVE
                or not agreement.ends_on
                or agreement.ends_on >= today
            ):
                continue
            before = snapshot(agreement, ["state"])
            agreement.state = AgreementState.EXPIRED
            agreement.save(update_fields=["state", "updated_at"])
            audit_record(
                actor=None,
                action=f"agreement.transition.{AgreementState.EXPIRED}",
                obj=agreement,
                before=before,
                after={"state": agreement.state, "reason": "end date passed"},
            )
            outbox_record(
                kind=AGREEMENT_EXPIRED,
                obj=agreement,
                payload={"agreement_id": agreement.pk, "ends_on": agreement.ends_on.isoformat()},
            )
            expired += 1
    return expired


# --- partnership progress -------------------------------------------------------------------


def progress_report_add(
    *, agreement: Agreement, actor: Any, summary: str, reported_on: dt.date | None = None
) -> ProgressReport:
    """Record an agreement's yearly self-report (NSI staff or a party's acting member)."""
    from .requests import require_side

    summary = (summary or "").strip()
    if not summary:
        raise DomainError(
            "A progress report needs a summary.", code="invalid", fields={"summary": ["Required."]}
        )
    try:
        require_nsi_staff(actor)
    except DomainError:
        parties = list(agreement.party_links.select_related("organisation"))
        for link in parties:
            try:
                require_side(actor, link.organisation)
                break
            except DomainError:
                continue
        else:
            raise
    with transaction.atomic():
        report = ProgressReport.objects.create(
            agreement=agreement,
            summary=summary,
            reported_on=reported_on or timezone.localdate(),
            reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_create(actor=actor, action="agreement.progress_report", obj=agreement)
        if agreement.progress_inactive:
            Agreement.objects.filter(pk=agreement.pk).update(progress_inactive=False)
            agreement.progress_inactive = False
    return report


def progress_due_on(agreement: Agreement, last_report: dt.date | None) -> dt.date | None:
    """A year after the last self-report, or after the agreement started (or was signed)."""
    base = last_report or agreement.starts_on or agreement.signed_on
    return base + relativedelta(years=1) if base else None


def progress_status(agreement: Agreement, last_report: dt.date | None, today: dt.date) -> str:
    """green while less than a year late, yellow from one year late, red from two."""
    due = progress_due_on(agreement, last_report)
    if due is None or today < due + relativedelta(years=1):
        return ProgressStatus.GREEN
    if today < due + relativedelta(years=2):
        return ProgressStatus.YELLOW
    return ProgressStatus.RED


def _last_reports(ids: list[int]) -> dict[int, dt.date]:
    return dict(
        ProgressReport.objects.filter(agreement_id__in=ids)
        .values("agreement_id")
        .annotate(last=Max("reported_on"))
        .values_list("agreement_id", "last")
    )


def progress_check(*, today: dt.date | None = None) -> int:
    """Mark running partnerships inactive once their self-report is two years late."""
    today = today or timezone.localdate()
    agreements = list(
        Agreement.objects.filter(
            state__in=(*RUNNING_AGREEMENTS, AgreementState.SUSPENDED), progress_inactive=False
        )
    )
    last = _last_reports([a.pk for a in agreements])
    marked = 0
    for agreement in agreements:
        if progress_status(agreement, last.get(agreement.pk), today) != ProgressStatus.RED:
            continue
        with transaction.atomic():
            Agreement.objects.filter(pk=agreement.pk).update(progress_inactive=True)
            audit_record(
                actor=None,
                action="agreement.progress_inactive",
                obj=agreement,
                before={"progress_inactive": False},
                after={"progress_inactive": True, "reason": "self-report two years late"},
            )
        marked += 1
    return marked


# --- per-NSI ladder -------------------------------------------------------------------------

POLICY_FIELDS = ("reminder_days_before", "managers_after", "coordinator_after")


def _check_policy(policy: EscalationPolicy) -> None:
    if policy.nsi.kind not in NSI_KINDS:
        message = "An escalation ladder belongs to an NSI or one of its regional offices."
        raise DomainError(message, code="invalid", fields={"nsi": [message]})
    if policy.coordinator_after <= policy.managers_after:
        message = "The coordinator is told after the partner's managers."
        raise DomainError(message, code="invalid", fields={"coordinator_after": [message]})


def escalation_policy_create(*, actor: Any, nsi: Organisation, **fields: Any) -> EscalationPolicy:
    """Set an NSI's own escalation ladder (NSI staff)."""
    require_nsi_staff(actor)
    policy = EscalationPolicy(nsi=nsi)
    with transaction.atomic():
        apply_fields(policy, fields, POLICY_FIELDS, save=False, check=_check_policy)
        policy.save()
        record_create(actor=actor, action="escalation_policy.create", obj=policy)
    return policy


def escalation_policy_update(
    *, policy: EscalationPolicy, actor: Any, data: Mapping[str, Any]
) -> EscalationPolicy:
    """Change an NSI's escalation ladder; audited."""
    require_nsi_staff(actor)
    with transaction.atomic():
        locked = EscalationPolicy.objects.select_for_update().get(pk=policy.pk)
        before, after = apply_fields(locked, data, POLICY_FIELDS, check=_check_policy)
        record_change(
            actor=actor, action="escalation_policy.update", obj=locked, before=before, after=after
        )
    return locked
