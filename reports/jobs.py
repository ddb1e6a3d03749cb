"""Report files are made outside the request: a `RenderJob` row, run by the job queue (`reports.tasks`),
writes its progress to the database, which the page polls."""

from django.utils.translation import gettext as _

from ntm_portal.queue import enqueue
from reports.models import RenderJob, Report
from reports.services import ReportError
from reports.tasks import render_job


def job_start(*, user, report: Report, file_format: str = "", issue: bool = False) -> RenderJob:
    """Queue the making of one file (or, with `issue`, the issuing). Without a broker it is done on return."""
    job = RenderJob.objects.create(
        report=report, format=file_format, issue=issue, report_version=report.version, requested_by=user
    )
    enqueue(render_job, job.pk)
    return job


def job_retry(*, user, job: RenderJob) -> RenderJob:
    """Try a failed job again: a new job, started as any other; the failed one stays as the record of it."""
    if job.status != RenderJob.Status.FAILED:
        raise ReportError(_("Only a job that failed can be tried again."))
    report = Report.objects.get(pk=job.report_id)
    if report.is_issued:
        raise ReportError(_("The report has been issued since: its files are on the report's page."))
    return job_start(user=user, report=report, file_format=job.format, issue=job.issue)
