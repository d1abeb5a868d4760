"""Who hears of data-request, validation and agreement events: notify handlers.

Registered from `PartnershipsConfig.ready()`; notify never imports this app. Recipients are
people acting for an organisation (memberships with role manager or member), one message
per user and event, in the language of their membership (blank: `LANGUAGE_CODE`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ddms_platform.core.links import site_link
from ddms_platform.core.permissions import ACTING_ROLES, NSI_KINDS
from ddms_platform.notify.models import OutboxEvent
from ddms_platform.notify.registry import Recipient, register

from .choices import RequestState, RunStatus
from .models import (
    Agreement,
    DataRequest,
    Membership,
    RequestComment,
    Submission,
    ValidationRun,
)
from .report_messages import TYPE_LABELS

# Targets the requester side reaches; every other transition is the provider's doing.
REQUESTER_TARGETS = frozenset(
    {
        RequestState.SENT,
        RequestState.CHANGES_REQUESTED,
        RequestState.ACCEPTED,
        RequestState.CLOSED,
        RequestState.WITHDRAWN,
    }
)
OVERDUE = "overdue"
DUE_SOON = "request.due_soon"


def members(org_ids: Iterable[int], *, exclude_user: int | None = None) -> Iterator[Recipient]:
    """Acting members of the organisations with an e-mail address, each user once."""
    rows = (
        Membership.objects.filter(
            organisation_id__in=list(org_ids),
            role__in=ACTING_ROLES,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user_id", "organisation_id")
        .values_list("user_id", "user__email", "language")
    )
    seen: set[int] = set()
    for user_id, email, language in rows:
        if user_id in seen or user_id == exclude_user:
            continue
        seen.add(user_id)
        yield Recipient(key=f"user:{user_id}", email=email, user_id=user_id, language=language)


# --- request.transitioned (and the daily request.due_soon reminder) -----------------------


def _request(event: OutboxEvent) -> DataRequest | None:
    return (
        DataRequest.objects.select_related("requester", "provider")
        .filter(pk=event.payload.get("request_id"))
        .first()
    )


def request_audience(event: OutboxEvent, request: DataRequest) -> list[int]:
    """The organisations to tell: the side that did not act (both when nobody acted)."""
    payload = event.payload
    if payload.get("to") == OVERDUE:
        # Nobody acted: the provider owes the data, the requester waits for it.
        return [request.provider_id, request.requester_id]
    if event.kind == DUE_SOON:
        return [request.provider_id]
    if payload.get("notify_organisation_id"):
        return [int(payload["notify_organisation_id"])]
    actor_orgs = set(
        Membership.objects.filter(user_id=payload.get("actor_id")).values_list(
            "organisation_id", flat=True
        )
    )
    if request.requester_id in actor_orgs and request.provider_id not in actor_orgs:
        return [request.provider_id]
    if request.provider_id in actor_orgs and request.requester_id not in actor_orgs:
        return [request.requester_id]
    # An admin or someone on both sides: the target says whose move it was.
    to = payload.get("to")
    return [request.provider_id if to in REQUESTER_TARGETS else request.requester_id]


def request_recipients(event: OutboxEvent) -> Iterator[Recipient]:
    """Acting members of the other side's organisation (never the actor)."""
    request = _request(event)
    if request is None:
        return iter(())
    return members(request_audience(event, request), exclude_user=event.payload.get("actor_id"))


def request_context(event: OutboxEvent) -> dict[str, Any]:
    """Title, sides, the move and its reason, due date and link; once per event."""
    request = _request(event)
    if request is None:
        return {}
    labels = dict(RequestState.choices)
    payload = event.payload
    return {
        "title": request.title,
        "requester": request.requester.name,
        "provider": request.provider.name,
        "from_state": labels.get(payload.get("from", ""), payload.get("from", "")),
        "to": payload.get("to", ""),
        "to_state": labels.get(payload.get("to", ""), payload.get("to", "")),
        "reason": payload.get("reason", ""),
        "due_on": request.due_on.isoformat() if request.due_on else "",
        "link": site_link("partnerships:request-detail", request.pk),
    }


# --- request.commented and submission.uploaded ---------------------------------------------
# Both events name the side to tell (`notify_organisation_id`): the comment's other side, the
# requester for an upload; `request_recipients` reaches its acting members, never the actor.


def _display_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def comment_context(event: OutboxEvent) -> dict[str, Any]:
    """The request's context plus the comment's author and text."""
    context = request_context(event)
    comment = (
        RequestComment.objects.select_related("author")
        .filter(pk=event.payload.get("comment_id"))
        .first()
    )
    if comment is not None:
        context["author"] = _display_name(comment.author)
        context["body"] = comment.body
    return context


def upload_context(event: OutboxEvent) -> dict[str, Any]:
    """The request's context plus the new version's number, file name, size and uploader."""
    context = request_context(event)
    submission = (
        Submission.objects.select_related("uploaded_by")
        .filter(pk=event.payload.get("submission_id"))
        .first()
    )
    if submission is not None:
        context.update(
            version=submission.version,
            file_name=submission.original_name,
            size=submission.size,
            uploader=_display_name(submission.uploaded_by),
            report_link=site_link("partnerships:submission-detail", submission.pk),
        )
    return context


# --- validation.finished --------------------------------------------------------------------


