"""Reads of criteria sets and assessments, shared by pages, imports, exports and reports."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from communes.models import AdministrativeUnit
from criteria.bands import BandSummary, summarise
from criteria.evaluation import (
    CriterionSpec,
    DirectResult,
    Evaluation,
    IndicatorSpec,
    Method,
    SetSpec,
    ThresholdRule,
    area_key,
    evaluate,
)
from criteria.models import Assessment, CriteriaSet, CriterionResult, Indicator, Tier


def criteria_set_in_force(
    *,
    year: int,
    level: str = CriteriaSet.AssessedLevel.COMMUNE,
    tier: str = Tier.NTM,
    province: AdministrativeUnit | None = None,
) -> CriteriaSet | None:
    """The set that judges `level` units for `tier` in `year`.

    A province's own specification of the national set (Cao Bằng: QĐ 618/QĐ-UBND of 2017) wins over the
    national set for that province's units in the years it covers.
    """
    sets = CriteriaSet.objects.filter(
        assessed_level=level, tier=tier, period_start__lte=year, period_end__gte=year
    ).order_by("-period_start")
    if province is not None:
        provincial = sets.filter(issuing_level=CriteriaSet.IssuingLevel.PROVINCIAL, issuing_unit=province).first()
        if provincial is not None:
            return provincial
    return sets.filter(issuing_level=CriteriaSet.IssuingLevel.NATIONAL).first()


def set_spec(criteria_set: CriteriaSet) -> SetSpec:
    """The set as the pure evaluation engine sees it (three queries)."""
    indicators = Indicator.objects.prefetch_related("thresholds").order_by("position", "code")
    criteria = criteria_set.criteria.prefetch_related(Prefetch("indicators", queryset=indicators)).order_by("number")
    return SetSpec(
        tier=criteria_set.tier,
        criteria=tuple(
            CriterionSpec(
                number=criterion.number,
                indicators=tuple(
                    IndicatorSpec(
                        code=indicator.code,
                        kind=indicator.kind,
                        comparison=indicator.comparison,
                        thresholds=tuple(
                            ThresholdRule(
                                applies_to=rule.applies_to,
                                value=rule.value,
                                parts=rule.parts,
                                year_from=rule.year_from,
                                year_to=rule.year_to,
                            )
                            for rule in indicator.thresholds.all()
                        ),
                    )
                    for indicator in criterion.indicators.all()
                ),
            )
            for criterion in criteria
        ),
    )


def unit_area_key(unit: AdministrativeUnit, criteria_set: CriteriaSet) -> str:
    return area_key(
        dimension=criteria_set.threshold_dimension,
        region=unit.region,
        applied_region=unit.applied_region,
        commune_group=unit.commune_group,
        honours_applied_region=criteria_set.honours_applied_region,
    )


def assessment_evaluation(assessment: Assessment, *, spec: SetSpec | None = None) -> Evaluation:
    """Evaluate a stored assessment from its indicator values and criterion-level inputs."""
    spec = spec or set_spec(assessment.criteria_set)
    values = {value.indicator.code: value.value for value in assessment.indicator_values.select_related("indicator")}
    direct = {
        result.criterion.number: DirectResult(result.is_met, Method(result.method), result.override_reason)
        for result in assessment.criterion_results.select_related("criterion")
        if result.method != CriterionResult.Method.COMPUTED
    }
    return evaluate(
        spec,
        area=unit_area_key(assessment.unit, assessment.criteria_set),
        year=assessment.year,
        values=values,
        direct=direct,
    )


def assessments_with_met_counts(*, units: QuerySet[AdministrativeUnit], year: int) -> QuerySet[Assessment]:
    """The year's assessments of these units, each annotated with `met` (criteria met)."""
    return (
        Assessment.objects.filter(unit__in=units, year=year)
        .annotate(met=Count("criterion_results", filter=Q(criterion_results__is_met=True)))
        .select_related("unit", "criteria_set")
    )


def programme_communes(*, within: AdministrativeUnit, year: int) -> QuerySet[AdministrativeUnit]:
    """The denominator of every commune figure: the programme communes (xã) as the year began.

    A year is counted on the map in force on 1 January: 2025 on the 139 communes of the three-tier map
    (merged on 1/7/2025), 2026 on the two-tier map.
    """
    as_of = datetime.date(year, 1, 1)
    return AdministrativeUnit.objects.in_programme().valid_on(as_of).within(within)


def band_summary(*, within: AdministrativeUnit, year: int) -> BandSummary:
    """Communes by band and the average criteria met, over the programme communes of the year.

    A programme commune without an assessment counts as meeting no criteria.
    """
    communes = programme_communes(within=within, year=year)
    met_by_unit = dict(assessments_with_met_counts(units=communes, year=year).values_list("unit_id", "met"))
    return summarise(met_by_unit.get(unit_id, 0) for unit_id in communes.values_list("pk", flat=True))
