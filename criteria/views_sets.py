"""The criteria-set editor: list, detail, copy, create, edit, thresholds with a preview, XLSX export and import.

Thin: communes/access.py decides who sees which set (404 otherwise) and who changes it; the writes are
criteria.services.criteria_sets. An edit of a set that judges assessments is shown first as a preview (what
would change, commune by commune) and applied with a reason; the same POST carries both steps.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import access
from communes.models import AdministrativeUnit
from criteria import forms_sets
from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, Threshold
from criteria.services.criteria_sets import (
    CriteriaSetError,
    SetEdit,
    criteria_set_copy,
    criteria_set_create,
    criteria_set_update,
    criterion_delete,
    criterion_save,
    has_assessments,
    indicator_delete,
    indicator_save,
    indicator_thresholds_save,
)
from criteria.set_workbook import (
    WorkbookInvalid,
    criteria_set_workbook,
    criteria_set_workbook_import,
    criteria_set_workbook_name,
)
from ntm_portal.models import ChangeRecord

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_LIMIT = 50


def _set_or_404(request: HttpRequest, set_id: int) -> CriteriaSet:
    return access.criteria_set_for_user_or_404(request.user, CriteriaSet.objects.all(), set_id)


def _editable_set_or_404(request: HttpRequest, set_id: int) -> CriteriaSet:
    criteria_set = _set_or_404(request, set_id)
    if not access.can_edit_criteria_set(request.user, criteria_set.issuing_unit):
        raise Http404
    return criteria_set


def _provinces(request: HttpRequest):
    return AdministrativeUnit.objects.filter(pk__in=[p.pk for p in access.criteria_set_provinces(request.user)])


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, access.Action.EDIT_CRITERIA_SETS):
        raise Http404
    sets = access.visible_criteria_sets(request.user, CriteriaSet.objects.select_related("issuing_unit", "parent"))
    return render(
        request,
        "criteria/sets/list.html",
        {"sets": sets.order_by("-period_start", "issuing_level", "code"), "upload": forms_sets.WorkbookUploadForm()},
    )


@login_required
def set_detail(request: HttpRequest, set_id: int) -> HttpResponse:
    criteria_set = _set_or_404(request, set_id)
    indicators = Indicator.objects.prefetch_related("thresholds").order_by("position", "code")
    criteria = list(
        criteria_set.criteria.prefetch_related(Prefetch("indicators", queryset=indicators)).order_by("number")
    )
    areas = dict(forms_sets.area_choices(criteria_set))
    for criterion in criteria:
        for indicator in criterion.indicators.all():
            indicator.rows = _threshold_rows(indicator, areas)
    return render(
        request,
        "criteria/sets/detail.html",
        {
            "set": criteria_set,
            "criteria": criteria,
            "areas": areas,
            "can_edit": access.can_edit_criteria_set(request.user, criteria_set.issuing_unit),
            "assessed": Assessment.objects.filter(criteria_set=criteria_set).count(),
            "history": ChangeRecord.objects.about(criteria_set).select_related("user")[:HISTORY_LIMIT],
        },
    )


def _threshold_rows(indicator: Indicator, areas: dict[str, str]) -> list[dict]:
    """Every threshold of the indicator, then each region or group without one: judged by the general row when
    there is one, else not known ("cannot decide") until the province enters it."""
    thresholds = list(indicator.thresholds.all())
    general = any(row.applies_to == Threshold.NATIONAL for row in thresholds)
    given = {row.applies_to for row in thresholds}
    return [{"area": row.applies_to, "threshold": row} for row in thresholds] + [
        {"area": code, "threshold": None, "general": general} for code in areas if code not in given
    ]


@login_required
def set_copy(request: HttpRequest, set_id: int) -> HttpResponse:
    source = _set_or_404(request, set_id)
    provinces = _provinces(request)
    if not provinces:
        raise Http404
    initial = {name: getattr(source, name) for name in forms_sets.COPY_FIELDS} | {"code": f"{source.code}-"}
    form = forms_sets.CopyForm(request.POST or None, initial=initial, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            copy = criteria_set_copy(
                user=request.user, source=source, province=form.cleaned_data["province"], data=form.data_for_service()
            )
        except CriteriaSetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The set %(code)s is created from %(source)s.") % {"code": copy.code, "source": source.code}
            )
            return redirect("criteria:set_detail", set_id=copy.pk)
    return render(
        request, "criteria/sets/form.html", {"form": form, "source": source, "title": _("Copy a criteria set")}
    )


@login_required
def set_create(request: HttpRequest) -> HttpResponse:
    provinces = _provinces(request)
    if not provinces:
        raise Http404
    form = forms_sets.SetCreateForm(request.POST or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            created = criteria_set_create(
                user=request.user, province=form.cleaned_data["province"], data=form.data_for_service()
            )
        except CriteriaSetError as error:
            form.add_error(None, error.message)
        else:
            return redirect("criteria:set_detail", set_id=created.pk)
    return render(request, "criteria/sets/form.html", {"form": form, "title": _("New criteria set")})


def _save_or_preview(
    request: HttpRequest,
    criteria_set: CriteriaSet,
    *,
    version: int,
    run: Callable[..., SetEdit],
    title: str,
    refused: Callable[[str], HttpResponse],
) -> HttpResponse:
    """Apply the edit, or first show what it would change in the results (sets that judge assessments)."""
    applying = request.POST.get("apply") == "1" or not has_assessments(criteria_set)
    try:
        edit = run(version=version, reason=request.POST.get("reason", ""), apply=applying)
    except CriteriaSetError as error:
        return refused(error.message)
    if not edit.changes:
        messages.info(request, _("Nothing changed."))
        return redirect("criteria:set_detail", set_id=criteria_set.pk)
    if edit.applied:
        if edit.reevaluation:
            messages.success(
                request,
                _("Saved. %(changed)s results of %(assessments)s assessments changed.")
                % {"changed": len(edit.reevaluation.changes), "assessments": edit.reevaluation.assessments},
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("criteria:set_detail", set_id=criteria_set.pk)
    posted = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "apply", "reason")
        for value in values
    ]
    return render(
        request,
        "criteria/sets/preview.html",
        {"set": criteria_set, "edit": edit, "title": title, "flips": _flips(criteria_set, edit), "posted": posted},
    )


def _form_refused(request: HttpRequest, criteria_set: CriteriaSet, form, title: str) -> Callable[[str], HttpResponse]:
    def refused(message: str) -> HttpResponse:
        form.add_error(None, message)
        context = {"form": form, "set": criteria_set, "title": title}
        return render(request, "criteria/sets/form.html", context, status=400)

    return refused


def _flips(criteria_set: CriteriaSet, edit: SetEdit) -> list[dict]:
    """The preview's rows: commune, year, criterion, before → after."""
    changes = edit.reevaluation.changes if edit.reevaluation else []
    assessments = Assessment.objects.select_related("unit").in_bulk({change.assessment_id for change in changes})
    names = dict(criteria_set.criteria.values_list("number", "name"))
    rows = [
        {"assessment": assessments[c.assessment_id], "number": c.criterion_number,
         "criterion": names.get(c.criterion_number, ""), "old": c.old, "new": c.new}
        for c in changes
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (row["assessment"].unit.name, row["assessment"].year, row["number"]))


