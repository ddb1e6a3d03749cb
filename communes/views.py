"""The boundary pages: province staff upload their communes' outlines, check the match, then confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import access, selectors, services
from communes.forms import BoundaryUploadForm
from communes.geojson import BoundaryFileError
from communes.models import BoundaryUpload


@login_required
def boundaries(request: HttpRequest) -> HttpResponse:
    provinces = access.boundary_provinces(request.user)
    if not provinces:
        raise Http404
    form = BoundaryUploadForm(request.POST or None, request.FILES or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = services.boundary_upload_check(
                province=form.cleaned_data["province"],
                map_kind=form.cleaned_data["map"],
                content=upload.read(),
                file_name=upload.name,
                code_property=form.cleaned_data["code_property"],
                actor=request.user,
            )
        except BoundaryFileError as refused:
            for message in refused.messages:
                form.add_error("file", message)
        else:
            return redirect("communes:boundary_upload", upload_id=checked.pk)
    counts = selectors.boundary_counts(provinces)
    return render(
        request,
        "communes/boundaries.html",
        {"form": form, "provinces": [(province, counts[province.pk]) for province in provinces]},
    )


@login_required
def boundary_upload(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = access.boundary_upload_for_user_or_404(request.user, BoundaryUpload.objects, upload_id)
    return render(
        request, "communes/boundary_upload.html", {"upload": upload, "match": selectors.boundary_match(upload)}
    )


@login_required
@require_POST
def boundary_confirm(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = access.boundary_upload_for_user_or_404(request.user, BoundaryUpload.objects, upload_id)
    try:
        match = services.boundary_upload_apply(upload=upload, actor=request.user)
    except services.AlreadyDecided as refused:
        messages.error(request, str(refused))
        return redirect("communes:boundary_upload", upload_id=upload.pk)
    messages.success(
        request,
        _("Boundaries saved for %(count)s communes; the map shows them.") % {"count": len(match.matched)},
    )
    return redirect("communes:boundaries")
