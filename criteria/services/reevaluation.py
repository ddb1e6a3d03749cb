"""Judging stored assessments again when what judges them changes: a threshold, an indicator, a set.

Indicator values and criterion-level inputs stay as they were entered; what follows from them (computed
results, what the indicators say beside a direct result, the summaries the grid and the reports read) is
brought up to date in the caller's transaction, with a history row per result that changed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from criteria.evaluation import Reason, SetSpec, Status, evaluate
from criteria.models import Assessment, CriteriaSet, CriterionResult, IndicatorValue
from criteria.selectors import direct_results, set_spec, unit_area_key
from criteria.services.assessments import assessment_summary_fill, result_text
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
    codes: dict[int, str]  # indicator code by id

    @classmethod
    def of(cls, criteria_set: CriteriaSet) -> "_SetInfo":
        spec = set_spec(criteria_set)
        criteria = list(criteria_set.criteria.prefetch_related("indicators"))
        return cls(
            criteria_set=criteria_set,
            spec=spec,
            number_of={criterion.pk: criterion.number for criterion in criteria},
            codes={indicator.pk: indicator.code for criterion in criteria for indicator in criterion.indicators.all()},
        )


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
        assessments = Assessment.objects.filter(criteria_set_id__in=sets).select_related("unit")
        if apply:
            assessments = assessments.select_for_update(of=("self",))
        assessments = list(assessments.order_by("pk"))
        if not assessments:
            return result
        infos = {pk: _SetInfo.of(criteria_set) for pk, criteria_set in sets.items()}
        values = _stored_values(assessments, infos)
        results = _stored_results(assessments)

        to_update: list[CriterionResult] = []
        to_create: list[CriterionResult] = []
        for assessment in assessments:
            info = infos[assessment.criteria_set_id]
            changed = _judge(assessment, info, values.get(assessment.pk, {}), results.get(assessment.pk, {}), result)
            to_update += changed.updated
            to_create += changed.created
        result.assessments = len(assessments)
        if not apply:
            return result

        CriterionResult.objects.bulk_create(to_create, batch_size=2000)
        CriterionResult.objects.bulk_update(to_update, ["is_met", "method", "computed_is_met"], batch_size=2000)
        _refresh_assessments(assessments, infos, results, result, user=user)
        _record(assessments, result, user=user, reason=reason)
        result.applied = True
    return result


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


def _stored_results(assessments: list[Assessment]) -> dict[int, dict[int, CriterionResult]]:
    """Criterion results by criterion id, by assessment id."""
    results: dict[int, dict[int, CriterionResult]] = {}
    rows = CriterionResult.objects.filter(assessment_id__in=[assessment.pk for assessment in assessments]).only(
        "pk", "assessment_id", "criterion_id", "is_met", "method", "computed_is_met", "override_reason"
    )
    for row in rows:
        results.setdefault(row.assessment_id, {})[row.criterion_id] = row
    return results


@dataclass
class _Written:
    updated: list[CriterionResult] = field(default_factory=list)
    created: list[CriterionResult] = field(default_factory=list)


def _judge(
    assessment: Assessment,
    info: _SetInfo,
    values: dict[str, object],
    stored: dict[int, CriterionResult],
    result: ReevaluationResult,
) -> _Written:
    """Evaluate one assessment, change its result rows in memory (new rows join `stored`), note what changed."""
    evaluation = evaluate(
        info.spec,
        area=unit_area_key(assessment.unit, info.criteria_set),
        year=assessment.year,
        values=values,
        direct=direct_results(stored.values(), number_of=info.number_of),
    )
    outcomes = {outcome.number: outcome for outcome in evaluation.criteria}
    written = _Written()
    for criterion_id, number in info.number_of.items():
        outcome = outcomes[number]
        row = stored.get(criterion_id)
        computed = _DECIDED.get(outcome.computed)
        if outcome.reason == Reason.DIRECT_RESULT_CONFLICTS:
            result.contradicted.append(ResultChange(assessment.pk, number, row.is_met, computed))
            is_met, method = row.is_met, row.method
        else:
            is_met, method = outcome.is_met, outcome.method
        if row is None:
            row = CriterionResult(assessment_id=assessment.pk, criterion_id=criterion_id, method=method)
            row.is_met, row.computed_is_met = is_met, computed
            stored[criterion_id] = row
            written.created.append(row)
            if is_met is not None:
                result.changes.append(ResultChange(assessment.pk, number, None, is_met))
            continue
        if (row.is_met, row.method, row.computed_is_met) == (is_met, method, computed):
            continue
        if row.is_met != is_met:
            result.changes.append(ResultChange(assessment.pk, number, row.is_met, is_met))
        if row.computed_is_met != computed:
            result.indicator_verdicts_changed += 1
        row.is_met, row.method, row.computed_is_met = is_met, method, computed
        written.updated.append(row)
    return written


def _refresh_assessments(
    assessments: list[Assessment],
    infos: dict[int, _SetInfo],
    results: dict[int, dict[int, CriterionResult]],
    result: ReevaluationResult,
    *,
    user,
) -> None:
    """Summaries from the results as they now stand; a new version where a result changed."""
    changed_ids = result.changed_assessment_ids
    now = timezone.now()
    to_save = []
    for assessment in assessments:
        info = infos[assessment.criteria_set_id]
        before = (assessment.results_summary, assessment.criteria_met)
        assessment_summary_fill(
            assessment,
            numbers=sorted(info.number_of.values()),
            outcome={info.number_of[pk]: row.is_met for pk, row in results.get(assessment.pk, {}).items()},
        )
        if assessment.pk in changed_ids:
            assessment.version += 1
            assessment.updated_by = user
            assessment.updated_at = now
        elif (assessment.results_summary, assessment.criteria_met) == before:
            continue
        to_save.append(assessment)
    Assessment.objects.bulk_update(
        to_save, ["results_summary", "criteria_met", "version", "updated_by", "updated_at"], batch_size=2000
    )


def _record(assessments: list[Assessment], result: ReevaluationResult, *, user, reason: str) -> None:
    subject_type = ContentType.objects.get_for_model(Assessment)
    version_of = {assessment.pk: assessment.version for assessment in assessments}
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                user=user,
                subject_type=subject_type,
                subject_id=change.assessment_id,
                subject_version=version_of[change.assessment_id],
                action=ChangeRecord.Action.RESULT,
                target=str(change.criterion_number),
                old_value=result_text(change.old),
                new_value=result_text(change.new),
                comment=reason,
            )
            for change in result.changes
        ],
        batch_size=2000,
    )
