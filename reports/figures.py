"""Every figure of a progress report, computed once: the dashboard, the Excel appendix, the PDF and the DOCX
all read a `ReportFigures` built here.

Conventions of the seeds (see shared/reference/report-reproduction.md §0):
- the denominator N is the programme communes (xã) of the unit as the year began; wards and towns are out;
- a commune's criteria are those of the commune NTM set in force for its province that year (a commune
  without an assessment meets none);
- "tăng 10,17%" for a criterion is the change of its share in percentage points:
  (n_k(y) − n_k(y−1)) / N(y) × 100;
- "% of plan" for the average is computed from the displayed (rounded) average, as the seeds print it.
Values are exact (`Decimal`, integers); `reports.numbers` rounds them for display only.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from communes.models import AdministrativeUnit
from criteria.bands import BANDS_19, UNDER_10, summarise
from criteria.models import Assessment, CriteriaSet, CriterionResult, Evidence, Recognition, Target, Tier
from criteria.selectors import (
    criteria_set_in_force,
    met_per_criterion,
    parents_to_roots,
    percent,
    programme_communes,
    programme_communes_under,
    recognitions_held,
    set_in_force,
    summary_results,
    unproven_count,
)
from funding.models import FundingRecord
from funding.selectors import FundingSummary, Period, funding_summary

CENT = Decimal("0.01")
TIERS = (Tier.NTM, Tier.ADVANCED, Tier.MODEL)
# The first year charts go back to: the 2016-2020 programme phase.
HISTORY_FROM = 2016


@dataclass(frozen=True)
class TierFigures:
    """Communes recognised for one tier: held at the end of the period, and new within it."""

    tier: str
    label: str
    held: int
    share: Decimal | None  # of N
    new: tuple[str, ...]  # names of communes newly recognised in the period, in decision order
    planned: tuple[str, ...]  # communes with a target of this tier in the period
    missed: tuple[str, ...]  # planned but not recognised by the end of the period

    @property
    def new_count(self) -> int:
        return len(self.new)

    @property
    def of_plan(self) -> Decimal | None:
        """New recognitions as % of those planned ("bằng 83,33% so với kế hoạch")."""
        return percent(len(self.new), len(self.planned))


@dataclass(frozen=True)
class BandFigures:
    key: str
    label: str  # "19", "15-18", …, "<10"
    communes: int
    share: Decimal | None


@dataclass(frozen=True)
class CriterionFigures:
    number: int
    name: str
    group: str
    met: int
    share: Decimal | None
    previous_met: int | None  # None when the previous year has no results
    change_points: Decimal | None  # percentage points of N(y)


@dataclass(frozen=True)
class DistrictFigures:
    name: str
    communes: int
    average: Decimal
    previous_average: Decimal | None
    recognised: int  # communes holding the NTM tier (or higher)

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_average is None else self.average - self.previous_average


@dataclass(frozen=True)
class LostCriteria:
    """A commune recognised NTM that no longer meets some criteria."""

    name: str
    district: str
    criteria: tuple[int, ...]


@dataclass(frozen=True)
class YearFigures:
    """One year of the history chart."""

    year: int
    communes: int
    average: Decimal
    recognised: int
    by_band: dict[str, int]


@dataclass(frozen=True)
class EvidenceFigures:
    accepted: int
    pending: int
    rejected: int
    met_without_evidence: int  # criteria marked met with no accepted evidence


@dataclass(frozen=True)
class ReportFigures:
    unit: AdministrativeUnit
    start: int
    year: int  # the last year of the period: the "as of" year of every commune figure
    criteria_set: CriteriaSet | None
    communes: int  # N
    criteria_met_total: int
    previous_year: int
    previous_communes: int
    previous_criteria_met_total: int | None  # None when the previous year has no results
    planned_average: Decimal | None
    tiers: tuple[TierFigures, ...]
    bands: tuple[BandFigures, ...]  # 19, 15-18, 10-14, 5-9, <5, then <10
    distribution: dict[int, int]  # communes by exact number of criteria met, 0 … number of criteria
    criteria: tuple[CriterionFigures, ...]
    districts: tuple[DistrictFigures, ...]
    lost: tuple[LostCriteria, ...]
    history: tuple[YearFigures, ...]
    funding: FundingSummary
    funding_kinds: tuple[str, ...]  # kinds with records in the period (plan, allocated, …)
    evidence: EvidenceFigures
    criteria_count: int = field(default=19)

    @property
    def is_period(self) -> bool:
        return self.start != self.year

    @property
    def period(self) -> Period:
        return Period(self.start, self.year)

    @property
    def average(self) -> Decimal:
        return _average(self.criteria_met_total, self.communes)

    @property
    def average_rounded(self) -> Decimal:
        return self.average.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def previous_average(self) -> Decimal | None:
        if self.previous_criteria_met_total is None:
            return None
        return _average(self.previous_criteria_met_total, self.previous_communes)

    @property
    def average_change(self) -> Decimal | None:
        previous = self.previous_average
        return None if previous is None else self.average - previous

    @property
    def average_of_plan(self) -> Decimal | None:
        """The rounded average as % of the planned one (10,62 / 11 → 96,55)."""
        if not self.planned_average:
            return None
        return self.average_rounded * 100 / self.planned_average

    def tier(self, tier: str) -> TierFigures:
        return next(figures for figures in self.tiers if figures.tier == tier)

    def band(self, key: str) -> BandFigures:
        return next(band for band in self.bands if band.key == key)


def report_figures(*, unit: AdministrativeUnit, year: int, start: int | None = None) -> ReportFigures:
    """The figures of `unit` for `year` (an annual report) or for `start`-`year` (a phase report)."""
    start = year if start is None else start
    province = _province_of(unit)
    criteria_set = criteria_set_in_force(year=year, province=province)
    communes = list(_programme_communes(unit, year).select_related("parent"))
    results = _year_results(communes, year=year, criteria_set=criteria_set)
    met = results.met
    criteria_count = len(results.numbers) if criteria_set else 19

    previous_year = start - 1
    previous_set = criteria_set_in_force(year=previous_year, province=province)
    previous_communes = list(_programme_communes(unit, previous_year).select_related("parent"))
    previous = _year_results(previous_communes, year=previous_year, criteria_set=previous_set)
    previous_met, has_previous = previous.met, previous.assessed

    summary = summarise(met.values())
    counts = [(band, summary.by_band[band.key]) for band in BANDS_19] + [(UNDER_10, summary.under_10)]
    bands = tuple(BandFigures(band.key, band.label, count, percent(count, summary.communes)) for band, count in counts)
    distribution = Counter(met.values())

    return ReportFigures(
        unit=unit,
        start=start,
        year=year,
        criteria_set=criteria_set,
        communes=len(communes),
        criteria_met_total=summary.criteria_met_total,
        previous_year=previous_year,
        previous_communes=len(previous_communes),
        previous_criteria_met_total=sum(previous_met.values()) if has_previous else None,
        planned_average=_planned_average(unit, year),
        tiers=_tiers(unit, communes, start=start, year=year),
        bands=bands,
        distribution={count: distribution.get(count, 0) for count in range(criteria_count, -1, -1)},
        criteria=_criteria(communes, results, previous if has_previous else None, criteria_set=criteria_set),
        districts=_districts(unit, communes, met, previous_communes, previous_met if has_previous else None, year),
        lost=_lost(communes, year=year, criteria_set=criteria_set),
        history=_history(unit, province=province, year=year),
        funding=funding_summary(unit=unit, period=Period(start, year)),
        funding_kinds=_funding_kinds(unit, Period(start, year)),
        evidence=_evidence(communes, results, year=year, criteria_set=criteria_set),
        criteria_count=criteria_count,
    )


def _average(total: int, communes: int) -> Decimal:
    return Decimal(total) / Decimal(communes) if communes else Decimal(0)


def _province_of(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    node = unit
    while node is not None and node.level != AdministrativeUnit.Level.PROVINCE:
        node = node.parent
    return node


def _ids(communes: list[AdministrativeUnit]) -> list[int]:
    return [commune.pk for commune in communes]


@dataclass(frozen=True)
class _YearResults:
    """The communes' results of a year against a set, from their assessments' stored summaries."""

    numbers: tuple[int, ...]  # the set's criterion numbers, in the order of the summaries' symbols
    met: dict[int, int]  # criteria met by each programme commune (0 without an assessment), by unit id
    met_by_number: Counter  # communes meeting each criterion
    summaries: tuple[tuple[tuple[bool | None, ...], str], ...]  # (results, evidence summary) of each assessment

    @property
    def assessed(self) -> bool:
        return bool(self.summaries)


def _year_results(communes: list[AdministrativeUnit], *, year: int, criteria_set: CriteriaSet | None) -> _YearResults:
    """One query for the assessments, one for the set's numbers: the summaries are kept with every write."""
    if criteria_set is None:
        return _YearResults((), dict.fromkeys(_ids(communes), 0), Counter(), ())
    numbers = tuple(criteria_set.criteria.order_by("number").values_list("number", flat=True))
    rows = Assessment.objects.filter(unit_id__in=_ids(communes), year=year, criteria_set=criteria_set).values_list(
        "unit_id", "criteria_met", "results_summary", "evidence_summary"
    )
    met, summaries = dict.fromkeys(_ids(communes), 0), []
    for unit_id, criteria_met, summary, evidence in rows:
        met[unit_id] = criteria_met
        summaries.append((summary_results(summary, len(numbers)), evidence))
    counts = met_per_criterion([results for results, _evidence in summaries], len(numbers))
    return _YearResults(numbers, met, Counter(dict(zip(numbers, counts, strict=True))), tuple(summaries))


