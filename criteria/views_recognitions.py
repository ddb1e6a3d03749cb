"""Recognition decisions of a commune (record, correct, withdraw) and the yearly targets of a province or
district. Thin: access → form → service → page; province staff write, whoever sees the unit reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.forms_recognitions import RecognitionForm, TargetsForm, WithdrawalForm
from criteria.models import Recognition
from criteria.selectors import programme_communes, recognition_history, unit_recognitions
from criteria.selectors.targets import (
    commune_own_targets,
    commune_targets,
    targets_criteria_count,
    targets_history,
    year_targets_of,
)
from criteria.services import AssessmentError
from criteria.services.recognitions import recognition_record, recognition_update, recognition_withdraw
from criteria.services.targets import targets_set
from criteria.views import commune_page


def _refused(form, error: AssessmentError) -> None:
    """The service's message on the field it is about, else on the whole form."""
    field = getattr(error, "field", "")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
def recognition_list(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    page = commune_page(request, unit_id, year)
    can_record = access.can_record_recognitions(request.user, page.unit)
    form = RecognitionForm(initial={"year": year})
    if request.method == "POST":
        if not can_record:
            raise Http404
        form = RecognitionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                recognition_record(
                    user=request.user,
                    unit=page.unit,
                    data=form.data_for_service(),
                    decision_file=form.cleaned_data["decision_file"],
                )
            except AssessmentError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The recognition is recorded."))
                return redirect("criteria:recognitions", unit_id=unit_id, year=year)
    return render(
        request,
        "criteria/recognitions.html",
        {
            "page": page,
            "recognitions": unit_recognitions(unit=page.unit),
            "history": recognition_history(unit=page.unit),
            "targets": commune_own_targets(unit=page.unit),
            "form": form,
            "can_record": can_record,
        },
        status=400 if request.method == "POST" else 200,
    )


def _recognition_or_404(request: HttpRequest, recognition_id: int) -> Recognition:
    return access.recognition_for_user_or_404(
        request.user, Recognition.objects.select_related("decision_file"), recognition_id
    )


def _back(recognition: Recognition) -> HttpResponse:
    return redirect("criteria:recognitions", unit_id=recognition.unit_id, year=recognition.year)


@login_required
def recognition_edit(request: HttpRequest, recognition_id: int) -> HttpResponse:
    recognition = _recognition_or_404(request, recognition_id)
    form = RecognitionForm(initial=RecognitionForm.initial_from(recognition))
    if request.method == "POST":
        form = RecognitionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                recognition_update(
                    user=request.user,
                    recognition=recognition,
                    data=form.data_for_service(),
                    decision_file=form.cleaned_data["decision_file"],
                )
            except AssessmentError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The recognition is corrected."))
                return _back(recognition)
        recognition.refresh_from_db()  # the page names the recognition as stored, not as half-edited
    return render(
        request,
        "criteria/recognition_edit.html",
        {"recognition": recognition, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def recognition_withdraw_view(request: HttpRequest, recognition_id: int) -> HttpResponse:
    """A confirmation page first: the commune stops holding the tier, in every report after that day."""
    recognition = _recognition_or_404(request, recognition_id)
    if recognition.withdrawn_on is not None:
        messages.error(request, _("This recognition was withdrawn already."))
        return _back(recognition)
    form = WithdrawalForm()
    if request.method == "POST":
        form = WithdrawalForm(request.POST)
        if form.is_valid():
            try:
                recognition_withdraw(user=request.user, recognition=recognition, **form.cleaned_data)
            except AssessmentError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The recognition is withdrawn."))
                return _back(recognition)
        recognition.refresh_from_db()
    return render(
        request,
        "criteria/recognition_confirm_withdraw.html",
        {"recognition": recognition, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def targets(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = access.unit_for_user_or_404(request.user, unit_id)
    criteria = targets_criteria_count(unit=unit, year=year)
    if unit.level == AdministrativeUnit.Level.COMMUNE or criteria is None:
        raise Http404
    can_set = access.can_set_targets(request.user, unit)
    communes = programme_communes(within=unit, year=year).order_by("search_name")
    current = year_targets_of(unit=unit, year=year)
    form = TargetsForm(initial=TargetsForm.initial_from(current), year=year, communes=communes)
    if request.method == "POST":
        if not can_set:
            raise Http404
        form = TargetsForm(request.POST, year=year, communes=communes)
        if form.is_valid():
            try:
                targets_set(user=request.user, unit=unit, year=year, targets=form.targets())
            except AssessmentError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The targets of %(year)s are saved.") % {"year": year})
                return redirect("criteria:targets", unit_id=unit_id, year=year)
    return render(
        request,
        "criteria/targets.html",
        {
            "unit": unit,
            "year": year,
            "criteria": criteria,
            "current": current,
            "planned": commune_targets(unit=unit, year=year).select_related("unit"),
            "history": targets_history(unit=unit, year=year),
            "form": form,
            "can_set": can_set,
            "communes_total": communes.count(),
        },
        status=400 if request.method == "POST" else 200,
    )
