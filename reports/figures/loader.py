"""Reads a report's figures through the apps' selectors into `reports.figures.data`. Nothing here queries
the database itself: every read is a selector's, shared with the pages."""

import datetime
from collections import Counter
from decimal import Decimal

from communes.models import AdministrativeUnit
from communes.selectors import current_boundaries, unit_names_within
from criteria import selectors
from criteria.bands import ALL_MET
from criteria.models import CriteriaSet, Tier
from criteria.selectors import ResultsGrid, YearResults, holds, tiers_of_year
from funding.selectors import Period, funding_kinds, funding_summary
from ntm_portal.numbers import half_up
from reports.figures.data import (
    BandFigures,
    CriterionFigures,
    DistrictFigures,
    EvidenceFigures,
    LostCriteria,
    MapCommune,
    MapFigures,
    MatrixColumn,
    MatrixFigures,
    MatrixGroup,
    MatrixRow,
    PlanFigures,
    ReportFigures,
    SetRef,
    SetSegment,
    TierFigures,
    UnitRef,
    YearFigures,
    YearSummary,
    average,
    percent,
)

# Years of actual results (TH) shown beside the report year in Biểu 03, as seed 001 shows 2015 and 2018.
EARLIER_YEARS = 2


def report_figures(*, unit: AdministrativeUnit, year: int, start: int | None = None, appendix: bool = False):
    """The figures of `unit` for `year` (an annual report) or for `start`-`year` (a phase report).

    `appendix`: also what only the Excel appendices print (Biểu 01's matrix, earlier years for Biểu 03).
    """
    start = year if start is None else start
    now = selectors.year_results(within=unit, year=year)
    previous = selectors.year_results(within=unit, year=start - 1)
    comparable = _comparable(now, previous)
    commune_ids = [commune.unit_id for commune in now.communes]
    summary = _year_summary(unit, now, start=start, previous=previous if comparable else None)
    period = Period(start, year)
    history = selectors.results_history(unit=unit, year=year)
    return ReportFigures(
        **{field: getattr(summary, field) for field in YearSummary.__dataclass_fields__},
        unit=unit_ref(unit),
        start=start,
        criteria_set=set_ref(now.criteria_set, criteria=len(now.criteria)),
        previous_year=start - 1,
        previous_communes=len(previous.communes),
        previous_criteria_met_total=previous.summary.criteria_met_total if comparable else None,
        previous_set=set_ref(previous.criteria_set, criteria=len(previous.criteria)),
        planned_average=selectors.planned_average(unit=unit, year=year),
        districts=_districts(unit, now, previous if comparable else None),
        lost=tuple(
            LostCriteria(name, district, tuple(numbers))
            for name, district, numbers in selectors.lost_criteria(
                commune_ids=commune_ids, year=year, criteria_set=now.criteria_set
            )
        ),
        history=_history(history),
        funding=funding_summary(unit=unit, period=period),
        funding_kinds=funding_kinds(unit=unit, period=period),
        evidence=_evidence(now, commune_ids),
        plan=plan_figures(unit=unit, year=year + 1, held_in=year),
        matrix=matrix_figures(selectors.grid_of(now)) if appendix else None,
        earlier=_earlier(unit, start=start, year=year) if appendix else (),
        segments=_segments(history, start=start),
        map=_map(now),
        met_all_recognised=sum(
            1 for commune in now.communes if now.criteria and commune.met == len(now.criteria) and commune.tier
        ),
        unit_names=unit_names_within(unit, on=datetime.date(year, 1, 1)),
        assessed=now.assessed,
    )


def unit_ref(unit: AdministrativeUnit) -> UnitRef:
    return UnitRef(id=unit.pk, code=unit.code, name=unit.name, level=unit.level)


def set_ref(criteria_set: CriteriaSet | None, *, criteria: int) -> SetRef | None:
    if criteria_set is None:
        return None
    return SetRef(
        code=criteria_set.code,
        name=criteria_set.name,
        decision_number=criteria_set.decision_number,
        decision_citation=criteria_set.decision_citation,
        criteria=criteria,
    )


def _comparable(now: YearResults, previous: YearResults) -> bool:
    """A previous year is compared only when it has results on a set of as many criteria, numbered alike
    (QĐ 1980 and QĐ 318: 19 each); a year on 19 criteria says nothing of a change in 10."""
    return bool(previous.assessed) and previous.numbers == now.numbers and bool(now.criteria)


