"""Judging stored assessments again when what judges them changes: a threshold, an indicator, a set.

Indicator values and criterion-level inputs stay as they were entered; what follows from them (computed
results, what the indicators say beside a direct result, the summaries the grid and the reports read) is
brought up to date in the caller's transaction, with a history row per result that changed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from criteria.evaluation import Reason, SetSpec, Status, ThresholdRule, evaluate, select_threshold
from criteria.models import Assessment, CriteriaSet, CriterionResult, IndicatorValue
from criteria.selectors import direct_results, set_spec, unit_area_key
from criteria.services.assessments import assessment_summary_fill, result_text
from criteria.services.imports import _insert_rows  # the history of a province at once, without instances
from ntm_portal.models import ChangeRecord

_DECIDED = {Status.MET: True, Status.NOT_MET: False}


@dataclass(frozen=True)
class ResultChange:
    """A criterion result of an assessment, before and after (True met, False not met, None no result)."""

    assessment_id: int
    criterion_number: int
    old: bool | None
    new: bool | None


@dataclass
class ReevaluationResult:
    """What judging again changed (or, in a dry run, would change)."""

    assessments: int = 0  # how many were judged again
    changes: list[ResultChange] = field(default_factory=list)
    # Results entered or imported at criterion level that the indicators now decide otherwise: they stand
    # (they are inputs, like the values), and a person decides whether to correct or override them.
    contradicted: list[ResultChange] = field(default_factory=list)
    indicator_verdicts_changed: int = 0  # rows whose `computed_is_met` changed
    applied: bool = False

    @property
    def changed_assessment_ids(self) -> set[int]:
        return {change.assessment_id for change in self.changes}


@dataclass
class _SetInfo:
    criteria_set: CriteriaSet
    spec: SetSpec
    number_of: dict[int, int]  # criterion number by id
    numbers: list[int]  # in order
    codes: dict[int, str]  # indicator code by id
    narrowed: dict[tuple[str, int], SetSpec] = field(default_factory=dict)

    def spec_for(self, *, area: str, year: int) -> SetSpec:
        """The set with, per indicator, only the threshold row that applies to the area and year: the same
        evaluation, without choosing among every region's rows again for each of a province's assessments."""
        key = (area, year)
        if key not in self.narrowed:
            self.narrowed[key] = replace(
                self.spec,
                criteria=tuple(
                    replace(
                        criterion,
                        indicators=tuple(
                            replace(indicator, thresholds=_applying(indicator.thresholds, area=area, year=year))
                            for indicator in criterion.indicators
                        ),
                    )
                    for criterion in self.spec.criteria
                ),
            )
        return self.narrowed[key]

    @classmethod
    def of(cls, criteria_set: CriteriaSet) -> "_SetInfo":
        spec = set_spec(criteria_set)
        criteria = list(criteria_set.criteria.prefetch_related("indicators"))
        return cls(
            criteria_set=criteria_set,
            spec=spec,
            number_of={criterion.pk: criterion.number for criterion in criteria},
            numbers=sorted(criterion.number for criterion in criteria),
            codes={indicator.pk: indicator.code for criterion in criteria for indicator in criterion.indicators.all()},
        )


def _applying(thresholds: tuple[ThresholdRule, ...], *, area: str, year: int) -> tuple[ThresholdRule, ...]:
    rule = select_threshold(thresholds, area=area, year=year)
    return () if rule is None else (rule,)


def assessments_reevaluate(
    *, criteria_sets: Iterable[CriteriaSet], user=None, reason: str = "", apply: bool = True
) -> ReevaluationResult:
    """Judge every assessment of these sets again from its stored values and criterion-level inputs.

    Computed results follow the evaluation engine; results entered, imported or overridden at criterion level
    stand (one the indicators now contradict is listed in `contradicted`), while what the indicators say beside
    them (`computed_is_met`) is kept current. Summaries follow the results. Each result that changes gets a
    history row (`user`, None from the command line; `reason` as its comment), and its assessment a new
    version, so that a form opened on the old results is refused as stale.

    Approved (locked) assessments are judged again too: the lock protects what the commune and the offices
    entered and reviewed, which stays untouched, but a corrected threshold changes what those same values
    mean, and the grid and the reports must not count a result the rules no longer give. The history row says
    why the result changed; the status stays approved.

    With `apply=False` nothing is written: the result says what would change (the preview of a correction).
    Reads are a few queries for all assessments together, writes a few bulk statements.
    """
    sets = {criteria_set.pk: criteria_set for criteria_set in criteria_sets}
    result = ReevaluationResult()
    with transaction.atomic():
        assessments = Assessment.objects.filter(criteria_set_id__in=sets).select_related("unit").only(*_READ_FIELDS)
        if apply:
            assessments = assessments.select_for_update(of=("self",))
        assessments = list(assessments.order_by("pk"))
        if not assessments:
            return result
        infos = {pk: _SetInfo.of(criteria_set) for pk, criteria_set in sets.items()}
        values = _stored_values(assessments, infos)
        results = _stored_results(assessments)
        writes = _Writes()
        outcomes = {
            assessment.pk: _judge(
                assessment,
                infos[assessment.criteria_set_id],
                values.get(assessment.pk, {}),
                results.get(assessment.pk, {}),
                result=result,
                writes=writes,
            )
            for assessment in assessments
        }
        result.assessments = len(assessments)
        if not apply:
            return result

        CriterionResult.objects.bulk_create(writes.created, batch_size=BATCH_SIZE)
        for (is_met, method, computed), ids in writes.updated.items():
            for start in range(0, len(ids), BATCH_SIZE):
                CriterionResult.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
                    is_met=is_met, method=method, computed_is_met=computed
                )
        _refresh_assessments(assessments, infos, outcomes, result, user=user)
        _record(assessments, result, user=user, reason=reason)
        result.applied = True
    return result


BATCH_SIZE = 2000
_READ_FIELDS = (
    "pk", "unit_id", "year", "criteria_set_id", "results_summary", "criteria_met", "version",
    "unit__region", "unit__applied_region", "unit__commune_group",
)  # fmt: skip


def _stored_values(assessments: list[Assessment], infos: dict[int, _SetInfo]) -> dict[int, dict[str, object]]:
    """Values by indicator code, by assessment id; read as columns, as thousands of rows come at once."""
    codes = {pk: code for info in infos.values() for pk, code in info.codes.items()}
    values: dict[int, dict[str, object]] = {}
    rows = IndicatorValue.objects.filter(assessment_id__in=[assessment.pk for assessment in assessments])
    for assessment_id, indicator_id, number, flag, parts in rows.values_list(
        "assessment_id", "indicator_id", "number", "flag", "parts"
    ):
        # The order of IndicatorValue.value: conditions, then yes / no, then the number.
        value = parts if parts is not None else flag if flag is not None else number
        if value is not None and indicator_id in codes:
            values.setdefault(assessment_id, {})[codes[indicator_id]] = value
    return values


class _Stored(NamedTuple):
    """A stored criterion result with the attributes `direct_results` reads, without a model instance each."""

    pk: int
    criterion_id: int
    is_met: bool | None
    method: str
    computed_is_met: bool | None
    override_reason: str


def _stored_results(assessments: list[Assessment]) -> dict[int, dict[int, _Stored]]:
    """Criterion results by criterion id, by assessment id."""
    results: dict[int, dict[int, _Stored]] = {}
    rows = CriterionResult.objects.filter(assessment_id__in=[assessment.pk for assessment in assessments])
    for assessment_id, *row in rows.values_list("assessment_id", *_Stored._fields):
        stored = _Stored(*row)
        results.setdefault(assessment_id, {})[stored.criterion_id] = stored
    return results


@dataclass
class _Writes:
    # Result ids by their new (is_met, method, computed_is_met): a handful of UPDATE statements for them all.
    updated: dict[tuple[bool | None, str, bool | None], list[int]] = field(default_factory=dict)
    created: list[CriterionResult] = field(default_factory=list)


def _judge(
    assessment: Assessment,
    info: _SetInfo,
    values: dict[str, object],
    stored: dict[int, _Stored],
    *,
    result: ReevaluationResult,
    writes: _Writes,
) -> dict[int, bool | None]:
    """Evaluate one assessment, note the rows to write and what changed; its results by criterion number."""
    area = unit_area_key(assessment.unit, info.criteria_set)
    evaluation = evaluate(
        info.spec_for(area=area, year=assessment.year),
        area=area,
        year=assessment.year,
        values=values,
        direct=direct_results(stored.values(), number_of=info.number_of),
    )
    outcomes = {outcome.number: outcome for outcome in evaluation.criteria}
    results = {}
    for criterion_id, number in info.number_of.items():
        outcome = outcomes[number]
        row = stored.get(criterion_id)
        computed = _DECIDED.get(outcome.computed)
        if outcome.reason == Reason.DIRECT_RESULT_CONFLICTS:
            result.contradicted.append(ResultChange(assessment.pk, number, row.is_met, computed))
            is_met, method = row.is_met, row.method
        else:
            is_met, method = outcome.is_met, outcome.method
        results[number] = is_met
        if row is None:
            writes.created.append(
                CriterionResult(
                    assessment_id=assessment.pk,
                    criterion_id=criterion_id,
                    is_met=is_met,
                    method=method,
                    computed_is_met=computed,
                )
            )
            if is_met is not None:
                result.changes.append(ResultChange(assessment.pk, number, None, is_met))
            continue
        if (row.is_met, row.method, row.computed_is_met) == (is_met, method, computed):
            continue
        if row.is_met != is_met:
            result.changes.append(ResultChange(assessment.pk, number, row.is_met, is_met))
        if row.computed_is_met != computed:
            result.indicator_verdicts_changed += 1
        writes.updated.setdefault((is_met, method, computed), []).append(row.pk)
    return results


def _refresh_assessments(
    assessments: list[Assessment],
    infos: dict[int, _SetInfo],
    outcomes: dict[int, dict[int, bool | None]],
    result: ReevaluationResult,
    *,
    user,
) -> None:
    """Summaries from the results as they now stand; a new version where a result changed.

    Grouped UPDATEs (one per distinct summary, one for the versions) rather than bulk_update, whose CASE
    expressions took seconds to build for a province."""
    by_summary: dict[tuple[str, int], list[int]] = {}
    for assessment in assessments:
        before = (assessment.results_summary, assessment.criteria_met)
        numbers = infos[assessment.criteria_set_id].numbers
        assessment_summary_fill(assessment, numbers=numbers, outcome=outcomes[assessment.pk])
        after = (assessment.results_summary, assessment.criteria_met)
        if after != before:
            by_summary.setdefault(after, []).append(assessment.pk)
    for (summary, met), ids in by_summary.items():
        Assessment.objects.filter(pk__in=ids).update(results_summary=summary, criteria_met=met)
    changed_ids = result.changed_assessment_ids
    ordered = sorted(changed_ids)
    for start in range(0, len(ordered), BATCH_SIZE):
        Assessment.objects.filter(pk__in=ordered[start : start + BATCH_SIZE]).update(
            version=F("version") + 1, updated_by=user, updated_at=timezone.now()
        )
    for assessment in assessments:
        if assessment.pk in changed_ids:
            assessment.version += 1


def _record(assessments: list[Assessment], result: ReevaluationResult, *, user, reason: str) -> None:
    version_of = {assessment.pk: assessment.version for assessment in assessments}
    _insert_rows(
        ChangeRecord,
        common={
            "at": timezone.now(),
            "user": user,
            "subject_type": ContentType.objects.get_for_model(Assessment),
            "action": ChangeRecord.Action.RESULT,
            "comment": reason,
        },
        fields=("subject_id", "subject_version", "target", "old_value", "new_value"),
        rows=[
            (
                change.assessment_id,
                version_of[change.assessment_id],
                str(change.criterion_number),
                result_text(change.old),
                result_text(change.new),
            )
            for change in result.changes
        ],
    )
