"""A commune's page for a year, its entry form and its workflow steps. Thin: access → selector/service → page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import access
from communes.models import TWO_TIER_MAP_START, AdministrativeUnit
from criteria import display, selectors, workflow
from criteria.commune_detail import CommuneYear, commune_year, stored_values, years_for
from criteria.forms import AssessmentEntryForm
from criteria.models import Assessment
from criteria.services import (
    AssessmentError,
    NoCriteriaSet,
    ResultsInvalid,
    StaleAssessment,
    assessment_save,
    assessment_step,
    criteria_set_for,
    district_step,
    district_step_applies,
)


def commune_page(request: HttpRequest, unit_id: int, year: int) -> CommuneYear:
    """The commune-year a request asks for, if the user may see it; 404 otherwise."""
    unit = access.unit_for_user_or_404(request.user, unit_id)
    if unit.level != AdministrativeUnit.Level.COMMUNE or year not in years_for(unit, last_year=_last_year()):
        raise Http404
    try:
        criteria_set = criteria_set_for(unit=unit, year=year)
    except NoCriteriaSet:
        raise Http404 from None
    return commune_year(unit=unit, year=year, criteria_set=criteria_set)


def _last_year() -> int:
    return timezone.localdate().year


def _steps(user, page: CommuneYear) -> list[str]:
    if page.assessment is None:
        return []
    possible = workflow.possible_steps(status=page.status, district_step=district_step(page.assessment))
    return [step for step in possible if access.can_transition(user, page.unit, step, status=page.status)]


def _can_edit(user, page: CommuneYear) -> bool:
    editable = page.assessment is None or page.status in workflow.EDITABLE_STATUSES
    return editable and page.unit.in_programme and access.can_edit_results(user, page.unit)


@login_required
def commune_detail(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    page = commune_page(request, unit_id, year)
    lineage = selectors.commune_lineage(unit=page.unit)
    successors = selectors.commune_successors(unit=page.unit)
    linked = {
        *(predecessor.unit_id for predecessor in lineage.predecessors),
        *(other.unit_id for predecessor in lineage.predecessors for other in predecessor.shared_with),
        *(successor.unit_id for successor in successors),
    }
    return render(
        request,
        "criteria/commune.html",
        {
            "page": page,
            "years": years_for(page.unit, last_year=_last_year()),
            "steps": _steps(request.user, page),
            "can_edit": _can_edit(request.user, page),
            "lineage": lineage,
            "successors": successors,
            "openable": _openable(request.user, linked),
            "reform_day": TWO_TIER_MAP_START,
            "district_step": district_step_applies(unit=page.unit, year=page.year),
        },
    )


def _openable(user, unit_ids: set[int]) -> set[int]:
    """Those units the user may open: history is shown to whoever sees the commune, links only where they lead."""
    if not unit_ids:
        return set()
    return set(access.visible_units(user).filter(pk__in=unit_ids).values_list("pk", flat=True))


@login_required
def assessment_entry(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    page = commune_page(request, unit_id, year)
    if not access.can_edit_results(request.user, page.unit):
        raise Http404
    if not _can_edit(request.user, page):
        messages.error(
            request,
            _("These results are %(status)s and cannot be changed.") % {"status": page.assessment.get_status_display()},
        )
        return redirect("criteria:commune", unit_id=unit_id, year=year)

    previous_values = _previous_values(request, page)
    initial_values = previous_values if previous_values is not None else stored_values(page.assessment)
    stale = None
    if request.method == "POST":
        form = AssessmentEntryForm(request.POST, page=page, initial_values=initial_values)
        if form.is_valid():
            try:
                assessment_save(
                    user=request.user,
                    unit=page.unit,
                    year=year,
                    version=form.cleaned_data["version"],
                    values=form.indicator_values(),
                    direct=form.direct_inputs(),
                )
            except StaleAssessment as error:
                stale = error
            except ResultsInvalid as error:
                form.add_result_errors(error.errors)
                messages.error(request, error.message)
            except AssessmentError as error:
                messages.error(request, error.message)
            else:
                request.session.pop(_refused_key(page), None)
                messages.success(request, _("The results of %(unit)s are saved.") % {"unit": page.unit.name})
                return redirect("criteria:commune", unit_id=unit_id, year=year)
        # Submitting now would send the values saved before, not those on the screen: the step refuses.
        request.session[_refused_key(page)] = True
        form.focus_first_invalid()
    else:
        form = AssessmentEntryForm(page=page, initial_values=initial_values)
        form.focus_first_value()
    status = 409 if stale else (400 if request.method == "POST" else 200)
    return render(
        request,
        "criteria/entry.html",
        {
            "page": page,
            "form": form,
            "stale": stale,
            "offer_previous": previous_values is None and not stored_values(page.assessment) and _has_previous(page),
            "from_previous": previous_values is not None,
        },
        status=status,
    )


def _refused_key(page: CommuneYear) -> str:
    return f"entry-refused-{page.unit.pk}-{page.year}"


def _has_previous(page: CommuneYear) -> bool:
    return Assessment.objects.filter(unit=page.unit, year=page.year - 1).exists()


def _previous_values(request: HttpRequest, page: CommuneYear) -> dict[int, object] | None:
    """Last year's values mapped onto this year's indicators by code, when asked for ("start from last year")."""
    if request.GET.get("from") != "previous":
        return None
    previous = Assessment.objects.filter(unit=page.unit, year=page.year - 1).first()
    if previous is None:
        return None
    by_code = {row.indicator.code: row.value for row in previous.indicator_values.select_related("indicator")}
    return {
        indicator_row.indicator.pk: by_code[indicator_row.indicator.code]
        for row in page.rows
        for indicator_row in row.indicators
        if indicator_row.indicator.code in by_code
    }


@login_required
@require_POST
def assessment_transition(request: HttpRequest, unit_id: int, year: int, action: str) -> HttpResponse:
    """A step asks first, saying what it locks (a POST without confirm=1 answers the question page); submit is
    refused while the last save of this form was refused, since it would send the values saved before."""
    page = commune_page(request, unit_id, year)
    if page.assessment is None or action not in _steps(request.user, page):
        if access.can_view(request.user, page.unit) and page.assessment is not None:
            messages.error(request, _("This step is not possible now."))
            return redirect("criteria:commune", unit_id=unit_id, year=year)
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    refused = action == workflow.Step.SUBMIT and request.session.get(_refused_key(page), False)
    if request.POST.get("confirm") != "1" or refused:
        context = {"page": page, "step": action, "version": version, "refused": refused}
        context["comment"] = request.POST.get("comment", "")
        return render(request, "criteria/step_confirm.html", context, status=409 if refused else 200)
    try:
        assessment_step(
            user=request.user,
            assessment=page.assessment,
            step=action,
            version=version,
            comment=request.POST.get("comment", ""),
        )
    except AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": display.step_text(action)})
    return redirect("criteria:commune", unit_id=unit_id, year=year)
