"""The import page: upload a file, see what it would change (nothing is written), then confirm or cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import access
from ntm_portal import importing, tasks
from ntm_portal.import_forms import ImportForm
from ntm_portal.models import ImportBatch

ERRORS_PER_PAGE = 100
RECENT_IMPORTS = 20


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    if not access.can_import(request.user):
        raise Http404
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            batch = importing.import_check(
                user=request.user,
                kind=importing.KINDS[form.cleaned_data["kind"]],
                content=upload.read(),
                file_name=upload.name,
                year=form.cleaned_data["year"],
            )
            return redirect("import_batch", batch_id=batch.pk)
    else:
        form = ImportForm(initial={"kind": request.GET.get("kind", "results"), "year": request.GET.get("year", "")})
    batches = access.visible_import_batches(request.user, ImportBatch.objects.select_related("user").defer("content"))
    return render(
        request,
        "ntm_portal/imports/start.html",
        {"form": form, "kinds": importing.KINDS.values(), "batches": _labelled(batches[:RECENT_IMPORTS])},
    )


@login_required
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access.import_batch_for_user_or_404(request.user, ImportBatch.objects, batch_id)
    kind = importing.KINDS[batch.kind]
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    form = ImportForm(initial={"kind": batch.kind, "year": batch.year or ""})
    return render(
        request,
        "ntm_portal/imports/batch.html",
        {
            "batch": batch,
            "kind": kind,
            "errors": errors,
            "form": form,
            "result_url": kind.result_url(batch),
        },
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Queue the import (also of a failed batch, trying again); its page follows it until it has ended."""
    batch = access.import_batch_for_user_or_404(request.user, ImportBatch.objects.defer("content"), batch_id)
    batch = tasks.import_enqueue(user=request.user, batch=batch)
    if batch.status == ImportBatch.Status.IMPORTED:
        messages.success(
            request,
            _("Imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {"new": batch.new_rows, "updated": batch.updated_rows, "unchanged": batch.unchanged_rows},
        )
        return redirect(importing.KINDS[batch.kind].result_url(batch))
    if batch.status == ImportBatch.Status.REFUSED:
        messages.error(request, _("Nothing was imported: the file has errors now. See the list below."))
    return redirect("import_batch", batch_id=batch.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access.import_batch_for_user_or_404(request.user, ImportBatch.objects, batch_id)
    importing.import_cancel(batch=batch)
    messages.info(request, _("The import was cancelled; nothing was written."))
    return redirect("import_start")


def _labelled(batches) -> list[tuple[ImportBatch, str]]:
    return [(batch, importing.KINDS[batch.kind].label) for batch in batches if batch.kind in importing.KINDS]
