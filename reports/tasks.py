"""The report jobs of the queue: making a draft's file, and issuing a report with its files."""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from ntm_portal.queue import JOB_TASK_OPTIONS, QUEUE_ERRORS, job_attempt, job_finish, job_progress
from reports.models import RenderJob
from reports.services import ReportError, report_files, report_issue

logger = logging.getLogger(__name__)


@shared_task(name="reports.render_job", **JOB_TASK_OPTIONS)
def render_job(task, job_id: int) -> None:
    job = RenderJob.objects.defer("content").get(pk=job_id)
    job_attempt(task, lambda: job_run(job_id), fail=lambda reason: job_finish(job, RenderJob.Status.FAILED, reason))


def job_run(job_id: int) -> RenderJob:
    """Run a queued job to its end, recording progress. A job already ended (delivered twice) is left as it
    is; a failure of the report's own is recorded on the job, a time limit or a transient error is left to
    `job_attempt`."""
    job = RenderJob.objects.select_related("report__unit__parent__parent", "requested_by").get(pk=job_id)
    if job.is_finished:
        return job
    job_progress(job, 1, _("Starting"), status=RenderJob.Status.RUNNING)
    try:
        if job.issue:
            report_issue(
                user=job.requested_by,
                report=job.report,
                version=job.report_version,
                progress=lambda percent, step: job_progress(job, percent, step),
            )
            content = None
        else:
            _figures, files = report_files(
                job.report, [job.format], progress=lambda percent, step: job_progress(job, percent, step)
            )
            content = files[job.format]
    except ReportError as refused:
        return job_finish(job, RenderJob.Status.FAILED, refused.message)
    except QUEUE_ERRORS:
        raise
    except Exception:
        logger.exception("Report job %s failed", job.pk)
        return job_finish(
            job, RenderJob.Status.FAILED, _("The file could not be made. Please tell the administrators.")
        )
    return job_finish(job, RenderJob.Status.DONE, _("Done"), content=content)
