"""Validation runs: execute the engine on a submission, exactly once per run, and re-run."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from ddms_platform import tabular
from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.jobs import JobRunner
from ddms_platform.core.storage import open_stored
from ddms_platform.notify.services import outbox_record
from ddms_platform.tabular.spool import Readable

from ..choices import RunStatus
from ..models import ValidationRun
from ..plausibility import previous_values_options
from ..references import references_for

log = logging.getLogger(__name__)

# Progress is written at most this often: a chunk every few milliseconds must not turn into
# a database write every few milliseconds.
PROGRESS_INTERVAL = 0.5


class _Progress:
    """Engine progress callback: writes rows_done to the run row, throttled."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, rows_done: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL:
            # Only while running: a duplicate execution must not rewind a finished run.
            ValidationRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                rows_done=rows_done
            )
            self.last = now


def run_engine(
    source: Path | IO[bytes] | Readable,
    schema: dict[str, Any],
    *,
    dialect: dict[str, Any] | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Validate one file (a path, or a file opened from storage) as the worker does.

    Also used by the `validate_dataset` command, with a local path. The format (CSV or
    XLSX) is sniffed from the content, as on upload; the request's dialect and the
    platform's code lists (foreign keys to ``ddms:`` resources) apply.
    """
    return tabular.validate(
        source,
        schema,
        dialect=dialect or None,
        references=references_for(schema),
        progress=progress,
        max_errors=settings.DDMS_VALIDATION_MAX_ERRORS,
        chunk_rows=settings.DDMS_VALIDATION_CHUNK_ROWS,
        max_xlsx_bytes=settings.DDMS_XLSX_MAX_UNCOMPRESSED_BYTES,
        **previous_values_options(schema),
    )


class ValidationRunner(JobRunner[ValidationRun]):
    """Validate a run's submission; the report is a pure function of file and schema, so
    running it again after a dead worker gives the same report."""

    model = ValidationRun
    label = "Validation"
    select_related = ("submission__request",)

    def reset(self, job: ValidationRun) -> list[str]:
        job.rows_done = 0
        return ["rows_done"]

    def execute(self, job: ValidationRun) -> dict[str, Any]:
        submission = job.submission
        # Read through the storage API (the local disk or a bucket): the worker may run on a
        # machine that shares no folder with the web process.
        with open_stored(submission.file) as stored:
            report = run_engine(
                stored,
                submission.request.table_schema,
                dialect=submission.request.dialect,
                progress=_Progress(job.pk),
            )
        return {
            "status": RunStatus.PASSED if report.get("valid") else RunStatus.FAILED,
            "report": report,
            "rows_done": int(report.get("stats", {}).get("rows") or 0),
        }

    def failure(self, job: ValidationRun, exc: Exception) -> dict[str, Any] | None:
        if isinstance(exc, tabular.DialectError):
            return self.error(f"The request's CSV dialect is not a valid CSV Dialect: {exc}")
        if isinstance(exc, tabular.SchemaError):
            return self.error(f"The request's table schema is not a valid Table Schema: {exc}")
        if isinstance(exc, (tabular.SourceError, FileNotFoundError)):
            return self.error(f"The stored file cannot be read: {exc}")
        return None

    def finished(self, job: ValidationRun) -> None:
        report = job.report or {}
        summary = {
            "status": job.status,
            "rows": job.rows_done,
            "errors": report.get("stats", {}).get("errors"),
            "last_error": job.last_error,
        }
        audit_record(actor=None, action="validation_run.finish", obj=job, after=summary)
        outbox_record(
            kind="validation.finished",
            obj=job,
            payload={
                "run_id": job.pk,
                "submission_id": job.submission_id,
                "request_id": job.submission.request_id,
                "status": job.status,
                "attempts": job.attempts,
            },
        )


validation_runner = ValidationRunner()


def validation_run_execute(*, run_id: int) -> ValidationRun | None:
    """Validate the run's submission, store the report and record `validation.finished`."""
    validation_runner.run(run_id)
    return ValidationRun.objects.filter(pk=run_id).first()


def validation_run_rerun(*, run: ValidationRun, actor: Any) -> ValidationRun:
    """Put a run back in the queue (back-office action, e.g. after an engine fix)."""
    from ddms_platform.core.permissions import is_admin, require_nsi_staff

    if not is_admin(actor):
        require_nsi_staff(actor, country=run.submission.request.requester.country_id)
    with transaction.atomic():
        locked = ValidationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == RunStatus.QUEUED:
            raise DomainError("The run is already queued.", code="already_queued")
        before = {"status": locked.status, "attempts": locked.attempts}
        locked.status = RunStatus.QUEUED
        locked.report = None
        locked.rows_done = 0
        locked.last_error = ""
        locked.started_at = locked.finished_at = locked.dispatched_at = None
        locked.attempts = 0
        locked.save()
        audit_record(
            actor=actor,
            action="validation_run.rerun",
            obj=locked,
            before=before,
            after={"status": locked.status},
        )
        queue_validation(locked.pk)
    return locked


def queue_validation(run_id: int) -> None:
    """Hand the run to a worker once the transaction commits (bounded if the broker is down)."""
    from ..tasks import validate_submission

    validate_submission.queue_after_commit(run_id)