def _planned_average(unit: AdministrativeUnit, year: int) -> Decimal | None:
    """The planned criteria per commune: a target of the unit itself for the year with a number of criteria."""
    target = Target.objects.filter(unit=unit, year=year, criteria_count__isnull=False).first()
    return Decimal(target.criteria_count) if target else None


def _tiers(unit: AdministrativeUnit, communes: list[AdministrativeUnit], *, start: int, year: int):
    """Four queries for the three tiers: what is held, recognised in the period, planned, and reached."""
    ids = _ids(communes)
    held = list(recognitions_held(year=year).filter(unit_id__in=ids).values_list("unit_id", "tier"))
    new = list(
        Recognition.objects.filter(unit_id__in=ids, tier__in=TIERS, year__gte=start, year__lte=year)
        .order_by("decision_date", "unit__name")
        .values_list("tier", "unit__name")
    )
    planned = list(
        Target.objects.filter(unit_id__in=[*ids, unit.pk], tier__in=TIERS, year__gte=start, year__lte=year)
        .order_by("unit__name")
        .values_list("tier", "unit_id", "unit__name")
    )
    reached = set(
        Recognition.objects.filter(
            unit_id__in={unit_id for _tier, unit_id, _name in planned}, year__lte=year
        ).values_list("tier", "unit_id")
    )
    labels = dict(Tier.choices)
    figures = []
    for rank, tier in enumerate(TIERS):
        # A commune holding a higher tier holds this one too ("đạt chuẩn NTM" counts nâng cao communes).
        holding = {unit_id for unit_id, held_tier in held if held_tier in TIERS[rank:]}
        tier_planned = [(unit_id, name) for planned_tier, unit_id, name in planned if planned_tier == tier]
        figures.append(
            TierFigures(
                tier=tier,
                label=str(labels[tier]),
                held=len(holding),
                share=percent(len(holding), len(communes)),
                new=tuple(name for new_tier, name in new if new_tier == tier),
                planned=tuple(name for _unit_id, name in tier_planned),
                missed=tuple(name for unit_id, name in tier_planned if (tier, unit_id) not in reached),
            )
        )
    return tuple(figures)


