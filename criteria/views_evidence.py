"""Evidence pages: a commune-year's documents (upload, review, replace, delete, restore), downloads, dossier."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import access
from communes.audit import Kind, security_event_record
from criteria.dossier import DossierFileChanged, dossier_entries, dossier_filename, dossier_zip_chunks
from criteria.evidence_forms import EvidenceReplaceForm, EvidenceReviewForm, EvidenceUploadForm
from criteria.models import Assessment, Evidence
from criteria.services import (
    AssessmentError,
    EvidenceFileChanged,
    evidence_delete,
    evidence_restore,
    evidence_review,
    evidence_upload,
    evidence_verified_file,
)
from criteria.views import commune_page


def _evidence_or_404(request: HttpRequest, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_related("assessment__criteria_set", "criterion")
    return access.evidence_for_user_or_404(request.user, evidence, evidence_id)


def _back(evidence: Evidence) -> HttpResponse:
    assessment = evidence.assessment
    return redirect("criteria:evidence", unit_id=assessment.unit_id, year=assessment.year)


@login_required
def evidence_list(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    page = commune_page(request, unit_id, year)
    unit, can_upload = page.unit, access.can_upload_evidence(request.user, page.unit)
    form = EvidenceUploadForm(criteria_set=page.criteria_set)
    if request.method == "POST":
        if not can_upload:
            raise Http404
        form = EvidenceUploadForm(request.POST, request.FILES, criteria_set=page.criteria_set)
        if form.is_valid():
            stored, refused = _store_uploads(request, page, form.cleaned_data)
            if stored:
                messages.success(request, _("%(count)d file(s) uploaded.") % {"count": stored})
            for name, message in refused:
                messages.error(request, _("%(name)s was not stored: %(reason)s") % {"name": name, "reason": message})
            if not refused:
                return redirect("criteria:evidence", unit_id=unit_id, year=year)
    items = Evidence.objects.filter(assessment=page.assessment) if page.assessment else Evidence.objects.none()
    items = access.visible_evidence(request.user, items, unit).select_related(
        "criterion", "indicator", "uploaded_by", "reviewed_by", "replaces"
    )
    return render(
        request,
        "criteria/evidence.html",
        {
            "page": page,
            "items": items,
            "form": form,
            "can_upload": can_upload,
            "can_review": access.can_review_evidence(request.user, unit),
            "review_form": EvidenceReviewForm(),
            "replace_form": EvidenceReplaceForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _store_uploads(request: HttpRequest, page, data: dict) -> tuple[int, list[tuple[str, str]]]:
    """Each file on its own: a refused file stores nothing, and does not stop the others."""
    stored, refused = 0, []
    for upload in data["files"]:
        try:
            evidence_upload(
                user=request.user,
                unit=page.unit,
                year=page.year,
                upload=upload,
                title=data["title"] if len(data["files"]) == 1 else "",
                document_number=data["document_number"],
                document_date=data["document_date"],
                issuer=data["issuer"],
                criterion=data["criterion"],
                indicator=data["indicator"],
            )
            stored += 1
        except AssessmentError as error:
            refused.append((upload.name, error.message))
    return stored, refused


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence_or_404(request, evidence_id)
    response = _file_response(request, evidence, inline=False)
    if response.status_code == 200:
        detail = f"{evidence.pk} · {evidence.original_name} · {evidence.assessment}"
        security_event_record(kind=Kind.EVIDENCE_DOWNLOAD, request=request, detail=detail)
    return response


@login_required
def evidence_viewer(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """A photo inside a portal page: the browser's own image document would break the page's policy of no
    inline styles, an <img> of the preview does not."""
    evidence = _evidence_or_404(request, evidence_id)
    if not evidence.is_image:
        raise Http404
    return render(request, "criteria/evidence_viewer.html", {"evidence": evidence})


@login_required
def evidence_preview(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence_or_404(request, evidence_id)
    if not evidence.is_image:
        raise Http404
    return _file_response(request, evidence, inline=True)


def _file_response(request: HttpRequest, evidence: Evidence, *, inline: bool) -> HttpResponse:
    try:
        handle = evidence_verified_file(evidence)
    except EvidenceFileChanged as error:
        messages.error(request, error.message)
        return _back(evidence)
    response = FileResponse(
        handle, as_attachment=not inline, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A preview is an image and nothing else: no scripts, no plug-ins, no navigation from it.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_review_view(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence_or_404(request, evidence_id)
    if not access.can_review_evidence(request.user, evidence.assessment.unit):
        raise Http404
    form = EvidenceReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or reject the evidence."))
        return _back(evidence)
    try:
        evidence_review(
            user=request.user,
            evidence=evidence,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(title)s”: %(status)s.") % {"title": evidence.title, "status": evidence.get_status_display()}
        )
    return _back(evidence)


@login_required
@require_POST
def evidence_replace(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence_or_404(request, evidence_id)
    if not access.can_upload_evidence(request.user, evidence.assessment.unit):
        raise Http404
    form = EvidenceReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the new file."))
        return _back(evidence)
    assessment = evidence.assessment
    try:
        evidence_upload(
            user=request.user,
            unit=assessment.unit,
            year=assessment.year,
            upload=form.cleaned_data["file"],
            document_number=evidence.document_number,
            document_date=evidence.document_date,
            issuer=evidence.issuer,
            replaces=evidence,
        )
    except AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The new file replaces “%(title)s”; the old one is kept.") % {"title": evidence.title}
        )
    return _back(evidence)


@login_required
def evidence_delete_view(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """GET asks for confirmation; POST hides the evidence (it can be restored)."""
    evidence = _evidence_or_404(request, evidence_id)
    if not access.can_upload_evidence(request.user, evidence.assessment.unit) or evidence.deleted_at:
        raise Http404
    if request.method != "POST":
        return render(request, "criteria/evidence_confirm_delete.html", {"evidence": evidence})
    evidence_delete(user=request.user, evidence=evidence)
    messages.success(
        request, _("“%(title)s” was deleted. Coordination-office staff can restore it.") % {"title": evidence.title}
    )
    return _back(evidence)


@login_required
@require_POST
def evidence_restore_view(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence_or_404(request, evidence_id)
    if not access.can_review_evidence(request.user, evidence.assessment.unit) or not evidence.deleted_at:
        raise Http404
    evidence_restore(user=request.user, evidence=evidence)
    messages.success(request, _("“%(title)s” was restored.") % {"title": evidence.title})
    return _back(evidence)


@login_required
def dossier_download(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    page = commune_page(request, unit_id, year)
    assessment: Assessment | None = page.assessment
    if assessment is None:
        raise Http404
    # Check every file before the first byte goes out: once streaming starts, an error cannot be shown.
    try:
        for entry in dossier_entries(assessment):
            evidence_verified_file(entry.evidence).close()
    except EvidenceFileChanged as error:
        messages.error(request, error.message)
        return redirect("criteria:evidence", unit_id=unit_id, year=year)
    response = StreamingHttpResponse(_chunks(assessment), content_type="application/zip")
    name = dossier_filename(assessment)
    security_event_record(kind=Kind.DOSSIER_DOWNLOAD, request=request, detail=f"{assessment.pk} · {name}")
    response["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _chunks(assessment: Assessment):
    try:
        yield from dossier_zip_chunks(assessment)
    except DossierFileChanged:
        # Changed between the check and the copy: end the download broken rather than pass the file on.
        return
