"""Data requests: creation, editing, the lifecycle state machine and the comment thread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import NSI_KINDS, require_member, require_nsi_staff
from ddms_platform.core.statemachine import StateMachine
from ddms_platform.notify.services import outbox_record
from ddms_platform.tabular import DialectError, SchemaError, load_dialect, load_schema

from ..choices import AgreementState, OrganisationKind, RequestDirection, RequestState, RunStatus
from ..models import Agreement, AgreementParty, DataRequest, Organisation, Pilot, RequestComment
from ..references import unknown_code_lists

S = RequestState
REQUEST_MACHINE = StateMachine(
    "data request",
    {
        S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
        S.SENT: frozenset({S.ACKNOWLEDGED, S.DECLINED, S.WITHDRAWN}),
        S.ACKNOWLEDGED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        S.SUBMITTED: frozenset({S.CHANGES_REQUESTED, S.ACCEPTED}),
        S.CHANGES_REQUESTED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        S.ACCEPTED: frozenset({S.CLOSED}),
        S.DECLINED: frozenset(),
        S.CLOSED: frozenset(),
        S.WITHDRAWN: frozenset(),
    },
)
# States in which the provider may upload; an upload while already `submitted` adds a new
# version (the partner fixes what the validation report found) without a state change.
UPLOAD_STATES = (S.ACKNOWLEDGED, S.CHANGES_REQUESTED, S.SUBMITTED)
USABLE_AGREEMENT_STATES = (AgreementState.SIGNED, AgreementState.ACTIVE)
EDITABLE_FIELDS = (
    "title",
    "purpose",
    "legal_basis",
    "table_schema",
    "dialect",
    "frequency",
    "due_on",
)
AUDIT_FIELDS = ("state", "sent_at", "accepted_at", "decline_reason")
REQUESTER, PROVIDER = "requester", "provider"
MAX_REASON = 5000
MAX_COMMENT = 10_000


def require_side(actor: Any, org: Organisation) -> None:
    """Raise NotPermitted unless `actor` acts for `org` (any NSI staff act for an NSI org)."""
    if org.kind in NSI_KINDS:
        # NSI staff act for the NSI offices of their own country only.
        require_nsi_staff(actor, country=org.country_id)
    else:
        require_member(actor, org.pk)


def check_table_schema(descriptor: Any) -> None:
    """Raise a 400 naming the problem unless `descriptor` is a usable Table Schema."""
    try:
        load_schema(descriptor)
    except SchemaError as exc:
        message = f"The table schema is not a valid Table Schema: {exc}"
        raise DomainError(
            message, code="invalid_schema", fields={"table_schema": [str(exc)]}
        ) from exc
    unknown = unknown_code_lists(descriptor)
    if unknown:
        problem = f"foreign keys refer to unknown code lists: {', '.join(unknown)}"
        raise DomainError(
            f"The table schema is not usable: {problem}",
            code="invalid_schema",
            fields={"table_schema": [problem]},
        )


def check_dialect(descriptor: Any) -> None:
    """Raise a 400 naming the problem unless `descriptor` is a usable CSV Dialect."""
    try:
        load_dialect(descriptor or None)
    except DialectError as exc:
        message = f"The CSV dialect is not a valid Frictionless CSV Dialect: {exc}"
        raise DomainError(message, code="invalid_dialect", fields={"dialect": [str(exc)]}) from exc


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(message, code="invalid", fields={field: [message]})


def check_parties(
    *,
    direction: str,
    requester: Organisation,
    provider: Organisation,
    agreement: Agreement | None,
) -> None:
    """Raise a 400 unless requester, provider and agreement fit the request's direction."""
    if direction == RequestDirection.ACQUISITION:
        if requester.kind not in NSI_KINDS:
            raise _invalid("requester", "An acquisition request is made by the NSI.")
        if provider.kind in NSI_KINDS:
            raise _invalid("provider", "An acquisition request asks a partner, not the NSI.")
        if agreement is None:
            raise _invalid("agreement", "An acquisition request needs a partnership agreement.")
        if agreement.state not in USABLE_AGREEMENT_STATES:
            raise _invalid(
                "agreement",
                f"The agreement is '{agreement.state}'; data may only be requested under a "
                "signed or active agreement.",
            )
        if not AgreementParty.objects.filter(agreement=agreement, organisation=provider).exists():
            raise _invalid("provider", "The provider is not a party to this agreement.")
    elif direction == RequestDirection.DATA_NEED:
        if requester.kind != OrganisationKind.LOCAL_GOVERNMENT:
            raise _invalid("requester", "A data need is stated by a local government.")
        if provider.kind not in NSI_KINDS:
            raise _invalid("provider", "A data need is addressed to the NSI.")
        if (
            agreement is not None
            and not AgreementParty.objects.filter(
                agreement=agreement, organisation=requester
            ).exists()
        ):
            raise _invalid("agreement", "The requesting city is not a party to this agreement.")
    else:
        raise _invalid("direction", f"Unknown direction '{direction}'.")


