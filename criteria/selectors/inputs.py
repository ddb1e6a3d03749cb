"""A commune-year's inputs as the pure evaluation engine takes them."""

from collections.abc import Iterable, Mapping

from communes.models import AdministrativeUnit
from criteria.evaluation import DirectResult, Evaluation, Method, area_key, evaluate
from criteria.models import Assessment, CriteriaSet, CriterionResult
from criteria.selectors.sets import set_spec


def unit_area_key(unit: AdministrativeUnit, criteria_set: CriteriaSet) -> str:
    return area_key(
        dimension=criteria_set.threshold_dimension,
        region=unit.region,
        applied_region=unit.applied_region,
        commune_group=unit.commune_group,
        honours_applied_region=criteria_set.honours_applied_region,
    )


def evaluate_inputs(
    *,
    unit: AdministrativeUnit,
    year: int,
    criteria_set: CriteriaSet,
    values: Mapping[str, object],
    direct: Mapping[int, DirectResult],
) -> Evaluation:
    """Evaluate a commune-year's inputs (values by indicator code, direct results by criterion number)."""
    return evaluate(
        set_spec(criteria_set),
        area=unit_area_key(unit, criteria_set),
        year=year,
        values={code: value for code, value in values.items() if value is not None},
        direct=direct,
    )


def direct_results(results: Iterable[CriterionResult], *, number_of: Mapping[int, int]) -> dict[int, DirectResult]:
    """The stored criterion results that are inputs (entered, imported, overridden), by criterion number."""
    return {
        number_of[result.criterion_id]: DirectResult(result.is_met, Method(result.method), result.override_reason)
        for result in results
        if result.method != CriterionResult.Method.COMPUTED and result.criterion_id in number_of
    }


def assessment_evaluation(assessment: Assessment) -> Evaluation:
    """Evaluate a stored assessment from its indicator values and criterion-level inputs."""
    values = {value.indicator.code: value.value for value in assessment.indicator_values.select_related("indicator")}
    number_of = dict(assessment.criteria_set.criteria.values_list("pk", "number"))
    return evaluate_inputs(
        unit=assessment.unit,
        year=assessment.year,
        criteria_set=assessment.criteria_set,
        values=values,
        direct=direct_results(assessment.criterion_results.all(), number_of=number_of),
    )
