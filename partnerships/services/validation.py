"""Validation runs: execute the engine on a submission, exactly once per run, and re-run."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import IO, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ddms_platform import tabular
from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError
from ddms_platform.core.storage import open_stored
from ddms_platform.notify.services import outbox_record, publish_after_commit, requeue_unstarted
from ddms_platform.tabular.spool import Readable

from ..choices import RunStatus
from ..models import ValidationRun
from ..plausibility import previous_values_options
from ..references import references_for

log = logging.getLogger(__name__)

FINISHED = (RunStatus.PASSED, RunStatus.FAILED, RunStatus.ERROR)
# Progress is written at most this often: a chunk every few milliseconds must not turn into
# a database write every few milliseconds.
PROGRESS_INTERVAL = 0.5
# Starts of one run (redeliveries after a worker died) before it is given up as an error.
MAX_ATTEMPTS = 3


def _start(run_id: int) -> ValidationRun | None:
    """Claim the run; None when it has already finished (a duplicate or late delivery).

    A run still marked `running` is started again: its worker died (or its message came
    back after the visibility timeout). The report is a pure function of file and schema,
    so running it again is safe, and `_finish` lets only the first finisher write it.
    """
    with transaction.atomic():
        run = (
            ValidationRun.objects.select_for_update(of=("self",))
            .select_related("submission__request")
            .get(pk=run_id)
        )
        if run.status in FINISHED:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.rows_done = 0
        run.last_error = ""
        run.save(update_fields=["status", "started_at", "attempts", "rows_done", "last_error"])
    return run


class _Progress:
    """Engine progress callback: writes rows_done to the run row, throttled."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0
        self.delay = settings.DDMS_VALIDATION_TEST_DELAY_MS / 1000

    def __call__(self, rows_done: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL:
            # Only while running: a duplicate execution must not rewind a finished run.
            ValidationRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                rows_done=rows_done
            )
            self.last = now
        if self.delay:
            time.sleep(self.delay)  # test-only: lets a test kill the worker mid-run


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


def validation_run_execute(*, run_id: int) -> ValidationRun | None:
    """Validate the run's submission, store the report and record `validation.finished`."""
    try:
        run = _start(run_id)
    except ValidationRun.DoesNotExist:
        log.warning("validation run %s no longer exists; nothing to do", run_id)
        return None
    if run is None:
        return ValidationRun.objects.get(pk=run_id)
    if run.attempts > MAX_ATTEMPTS:
        # Each earlier attempt died with its worker (e.g. killed for memory): a file that
        # kills workers must not be handed out for ever.
        return _finish(
            run_id,
            report=None,
            error=f"Validation was started {MAX_ATTEMPTS} times and its worker stopped each "
            "time before finishing; the NSI has to look at this file.",
        )
    submission = run.submission
    report: dict[str, Any] | None = None
    error = ""
    try:
        # Read through the storage API (the local disk or a bucket): the worker may run on a
        # machine that shares no folder with the web process.
        with open_stored(submission.file) as stored:
            report = run_engine(
                stored,
                submission.request.table_schema,
                dialect=submission.request.dialect,
                progress=_Progress(run.pk),
            )
    except tabular.DialectError as exc:
        error = f"The request's CSV dialect is not a valid CSV Dialect: {exc}"
    except tabular.SchemaError as exc:
        error = f"The request's table schema is not a valid Table Schema: {exc}"
    except (tabular.SourceError, FileNotFoundError) as exc:
        error = f"The stored file cannot be read: {exc}"
    except SoftTimeLimitExceeded:
        error = (
            f"Validation took longer than the time limit of {settings.CELERY_TASK_TIME_LIMIT} s; "
            "split the file or ask the NSI to raise the limit."
        )
    except Exception as exc:
        # Anything else is a bug or an infrastructure problem; say which, keep the trace.
        log.exception("validation run %s failed", run_id)
        error = f"Validation stopped by an unexpected error ({type(exc).__name__}): {exc}"
    return _finish(run_id, report=report, error=error)


def _finish(run_id: int, *, report: dict[str, Any] | None, error: str) -> ValidationRun:
    with transaction.atomic():
        run = (
            ValidationRun.objects.select_for_update(of=("self",))
            .select_related("submission")
            .get(pk=run_id)
        )
        if run.status in FINISHED:
            # Another execution of the same run finished first; its report stands.
            return run
        if report is not None:
            run.status = RunStatus.PASSED if report.get("valid") else RunStatus.FAILED
            run.report = report
            run.rows_done = int(report.get("stats", {}).get("rows") or 0)
        else:
            run.status = RunStatus.ERROR
            run.last_error = error[:2000]
        run.finished_at = timezone.now()
        run.save()
        summary = {
            "status": run.status,
            "rows": run.rows_done,
            "errors": (report or {}).get("stats", {}).get("errors"),
            "last_error": run.last_error,
        }
        audit_record(actor=None, action="validation_run.finish", obj=run, after=summary)
        outbox_record(
            kind="validation.finished",
            obj=run,
            payload={
                "run_id": run.pk,
                "submission_id": run.submission_id,
                "request_id": run.submission.request_id,
                "status": run.status,
                "attempts": run.attempts,
            },
        )
    return run


def validation_run_rerun(*, run: ValidationRun, actor: Any) -> ValidationRun:
    """Put a run back in the queue (back-office action, e.g. after an engine fix)."""
    from ddms_platform.core.permissions import is_admin, require_nsi_staff

    if not is_admin(actor):
        require_nsi_staff(actor)
    with transaction.atomic():
        locked = ValidationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == RunStatus.QUEUED:
            raise DomainError("The run is already queued.", code="already_queued")
        before = {"status": locked.status, "attempts": locked.attempts}
        locked.status = RunStatus.QUEUED
        locked.report = None
        locked.rows_done = 0
        locked.last_error = ""
        locked.started_at = None
        locked.finished_at = None
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

    publish_after_commit(validate_submission, run_id)


def validation_runs_requeue() -> int:
    """Queue again runs no worker has picked up (e.g. queued while the broker was down)."""
    from ..tasks import validate_submission

    return requeue_unstarted(
        ValidationRun.objects.all(),
        validate_submission,
        older_than=dt.timedelta(seconds=settings.DDMS_REQUEUE_AFTER_SECONDS),
    )