def _criteria(communes, results: _YearResults, previous: _YearResults | None, *, criteria_set):
    if criteria_set is None:
        return ()
    now = results.met_by_number
    before = previous.met_by_number if previous is not None else None
    figures = []
    for criterion in criteria_set.criteria.order_by("number"):
        met = now.get(criterion.number, 0)
        previous = None if before is None else before.get(criterion.number, 0)
        figures.append(
            CriterionFigures(
                number=criterion.number,
                name=criterion.name,
                group=criterion.group,
                met=met,
                share=percent(met, len(communes)),
                previous_met=previous,
                change_points=None if previous is None else percent(met - previous, len(communes)),
            )
        )
    return tuple(figures)


def _districts(unit, communes, met, previous_communes, previous_met, year) -> tuple[DistrictFigures, ...]:
    """Per district of a province (the map of the year), highest average first."""
    if unit.level != AdministrativeUnit.Level.PROVINCE:
        return ()
    holding = set(recognitions_held(year=year).filter(unit_id__in=_ids(communes)).values_list("unit_id", flat=True))
    by_district: dict[str, list[AdministrativeUnit]] = {}
    for commune in communes:
        if commune.parent.level == AdministrativeUnit.Level.DISTRICT:
            by_district.setdefault(commune.parent.name, []).append(commune)
    previous_by_district: dict[str, list[int]] = {}
    for commune in previous_communes:
        if previous_met is not None and commune.parent.level == AdministrativeUnit.Level.DISTRICT:
            previous_by_district.setdefault(commune.parent.name, []).append(previous_met[commune.pk])
    figures = []
    for name, members in by_district.items():
        before = previous_by_district.get(name)
        figures.append(
            DistrictFigures(
                name=name,
                communes=len(members),
                average=_average(sum(met[commune.pk] for commune in members), len(members)),
                previous_average=_average(sum(before), len(before)) if before else None,
                recognised=sum(1 for commune in members if commune.pk in holding),
            )
        )
    return tuple(sorted(figures, key=lambda district: (-district.average, district.name)))


