"""What every job of the queue shares: how it is queued, how it records its progress and its end, and how
it meets a time limit or a transient error.

A job is a row (`ntm_portal.models.Job`, or `ImportBatch` for an import's confirmation) and a Celery task
that works on it by id. Without a broker (`CELERY_TASK_ALWAYS_EAGER`) the task runs as it is queued, in the
process that queues it; with one, it is sent once the transaction that wrote the row commits, so that the
worker finds the row.
"""

import logging
from collections.abc import Callable

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from ntm_portal.models import Job

logger = logging.getLogger(__name__)

# Errors that may pass by themselves (the database restarting, a network cut): the job is tried again.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, BrokerError)
# What a job's own code lets through to `job_attempt` rather than recording as its failure.
QUEUE_ERRORS = (SoftTimeLimitExceeded, *TRANSIENT_ERRORS)

# The options of every job task: acknowledged once done, so that a job whose worker was killed runs again.
JOB_TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


def enqueue(task: Task, *args) -> None:
    """Queue `task(*args)`: run now without a broker, else sent once the current transaction commits."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.delay(*args)
    else:
        transaction.on_commit(lambda: task.delay(*args))


def job_attempt(task: Task, work: Callable[[], object], *, fail: Callable[[str], None]) -> None:
    """Run one attempt of a job's `work`. Past the soft time limit the job fails with the reason; after a
    transient error it is tried again later, and fails once `JOB_MAX_RETRIES` tries have failed.

    `fail(reason)` records the failure on the job's row; the work records every other outcome itself. In a
    worker, Celery's Django fixup closes unusable connections before each task, so a retry reconnects.
    """
    try:
        work()
    except SoftTimeLimitExceeded:
        _record_failure(fail, _time_limit_reason(_soft_time_limit(task)))
    except TRANSIENT_ERRORS as error:
        logger.warning("Job %s (try %s) met a transient error: %s", task.name, task.request.retries + 1, error)
        if task.request.retries >= settings.JOB_MAX_RETRIES:
            _record_failure(fail, _("The database or the job queue could not be reached. Please try again later."))
            return
        countdown = 2 ** (task.request.retries + 1)
        raise task.retry(exc=error, countdown=countdown, max_retries=settings.JOB_MAX_RETRIES) from error


def _soft_time_limit(task: Task) -> int:
    """The limit the job ran under: the one it was queued with (by the web process's settings)."""
    _hard, soft = task.request.timelimit or (None, None)
    return int(soft or task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT)


def _time_limit_reason(seconds: int) -> str:
    if seconds < 120:
        return _(
            "The job took longer than %(seconds)s seconds and was stopped. Try again, or tell the administrators."
        ) % {"seconds": seconds}
    return _("The job took longer than %(minutes)s minutes and was stopped. Try again, or tell the administrators.") % {
        "minutes": round(seconds / 60)
    }


def _record_failure(fail: Callable[[str], None], reason: str) -> None:
    try:
        fail(reason)
    except DatabaseError:
        logger.exception("The failure of a job could not be recorded: %s", reason)


def job_progress(job: Job, percent: int, step: str, *, status: str | None = None) -> None:
    job.progress, job.step = min(percent, 99), step[:200]
    if status:
        job.status = status
    type(job).objects.filter(pk=job.pk).update(progress=job.progress, step=job.step, status=job.status)


def job_finish(job: Job, status: str, step: str, *, content: bytes | None = None) -> Job:
    job.status, job.step, job.finished_at = status, step[:200], timezone.now()
    job.progress = 100 if status == Job.Status.DONE else job.progress
    job.content = content
    job.save(update_fields=["status", "step", "finished_at", "progress", "content"])
    return job
