"""Writing imported indicator values (the long layout): every commune-year of a file, or none of them.

Each commune-year goes through `assessment_save`, as if its values had been typed into the entry form: the
criteria are judged again, summaries refreshed and the history written. Values the file does not give stay
as they are. Where the new values decide a criterion, they replace a result entered or imported at criterion
level (a warning says so); an override, with its reason, stands.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria import workflow
from criteria.evaluation import SetSpec, Status, Value, evaluate
from criteria.imports.results_long import ValueRow, indicator_values_read
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult, Indicator, IndicatorValue
from criteria.selectors import set_spec, unit_area_key
from criteria.services.assessments import AssessmentError, DirectInput, assessment_save, value_text
from ntm_portal.collector import collector_paused
from ntm_portal.import_rows import ImportSummary, Place, RowError


@dataclass
class _CommuneYear:
    """The rows of one commune-year and what saving them would change."""

    unit: AdministrativeUnit
    year: int
    criteria_set: CriteriaSet
    rows: list[ValueRow] = field(default_factory=list)
    assessment: Assessment | None = None
    changed: dict[int, Value] = field(default_factory=dict)  # by indicator id
    direct: dict[int, DirectInput] = field(default_factory=dict)  # by criterion id: the inputs that stand

    @property
    def place(self) -> Place:
        return self.rows[0].unit_place


@collector_paused()
def indicator_values_import(
    *, content: bytes, file_name: str, user: AbstractUser | None, year: int | None = None, dry_run: bool
) -> ImportSummary:
    """Read a long file of indicator values and store them, all commune-years or none; `dry_run` only compares.

    Counts are per commune-year: new (no assessment yet), updated (a value changes), unchanged. `user` is the
    acting user, whose scope is checked; None (the command line) only for a dry run, which then checks no scope.
    """
    if user is None and not dry_run:
        raise ValueError("Writing indicator values needs the acting user for the history.")
    read = indicator_values_read(content, file_name=file_name, year=year)
    summary = ImportSummary(errors=list(read.errors), warnings=list(read.warnings))
    if not read.rows and not summary.errors:
        summary.errors.append(RowError(Place(), _("The file gives no indicator values.")))
    with transaction.atomic():
        groups = _plan(read.rows, user=user, summary=summary, lock=not dry_run)
        if not summary.errors and not dry_run:
            _save(groups, user=user, summary=summary)
            if summary.errors:
                transaction.set_rollback(True)
            else:
                summary.written = True
    order = {name: index for index, name in enumerate(read.sheets)}
    summary.errors.sort(key=lambda error: (order.get(error.place.sheet, -1), error.place.row or 0))
    return summary


def _plan(rows: list[ValueRow], *, user, summary: ImportSummary, lock: bool) -> list[_CommuneYear]:
    """Group the rows by commune-year, refuse those that may not be written, and compare with what is stored."""
    groups: dict[tuple[int, int], _CommuneYear] = {}
    for row in rows:
        key = (row.unit.pk, row.year)
        groups.setdefault(key, _CommuneYear(row.unit, row.year, row.criteria_set)).rows.append(row)
    accepted = [group for group in groups.values() if _may_write(group, user=user, summary=summary)]

    assessments = Assessment.objects.filter(unit_id__in={group.unit.pk for group in accepted}).filter(
        year__in={group.year for group in accepted}
    )
    if lock:
        assessments = assessments.select_for_update(of=("self",))
    by_key = {(a.unit_id, a.year, a.criteria_set_id): a for a in assessments.order_by("pk")}
    stored_values: dict[int, dict[int, Value]] = {}
    for value in IndicatorValue.objects.filter(assessment__in=list(by_key.values())):
        stored_values.setdefault(value.assessment_id, {})[value.indicator_id] = value.value
    stored_results: dict[int, list[CriterionResult]] = {}
    for result in CriterionResult.objects.filter(assessment__in=list(by_key.values())).exclude(
        method=CriterionResult.Method.COMPUTED
    ):
        stored_results.setdefault(result.assessment_id, []).append(result)
    sets: dict[int, _SetInfo] = {}

    planned = []
    for group in accepted:
        group.assessment = by_key.get((group.unit.pk, group.year, group.criteria_set.pk))
        if group.assessment is not None and group.assessment.status not in workflow.EDITABLE_STATUSES:
            summary.errors.append(RowError(group.place, _locked_message(group)))
            continue
        stored = stored_values.get(group.assessment.pk, {}) if group.assessment else {}
        group.changed = {
            row.indicator.pk: row.value
            for row in group.rows
            if value_text(stored.get(row.indicator.pk)) != value_text(row.value)
        }
        if group.assessment is None:
            summary.new += 1
        elif group.changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
        if group.assessment is None or group.changed:
            if group.criteria_set.pk not in sets:
                sets[group.criteria_set.pk] = _SetInfo.of(group.criteria_set)
            results = stored_results.get(group.assessment.pk, []) if group.assessment else []
            _keep_direct_inputs(group, stored, results, sets[group.criteria_set.pk], summary=summary)
            planned.append(group)
    return planned


def _may_write(group: _CommuneYear, *, user, summary: ImportSummary) -> bool:
    unit, names = group.unit, {"unit": group.unit.name, "year": group.year}
    if unit.level != AdministrativeUnit.Level.COMMUNE or not unit.in_programme:
        summary.errors.append(
            RowError(group.place, _("%(unit)s was not a commune of the programme in %(year)s.") % names)
        )
        return False
    if user is not None and not access.can_edit_results(user, unit):
        summary.errors.append(RowError(group.place, _("You may not enter results for %(unit)s.") % names))
        return False
    return True


def _locked_message(group: _CommuneYear) -> str:
    names = {"year": group.year, "unit": group.unit.name, "status": group.assessment.get_status_display()}
    if group.assessment.status == Assessment.Status.APPROVED:
        return _("The %(year)s results of %(unit)s are approved and locked: ask the province office to "
                 "unlock them.") % names  # fmt: skip
    return _("The %(year)s results of %(unit)s are “%(status)s” and cannot be changed until they are returned "
             "to draft.") % names  # fmt: skip


@dataclass(frozen=True)
class _SetInfo:
    spec: SetSpec
    criteria: dict[int, Criterion]
    codes: dict[int, str]  # indicator code by id

    @classmethod
    def of(cls, criteria_set: CriteriaSet) -> "_SetInfo":
        return cls(
            spec=set_spec(criteria_set),
            criteria={criterion.pk: criterion for criterion in criteria_set.criteria.all()},
            codes=dict(Indicator.objects.filter(criterion__criteria_set=criteria_set).values_list("pk", "code")),
        )


def _keep_direct_inputs(
    group: _CommuneYear, stored: dict[int, Value], results: list[CriterionResult], info: _SetInfo, *, summary
) -> None:
    """The criterion-level results that stand with the new values: overrides, and those the values leave open.

    `assessment_save` keeps only the direct inputs it is given, as the entry form sends them back.
    """
    values = {info.codes[pk]: value for pk, value in {**stored, **group.changed}.items() if value is not None}
    evaluation = evaluate(info.spec, area=unit_area_key(group.unit, group.criteria_set), year=group.year, values=values)
    computed = {outcome.number: outcome.computed for outcome in evaluation.criteria}
    for result in results:
        criterion = info.criteria[result.criterion_id]
        overridden = result.method == CriterionResult.Method.OVERRIDDEN
        decided = {Status.MET: True, Status.NOT_MET: False}.get(computed.get(criterion.number))
        if overridden or decided is None or decided == result.is_met:
            group.direct[criterion.pk] = DirectInput(
                is_met=result.is_met, override=overridden, reason=result.override_reason
            )
            continue
        names = {"unit": group.unit.name, "year": group.year, "number": criterion.number}
        if decided:
            message = _("%(unit)s, %(year)s: criterion %(number)s was recorded as not met; the imported values "
                        "judge it met.")  # fmt: skip
        else:
            message = _("%(unit)s, %(year)s: criterion %(number)s was recorded as met; the imported values "
                        "judge it not met.")  # fmt: skip
        summary.warnings.append(message % names)


def _save(groups: list[_CommuneYear], *, user, summary: ImportSummary) -> None:
    """Save every commune-year; a refusal becomes an error of its first row (the caller then rolls back)."""
    for group in groups:
        try:
            assessment_save(
                user=user,
                unit=group.unit,
                year=group.year,
                version=group.assessment.version if group.assessment else 0,
                values=group.changed,
                direct=group.direct,
            )
        except AssessmentError as refused:
            summary.errors.append(RowError(group.place, refused.message))
