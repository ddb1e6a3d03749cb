"""Exports too large to make inside the request (the grid of a province of many communes): a `DownloadJob`
made by the job queue and downloaded from its page."""

import logging

from celery import shared_task
from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from criteria import exports, selectors
from ntm_portal.models import DownloadJob
from ntm_portal.queue import JOB_TASK_OPTIONS, QUEUE_ERRORS, enqueue, job_attempt, job_finish, job_progress

logger = logging.getLogger(__name__)
RESULTS_EXPORT = "results_export"


def results_export_enqueue(
    *,
    user: AbstractUser,
    unit: AdministrativeUnit,
    year: int,
    set_code: str,
    kind: str,
    template: bool,
    back_url: str,
) -> DownloadJob:
    """Queue the export of a unit's results grid (the scope was checked by the caller, as for the grid)."""
    content_type, extension = exports.EXPORT_FORMATS[kind]
    job = DownloadJob.objects.create(
        kind=RESULTS_EXPORT,
        params={"unit": unit.pk, "year": year, "set": set_code, "format": kind, "template": template},
        file_name=f"{exports.results_export_stem(unit, year, template=template)}.{extension}",
        content_type=content_type,
        back_url=back_url,
        requested_by=user,
    )
    enqueue(results_export_job, job.pk)
    return job


@shared_task(name="criteria.results_export", **JOB_TASK_OPTIONS)
def results_export_job(task, job_id: int) -> None:
    job = DownloadJob.objects.defer("content").get(pk=job_id)
    job_attempt(
        task, lambda: results_export_run(job_id), fail=lambda reason: job_finish(job, job.Status.FAILED, reason)
    )


def results_export_run(job_id: int) -> DownloadJob:
    job = DownloadJob.objects.defer("content").get(pk=job_id)
    if job.is_finished:
        return job
    params = job.params
    job_progress(job, 5, _("Reading the results"), status=DownloadJob.Status.RUNNING)
    try:
        unit = AdministrativeUnit.objects.get(pk=params["unit"])
        results = selectors.results_grid(within=unit, year=params["year"], set_code=params["set"])
        if results.criteria_set is None:
            return job_finish(job, DownloadJob.Status.FAILED, _("No criteria set applies to that year."))
        job_progress(job, 50, _("Writing the file"))
        content = exports.results_export_file(results, kind=params["format"], template=params["template"])
    except QUEUE_ERRORS:
        raise
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        reason = _("The file could not be made. Please tell the administrators.")
        return job_finish(job, DownloadJob.Status.FAILED, reason)
    return job_finish(job, DownloadJob.Status.DONE, _("Done"), content=content)