def _year_summary(unit, results: YearResults, *, start: int, previous: YearResults | None) -> YearSummary:
    communes = len(results.communes)
    distribution = Counter(commune.met for commune in results.communes)
    summary = results.summary
    before = dict(zip(previous.numbers, previous.met_per_criterion, strict=True)) if previous else None
    criteria = []
    for criterion, met in zip(results.criteria, results.met_per_criterion, strict=True):
        previous_met = None if before is None else before.get(criterion.number, 0)
        criteria.append(
            CriterionFigures(
                number=criterion.number,
                name=criterion.name,
                group=criterion.group,
                met=met,
                share=percent(met, communes),
                previous_met=previous_met,
                change_points=None if previous_met is None else percent(met - previous_met, communes),
            )
        )
    extras = set(results.bands.extras)
    return YearSummary(
        year=results.year,
        communes=communes,
        criteria_met_total=summary.criteria_met_total,
        distribution={count: distribution.get(count, 0) for count in range(len(results.criteria), -1, -1)},
        criteria=tuple(criteria),
        bands=tuple(
            BandFigures(
                key=band.key,
                label=band.label,
                low=band.low,
                high=band.high,
                communes=summary.by_band[band.key],
                share=percent(summary.by_band[band.key], summary.communes),
                extra=band in extras,
            )
            for band in results.bands.all_bands
        ),
        tiers=_tiers(unit, results, start=start),
    )


def _tiers(unit: AdministrativeUnit, results: YearResults, *, start: int) -> tuple[TierFigures, ...]:
    ids = [commune.unit_id for commune in results.communes]
    recognitions = selectors.period_recognitions(unit=unit, commune_ids=ids, start=start, year=results.year)
    labels = {tier: str(label) for tier, label in Tier.choices}
    figures = []
    for tier in tiers_of_year(results.year):  # 2016-2025: NTM, nâng cao, kiểu mẫu; from 2026: NTM, hiện đại
        holding = {unit_id for unit_id, held_tier in recognitions.held if holds(held_tier, tier)}
        planned = [(unit_id, name) for planned_tier, unit_id, name in recognitions.planned if planned_tier == tier]
        figures.append(
            TierFigures(
                tier=tier,
                label=labels[tier],
                held=len(holding),
                share=percent(len(holding), len(ids)),
                new=tuple(name for new_tier, name in recognitions.new if new_tier == tier),
                planned=tuple(name for _unit_id, name in planned),
                missed=tuple(name for unit_id, name in planned if (tier, unit_id) not in recognitions.reached),
            )
        )
    return tuple(figures)


def _districts(unit, now: YearResults, previous: YearResults | None) -> tuple[DistrictFigures, ...]:
    """Per district of a province (the map of the year), highest average first; none on the two-tier map."""
    if unit.level != AdministrativeUnit.Level.PROVINCE:
        return ()
    by_district: dict[str, list] = {}
    for commune in now.communes:
        if commune.district_id is not None:
            by_district.setdefault(commune.district_name, []).append(commune)
    previous_by_district: dict[str, list[int]] = {}
    for commune in previous.communes if previous else ():
        if commune.district_id is not None:
            previous_by_district.setdefault(commune.district_name, []).append(commune.met)
    figures = []
    for name, members in by_district.items():
        before = previous_by_district.get(name)
        figures.append(
            DistrictFigures(
                name=name,
                communes=len(members),
                average=average(sum(commune.met for commune in members), len(members)),
                previous_average=average(sum(before), len(before)) if before else None,
                recognised=sum(1 for commune in members if commune.tier),
            )
        )
    return tuple(sorted(figures, key=lambda district: (-district.average, district.name)))


def _history(history: tuple[selectors.YearHistory, ...]) -> tuple[YearFigures, ...]:
    return tuple(
        YearFigures(
            year=point.year,
            set_code=point.criteria_set.code,
            criteria=point.criteria,
            communes=point.summary.communes,
            average=point.summary.average,
            recognised=point.recognised,
            by_band=dict(point.summary.by_band),
        )
        for point in history
    )


