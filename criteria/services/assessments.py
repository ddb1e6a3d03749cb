"""Writes of assessments: entering values and results, and the review workflow.

Every write takes the acting user, checks through communes/access.py, refuses stale versions and writes
its history (ntm_portal.models.ChangeRecord) in the same transaction as the change.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria import workflow
from criteria.evaluation import DirectResult, Method, OverrideWithoutReason, Reason, Status, Value
from criteria.models import (
    SUMMARY_MET,
    SUMMARY_NO_RESULT,
    SUMMARY_NOT_MET,
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorValue,
)
from criteria.selectors import criteria_set_in_force, evaluate_inputs
from ntm_portal.models import ChangeRecord


class AssessmentError(Exception):
    """A refused write, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(AssessmentError):
    pass


class AssessmentLocked(AssessmentError):
    pass


class NoCriteriaSet(AssessmentError):
    pass


class StaleAssessment(AssessmentError):
    """Someone saved the assessment after the form was opened; `changes` lists what they changed."""

    def __init__(self, message: str, changes: list[ChangeRecord]) -> None:
        super().__init__(message)
        self.changes = changes


class ResultsInvalid(AssessmentError):
    """Criterion-level inputs that cannot stand; `errors` by criterion id."""

    def __init__(self, message: str, errors: dict[int, str]) -> None:
        super().__init__(message)
        self.errors = errors


class StepRefused(AssessmentError):
    pass


@dataclass(frozen=True)
class DirectInput:
    """A criterion result given directly: known without indicators, or an override with a reason."""

    is_met: bool | None = None
    override: bool = False
    reason: str = ""


def criteria_set_for(*, unit: AdministrativeUnit, year: int) -> CriteriaSet:
    return criteria_set_for_province(province=unit.province(), year=year)


def criteria_set_for_province(*, province: AdministrativeUnit | None, year: int) -> CriteriaSet:
    """The commune set in force in `year`: the province's own where it has one, else (and for None) the national.

    The entry form, every import layout, the import page and the import_results command all choose through here,
    so one file is read against one set whoever imports it.
    """
    criteria_set = criteria_set_in_force(year=year, province=province)
    if criteria_set is None:
        raise NoCriteriaSet(_("No criteria set covers the year %(year)s.") % {"year": year})
    return criteria_set


def district_step(assessment: Assessment) -> bool:
    return district_step_applies(unit=assessment.unit, year=assessment.year)


def district_step_applies(*, unit: AdministrativeUnit, year: int) -> bool:
    """Whether district staff verify this commune's results of `year` (never on the two-tier map)."""
    district = unit.district()
    return workflow.has_district_step(
        has_district=district is not None,
        district_valid_to=district.valid_to if district else None,
        year=year,
    )


def assessment_save(
    *,
    user: AbstractUser,
    unit: AdministrativeUnit,
    year: int,
    version: int,
    values: Mapping[int, Value],
    direct: Mapping[int, DirectInput],
) -> Assessment:
    """Store a commune-year's indicator values and criterion inputs, recompute its results, record history.

    `values` by indicator id (None clears a value), `direct` by criterion id. `version` is the assessment
    version the form was built from (0 for an assessment that did not exist yet).
    """
    if not access.can_edit_results(user, unit):
        raise NotPermitted(_("You may not enter results for this commune."))
    _check_commune_year(unit, year)
    criteria_set = criteria_set_for(unit=unit, year=year)
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("unit__parent__parent", "criteria_set")
            .filter(unit=unit, year=year, criteria_set=criteria_set)
            .first()
        )
        current_version = assessment.version if assessment else 0
        if version != current_version:
            raise StaleAssessment(
                _("Someone else saved this commune's results after you opened the form. Nothing you entered "
                  "was saved; review their changes below and enter yours again."),
                _changes_since(assessment, version) if assessment else [],
            )  # fmt: skip
        if assessment is not None and assessment.status not in workflow.EDITABLE_STATUSES:
            raise AssessmentLocked(
                _("These results are %(status)s and cannot be changed.") % {"status": assessment.get_status_display()}
            )
        created = assessment is None
        if created:
            assessment = Assessment.objects.create(unit=unit, year=year, criteria_set=criteria_set, version=0)
        changes = _apply(assessment, values=values, direct=direct)
        if not changes and not created:
            return assessment
        assessment_summaries_refresh([assessment.pk])
        assessment.refresh_from_db(fields=["results_summary", "criteria_met"])
        assessment.version += 1
        assessment.updated_by = user
        assessment.save(update_fields=["version", "updated_by", "updated_at"])
        if created:
            changes.insert(0, ChangeRecord(action=ChangeRecord.Action.CREATED, target=str(year)))
        _record(assessment, user, changes)
    return assessment


