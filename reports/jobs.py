"""Report files are made outside the request: a `RenderJob` runs in a worker thread of the web process and
writes its progress to the database, which the page polls.

In-process threads suit the embedded default and a single server; a queue (Redis is available) would take
over the same `job_run` for production.
"""

import logging
import threading

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import RenderJob, Report
from reports.services import ReportError, report_files, report_issue

logger = logging.getLogger(__name__)
# The worker threads started by this process, so that tests and a clean shutdown can wait for them.
_threads: list[threading.Thread] = []


def job_start(*, user, report: Report, file_format: str = "", issue: bool = False) -> RenderJob:
    """Queue the making of one file (or, with `issue`, the issuing) and start it once the request commits."""
    job = RenderJob.objects.create(
        report=report, format=file_format, issue=issue, report_version=report.version, requested_by=user
    )
    transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def job_retry(*, user, job: RenderJob) -> RenderJob:
    """Try a failed job again: a new job, started as any other; the failed one stays as the record of it."""
    if job.status != RenderJob.Status.FAILED:
        raise ReportError(_("Only a job that failed can be tried again."))
    report = Report.objects.get(pk=job.report_id)
    if report.is_issued:
        raise ReportError(_("The report has been issued since: its files are on the report's page."))
    return job_start(user=user, report=report, file_format=job.format, issue=job.issue)


def _start_thread(job_id: int) -> None:
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True, name=f"report-job-{job_id}")
    _threads[:] = [running for running in _threads if running.is_alive()]
    _threads.append(thread)
    thread.start()


def jobs_wait(timeout: float | None = None) -> None:
    """Wait for the jobs this process started (each to its end, connection closed)."""
    for thread in list(_threads):
        thread.join(timeout)


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        job_run(job_id)
    finally:
        connection.close()


def job_run(job_id: int) -> RenderJob:
    """Run a queued job to its end, recording progress; never raises (failures are recorded on the job)."""
    job = RenderJob.objects.select_related("report__unit__parent__parent", "requested_by").get(pk=job_id)
    _progress(job, 1, _("Starting"), status=RenderJob.Status.RUNNING)
    try:
        if job.issue:
            report_issue(
                user=job.requested_by,
                report=job.report,
                version=job.report_version,
                progress=lambda percent, step: _progress(job, percent, step),
            )
            content = None
        else:
            _figures, files = report_files(
                job.report, [job.format], progress=lambda percent, step: _progress(job, percent, step)
            )
            content = files[job.format]
    except ReportError as refused:
        return _finish(job, RenderJob.Status.FAILED, refused.message)
    except Exception:
        logger.exception("Report job %s failed", job.pk)
        return _finish(job, RenderJob.Status.FAILED, _("The file could not be made. Please tell the administrators."))
    return _finish(job, RenderJob.Status.DONE, _("Done"), content=content)


def _progress(job: RenderJob, percent: int, step: str, *, status: str | None = None) -> None:
    job.progress, job.step = min(percent, 99), step[:200]
    if status:
        job.status = status
    RenderJob.objects.filter(pk=job.pk).update(progress=job.progress, step=job.step, status=job.status)


def _finish(job: RenderJob, status: str, step: str, *, content: bytes | None = None) -> RenderJob:
    job.status, job.step, job.finished_at = status, step[:200], timezone.now()
    job.progress = 100 if status == RenderJob.Status.DONE else job.progress
    job.content = content
    job.save(update_fields=["status", "step", "finished_at", "progress", "content"])
    return job