@login_required
def set_edit(request: HttpRequest, set_id: int) -> HttpResponse:
    criteria_set = _editable_set_or_404(request, set_id)
    form = forms_sets.SetEditForm(
        request.POST or None, instance=criteria_set, initial={"version": criteria_set.version}
    )
    title = _("Edit the criteria set")
    if request.method == "POST" and form.is_valid():
        # The form wrote the values on the instance: the service compares them against a fresh copy.
        fresh = CriteriaSet.objects.select_related("issuing_unit").get(pk=set_id)
        return _save_or_preview(
            request, fresh, version=form.cleaned_data["version"], title=title,
            run=lambda **kw: criteria_set_update(user=request.user, criteria_set=fresh, data=form.data_for_service(),
                                                 **kw),
            refused=_form_refused(request, criteria_set, form, title),
        )  # fmt: skip
    return render(request, "criteria/sets/form.html", {"form": form, "set": criteria_set, "title": title})


@login_required
def criterion_edit(request: HttpRequest, set_id: int, criterion_id: int | None = None) -> HttpResponse:
    criteria_set = _editable_set_or_404(request, set_id)
    criterion = get_object_or_404(Criterion, pk=criterion_id, criteria_set=criteria_set) if criterion_id else None
    form = forms_sets.CriterionForm(
        request.POST or None, instance=criterion or Criterion(criteria_set=criteria_set),
        initial={"version": criteria_set.version},
    )  # fmt: skip
    title = _("Edit a criterion") if criterion else _("Add a criterion")
    if request.method == "POST" and form.is_valid():
        fresh = Criterion.objects.get(pk=criterion.pk) if criterion else None
        return _save_or_preview(
            request, criteria_set, version=form.cleaned_data["version"], title=title,
            run=lambda **kw: criterion_save(user=request.user, criteria_set=criteria_set, criterion=fresh,
                                            data=form.data_for_service(), **kw),
            refused=_form_refused(request, criteria_set, form, title),
        )  # fmt: skip
    return render(request, "criteria/sets/form.html", {"form": form, "set": criteria_set, "title": title})


