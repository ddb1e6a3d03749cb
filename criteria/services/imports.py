"""Writing imported criterion results: every row of a file in one transaction, or none of them.

An import states, for each commune of a year, which criteria of the set are met. It is compared with the
stored results first (the same comparison gives the counts of a dry run and the preview); a single refused
row refuses the whole file, so an office never has to work out which half of its table went in.
"""

import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.imports import ResultRow
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult
from criteria.services.assessments import assessment_summary_fill, result_text
from ntm_portal.collector import collector_paused
from ntm_portal.import_rows import ImportSummary, RowError
from ntm_portal.models import ChangeRecord

# The comment of the history rows an import writes.
IMPORT_COMMENT = "import"
BATCH_SIZE = 1000


class _Stored(NamedTuple):
    """A stored result: what the comparison and the write need of it, without a model instance each."""

    pk: int
    is_met: bool | None
    computed_is_met: bool | None


@dataclass
class _RowChange:
    row: ResultRow
    assessment: Assessment | None  # None: created by the import
    # (criterion, stored result or None, new is_met) for every criterion whose result changes
    results: list[tuple[Criterion, _Stored | None, bool]]


@collector_paused()
def results_import_plan(
    *, year: int, criteria_set: CriteriaSet, rows: Iterable[ResultRow], user: AbstractUser | None = None
) -> ImportSummary:
    """Compare the rows with the stored results, writing nothing: the counts and errors of `results_import`."""
    summary, _changes = _plan(year=year, criteria_set=criteria_set, rows=list(rows), user=user, lock=False)
    return summary