def _segments(history: tuple[selectors.YearHistory, ...], *, start: int) -> tuple[SetSegment, ...]:
    """The period's years with results in runs judged on one set, each with its last year's figures."""
    runs: list[list[selectors.YearHistory]] = []
    for point in (point for point in history if point.year >= start):
        if not runs or runs[-1][-1].criteria_set.pk != point.criteria_set.pk:
            runs.append([])
        runs[-1].append(point)
    return tuple(
        SetSegment(
            criteria_set=set_ref(run[-1].criteria_set, criteria=run[-1].criteria),
            first_year=run[0].year,
            last_year=run[-1].year,
            communes=run[-1].summary.communes,
            criteria_met_total=run[-1].summary.criteria_met_total,
            met_all=run[-1].summary.by_band.get(ALL_MET, 0),
            recognised=run[-1].recognised,
        )
        for run in runs
    )


def _map(results: YearResults) -> MapFigures | None:
    """The year's communes on the map, each with the count the report prints; None when none has a boundary."""
    outlines = current_boundaries(commune.unit_id for commune in results.communes)
    if not outlines:
        return None
    return MapFigures(
        communes=tuple(
            MapCommune(
                unit_id=commune.unit_id,
                name=commune.name,
                met=commune.met,
                rings=tuple(
                    tuple((Decimal(str(lon)), Decimal(str(lat))) for lon, lat in ring)
                    for polygon in outlines[commune.unit_id]["coordinates"]
                    for ring in polygon
                ),
            )
            for commune in results.communes
            if commune.unit_id in outlines
        ),
        without_boundary=tuple(commune.name for commune in results.communes if commune.unit_id not in outlines),
    )


def _evidence(results: YearResults, commune_ids: list[int]) -> EvidenceFigures:
    counts = selectors.evidence_by_status(unit_ids=commune_ids, year=results.year, criteria_set=results.criteria_set)
    return EvidenceFigures(
        accepted=counts.get("accepted", 0),
        pending=counts.get("pending", 0),
        rejected=counts.get("rejected", 0),
        met_without_evidence=sum(commune.unproven for commune in results.communes),
    )


def _earlier(unit: AdministrativeUnit, *, start: int, year: int) -> tuple[YearSummary, ...]:
    """The years before `year` shown as TH columns: up to two, back to two before the period's start."""
    years = [each for each in range(year - EARLIER_YEARS, year) if each >= start - EARLIER_YEARS]
    return tuple(
        _year_summary(unit, selectors.year_results(within=unit, year=each), start=each, previous=None) for each in years
    )


def plan_figures(*, unit: AdministrativeUnit, year: int, held_in: int) -> PlanFigures | None:
    """The targets of `year` for the unit and its programme communes, over the recognitions held at the end
    of `held_in`; None when the year has no target. A commune holding a higher tier holds the lower ones."""
    communes = selectors.programme_commune_ids(within=unit, year=year)
    targets = selectors.year_targets(unit=unit, commune_ids=communes, year=year)
    if not targets:
        return None
    planned_average = next(
        (count for unit_id, _tier, count, _name in targets if unit_id == unit.pk and count is not None), None
    )
    targeted = [(unit_id, tier) for unit_id, tier, _count, _name in targets if unit_id != unit.pk and tier]
    held = list(selectors.highest_tiers(unit_ids=communes, year=held_in).items())
    holding, new = {}, {}
    for tier in tiers_of_year(year):
        reaching = {unit_id for unit_id, target_tier in [*targeted, *held] if holds(target_tier, tier)}
        holding[tier] = len(reaching)
        new[tier] = sum(1 for _unit_id, target_tier in targeted if target_tier == tier)
    return PlanFigures(
        year=year,
        communes=len(communes),
        average=None if planned_average is None else Decimal(planned_average),
        holding=holding,
        new=new,
        new_names={
            tier: tuple(name for unit_id, target, _count, name in targets if unit_id != unit.pk and target == tier)
            for tier in tiers_of_year(year)
        },
    )


def matrix_figures(grid: ResultsGrid) -> MatrixFigures:
    """Biểu 01 of a grid: the province's, or the whole country's for the national export."""
    return MatrixFigures(
        unit_name=grid.within.name,
        year=grid.year,
        columns=tuple(MatrixColumn(column.number, column.met, column.share) for column in grid.columns),
        groups=tuple(
            MatrixGroup(
                group.district_name,
                tuple(MatrixRow(row.name, row.district_name, row.results, row.met, row.tier) for row in group.rows),
            )
            for group in grid.groups
        ),
        grouped=grid.grouped,
        average=half_up(grid.summary.average) if grid.rows else None,
    )