def _check_commune_year(unit: AdministrativeUnit, year: int) -> None:
    if unit.level != AdministrativeUnit.Level.COMMUNE or not unit.in_programme:
        raise NotPermitted(_("Only communes in the programme are assessed."))
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if (unit.valid_from and unit.valid_from > last_day) or (unit.valid_to and unit.valid_to < first_day):
        raise NoCriteriaSet(_("%(unit)s did not exist in %(year)s.") % {"unit": unit.name, "year": year})


def _apply(
    assessment: Assessment, *, values: Mapping[int, Value], direct: Mapping[int, DirectInput]
) -> list[ChangeRecord]:
    criteria = {c.pk: c for c in Criterion.objects.filter(criteria_set=assessment.criteria_set)}
    indicators = {i.pk: i for i in Indicator.objects.filter(criterion__criteria_set=assessment.criteria_set)}
    stored_values = {row.indicator_id: row for row in assessment.indicator_values.all()}
    stored_results = {row.criterion_id: row for row in assessment.criterion_results.all()}

    new_values = {pk: stored.value for pk, stored in stored_values.items()}
    new_values.update({pk: normalised(value) for pk, value in values.items() if pk in indicators})
    directs = _direct_results(criteria, stored_results, direct)
    evaluation = _evaluate(assessment, indicators, criteria, new_values, directs)

    changes = _write_values(assessment, indicators, stored_values, new_values)
    changes += _write_results(assessment, criteria, stored_results, directs, evaluation)
    return changes


def _direct_results(
    criteria: dict[int, Criterion], stored: dict[int, CriterionResult], given: Mapping[int, DirectInput]
) -> dict[int, DirectResult]:
    """Direct inputs by criterion id; an unchanged imported result keeps saying it was imported."""
    results = {}
    for pk in criteria:
        entry = given.get(pk)
        if entry is None or (entry.is_met is None and not entry.override):
            continue
        if entry.override:
            results[pk] = DirectResult(entry.is_met, Method.OVERRIDDEN, entry.reason.strip())
            continue
        previous = stored.get(pk)
        keeps_import = previous and previous.method == Method.IMPORTED and previous.is_met == entry.is_met
        results[pk] = DirectResult(entry.is_met, Method.IMPORTED if keeps_import else Method.ENTERED)
    return results


def _evaluate(assessment, indicators, criteria, new_values, directs):
    values_by_code = {indicators[pk].code: value for pk, value in new_values.items() if value is not None}
    direct_by_number = {criteria[pk].number: result for pk, result in directs.items()}
    try:
        evaluation = evaluate_inputs(
            unit=assessment.unit,
            year=assessment.year,
            criteria_set=assessment.criteria_set,
            values=values_by_code,
            direct=direct_by_number,
        )
    except OverrideWithoutReason:
        errors = {
            pk: _("An override needs a reason.")
            for pk, result in directs.items()
            if result.method == Method.OVERRIDDEN and not result.reason
        }
        raise ResultsInvalid(_("Some criterion results cannot be saved."), errors) from None
    number_to_pk = {criterion.number: pk for pk, criterion in criteria.items()}
    conflicts = {
        number_to_pk[outcome.number]: _(
            "The indicators say otherwise. To keep this result, mark it as an override and give the reason."
        )
        for outcome in evaluation.criteria
        if outcome.reason == Reason.DIRECT_RESULT_CONFLICTS
    }
    if conflicts:
        raise ResultsInvalid(_("Some criterion results cannot be saved."), conflicts)
    return {number_to_pk[outcome.number]: outcome for outcome in evaluation.criteria}


