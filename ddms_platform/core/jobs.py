"""One job machinery for every background job: claim, lease, limits, errors, recovery.

A job is a row (a `Job` subclass): the broker's message only says "look at job N". So:
  * the runner claims the row (queued → running, attempts + 1, a lease for this worker);
    a finished job, or one whose lease another live worker holds, is left alone, which
    makes every redelivery harmless;
  * while the work runs, a thread renews the lease every third of `DDMS_JOB_LEASE_SECONDS`;
  * every exception ends the job `error` with a sentence a person can act on (a subclass
    maps the exceptions it knows to better ones), and only the lease holder may finish it;
  * the sweep (`jobs_sweep`, beat every `DDMS_JOB_SWEEP_SECONDS`) takes back running jobs
    whose lease expired (their worker died: SIGKILL, out of memory, machine lost) and
    queues them again — or ends them after `DDMS_JOB_MAX_ATTEMPTS` starts — and hands the
    broker every queued job it has not taken yet, so recovery never waits for the broker's
    visibility timeout, and a broker that comes back gets its work within one sweep.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar, Generic, TypeVar

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .broker import BrokerUnavailable, broker_publish
from .models import Job, JobStatus

log = logging.getLogger(__name__)

J = TypeVar("J", bound=Job)
HOST = socket.gethostname()


def lease_seconds() -> float:
    return float(settings.DDMS_JOB_LEASE_SECONDS)


def _holder_is_dead(worker: str) -> bool:
    """True when the lease holder was a process on this machine that no longer exists.

    Lets a redelivered job (pool child killed, message handed back at once) start again now
    instead of after the lease; a holder on another machine is judged by its lease alone.
    """
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _Lease(threading.Thread):
    """Sets `heartbeat_at` on a queryset's rows until stopped (its own database connection)."""

    def __init__(self, rows: QuerySet[Any]) -> None:
        super().__init__(daemon=True, name=f"lease-{rows.model.__name__}")
        self.rows = rows
        self.stopped = threading.Event()
        self.interval = max(lease_seconds() / 3, 0.2)

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.rows.update(heartbeat_at=timezone.now())
                except Exception:  # a database hiccup: the next beat tries again
                    log.warning("lease of %s not renewed", self.rows.model.__name__)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


@contextlib.contextmanager
def lease_kept(rows: QuerySet[Any]) -> Iterator[None]:
    """Renew the rows' `heartbeat_at` while the block runs (a long job's proof of life)."""
    lease = _Lease(rows)
    lease.start()
    try:
        yield
    finally:
        lease.stop()