def _lost(communes, *, year: int, criteria_set: CriteriaSet | None) -> tuple[LostCriteria, ...]:
    """Communes holding the NTM tier whose results of the year miss some criteria."""
    holding = recognitions_held(year=year).filter(unit_id__in=_ids(communes)).values("unit_id")
    missing = (
        CriterionResult.objects.filter(
            assessment__unit_id__in=holding, assessment__year=year, assessment__criteria_set=criteria_set
        )
        .filter(Q(is_met=False) | Q(is_met__isnull=True))
        .order_by("assessment__unit__parent__name", "assessment__unit__name", "criterion__number")
        .values_list("assessment__unit__name", "assessment__unit__parent__name", "criterion__number")
    )
    lost: dict[tuple[str, str], list[int]] = {}
    for name, district, number in missing:
        lost.setdefault((name, district), []).append(number)
    return tuple(LostCriteria(name, district, tuple(numbers)) for (name, district), numbers in lost.items())


def _programme_communes(unit: AdministrativeUnit, year: int):
    """The denominator's communes; for a province or district through its parents (the cheap query)."""
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return programme_communes(within=unit, year=year)
    return programme_communes_under(roots=[unit], year=year)


def _history(unit: AdministrativeUnit, *, province, year: int) -> tuple[YearFigures, ...]:
    """The years with results up to `year`: communes, average, recognised, bands (the charts' data).

    A handful of queries for all the years together: communes, sets, assessments and recognitions are read
    once and counted per year here.
    """
    years = range(HISTORY_FROM, year + 1)
    communes = list(_all_programme_communes(unit).values_list("pk", "valid_from", "valid_to"))
    sets = list(
        CriteriaSet.objects.filter(
            assessed_level=CriteriaSet.AssessedLevel.COMMUNE, tier=Tier.NTM, period_start__lte=year,
            period_end__gte=HISTORY_FROM,
        )
    )  # fmt: skip
    met: dict[tuple[int, int, int], int] = {
        (unit_id, each, set_id): count
        for unit_id, each, set_id, count in Assessment.objects.filter(
            unit_id__in=[pk for pk, _from, _to in communes], year__gte=HISTORY_FROM, year__lte=year
        ).values_list("unit_id", "year", "criteria_set_id", "criteria_met")
    }
    recognitions = list(
        Recognition.objects.filter(unit_id__in=[pk for pk, _from, _to in communes], year__lte=year).values_list(
            "unit_id", "year", "withdrawn_on"
        )
    )
    history = []
    for each in years:
        day = datetime.date(each, 1, 1)
        in_force = set_in_force([s for s in sets if s.period_start <= each <= s.period_end], province=province)
        ids = [pk for pk, start, end in communes if (start is None or start <= day) and (end is None or end >= day)]
        if in_force is None or not any((pk, each, in_force.pk) in met for pk in ids):
            continue
        summary = summarise(met.get((pk, each, in_force.pk), 0) for pk in ids)
        year_end = datetime.date(each, 12, 31)
        members = set(ids)
        recognised = {
            unit_id
            for unit_id, recognised_for, withdrawn in recognitions
            if unit_id in members and recognised_for <= each and (withdrawn is None or withdrawn > year_end)
        }
        history.append(YearFigures(each, summary.communes, summary.average, len(recognised), dict(summary.by_band)))
    return tuple(history)