def request_create(
    *,
    actor: Any,
    direction: str,
    title: str,
    purpose: str,
    requester: Organisation,
    provider: Organisation,
    table_schema: dict[str, Any],
    dialect: dict[str, Any] | None = None,
    agreement: Agreement | None = None,
    pilot: Pilot | None = None,
    legal_basis: str = "",
    frequency: str = "one_off",
    due_on: dt.date | None = None,
) -> DataRequest:
    """Create a draft data request for the requester side the actor acts for."""
    require_side(actor, requester)
    check_parties(direction=direction, requester=requester, provider=provider, agreement=agreement)
    check_table_schema(table_schema)
    check_dialect(dialect)
    with transaction.atomic():
        request = DataRequest.objects.create(
            direction=direction,
            title=title,
            purpose=purpose,
            legal_basis=legal_basis,
            requester=requester,
            provider=provider,
            agreement=agreement,
            pilot=pilot,
            table_schema=table_schema,
            dialect=dialect or {},
            frequency=frequency,
            due_on=due_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor, action="data_request.create", obj=request, after=snapshot(request)
        )
    return request


def request_update(*, request: DataRequest, actor: Any, **changes: Any) -> DataRequest:
    """Edit a draft request (title, purpose, legal basis, schema, frequency, due date)."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(f"These fields cannot be changed: {', '.join(unknown)}.")
    if "table_schema" in changes:
        check_table_schema(changes["table_schema"])
    if "dialect" in changes:
        check_dialect(changes["dialect"])
        changes["dialect"] = changes["dialect"] or {}
    with transaction.atomic():
        locked = _lock(request)
        require_side(actor, locked.requester)
        if locked.state != S.DRAFT:
            raise DomainError(
                f"Only a draft request can be edited; this one is '{locked.state}'.",
                code="not_editable",
            )
        before = snapshot(locked, changes)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(
            actor=actor,
            action="data_request.update",
            obj=locked,
            before=before,
            after=snapshot(locked, changes),
        )
    return locked


def _lock(request: DataRequest) -> DataRequest:
    return (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("requester", "provider", "agreement")
        .get(pk=request.pk)
    )


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise _invalid("reason", "A reason is required.")
    if len(reason) > MAX_REASON:
        raise _invalid("reason", f"The reason is longer than {MAX_REASON} characters.")
    return reason


def apply_transition(
    *,
    request: DataRequest,
    actor: Any,
    target: str,
    reason: str = "",
    **updates: Any,
) -> None:
    """Move a locked request to `target`: state check, audit entry, event for the other side.

    The caller holds the row lock and has checked who may act; this is shared by the
    transition services below and by the upload service (which submits implicitly).
    """
    REQUEST_MACHINE.check(request.state, target)
    before = snapshot(request, AUDIT_FIELDS)
    previous = request.state
    request.state = target
    for name, value in updates.items():
        setattr(request, name, value)
    request.save()
    after = snapshot(request, AUDIT_FIELDS)
    if reason:
        after["reason"] = reason
    audit_record(
        actor=actor, action=f"data_request.{target}", obj=request, before=before, after=after
    )
    other = request.provider_id if target in _REQUESTER_TARGETS else request.requester_id
    outbox_record(
        kind="request.transitioned",
        obj=request,
        payload={
            "request_id": request.pk,
            "from": previous,
            "to": target,
            "actor_id": getattr(actor, "pk", None),
            "reason": reason,
            "notify_organisation_id": other,
        },
    )


# Targets reached by the requester side; the others are the provider's doing.
_REQUESTER_TARGETS = frozenset({S.SENT, S.CHANGES_REQUESTED, S.ACCEPTED, S.CLOSED, S.WITHDRAWN})


def _transition(
    *,
    request: DataRequest,
    actor: Any,
    target: str,
    reason: str = "",
    comment: bool = False,
    **updates: Any,
) -> DataRequest:
    with transaction.atomic():
        locked = _lock(request)
        side = locked.requester if target in _REQUESTER_TARGETS else locked.provider
        require_side(actor, side)
        REQUEST_MACHINE.check(locked.state, target)
        if target == S.SENT and locked.direction == RequestDirection.ACQUISITION:
            agreement = locked.agreement
            if agreement is None or agreement.state not in USABLE_AGREEMENT_STATES:
                raise DomainError(
                    "The agreement is no longer signed or active; the request cannot be sent.",
                    code="agreement_not_usable",
                )
        if target == S.ACCEPTED:
            _require_latest_run_passed(locked)
        apply_transition(request=locked, actor=actor, target=target, reason=reason, **updates)
        if comment and reason:
            # The reason also goes into the thread so the other side reads it where it talks.
            RequestComment.objects.create(request=locked, author=_user(actor), body=reason)
    return locked


def _require_latest_run_passed(request: DataRequest) -> None:
    latest = request.submissions.select_related("validation_run").order_by("-version").first()
    run = getattr(latest, "validation_run", None) if latest is not None else None
    if run is None or run.status != RunStatus.PASSED:
        status = run.status if run is not None else "missing"
        raise DomainError(
            f"Only a submission whose validation passed can be accepted; the latest "
            f"submission's validation is '{status}'.",
            code="validation_not_passed",
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def request_submit(*, request: DataRequest, actor: Any) -> None:
    """Provider's upload submits the request (called by `submission_upload` under its lock).

    A further upload while already `submitted` is a new version, not a transition.
    """
    if request.state != S.SUBMITTED:
        apply_transition(request=request, actor=actor, target=S.SUBMITTED)


def request_send(*, request: DataRequest, actor: Any) -> DataRequest:
    """Requester sends a draft to the provider."""
    return _transition(request=request, actor=actor, target=S.SENT, sent_at=timezone.now())


def request_acknowledge(*, request: DataRequest, actor: Any) -> DataRequest:
    """Provider acknowledges a sent request (agrees to answer it)."""
    return _transition(request=request, actor=actor, target=S.ACKNOWLEDGED)


def request_decline(*, request: DataRequest, actor: Any, reason: str) -> DataRequest:
    """Provider declines a sent request, giving a reason."""
    reason = _clean_reason(reason, required=True)
    return _transition(
        request=request,
        actor=actor,
        target=S.DECLINED,
        reason=reason,
        comment=True,
        decline_reason=reason,
    )


def request_changes(*, request: DataRequest, actor: Any, reason: str) -> DataRequest:
    """Requester asks for changes to the submitted data, giving a reason."""
    reason = _clean_reason(reason, required=True)
    return _transition(
        request=request, actor=actor, target=S.CHANGES_REQUESTED, reason=reason, comment=True
    )


def request_accept(*, request: DataRequest, actor: Any) -> DataRequest:
    """Requester accepts the latest submission (its validation must have passed)."""
    return _transition(request=request, actor=actor, target=S.ACCEPTED, accepted_at=timezone.now())


@transaction.atomic
def request_create_and_send(*, actor: Any, **fields: Any) -> DataRequest:
    """Create a data request and send it, in one transaction: never a half-done draft."""
    data_request = request_create(actor=actor, **fields)
    return request_send(request=data_request, actor=actor)


@transaction.atomic
def data_need_submit(*, actor: Any, pilot: Pilot, **fields: Any) -> DataRequest:
    """A city states a data need to the NSI of the pilot it chose, and sends it (one step).

    The pilot names both sides explicitly: its local government asks, its NSI answers.
    """
    if pilot.local_government_id is None or pilot.nsi_id is None:
        raise DomainError(
            "This pilot has no local government or NSI to route the need between.",
            code="unroutable_need",
            fields={"pilot": ["Choose a pilot with a city and an NSI."]},
        )
    return request_create_and_send(
        actor=actor,
        direction="data_need",
        requester=pilot.local_government,
        provider=pilot.nsi,
        pilot=pilot,
        **fields,
    )


def request_close(*, request: DataRequest, actor: Any) -> DataRequest:
    """Requester closes an accepted request."""
    return _transition(request=request, actor=actor, target=S.CLOSED)


def request_withdraw(*, request: DataRequest, actor: Any, reason: str = "") -> DataRequest:
    """Requester withdraws a request that has not been answered and accepted."""
    reason = _clean_reason(reason, required=False)
    return _transition(
        request=request, actor=actor, target=S.WITHDRAWN, reason=reason, comment=True
    )


def request_comment_add(*, request: DataRequest, actor: Any, body: str) -> RequestComment:
    """Either side adds a message to the request's thread."""
    body = (body or "").strip()
    if not body:
        raise _invalid("body", "A comment cannot be empty.")
    if len(body) > MAX_COMMENT:
        raise _invalid("body", f"A comment is at most {MAX_COMMENT} characters.")
    with transaction.atomic():
        locked = _lock(request)
        try:
            require_side(actor, locked.requester)
            other = locked.provider_id
        except DomainError:
            require_side(actor, locked.provider)
            other = locked.requester_id
            # The provider does not see a draft; only the requester may note things on it.
            if locked.state == S.DRAFT:
                raise DomainError("The request has not been sent yet.", code="not_sent") from None
        comment = RequestComment.objects.create(request=locked, author=_user(actor), body=body)
        audit_record(
            actor=actor,
            action="data_request.comment",
            obj=locked,
            after={"comment_id": comment.pk, "body": body},
        )
        outbox_record(
            kind="request.commented",
            obj=locked,
            payload={
                "request_id": locked.pk,
                "comment_id": comment.pk,
                "actor_id": getattr(actor, "pk", None),
                "notify_organisation_id": other,
            },
        )
    return comment