class JobRunner(Generic[J]):
    """Runs jobs of one model; subclasses say what the work is and how it ends."""

    model: type[J]
    # "Validation", "Loading": starts the messages written to `last_error`.
    label: ClassVar[str] = "The job"
    select_related: ClassVar[tuple[str, ...]] = ()

    # --- what subclasses provide -------------------------------------------------------
    def reset(self, job: J) -> list[str]:
        """Clear per-attempt fields on claim; returns their names."""
        return []

    def execute(self, job: J) -> dict[str, Any]:
        """Do the work; return the fields to store, `status` among them."""
        raise NotImplementedError

    def failure(self, job: J, exc: Exception) -> dict[str, Any] | None:
        """Fields for an exception the job understands (a rejected file), or None."""
        return None

    def finished(self, job: J) -> None:
        """Inside the finishing transaction: audit entry, outbox event."""

    # --- the machinery -----------------------------------------------------------------
    def max_attempts(self) -> int:
        return int(settings.DDMS_JOB_MAX_ATTEMPTS)

    def run(self, job_id: int) -> J | None:
        """Claim and run job `job_id` once; None when there was nothing to do."""
        token = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        try:
            job = self._claim(job_id, token)
        except self.model.DoesNotExist:
            log.warning("%s %s no longer exists; nothing to do", self.model.__name__, job_id)
            return None
        if job is None:
            return None
        if job.attempts > self.max_attempts():
            return self.finish(job_id, token, self.gave_up(job.attempts - 1))
        lease = _Lease(
            self.model._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING, worker=token)
        )
        lease.start()
        try:
            fields = self.execute(job)
        except SoftTimeLimitExceeded:
            fields = self.error(
                f"{self.label} took longer than the time limit of "
                f"{settings.CELERY_TASK_TIME_LIMIT} s; split the input or ask the platform "
                "operator to raise CELERY_TASK_TIME_LIMIT."
            )
        except Exception as exc:
            known = self.failure(job, exc)
            if known is None:
                # A bug or an infrastructure fault: say which, keep the trace in the log.
                log.exception("%s %s failed", self.model.__name__, job_id)
                known = self.error(
                    f"{self.label} stopped by an unexpected error ({type(exc).__name__}: {exc}). "
                    "Nothing was changed; this is a fault of the platform, not of your data: "
                    "tell the platform operator (the worker log has the details), then run it again."
                )
            fields = known
        finally:
            lease.stop()
        return self.finish(job_id, token, fields)

    def error(self, message: str) -> dict[str, Any]:
        return {"status": JobStatus.ERROR, "last_error": message[:2000]}

    def gave_up(self, starts: int) -> dict[str, Any]:
        return self.error(
            f"{self.label} was started {starts} times and each time its worker stopped before "
            "finishing (killed, out of memory, or its machine went down); it is not tried "
            "again. Check the input (size, content) and the worker logs, then run it again."
        )

    def _claim(self, job_id: int, token: str) -> J | None:
        now = timezone.now()
        with transaction.atomic():
            job = (
                self.model._default_manager.select_for_update(of=("self",))
                .select_related(*self.select_related)
                .get(pk=job_id)
            )
            if job.status in self.model.FINISHED:
                return None  # a duplicate or late delivery
            if job.status == JobStatus.RUNNING and not self._lease_lost(job, now):
                return None  # a live worker has it (a redelivered message)
            job.status = JobStatus.RUNNING
            job.attempts += 1
            job.started_at = job.heartbeat_at = now
            job.worker = token
            job.last_error = ""
            reset = self.reset(job)
            job.save(
                update_fields=[
                    "status",
                    "attempts",
                    "started_at",
                    "heartbeat_at",
                    "worker",
                    "last_error",
                    *reset,
                ]
            )
        return job

    def _lease_lost(self, job: Job, now: dt.datetime) -> bool:
        beat = job.heartbeat_at or job.started_at
        expired = beat is None or beat < now - dt.timedelta(seconds=lease_seconds())
        return expired or _holder_is_dead(job.worker)

    def finish(self, job_id: int, token: str | None, fields: dict[str, Any]) -> J:
        """Store the outcome, unless another worker holds the job now (its outcome stands)."""
        with transaction.atomic():
            job = (
                self.model._default_manager.select_for_update(of=("self",))
                .select_related(*self.select_related)
                .get(pk=job_id)
            )
            if job.status != JobStatus.RUNNING or (token is not None and job.worker != token):
                return job
            for name, value in fields.items():
                setattr(job, name, value)
            job.finished_at = timezone.now()
            job.heartbeat_at = None
            job.save()
            self.finished(job)
        return job

    def recover(self, *, now: dt.datetime, limit: int = 200) -> int:
        """Take back running jobs whose lease expired: queue them again, or give up."""
        expired = now - dt.timedelta(seconds=lease_seconds())
        overrun = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + lease_seconds())
        taken = 0
        candidates = self.model._default_manager.filter(status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=expired)
            | Q(heartbeat_at__isnull=True, started_at__lt=expired)
            | Q(started_at__lt=overrun)
        )
        for pk in candidates.values_list("pk", flat=True)[:limit]:
            with transaction.atomic():
                job = (
                    self.model._default_manager.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk, status=JobStatus.RUNNING)
                    .first()
                )
                if job is None:
                    continue
                started = job.started_at
                if started is not None and started < overrun:
                    # Alive but past the hard time limit (a hung worker): end it.
                    fields = self.error(
                        f"{self.label} ran longer than the time limit of "
                        f"{settings.CELERY_TASK_TIME_LIMIT} s and was stopped."
                    )
                elif job.attempts >= self.max_attempts():
                    fields = self.gave_up(job.attempts)
                else:
                    fields = None
                if fields is not None:
                    self.finish(job.pk, None, fields)
                else:
                    log.warning(
                        "%s %s: lease of %s expired; queued again",
                        self.model.__name__,
                        job.pk,
                        job.worker,
                    )
                    self.model._default_manager.filter(pk=job.pk).update(
                        status=JobStatus.QUEUED,
                        worker="",
                        heartbeat_at=None,
                        dispatched_at=None,
                        last_error=f"worker {job.worker} stopped renewing its lease; "
                        f"queued again after attempt {job.attempts}",
                    )
                taken += 1
        return taken