def validation_recipients(event: OutboxEvent) -> Iterator[Recipient]:
    """The uploader of the submission, in the language of their provider membership."""
    submission = (
        Submission.objects.select_related("uploaded_by", "request")
        .filter(pk=event.payload.get("submission_id"))
        .first()
    )
    user = submission.uploaded_by if submission is not None else None
    if submission is None or user is None or not user.email or not user.is_active:
        return
    languages = dict(
        Membership.objects.filter(user=user).values_list("organisation_id", "language")
    )
    language = languages.get(submission.request.provider_id) or next(
        (lang for lang in languages.values() if lang), ""
    )
    yield Recipient(key=f"user:{user.pk}", email=user.email, user_id=user.pk, language=language)


def validation_context(event: OutboxEvent) -> dict[str, Any]:
    """Status, a summary of the report and the report link."""
    payload = event.payload
    run = (
        ValidationRun.objects.select_related("submission__request")
        .filter(pk=payload.get("run_id"))
        .first()
    )
    submission_id = payload.get("submission_id")
    report = (run.report if run is not None else None) or {}
    counts = report.get("error_counts") or {}
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    status = payload.get("status") or (run.status if run else "")
    return {
        "status": status,
        # Lazy, so it is translated when the message is rendered in the recipient's language.
        "status_label": dict(RunStatus.choices).get(status, status),
        "title": run.submission.request.title if run is not None else "",
        "version": run.submission.version if run is not None else "",
        "rows": (report.get("stats") or {}).get("rows"),
        "errors": (report.get("stats") or {}).get("errors", sum(counts.values())),
        # type labels stay lazy, like status_label: rendered in the recipient's language
        "error_counts": [{"type": TYPE_LABELS.get(t, t), "count": c} for t, c in top],
        "warnings": (report.get("stats") or {}).get("warnings") or 0,
        "last_error": run.last_error if run is not None else "",
        "link": site_link("partnerships:submission-detail", submission_id) if submission_id else "",
    }


# --- agreement.ending -----------------------------------------------------------------------


def _agreement(event: OutboxEvent) -> Agreement | None:
    return (
        Agreement.objects.select_related("nsi").filter(pk=event.payload.get("agreement_id")).first()
    )


def agreement_recipients(event: OutboxEvent) -> Iterator[Recipient]:
    """NSI staff of the agreement's NSI (and its regional offices) and the partners' members."""
    agreement = _agreement(event)
    if agreement is None:
        return iter(())
    partners = list(agreement.party_links.values_list("organisation_id", flat=True))
    offices = list(agreement.nsi.children.filter(kind__in=NSI_KINDS).values_list("id", flat=True))
    return members([agreement.nsi_id, *offices, *partners])


def agreement_context(event: OutboxEvent) -> dict[str, Any]:
    """Reference, title, end date and days left."""
    agreement = _agreement(event)
    if agreement is None:
        return {}
    return {
        "reference": agreement.reference,
        "title": agreement.title,
        "ends_on": event.payload.get("ends_on", ""),
        "days_left": event.payload.get("days_left"),
        "link": site_link("partnerships:agreement-detail", agreement.pk),
    }


# --- request.period_opened and request.escalated (services/obligations.py) -------------------


def period_context(event: OutboxEvent) -> dict[str, Any]:
    """The request's context plus its period."""
    return request_context(event) | {"period": event.payload.get("period", "")}


def escalation_recipients(event: OutboxEvent) -> Iterator[Recipient]:
    """The users the step named when it was taken, in the language of their membership."""
    user_ids = [int(u) for u in event.payload.get("user_ids") or []]
    request = _request(event)
    if request is None or not user_ids:
        return
    # The membership nearest the request speaks for the user: the provider's, then the
    # requester's, then any other.
    preference = {request.provider_id: 0, request.requester_id: 1}
    rows = (
        Membership.objects.filter(user_id__in=user_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", "user__email", "language", "organisation_id")
    )
    best: dict[int, tuple[int, str, str]] = {}
    for user_id, email, language, org_id in rows:
        rank = preference.get(org_id, 2)
        if user_id not in best or rank < best[user_id][0]:
            best[user_id] = (rank, email, language)
    for user_id in sorted(best):
        _rank, email, language = best[user_id]
        yield Recipient(key=f"user:{user_id}", email=email, user_id=user_id, language=language)


def escalation_context(event: OutboxEvent) -> dict[str, Any]:
    """The request's context plus the ladder step."""
    return request_context(event) | {"step": event.payload.get("step", "")}


def register_handlers() -> None:
    """Tell notify who hears of this app's events."""
    register("request.transitioned", recipients=request_recipients, context=request_context)
    register(
        DUE_SOON,
        recipients=request_recipients,
        context=request_context,
        template="request_due_soon",
    )
    register("request.commented", recipients=request_recipients, context=comment_context)
    register("submission.uploaded", recipients=request_recipients, context=upload_context)
    register("validation.finished", recipients=validation_recipients, context=validation_context)
    register("agreement.ending", recipients=agreement_recipients, context=agreement_context)
    register("agreement.expired", recipients=agreement_recipients, context=agreement_context)
    register("request.period_opened", recipients=request_recipients, context=period_context)
    register("request.escalated", recipients=escalation_recipients, context=escalation_context)
