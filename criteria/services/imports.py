"""Writing imported criterion results: every row of a file in one transaction, or none of them.

An import states, for each commune of a year, which criteria of the set are met. It is compared with the
stored results first (the same comparison gives the counts of a dry run and the preview); a single refused
row refuses the whole file, so an office never has to work out which half of its table went in.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.imports import ImportSummary, ResultRow, RowError
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult
from criteria.services.assessments import assessment_summaries_refresh, result_text
from ntm_portal.models import ChangeRecord

# The comment of the history rows an import writes.
IMPORT_COMMENT = "import"
BATCH_SIZE = 1000


@dataclass
class _RowChange:
    row: ResultRow
    assessment: Assessment | None  # None: created by the import
    # (criterion, stored result or None, new is_met) for every criterion whose result changes
    results: list[tuple[Criterion, CriterionResult | None, bool]]


def results_import_plan(*, year: int, criteria_set: CriteriaSet, rows: Iterable[ResultRow], user=None) -> ImportSummary:
    """Compare the rows with the stored results, writing nothing: the counts and errors of `results_import`."""
    summary, _changes = _plan(year=year, criteria_set=criteria_set, rows=list(rows), user=user, lock=False)
    return summary


def results_import(
    *, user, year: int, criteria_set: CriteriaSet, rows: Iterable[ResultRow], dry_run: bool
) -> ImportSummary:
    """Store imported criterion results for a year, all rows or none; `dry_run` only compares.

    Missing assessments are created as drafts. Changed results get the method "imported", their assessment
    a new version, and a history row each (comment "import"). `user` is the acting user; None for the
    system (a command run without any superuser), which skips the scope check.
    """
    rows = list(rows)
    with transaction.atomic():
        summary, changes = _plan(year=year, criteria_set=criteria_set, rows=rows, user=user, lock=not dry_run)
        if summary.errors or dry_run:
            return summary
        _write(changes, user=user, year=year, criteria_set=criteria_set)
        summary.written = True
    return summary


def _plan(
    *, year: int, criteria_set: CriteriaSet, rows: list[ResultRow], user, lock: bool
) -> tuple[ImportSummary, list[_RowChange]]:
    summary = ImportSummary()
    criteria = list(criteria_set.criteria.order_by("number"))
    accepted = _acceptable_rows(rows, year=year, criteria=criteria, user=user, errors=summary.errors)

    assessments = Assessment.objects.filter(
        unit_id__in=[row.unit.pk for row in accepted], year=year, criteria_set=criteria_set
    ).order_by("pk")
    if lock:
        assessments = assessments.select_for_update(of=("self",))
    by_unit = {assessment.unit_id: assessment for assessment in assessments}
    stored = {
        (result.assessment_id, result.criterion_id): result
        for result in CriterionResult.objects.filter(assessment__in=list(by_unit.values()))
    }

    changes = []
    for row in accepted:
        assessment = by_unit.get(row.unit.pk)
        if assessment is not None and assessment.status == Assessment.Status.APPROVED:
            locked = _("The %(year)s results of %(unit)s are approved and locked: ask the province office to "
                       "unlock them.")  # fmt: skip
            summary.errors.append(RowError(row.place, locked % {"year": year, "unit": row.unit.name}))
            continue
        results = []
        for criterion in criteria:
            result = stored.get((assessment.pk, criterion.pk)) if assessment else None
            is_met = row.marks[criterion.number]
            if result is None or result.is_met != is_met:
                results.append((criterion, result, is_met))
        conflicts = [
            str(criterion.number)
            for criterion, result, is_met in results
            if result is not None and result.computed_is_met is not None and result.computed_is_met != is_met
        ]
        if conflicts:
            summary.errors.append(
                RowError(
                    row.place,
                    _("The indicator values stored for %(unit)s say otherwise for criteria %(numbers)s: correct the "
                      "values or override these results, with the reason, on the commune's page.")
                    % {"unit": row.unit.name, "numbers": ", ".join(conflicts)},
                )
            )  # fmt: skip
            continue
        if assessment is None:
            summary.new += 1
        elif results:
            summary.updated += 1
        else:
            summary.unchanged += 1
        if results:
            changes.append(_RowChange(row, assessment, results))
    position = {(row.place.sheet, row.place.row): index for index, row in enumerate(rows)}
    summary.errors.sort(key=lambda error: position.get((error.place.sheet, error.place.row), 0))
    return summary, changes


def _acceptable_rows(
    rows: list[ResultRow], *, year: int, criteria: list[Criterion], user, errors: list[RowError]
) -> list[ResultRow]:
    """The rows that name a programme commune of the year once, with a mark for every criterion."""
    first_day = datetime.date(year, 1, 1)
    numbers = {criterion.number for criterion in criteria}
    seen = {}
    accepted = []
    for row in rows:
        unit = row.unit
        names = {"unit": unit.name, "year": year}
        if unit.pk in seen:
            first = seen[unit.pk]
            names.update(sheet=first.sheet, row=first.row)
            errors.append(RowError(row.place, _("%(unit)s already appears in sheet “%(sheet)s”, row %(row)s.") % names))
            continue
        seen[unit.pk] = row.place
        if unit.level != AdministrativeUnit.Level.COMMUNE or not unit.in_programme or not unit.is_valid_on(first_day):
            errors.append(RowError(row.place, _("%(unit)s was not a commune of the programme in %(year)s.") % names))
        elif user is not None and not access.can_edit_results(user, unit):
            errors.append(RowError(row.place, _("You may not enter results for %(unit)s.") % names))
        elif set(row.marks) != numbers:
            errors.append(RowError(row.place, _("The row does not give a result for every criterion.")))
        else:
            accepted.append(row)
    return accepted


def _write(changes: list[_RowChange], *, user, year: int, criteria_set: CriteriaSet) -> None:
    now = timezone.now()
    created = {}
    for change in changes:
        if change.assessment is None:
            created[change.row.unit.pk] = Assessment(
                unit=change.row.unit,
                year=year,
                criteria_set=criteria_set,
                status=Assessment.Status.DRAFT,
                version=1,
                updated_by=user,
            )
    Assessment.objects.bulk_create(created.values(), batch_size=BATCH_SIZE)
    updated = []
    for change in changes:
        if change.assessment is None:
            change.assessment = created[change.row.unit.pk]
        else:
            change.assessment.version += 1
            change.assessment.updated_by = user
            change.assessment.updated_at = now  # bulk_update does not apply auto_now
            updated.append(change.assessment)
    Assessment.objects.bulk_update(updated, ["version", "updated_by", "updated_at"], batch_size=BATCH_SIZE)

    history = _History(user=user, at=now)
    new_results, changed_results = [], []
    for change in changes:
        assessment = change.assessment
        if change.row.unit.pk in created:
            history.add(assessment, ChangeRecord.Action.CREATED, str(year))
        for criterion, result, is_met in change.results:
            old = result_text(result.is_met) if result else ""
            history.add(assessment, ChangeRecord.Action.RESULT, str(criterion.number), old, result_text(is_met))
            if result is None:
                result = CriterionResult(assessment=assessment, criterion=criterion)
                new_results.append(result)
            else:
                changed_results.append(result)
            result.is_met = is_met
            result.method = CriterionResult.Method.IMPORTED
            result.override_reason = ""
    CriterionResult.objects.bulk_create(new_results, batch_size=BATCH_SIZE)
    CriterionResult.objects.bulk_update(changed_results, ["is_met", "method", "override_reason"], batch_size=BATCH_SIZE)
    ChangeRecord.objects.bulk_create(history.records, batch_size=BATCH_SIZE)
    assessment_summaries_refresh(change.assessment.pk for change in changes)


class _History:
    """The history rows of an import, written together at the end (the pattern of assessments._record)."""

    def __init__(self, *, user, at: datetime.datetime) -> None:
        self.user, self.at = user, at
        self.subject_type = ContentType.objects.get_for_model(Assessment)
        self.records: list[ChangeRecord] = []

    def add(self, assessment: Assessment, action: str, target: str, old: str = "", new: str = "") -> None:
        self.records.append(
            ChangeRecord(
                at=self.at,
                user=self.user,
                subject_type=self.subject_type,
                subject_id=assessment.pk,
                subject_version=assessment.version,
                action=action,
                target=target,
                old_value=old,
                new_value=new,
                comment=IMPORT_COMMENT,
            )
        )