class JobTask(Task):
    """Base of every job's task: acked late, handed back on worker loss, time-limited.

    A worker killed mid-job hands the message back where the broker allows (late ack,
    reject on worker lost); the job row, not Celery, decides whether work remains, so a
    second delivery is harmless. `runner` is the job's JobRunner.
    """

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    ignore_result = True
    # Below the broker's visibility timeout, or a long job would be handed out twice.
    time_limit = settings.CELERY_TASK_TIME_LIMIT
    soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    runner: JobRunner[Any]

    def queue_after_commit(self, job_id: int) -> None:
        """Hand the job to the broker once the transaction commits, within the bound.

        If the broker does not take it, the row stays queued without `dispatched_at` and
        the sweep hands it over; the request that created it succeeds either way.
        """
        task = self

        def publish() -> None:
            job_publish(task, job_id)

        transaction.on_commit(publish)


def job_publish(task: JobTask, job_id: int) -> bool:
    """Publish one queued job now and record that the broker took it."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=(job_id,))  # runs inline: let the job's own errors surface
        return True
    try:
        broker_publish(task, job_id)
    except BrokerUnavailable as exc:
        log.warning("broker unreachable, %s(%s) left for the sweep: %s", task.name, job_id, exc)
        return False
    task.runner.model._default_manager.filter(pk=job_id, status=JobStatus.QUEUED).update(
        dispatched_at=timezone.now()
    )
    return True


_discovered = False


def job_tasks() -> Iterator[JobTask]:
    """Every registered job task (one per job model)."""
    from ddms_platform.celery import app

    global _discovered
    if not _discovered:  # the apps' tasks modules, once per process (workers did it already)
        app.loader.import_default_modules()
        _discovered = True
    for task in list(app.tasks.values()):
        if isinstance(task, JobTask) and getattr(task, "runner", None) is not None:
            yield task


def jobs_sweep(*, limit: int = 500) -> dict[str, int]:
    """Recover jobs of dead workers and hand the broker every queued job it does not have.

    Cheap when there is nothing to do (indexed status filters), so beat runs it often.
    A queued job the broker took long ago and no worker started (its message was lost, e.g.
    Redis restarted without persistence) is published again after DDMS_REQUEUE_AFTER_SECONDS.
    """
    now = timezone.now()
    lost = now - dt.timedelta(seconds=settings.DDMS_REQUEUE_AFTER_SECONDS)
    counts = {"recovered": 0, "published": 0}
    broker_down = False
    for task in job_tasks():
        runner = task.runner
        counts["recovered"] += runner.recover(now=now)
        if broker_down:
            continue
        waiting = (
            runner.model._default_manager.filter(status=JobStatus.QUEUED)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=lost))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in waiting:
            if not job_publish(task, pk):
                broker_down = True  # stop at the first failure: the next sweep tries again
                break
            counts["published"] += 1
    return counts
