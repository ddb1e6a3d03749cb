"""The page of a file made by the job queue (`DownloadJob`): its progress, then the download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from communes import access
from ntm_portal.downloads import attachment_header
from ntm_portal.models import DownloadJob


@login_required
def download_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access.download_job_for_user_or_404(request.user, DownloadJob.objects.defer("content"), job_id)
    return render(request, "ntm_portal/download_job.html", {"job": job})


@login_required
def download_job_file(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access.download_job_for_user_or_404(request.user, DownloadJob.objects, job_id)
    if job.status != DownloadJob.Status.DONE or job.content is None:
        raise Http404
    stem, _dot, extension = job.file_name.rpartition(".")
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = attachment_header(stem, extension, fallback="tep")
    return response