def _write_values(assessment, indicators, stored, new_values) -> list[ChangeRecord]:
    changes, to_create, to_update, to_delete = [], [], [], []
    for pk, value in new_values.items():
        row = stored.get(pk)
        old = row.value if row else None
        if _same(old, value):
            continue
        changes.append(
            ChangeRecord(
                action=ChangeRecord.Action.VALUE,
                target=indicators[pk].code,
                old_value=value_text(old),
                new_value=value_text(value),
            )
        )
        if value is None:
            to_delete.append(row.pk)
            continue
        row = row or IndicatorValue(assessment=assessment, indicator=indicators[pk])
        row.number, row.flag, row.parts = _value_columns(value)
        (to_update if row.pk else to_create).append(row)
    IndicatorValue.objects.filter(pk__in=to_delete).delete()
    IndicatorValue.objects.bulk_create(to_create)
    IndicatorValue.objects.bulk_update(to_update, ["number", "flag", "parts"])
    return changes


def _write_results(assessment, criteria, stored, directs, evaluation) -> list[ChangeRecord]:
    changes, to_create, to_update = [], [], []
    for pk, criterion in criteria.items():
        outcome = evaluation[pk]
        direct = directs.get(pk)
        row = stored.get(pk) or CriterionResult(assessment=assessment, criterion=criterion)
        before = (row.is_met, row.method, row.override_reason) if row.pk else None
        computed_before = row.computed_is_met
        row.is_met = outcome.is_met
        row.method = outcome.method
        row.computed_is_met = {Status.MET: True, Status.NOT_MET: False}.get(outcome.computed)
        row.override_reason = direct.reason if direct and direct.method == Method.OVERRIDDEN else ""
        after = (row.is_met, row.method, row.override_reason)
        if before == after:
            # The result stands; what the indicators say under an override or a direct result may not.
            if row.computed_is_met != computed_before:
                to_update.append(row)
            continue
        if before is not None or row.is_met is not None:
            changes.append(
                ChangeRecord(
                    action=ChangeRecord.Action.RESULT,
                    target=str(criterion.number),
                    old_value=result_text(before[0]) if before else "",
                    new_value=result_text(row.is_met),
                    comment=row.override_reason,
                )
            )
        (to_update if row.pk else to_create).append(row)
    CriterionResult.objects.bulk_create(to_create)
    CriterionResult.objects.bulk_update(to_update, ["is_met", "method", "computed_is_met", "override_reason"])
    return changes


def assessment_summaries_refresh(assessment_ids: Iterable[int]) -> None:
    """Recompute `results_summary` and `criteria_met` of these assessments from their criterion results.

    Every writer of criterion results calls it in the same transaction (the entry form, the demo), or fills the
    summaries with `assessment_summary_fill` when it knows every result it leaves (the results import).
    """
    ids = list(assessment_ids)
    if not ids:
        return
    assessments = list(Assessment.objects.filter(pk__in=ids).only("pk", "criteria_set_id"))
    criteria = Criterion.objects.filter(criteria_set_id__in={a.criteria_set_id for a in assessments})
    numbers_by_set: dict[int, list[int]] = {}
    for set_id, number in criteria.order_by("number").values_list("criteria_set_id", "number"):
        numbers_by_set.setdefault(set_id, []).append(number)
    results: dict[int, dict[int, bool | None]] = {}
    for assessment_id, number, is_met in CriterionResult.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "criterion__number", "is_met"
    ):
        results.setdefault(assessment_id, {})[number] = is_met
    for assessment in assessments:
        assessment_summary_fill(
            assessment,
            numbers=numbers_by_set.get(assessment.criteria_set_id, []),
            outcome=results.get(assessment.pk, {}),
        )
    Assessment.objects.bulk_update(assessments, ["results_summary", "criteria_met"], batch_size=2000)


