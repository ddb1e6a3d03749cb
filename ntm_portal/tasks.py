"""The import page's confirmation as a job of the queue: the whole file written in one transaction by a
worker, the outcome recorded on the `ImportBatch` the batch page polls."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm_portal import importing
from ntm_portal.models import ImportBatch
from ntm_portal.queue import JOB_TASK_OPTIONS, QUEUE_ERRORS, enqueue, job_attempt

logger = logging.getLogger(__name__)
STARTABLE = (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED)


def import_enqueue(*, user: AbstractUser, batch: ImportBatch) -> ImportBatch:
    """Queue the import of a checked batch (or of a failed one, trying again) and return the batch as it
    is now: without a broker the import has run. A batch "importing" for longer than a job may run (its
    process was killed with no broker to hand it out again) may be queued again as well."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        queued = batch.status in STARTABLE or _abandoned(batch)
        if queued:
            batch.status, batch.failure = ImportBatch.Status.IMPORTING, ""
            batch.confirmed_by, batch.confirmed_at = user, timezone.now()
            batch.save(update_fields=["status", "failure", "confirmed_by", "confirmed_at"])
    if queued:
        enqueue(import_confirm_job, batch.pk)
    return ImportBatch.objects.defer("content").get(pk=batch.pk)


def _abandoned(batch: ImportBatch) -> bool:
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return (
        batch.status == ImportBatch.Status.IMPORTING
        and batch.confirmed_at is not None
        and timezone.now() - batch.confirmed_at > limit
    )


@shared_task(name="ntm_portal.import_confirm", **JOB_TASK_OPTIONS)
def import_confirm_job(task, batch_id: int) -> None:
    job_attempt(task, lambda: import_run(batch_id), fail=lambda reason: import_fail(batch_id=batch_id, reason=reason))


def import_run(batch_id: int) -> None:
    """Import a queued batch as the user who confirmed it; an error of the code is recorded as its failure."""
    batch = ImportBatch.objects.select_related("confirmed_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.IMPORTING:
        return  # delivered twice, or cancelled meanwhile
    try:
        importing.import_confirm(user=batch.confirmed_by, batch=batch)
    except QUEUE_ERRORS:
        raise
    except Exception:
        logger.exception("The import of batch %s failed", batch_id)
        import_fail(batch_id=batch_id, reason=_("The import could not be completed. Please tell the administrators."))


def import_fail(*, batch_id: int, reason: str) -> None:
    """Nothing was written (the import's one transaction rolled back): the batch may be confirmed again."""
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.IMPORTING).update(
        status=ImportBatch.Status.FAILED, failure=reason[:300]
    )