@collector_paused()
def results_import(
    *, user: AbstractUser | None, year: int, criteria_set: CriteriaSet, rows: Iterable[ResultRow], dry_run: bool
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
    stored: dict[int, dict[int, _Stored]] = {}  # assessment → criterion → result
    for pk, assessment_id, criterion_id, is_met, computed_is_met in CriterionResult.objects.filter(
        assessment__in=list(by_unit.values())
    ).values_list("pk", "assessment_id", "criterion_id", "is_met", "computed_is_met"):
        stored.setdefault(assessment_id, {})[criterion_id] = _Stored(pk, is_met, computed_is_met)

    changes = []
    for row in accepted:
        assessment = by_unit.get(row.unit.pk)
        if assessment is not None and assessment.status == Assessment.Status.APPROVED:
            locked = _("The %(year)s results of %(unit)s are approved and locked: ask the province office to "
                       "unlock them.")  # fmt: skip
            summary.errors.append(RowError(row.place, locked % {"year": year, "unit": row.unit.name}))
            continue
        marks = row.marks
        if assessment is None:  # every result is new: nothing stored to compare with or to contradict
            results = [(criterion, None, marks[criterion.number]) for criterion in criteria]
            conflicts = []
        else:
            stored_results = stored.get(assessment.pk, {})
            results = []
            for criterion in criteria:
                result = stored_results.get(criterion.pk)
                is_met = marks[criterion.number]
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
    created, updated = {}, []
    for change in changes:
        if change.assessment is None:
            change.assessment = created[change.row.unit.pk] = Assessment(
                unit=change.row.unit,
                year=year,
                criteria_set=criteria_set,
                status=Assessment.Status.DRAFT,
                version=1,
                updated_by=user,
            )
        else:
            change.assessment.version += 1
            change.assessment.updated_by = user
            change.assessment.updated_at = now  # bulk_update does not apply auto_now
            updated.append(change.assessment)
        # A row marks every criterion of the set, so once written its marks are the assessment's results.
        assessment_summary_fill(change.assessment, numbers=sorted(change.row.marks), outcome=change.row.marks)
    _create_assessments(list(created.values()), user=user, year=year, criteria_set=criteria_set, at=now)
    Assessment.objects.bulk_update(
        updated, ["version", "updated_by", "updated_at", "results_summary", "criteria_met"], batch_size=BATCH_SIZE
    )

    history, new_results = [], []
    changed_results = {True: [], False: []}  # stored result ids by their new is_met
    for change in changes:
        assessment = change.assessment
        subject = (assessment.pk, assessment.version)
        is_new = change.row.unit.pk in created
        if is_new:
            # One row for a new assessment: it records every imported result at once (the summary string, a
            # symbol per criterion); a history row per criterion would only repeat that nothing was there.
            history.append((*subject, ChangeRecord.Action.CREATED, str(year), "", assessment.results_summary))
        for criterion, result, is_met in change.results:
            if not is_new:
                old = result_text(result.is_met) if result else ""
                history.append((*subject, ChangeRecord.Action.RESULT, str(criterion.number), old, result_text(is_met)))
            if result is None:
                new_results.append((assessment.pk, criterion.pk, is_met))
            else:
                changed_results[is_met].append(result.pk)
    imported = {"method": CriterionResult.Method.IMPORTED, "override_reason": ""}
    _insert_rows(CriterionResult, common=imported, fields=("assessment", "criterion", "is_met"), rows=new_results)
    for is_met, ids in changed_results.items():
        for start in range(0, len(ids), BATCH_SIZE):
            CriterionResult.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(is_met=is_met, **imported)
    _insert_rows(
        ChangeRecord,
        common={
            "at": now,
            "user": user,
            "subject_type": ContentType.objects.get_for_model(Assessment),
            "comment": IMPORT_COMMENT,
        },
        fields=("subject_id", "subject_version", "action", "target", "old_value", "new_value"),
        rows=history,
    )


def _create_assessments(
    assessments: list[Assessment], *, user, year: int, criteria_set: CriteriaSet, at: datetime.datetime
) -> None:
    """Insert new assessments with `_insert_rows`, then read their ids back in one query."""
    common = {
        "year": year, "criteria_set": criteria_set, "status": Assessment.Status.DRAFT, "version": 1,
        "updated_by": user, "updated_at": at,
    }  # fmt: skip
    rows = [(a.unit_id, a.results_summary, a.criteria_met) for a in assessments]
    _insert_rows(Assessment, common=common, fields=("unit", "results_summary", "criteria_met"), rows=rows)
    by_unit = {assessment.unit_id: assessment for assessment in assessments}
    # The year's assessments of the set: those just inserted and, at most, a country's others
    for unit_id, pk in Assessment.objects.filter(year=year, criteria_set=criteria_set).values_list("unit_id", "pk"):
        if unit_id in by_unit:
            by_unit[unit_id].pk = pk
            by_unit[unit_id]._state.adding = False


def _insert_rows(model: type[models.Model], *, common: dict, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows without a model instance each, sending the values they share once per statement: for the
    200,000 history rows of a national file, bulk_create's instances take longer than the database does.

    `rows` hold the values of `fields`, ready for the database (numbers, text, booleans; never a column of None
    only, whose type the database cannot tell); every other column takes its value in `common` or its default,
    prepared once as bulk_create would.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_rows(model, common=common, fields=fields, rows=rows)
        return
    varying = [model._meta.get_field(name) for name in fields]
    shared = [field for field in model._meta.concrete_fields if not field.primary_key and field not in varying]
    template = model(**common)
    shared_values = [field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in shared]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in (*varying, *shared))
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT v.*{', %s' * len(shared)} FROM (VALUES "
    row = f"({', '.join(['%s'] * len(varying))})"
    batch_size = min(BATCH_SIZE, connection.ops.bulk_batch_size([*varying, *shared], rows))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.execute(
                f"{head}{', '.join([row] * len(batch))}) AS v",
                [*shared_values, *(value for values in batch for value in values)],
            )


def _copy_rows(model: type[models.Model], *, common: dict, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """`_insert_rows` on PostgreSQL: one COPY … FROM STDIN in CSV, several times faster than INSERTs."""
    varying = [model._meta.get_field(name) for name in fields]
    shared = [field for field in model._meta.concrete_fields if not field.primary_key and field not in varying]
    template = model(**common)
    shared_text = ",".join(
        _csv_value(field.get_db_prep_save(field.pre_save(template, add=True), connection)) for field in shared
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in (*varying, *shared))
    # Ids and flags, most of a national file's values, written without asking each value its type
    converters = [_CSV_BY_TYPE.get(field.get_internal_type(), _csv_value) for field in varying]
    tail = f",{shared_text}\n"
    chunks = (
        "".join(
            ",".join([convert(value) for convert, value in zip(converters, values, strict=True)]) + tail
            for values in rows[start : start + BATCH_SIZE]
        )
        for start in range(0, len(rows), BATCH_SIZE)
    )
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)", _Stream(chunks)
        )


class _Stream:
    """A file for COPY whose `read` writes the next chunk only when asked: PostgreSQL, in its own process,
    stores one chunk while Python writes the next, instead of waiting for the whole text."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks

    def read(self, size: int = -1) -> str:
        return next(self._chunks, "")


def _number(value) -> str:
    return "" if value is None else str(value)


_FLAGS = {True: "t", False: "f", None: ""}
_CSV_BY_TYPE = {
    "ForeignKey": _number,
    "IntegerField": _number,
    "PositiveIntegerField": _number,
    "PositiveSmallIntegerField": _number,
    "PositiveBigIntegerField": _number,
    "BooleanField": _FLAGS.__getitem__,
}


def _csv_value(value) -> str:
    """A value as COPY's CSV format reads it: NULL unquoted and empty, text always quoted."""
    if type(value) is int:  # ids, the bulk of the values: first
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return '"' + json.dumps(value).replace('"', '""') + '"'
    return str(value)