_SUMMARY_SYMBOLS = {True: SUMMARY_MET, False: SUMMARY_NOT_MET, None: SUMMARY_NO_RESULT}


def assessment_summary_fill(
    assessment: Assessment, *, numbers: Iterable[int], outcome: Mapping[int, bool | None]
) -> None:
    """Set `results_summary` (a symbol per criterion of the set, in number order) and `criteria_met` from the
    results by criterion number. Saving is the caller's."""
    assessment.results_summary = "".join(_SUMMARY_SYMBOLS[outcome.get(number)] for number in numbers)
    assessment.criteria_met = assessment.results_summary.count(SUMMARY_MET)


def assessment_step(
    *, user: AbstractUser, assessment: Assessment, step: str, version: int, comment: str = ""
) -> Assessment:
    """Take a workflow step (submit, verify, approve, return, unlock) and record it."""
    try:
        step = workflow.Step(step)
    except ValueError:
        raise StepRefused(_("Unknown workflow step.")) from None
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("unit__parent__parent")
            .get(pk=assessment.pk)
        )
        if not access.can_transition(user, assessment.unit, step, status=assessment.status):
            raise NotPermitted(_("You may not take this step for this commune."))
        if version != assessment.version:
            raise StaleAssessment(
                _("Someone else changed these results after you opened the page. Review their changes and try again."),
                _changes_since(assessment, version),
            )
        target = workflow.target_of(step, status=assessment.status, district_step=district_step(assessment))
        if target is None:
            raise StepRefused(
                _("This step is not possible while the results are %(status)s.")
                % {"status": assessment.get_status_display()}
            )
        if workflow.rules(district_step=True)[step].needs_comment and not comment.strip():
            raise StepRefused(_("Please give the reason in the comment."))
        change = ChangeRecord(
            action=ChangeRecord.Action.TRANSITION,
            target=step,
            old_value=assessment.status,
            new_value=target,
            comment=comment.strip(),
        )
        assessment.status = target
        assessment.version += 1
        assessment.updated_by = user
        assessment.save(update_fields=["status", "version", "updated_by", "updated_at"])
        _record(assessment, user, [change])
    return assessment


def _record(assessment: Assessment, user: AbstractUser, changes: list[ChangeRecord]) -> None:
    subject_type = ContentType.objects.get_for_model(Assessment)
    for change in changes:
        change.user = user
        change.subject_type = subject_type
        change.subject_id = assessment.pk
        change.subject_version = assessment.version
    ChangeRecord.objects.bulk_create(changes)


def _changes_since(assessment: Assessment, version: int) -> list[ChangeRecord]:
    return list(
        ChangeRecord.objects.about(assessment).filter(subject_version__gt=version).select_related("user").order_by("at")
    )


def _value_columns(value: Value) -> tuple[Decimal | None, bool | None, dict | None]:
    if isinstance(value, bool):
        return None, value, None
    if isinstance(value, Mapping):
        return None, None, {key: str(part) for key, part in value.items() if part not in (None, "")}
    return Decimal(value), None, None


def normalised(value: Value) -> Value:
    """None for every way of saying "no value": None, "", or conditions all left empty."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        parts = {key: str(part) for key, part in value.items() if part not in (None, "")}
        return parts or None
    return value


def _same(old: Value, new: Value) -> bool:
    return value_text(old) == value_text(new)


def value_text(value: Value) -> str:
    """A stable text form of a value for history and comparison."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        cleaned = {key: str(part) for key, part in value.items() if part not in (None, "")}
        return json.dumps(cleaned, sort_keys=True, ensure_ascii=False) if cleaned else ""
    return format(Decimal(value).normalize(), "f")


def result_text(is_met: bool | None) -> str:
    return {True: "met", False: "not_met"}.get(is_met, "")
