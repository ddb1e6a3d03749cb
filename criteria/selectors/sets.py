"""Which criteria set judges a commune-year, and the set as the evaluation engine and the bands see it."""

from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.bands import BandScheme, scheme_for
from criteria.evaluation import CriterionSpec, IndicatorSpec, SetSpec, ThresholdRule
from criteria.models import CriteriaSet, Indicator, Tier


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
    sets = CriteriaSet.objects.filter(assessed_level=level, tier=tier, period_start__lte=year, period_end__gte=year)
    return set_in_force(sets, province=province)


def set_in_force(sets: Iterable[CriteriaSet], *, province: AdministrativeUnit | None) -> CriteriaSet | None:
    """The rule of `criteria_set_in_force`, over the sets of one level and tier that cover the year."""
    latest_first = sorted(sets, key=lambda criteria_set: -criteria_set.period_start)
    if province is not None:
        for criteria_set in latest_first:
            if (
                criteria_set.issuing_level == CriteriaSet.IssuingLevel.PROVINCIAL
                and criteria_set.issuing_unit_id == province.pk
            ):
                return criteria_set
    national = CriteriaSet.IssuingLevel.NATIONAL
    return next((criteria_set for criteria_set in latest_first if criteria_set.issuing_level == national), None)


def set_bands(criteria_set: CriteriaSet, *, criteria: int | None = None) -> BandScheme:
    """The report bands of a set: what it declares, else the default for its number of criteria.

    `criteria`: the number of its criteria when the caller has read them already (saves a query)."""
    if criteria is None:
        criteria = criteria_set.criteria.count()
    return scheme_for(criteria, criteria_set.report_bands)


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


def commune_criteria_sets() -> list[CriteriaSet]:
    """Every set a commune can be assessed against (a handful of rows: one query serves every picker)."""
    return list(CriteriaSet.objects.filter(assessed_level=CriteriaSet.AssessedLevel.COMMUNE).order_by("tier", "code"))


def covered_years(sets: list[CriteriaSet]) -> list[int]:
    """The years up to this one that some of these sets cover: what a results page may open on."""
    this_year = timezone.localdate().year
    return sorted(
        {year for s in sets for year in range(s.period_start, min(s.period_end, this_year) + 1)}, reverse=True
    )


def chosen_criteria_set(
    *, sets: list[CriteriaSet], code: str, province: AdministrativeUnit | None
) -> CriteriaSet | None:
    """The set asked for among the year's commune sets, else the NTM set in force for the province."""
    asked = next((criteria_set for criteria_set in sets if criteria_set.code == code), None)
    return asked or set_in_force([s for s in sets if s.tier == Tier.NTM], province=province)