def _all_programme_communes(unit: AdministrativeUnit):
    """The programme communes under the unit on any map (the history spans map changes)."""
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return AdministrativeUnit.objects.in_programme().filter(pk=unit.pk)
    parents = list(parents_to_roots(roots=[unit]))
    return AdministrativeUnit.objects.in_programme().filter(parent_id__in=parents)


def _funding_kinds(unit: AdministrativeUnit, period: Period) -> tuple[str, ...]:
    units = AdministrativeUnit.objects.within(unit)
    kinds = set(
        FundingRecord.objects.filter(unit__in=units)
        .within_period(period.start, period.end)
        .values_list("kind", flat=True)
    )
    return tuple(kind for kind in FundingRecord.Kind.values if kind in kinds)


def _evidence(communes, results: _YearResults, *, year: int, criteria_set: CriteriaSet | None) -> EvidenceFigures:
    counts = dict(
        Evidence.objects.filter(
            assessment__unit_id__in=_ids(communes),
            assessment__year=year,
            assessment__criteria_set=criteria_set,
            deleted_at__isnull=True,
        )
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    unproven = sum(unproven_count(marks, evidence) for marks, evidence in results.summaries)
    return EvidenceFigures(
        accepted=counts.get(Evidence.Status.ACCEPTED, 0),
        pending=counts.get(Evidence.Status.PENDING, 0),
        rejected=counts.get(Evidence.Status.REJECTED, 0),
        met_without_evidence=unproven,
    )


# ── The plan of a later year: the "KH" column of the appendix and the direction of the annual report ──


@dataclass(frozen=True)
class PlanFigures:
    """What the targets of a year add up to for a unit: the "KH" column."""

    year: int
    communes: int  # programme communes of the year
    average: Decimal | None  # the unit's own target of criteria per commune
    holding: dict[str, int]  # communes holding each tier (or a higher one) once every target is reached
    new: dict[str, int]  # communes with a target of each tier
    new_names: dict[str, tuple[str, ...]]  # their names, by name


def plan_figures(*, unit: AdministrativeUnit, year: int, held_in: int) -> PlanFigures | None:
    """The targets of `year` for the unit and its programme communes, over the recognitions held at the end
    of `held_in`; None when the year has no target. A commune holding a higher tier holds the lower ones."""
    communes = list(programme_communes(within=unit, year=year).values_list("pk", flat=True))
    of_year = Target.objects.filter(unit_id__in=[*communes, unit.pk], year=year)
    targets = list(of_year.order_by("unit__name").values_list("unit_id", "tier", "criteria_count", "unit__name"))
    if not targets:
        return None
    average = next(
        (count for unit_id, _tier, count, _name in targets if unit_id == unit.pk and count is not None), None
    )
    targeted = [(unit_id, tier) for unit_id, tier, _count, _name in targets if unit_id != unit.pk and tier]
    held = list(recognitions_held(year=held_in).filter(unit_id__in=communes).values_list("unit_id", "tier"))
    holding, new = {}, {}
    for rank, tier in enumerate(TIERS):
        higher = TIERS[rank:]
        reaching = {unit_id for unit_id, target_tier in [*targeted, *held] if target_tier in higher}
        holding[tier] = len(reaching)
        new[tier] = sum(1 for _unit_id, target_tier in targeted if target_tier == tier)
    return PlanFigures(
        year=year,
        communes=len(communes),
        average=None if average is None else Decimal(average),
        holding=holding,
        new=new,
        new_names={
            tier: tuple(name for unit_id, target, _count, name in targets if unit_id != unit.pk and target == tier)
            for tier in TIERS
        },
    )