@login_required
def indicator_edit(
    request: HttpRequest, set_id: int, criterion_id: int | None = None, indicator_id: int | None = None
) -> HttpResponse:
    criteria_set = _editable_set_or_404(request, set_id)
    if indicator_id:
        indicator = get_object_or_404(Indicator, pk=indicator_id, criterion__criteria_set=criteria_set)
        criterion = indicator.criterion
    else:
        indicator, criterion = None, get_object_or_404(Criterion, pk=criterion_id, criteria_set=criteria_set)
    form = forms_sets.IndicatorForm(
        request.POST or None, indicator=indicator, initial={"version": criteria_set.version}
    )
    title = (
        _("Edit an indicator")
        if indicator
        else _("Add an indicator to criterion %(number)s") % {"number": criterion.number}
    )
    if request.method == "POST" and form.is_valid():
        return _save_or_preview(
            request, criteria_set, version=form.cleaned_data["version"], title=title,
            run=lambda **kw: indicator_save(user=request.user, criterion=criterion, indicator=indicator,
                                            data=form.data_for_service(), **kw),
            refused=_form_refused(request, criteria_set, form, title),
        )  # fmt: skip
    return render(request, "criteria/sets/form.html", {"form": form, "set": criteria_set, "title": title})


@login_required
def thresholds_edit(request: HttpRequest, set_id: int, indicator_id: int) -> HttpResponse:
    criteria_set = _editable_set_or_404(request, set_id)
    indicator = get_object_or_404(
        Indicator.objects.select_related("criterion__criteria_set"),
        pk=indicator_id,
        criterion__criteria_set=criteria_set,
    )
    if indicator.kind == Indicator.Kind.COMPOSITE:
        raise Http404  # conditions of several parts are kept as loaded
    formset = forms_sets.threshold_formset(indicator, request.POST or None)
    version = forms_sets.VersionMixin(request.POST or None, initial={"version": criteria_set.version})
    title = _("Thresholds of indicator %(code)s") % {"code": indicator.code}

    def page(refusal: str = "") -> HttpResponse:
        context = {"set": criteria_set, "indicator": indicator, "formset": formset, "version": version,
                   "title": title, "refusal": refusal}  # fmt: skip
        return render(
            request, "criteria/sets/thresholds.html", context, status=400 if request.method == "POST" else 200
        )

    if request.method == "POST" and formset.is_valid() and version.is_valid():
        return _save_or_preview(
            request, criteria_set, version=version.cleaned_data["version"], title=title, refused=page,
            run=lambda **kw: indicator_thresholds_save(user=request.user, indicator=indicator, rows=formset.rows(),
                                                       **kw),
        )  # fmt: skip
    return page()


@login_required
def item_delete(request: HttpRequest, set_id: int, kind: str, item_id: int) -> HttpResponse:
    """Confirm, then delete a criterion or an indicator (refused once the set judges assessments)."""
    criteria_set = _editable_set_or_404(request, set_id)
    if kind == "criterion":
        item = get_object_or_404(Criterion, pk=item_id, criteria_set=criteria_set)
        delete, key = criterion_delete, "criterion"
    elif kind == "indicator":
        item = get_object_or_404(Indicator, pk=item_id, criterion__criteria_set=criteria_set)
        delete, key = indicator_delete, "indicator"
    else:
        raise Http404
    assessed = has_assessments(criteria_set)
    if request.method == "POST" and not assessed:
        try:
            delete(user=request.user, version=int(request.POST.get("version", "0")), **{key: item})
        except (CriteriaSetError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
        else:
            messages.success(request, _("Deleted: %(item)s.") % {"item": item})
        return redirect("criteria:set_detail", set_id=criteria_set.pk)
    return render(request, "criteria/sets/delete.html", {"set": criteria_set, "item": item, "assessed": assessed})


@login_required
def set_export(request: HttpRequest, set_id: int) -> HttpResponse:
    criteria_set = _set_or_404(request, set_id)
    response = HttpResponse(criteria_set_workbook(criteria_set), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{criteria_set_workbook_name(criteria_set)}"'
    return response


@login_required
@require_POST
def set_import(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, access.Action.EDIT_CRITERIA_SETS):
        raise Http404
    form = forms_sets.WorkbookUploadForm(request.POST, request.FILES)
    errors: list[tuple[str, str]] = []
    if form.is_valid():
        try:
            imported = criteria_set_workbook_import(user=request.user, content=form.cleaned_data["file"].read())
        except WorkbookInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(request, _("The set %(code)s is imported.") % {"code": imported.code})
            return redirect("criteria:set_detail", set_id=imported.pk)
    sets = access.visible_criteria_sets(request.user, CriteriaSet.objects.select_related("issuing_unit", "parent"))
    return render(
        request, "criteria/sets/list.html", {"sets": sets, "upload": form, "import_errors": errors}, status=400
    )
