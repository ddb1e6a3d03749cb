"""Report pages: the list and a new draft, a draft's editor with its preview, issuing, files and jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import access
from ntm_portal.downloads import attachment_header
from reports import jobs, selectors, services
from reports.forms import ReportCreateForm, ReportEditForm
from reports.models import RenderJob, Report, ReportFile
from reports.pdf import document_html
from reports.structure import report_document

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
REPORTS_PER_PAGE = 25


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    units = access.report_units(request.user)
    reports = access.visible_reports(request.user, Report.objects.select_related("unit", "created_by"))
    status = request.GET.get("status", "")
    if status in Report.Status.values:  # the home page's link to the drafts to issue
        reports = reports.filter(status=status)
    reports = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    form = ReportCreateForm(request.POST or None, units=units)
    if request.method == "POST":
        if not units:
            raise Http404
        if form.is_valid():
            try:
                report = services.report_create(user=request.user, **form.cleaned_data)
            except services.ReportError as refused:
                form.add_error(None, refused.message)
            else:
                return redirect("reports:edit", report_id=report.pk)
    return render(request, "reports/list.html", {"reports": reports, "form": form if units else None})


@login_required
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for_user_or_404(request.user, Report.objects, report_id)
    if report.is_issued:
        return render(
            request,
            "reports/issued.html",
            {"report": report, "files": _files(report), "history": selectors.report_history(report)},
        )
    if not access.can_write_reports(request.user, report.unit):
        raise Http404
    form = ReportEditForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        header = {name: form.cleaned_data[name] for name in services.HEADER_FIELDS}
        try:
            report = services.report_save(
                user=request.user,
                report=report,
                version=form.cleaned_data["version"],
                header=header,
                narrative=form.narrative(),
            )
        except services.ReportError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("reports:edit", report_id=report.pk)
    report.refresh_from_db()
    figures = services.report_figures_of(report)
    preview = document_html(report_document(report, figures), for_pdf=False)
    return render(
        request,
        "reports/edit.html",
        {"report": report, "form": form, "preview": preview, "history": selectors.report_history(report)},
    )


@login_required
def report_issue(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for_user_or_404(request.user, Report.objects, report_id)
    if report.is_issued or not access.can_issue_reports(request.user, report.unit):
        raise Http404
    if request.method == "POST":
        if not report.number.strip() or report.issued_on is None:
            messages.error(request, _("Give the report its number and date before issuing it."))
            return redirect("reports:edit", report_id=report.pk)
        job = jobs.job_start(user=request.user, report=report, issue=True)
        return redirect("reports:job", job_id=job.pk)
    return render(request, "reports/confirm_issue.html", {"report": report})


@login_required
def report_delete(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for_user_or_404(request.user, Report.objects, report_id)
    if report.is_issued or not access.can_write_reports(request.user, report.unit):
        raise Http404
    if request.method == "POST":
        try:
            services.report_delete(user=request.user, report=report, version=int(request.POST.get("version", 0)))
        except services.ReportError as refused:
            messages.error(request, refused.message)
            return redirect("reports:edit", report_id=report.pk)
        messages.success(request, _("The draft was deleted."))
        return redirect("reports:list")
    return render(request, "reports/confirm_delete.html", {"report": report})


@login_required
@require_POST
def report_render(request: HttpRequest, report_id: int, file_format: str) -> HttpResponse:
    report = access.report_for_user_or_404(request.user, Report.objects, report_id)
    if file_format not in CONTENT_TYPES or report.is_issued:
        raise Http404
    job = jobs.job_start(user=request.user, report=report, file_format=file_format)
    return redirect("reports:job", job_id=job.pk)


@login_required
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access.render_job_for_user_or_404(request.user, RenderJob.objects.defer("content"), job_id)
    return render(request, "reports/job.html", {"job": job, "report": job.report})


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access.render_job_for_user_or_404(request.user, RenderJob.objects.defer("content"), job_id)
    try:
        retried = jobs.job_retry(user=request.user, job=job)
    except services.ReportError as refused:
        messages.error(request, refused.message)
        return redirect("reports:job", job_id=job.pk)
    return redirect("reports:job", job_id=retried.pk)


@login_required
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access.render_job_for_user_or_404(request.user, RenderJob.objects, job_id)
    if job.status != RenderJob.Status.DONE or job.content is None:
        raise Http404
    return _attachment(bytes(job.content), job.report, job.format, draft=True)


@login_required
def report_file(request: HttpRequest, report_id: int, file_format: str) -> HttpResponse:
    """A file of an issued report, exactly as it was issued."""
    report = access.report_for_user_or_404(request.user, Report.objects, report_id)
    stored = report.files.filter(format=file_format).first() if report.is_issued else None
    if stored is None:
        raise Http404
    return _attachment(bytes(stored.content), report, file_format, draft=False)


def _files(report: Report) -> list[tuple[str, str]]:
    labels = dict(ReportFile.Format.choices)
    return [(stored.format, labels[stored.format]) for stored in report.files.order_by("format").defer("content")]


def _attachment(content: bytes, report: Report, file_format: str, *, draft: bool) -> HttpResponse:
    stem = f"{'Dự thảo ' if draft else ''}{report.get_kind_display()} {report.unit.name} {report.period_text}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = attachment_header(stem, file_format, fallback="bao-cao")
    return response
