"""Lineage of a published value: publication → observation → submission → request → agreement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ddms_platform.core.permissions import is_staff_of_country

from ..models import ReleasedObservation
from .publications import released_observations_visible


def _report_summary(report: Any) -> dict[str, Any] | None:
    """Only the verdict and counts of a validation report (never cell values from the file)."""
    if not isinstance(report, dict):
        return None
    stats = report.get("stats") or {}
    return {
        "valid": report.get("valid"),
        "rows": stats.get("rows"),
        "errors": stats.get("errors"),
        "error_counts": report.get("error_counts") or {},
    }


def observation_lineage(
    *, user: Any, released_id: int, now: dt.datetime | None = None
) -> dict[str, Any] | None:
    """The chain behind one released value as the viewer may see it; None when hidden.

    Everyone sees the release, the value, the submission's SHA-256, version and validation
    verdict, and the request and agreement titles. NSI staff also see ids, file names and the
    dates inside the partnership. File contents are never exposed here.
    """
    row = (
        released_observations_visible(user=user, now=now)
        .select_related(
            "publication",
            "indicator__owner",
            "submission__request__agreement",
            "submission__request__provider",
            "submission__validation_run",
        )
        .filter(pk=released_id)
        .first()
    )
    if row is None:
        return None
    # Partnership details (ids, file names, dates) for the staff of the value's own country.
    staff = is_staff_of_country(user, row.indicator.owner.country_id)
    pub = row.publication
    chain: dict[str, Any] = {
        "publication": {
            "id": pub.pk,
            "series": pub.series,
            "version": pub.version,
            "title": pub.title,
            "release_at": pub.release_at,
        },
        "observation": _observation(row),
        "submission": None,
        "data_request": None,
        "agreement": None,
    }
    submission = row.submission
    if submission is None:
        return chain
    run = getattr(submission, "validation_run", None)
    chain["submission"] = {
        "sha256": submission.sha256,
        "version": submission.version,
        "format": submission.format,
        "uploaded_at": submission.uploaded_at,
        "validation": {
            "status": run.status if run else None,
            "report": _report_summary(run.report) if run else None,
        },
    }
    request = submission.request
    chain["data_request"] = {"title": request.title, "provider": request.provider.name}
    if request.agreement is not None:
        chain["agreement"] = {
            "reference": request.agreement.reference,
            "title": request.agreement.title,
        }
    if staff:
        chain["observation"]["observation_id"] = row.observation_id
        chain["submission"].update(
            {
                "id": submission.pk,
                "original_name": submission.original_name,
                "size": submission.size,
            }
        )
        chain["data_request"].update(
            {"id": request.pk, "state": request.state, "accepted_at": request.accepted_at}
        )
        if request.agreement is not None:
            chain["agreement"].update(
                {"id": request.agreement.pk, "state": request.agreement.state}
            )
    return chain


def _observation(row: ReleasedObservation) -> dict[str, Any]:
    return {
        "id": row.pk,
        "indicator": row.indicator_code,
        "territory": row.territory_code,
        "period": row.period,
        "dims": row.dims,
        "value": None if row.value is None else format(row.value.normalize(), "f"),
        "status": row.status,
    }
