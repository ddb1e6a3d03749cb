"""Reads of criteria sets and assessments, shared by pages, imports, exports and reports."""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.bands import BANDS_19, UNDER_10, BandSummary, summarise
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
from criteria.models import (
    SUMMARY_MET,
    SUMMARY_NO_RESULT,
    SUMMARY_NOT_MET,
    Assessment,
    CriteriaSet,
    CriterionResult,
    Evidence,
    Indicator,
    Recognition,
    Tier,
)
from ntm_portal.text import fold


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


def assessments_with_met_counts(*, units: QuerySet[AdministrativeUnit], year: int) -> QuerySet[Assessment]:
    """The year's assessments of these units, each annotated with `met` (criteria met)."""
    return (
        Assessment.objects.filter(unit__in=units, year=year)
        .annotate(met=criteria_met())
        .select_related("unit", "criteria_set")
    )


def criteria_met() -> F:
    """The number of criteria an assessment meets, as an expression on assessments.

    Stored on the assessment with its results (criteria.services.assessment_summaries_refresh), so that a
    national list reads one row per commune instead of nineteen.
    """
    return F("criteria_met")


def programme_communes(*, within: AdministrativeUnit, year: int) -> QuerySet[AdministrativeUnit]:
    """The denominator of every commune figure: the programme communes (xã) as the year began.

    A year is counted on the map in force on 1 January: 2025 on the 139 communes of the three-tier map
    (merged on 1/7/2025), 2026 on the two-tier map.
    """
    return _programme_communes(year).within(within)


def _programme_communes(year: int) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.in_programme().valid_on(datetime.date(year, 1, 1))


def band_summary(*, within: AdministrativeUnit, year: int) -> BandSummary:
    """Communes by band and the average criteria met, over the programme communes of the year.

    A programme commune without an assessment counts as meeting no criteria.
    """
    communes = programme_communes(within=within, year=year)
    met_by_unit = dict(assessments_with_met_counts(units=communes, year=year).values_list("unit_id", "met"))
    return summarise(met_by_unit.get(unit_id, 0) for unit_id in communes.values_list("pk", flat=True))


# ── The results grid and the overview: figures the pages, the Excel appendix and the PDF report share ──

NO_ASSESSMENT = "none"
SUMMARY_VALUES = {SUMMARY_MET: True, SUMMARY_NOT_MET: False, SUMMARY_NO_RESULT: None}
WORKFLOW_STATUSES = (*Assessment.Status.values, NO_ASSESSMENT)
RECOGNISED, NOT_RECOGNISED = "recognised", "not_recognised"
GRID_SORTS = ("district", "name", "met", "-met")
GRID_BANDS = {band.key: band for band in (*BANDS_19, UNDER_10)}
# Highest first: a commune recognised NTM and later NTM nâng cao shows the latter.
TIER_RANK = {Tier.MODEL: 3, Tier.ADVANCED: 2, Tier.NTM: 1}


def percent(part: int, whole: int) -> Decimal | None:
    """Exact share in per cent; None when there is nothing to share."""
    if not whole:
        return None
    return Decimal(part * 100) / Decimal(whole)


def parents_to_roots(*, roots: Iterable[AdministrativeUnit]) -> dict[int, set[int]]:
    """Every unit a commune under these roots can hang from (the roots and the districts under them), with
    the roots it belongs to. One query, none when every root is a district."""
    parents = {root.pk: {root.pk} for root in roots}
    provinces = [root.pk for root in roots if root.level == AdministrativeUnit.Level.PROVINCE]
    if provinces:
        districts = AdministrativeUnit.objects.filter(parent_id__in=provinces, level=AdministrativeUnit.Level.DISTRICT)
        for district_id, province_id in districts.order_by().values_list("pk", "parent_id"):
            parents.setdefault(district_id, set()).add(province_id)
    return parents


def programme_communes_under(*, roots: list[AdministrativeUnit], year: int) -> QuerySet[AdministrativeUnit]:
    """`programme_communes` of several provinces or districts at once.

    Filtered on the parents found first (one query): the join of `UnitQuerySet.within`, or a subquery in
    its place, makes PostgreSQL read the whole map (14,000 units) to find the communes of one province.
    """
    return _programme_communes(year).filter(parent_id__in=list(parents_to_roots(roots=roots)))


def assessment_years(*, roots: list[AdministrativeUnit] | None) -> list[int]:
    """Years with at least one commune assessment under these provinces or districts (None: anywhere),
    latest first."""
    return _assessment_years(None if roots is None else list(parents_to_roots(roots=roots)))


def default_year(years: list[int]) -> int:
    """The year a results page opens on: the latest with assessments, else the current one."""
    return years[0] if years else timezone.localdate().year


def _assessment_years(parent_ids: list[int] | None) -> list[int]:
    assessments = Assessment.objects.filter(criteria_set__assessed_level=CriteriaSet.AssessedLevel.COMMUNE)
    if parent_ids is not None:
        assessments = assessments.filter(unit__parent_id__in=parent_ids)
    # Sorted here: sorting every assessment before DISTINCT costs the database more than hashing them.
    return sorted(assessments.order_by().values_list("year", flat=True).distinct(), reverse=True)


def commune_criteria_sets() -> list[CriteriaSet]:
    """Every set a commune can be assessed against (a handful of rows: one query serves every picker)."""
    return list(CriteriaSet.objects.filter(assessed_level=CriteriaSet.AssessedLevel.COMMUNE).order_by("tier", "code"))


def covered_years(sets: list[CriteriaSet]) -> list[int]:
    """The years up to this one that some of these sets cover: what a results page may open on."""
    this_year = timezone.localdate().year
    return sorted(
        {year for s in sets for year in range(s.period_start, min(s.period_end, this_year) + 1)}, reverse=True
    )


def chosen_criteria_set(*, sets: list[CriteriaSet], code: str, province: AdministrativeUnit) -> CriteriaSet | None:
    """The set asked for among the year's commune sets, else the NTM set in force for the province."""
    asked = next((criteria_set for criteria_set in sets if criteria_set.code == code), None)
    return asked or set_in_force([s for s in sets if s.tier == Tier.NTM], province=province)


@dataclass(frozen=True)
class GridFilters:
    """Narrowing of the grid; empty strings and None mean "all"."""

    district: int | None = None
    band: str = ""
    tier: str = ""
    status: str = ""
    query: str = ""
    sort: str = "district"

    @property
    def active(self) -> bool:
        return bool(self.district or self.band or self.tier or self.status or self.query)


@dataclass(frozen=True)
class GridColumn:
    number: int
    name: str
    met: int
    share: Decimal | None


class GridRow(NamedTuple):  # a named tuple: built 10,000 times for a national export, it must be cheap
    unit_id: int
    name: str
    search_name: str
    code: str
    district_id: int | None
    district_name: str
    district_code: str
    results: tuple[bool | None, ...]  # per column: met, not met, None = no data
    met: int
    status: str  # an Assessment.Status or NO_ASSESSMENT
    tier: str  # the highest tier recognised as of the year, "" when none
    evidence: int  # accepted evidence
    unproven: int  # criteria marked met without accepted evidence


@dataclass(frozen=True)
class GridGroup:
    district_id: int | None
    district_name: str
    rows: list[GridRow]


@dataclass(frozen=True)
class ResultsGrid:
    within: AdministrativeUnit
    year: int
    years: list[int]  # the years some commune set covers, up to this one, and the year shown; latest first
    criteria_set: CriteriaSet | None
    sets: list[CriteriaSet]  # every commune set of the year, for the set picker
    columns: list[GridColumn]
    rows: list[GridRow]  # filtered and sorted
    groups: list[GridGroup]  # the rows by district when grouping applies, else one group
    grouped: bool
    districts: list[tuple[int, str]]  # every district of the unfiltered grid, for the filter
    communes: int  # programme communes before filtering
    assessed: int  # of which with an assessment against the set
    summary: BandSummary  # over the filtered rows


_GRID_UNIT_FIELDS = ("pk", "name", "search_name", "code", "parent_id", "parent__name", "parent__level", "parent__code")


def results_grid(
    *,
    within: AdministrativeUnit,
    year: int | None = None,
    set_code: str = "",
    filters: GridFilters | None = None,
) -> ResultsGrid:
    """Programme communes × the criteria of a set for a year, with the per-criterion and band figures.

    `within` is a province or district. Without a year: the latest with assessments under it, else the
    current one. Without a known set code: the NTM set in force for its province. Six queries whatever
    the number of communes (a seventh without a year). Unfiltered, the bands equal `band_summary`: a
    commune without an assessment counts as meeting no criteria.
    """
    filters = filters or GridFilters()
    parent_ids = list(parents_to_roots(roots=[within]))
    all_sets = commune_criteria_sets()
    year = year or default_year(_assessment_years(parent_ids))
    sets = [criteria_set for criteria_set in all_sets if criteria_set.covers(year)]
    criteria_set = chosen_criteria_set(sets=sets, code=set_code, province=within.province())
    communes = _programme_communes(year).filter(parent_id__in=parent_ids).order_by()  # programme_communes_under
    criteria = (
        list(criteria_set.criteria.order_by("number").values_list("pk", "number", "name")) if criteria_set else []
    )
    # Three plain queries rather than one with a correlated subquery per column, which Django took longer
    # to write than the database to run; by the communes' ids, which the database finds by index.
    units = list(communes.values_list(*_GRID_UNIT_FIELDS, named=True))
    unit_ids = [unit.pk for unit in units]
    assessments = {
        row[0]: row
        for row in Assessment.objects.filter(unit_id__in=unit_ids, year=year, criteria_set=criteria_set)
        .order_by()
        .values_list("unit_id", "results_summary", "status", "evidence_summary", "evidence_accepted")
    }
    tiers: dict[int, str] = {}
    for unit_id, tier in recognitions_held(year=year).filter(unit_id__in=unit_ids).values_list("unit", "tier"):
        tiers.setdefault(unit_id, tier)  # the highest tier comes first
    no_assessment = (None, "", NO_ASSESSMENT, "", 0)
    rows = []
    for unit in units:
        _unit_id, summary, status, evidence, accepted = assessments.get(unit.pk, no_assessment)
        results = summary_results(summary, len(criteria))
        in_district = unit.parent__level == AdministrativeUnit.Level.DISTRICT
        rows.append(
            GridRow(
                unit_id=unit.pk,
                name=unit.name,
                search_name=unit.search_name,
                code=unit.code,
                district_id=unit.parent_id if in_district else None,
                district_name=unit.parent__name if in_district else "",
                district_code=unit.parent__code if in_district else "",
                results=results,
                met=results.count(True),
                status=status,
                tier=tiers.get(unit.pk, ""),
                evidence=accepted or 0,
                unproven=unproven_count(results, evidence or ""),
            )
        )

    districts = sorted({(row.district_code, row.district_id, row.district_name) for row in rows if row.district_id})
    shown = _sorted_rows([row for row in rows if _row_matches(row, filters)], filters.sort)
    grouped = filters.sort == "district" and within.level == AdministrativeUnit.Level.PROVINCE and bool(districts)
    return ResultsGrid(
        within=within,
        year=year,
        years=sorted({*covered_years(all_sets), year}, reverse=True),
        criteria_set=criteria_set,
        sets=sets,
        columns=[
            GridColumn(number=number, name=name, met=met, share=percent(met, len(shown)))
            for (_pk, number, name), met in zip(
                criteria, met_per_criterion([row.results for row in shown], len(criteria)), strict=True
            )
        ],
        rows=shown,
        groups=_group_by_district(shown) if grouped else [GridGroup(None, "", shown)],
        grouped=grouped,
        districts=[(district_id, name) for _code, district_id, name in districts],
        communes=len(rows),
        assessed=sum(1 for row in rows if row.status != NO_ASSESSMENT),
        summary=summarise(row.met for row in shown),
    )


class EvidenceTally(NamedTuple):
    accepted: int
    total: int


def evidence_tallies(*, assessment: Assessment | None) -> dict[int | None, EvidenceTally]:
    """Visible evidence of an assessment per criterion number (None: not tied to a criterion). One query."""
    if assessment is None:
        return {}
    tallies: dict[int | None, list[int]] = {}
    rows = (
        Evidence.objects.visible().filter(assessment=assessment).order_by().values_list("criterion__number", "status")
    )
    for number, status in rows:
        counts = tallies.setdefault(number, [0, 0])
        counts[0] += status == Evidence.Status.ACCEPTED
        counts[1] += 1
    return {number: EvidenceTally(*counts) for number, counts in tallies.items()}


def unproven_count(results: Iterable[bool | None], evidence_summary: str) -> int:
    """Criteria marked met without accepted evidence (`evidence_summary`: "1" per criterion that has some)."""
    proven = evidence_summary.ljust(len(results := tuple(results)), "0")
    return sum(1 for is_met, has_evidence in zip(results, proven, strict=False) if is_met and has_evidence != "1")


def recognitions_held(*, year: int) -> QuerySet[Recognition]:
    """Recognitions held during the year (recognised for it or before, not withdrawn by its end), highest
    tier first."""
    rank = Case(*(When(tier=tier, then=Value(rank)) for tier, rank in TIER_RANK.items()), default=Value(0))
    return (
        Recognition.objects.filter(year__lte=year)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=datetime.date(year, 12, 31)))
        .order_by(rank.desc(), "-year")
    )


def _row_matches(row: GridRow, filters: GridFilters) -> bool:
    if filters.district and row.district_id != filters.district:
        return False
    if filters.band in GRID_BANDS and not GRID_BANDS[filters.band].contains(row.met):
        return False
    if filters.tier in (RECOGNISED, NOT_RECOGNISED) and (filters.tier == RECOGNISED) != bool(row.tier):
        return False
    if filters.status and row.status != filters.status:
        return False
    return not filters.query or fold(filters.query) in row.search_name


def _sorted_rows(rows: list[GridRow], sort: str) -> list[GridRow]:
    if sort == "name":
        return sorted(rows, key=lambda row: (row.search_name, row.code))
    if sort == "met":
        return sorted(rows, key=lambda row: (row.met, row.search_name, row.code))
    if sort == "-met":
        return sorted(rows, key=lambda row: (-row.met, row.search_name, row.code))
    # Districts in the official order of the statistics (the provincial city first), communes by name.
    return sorted(rows, key=lambda row: (row.district_code, row.search_name, row.code))


def summary_results(summary: str, criteria: int) -> tuple[bool | None, ...]:
    """An assessment's stored summary as results, one per criterion in number order (None: no result);
    no assessment (an empty summary) has none."""
    return tuple(SUMMARY_VALUES[symbol] for symbol in summary) if summary else (None,) * criteria


def met_per_criterion(results: list[tuple[bool | None, ...]], criteria: int) -> list[int]:
    """Communes meeting each criterion, in number order: the grid's column totals and the reports' counts."""
    if not results:
        return [0] * criteria
    return [column.count(True) for column in zip(*results, strict=True)]


def _group_by_district(rows: list[GridRow]) -> list[GridGroup]:
    groups: list[GridGroup] = []
    for row in rows:
        if not groups or groups[-1].district_id != row.district_id:
            groups.append(GridGroup(row.district_id, row.district_name, []))
        groups[-1].rows.append(row)
    return groups


@dataclass(frozen=True)
class OverviewRow:
    unit: AdministrativeUnit
    summary: BandSummary
    statuses: dict[str, int]  # assessments by workflow status, and NO_ASSESSMENT for communes without one

    LOWER_BANDS = (*BANDS_19[1:], UNDER_10)

    @property
    def lower_band_counts(self) -> list[int]:
        """Communes in each band below all criteria (15-18 … under 5), then under 10."""
        return [*(self.summary.by_band[band.key] for band in BANDS_19[1:]), self.summary.under_10]

    @property
    def status_counts(self) -> list[int]:
        return [self.statuses[status] for status in WORKFLOW_STATUSES]

    @property
    def met_all(self) -> int:
        return self.summary.by_band[BANDS_19[0].key]

    @property
    def met_all_share(self) -> Decimal | None:
        return percent(self.met_all, self.summary.communes)


# Beyond this many parents, matching every unit against the list costs PostgreSQL more than reading all the
# programme communes of the year and leaving aside those of other provinces (the national overview: 63
# provinces, 700 districts). The figures are the same either way.
LONG_PARENT_LIST = 200


def results_overview(*, roots: list[AdministrativeUnit], year: int) -> list[OverviewRow]:
    """One row per unit (province or district) on the map of 1 January: the figures of `band_summary`.

    Three queries for the whole country, whatever the number of units, and only the assessments travel:
    communes without one are counted per parent in the database.
    """
    as_of = datetime.date(year, 1, 1)
    roots = [root for root in roots if root.is_valid_on(as_of)]
    parents = parents_to_roots(roots=roots)
    communes = _programme_communes(year).order_by()
    if len(parents) <= LONG_PARENT_LIST:
        communes = communes.filter(parent_id__in=list(parents))  # as programme_communes_under
    # As in band_summary: the year's assessments with their criteria met, a commune without one meets none.
    assessed = {
        unit_id: (parent_id, met, status)
        for unit_id, parent_id, met, status in assessments_with_met_counts(units=communes, year=year)
        .order_by()
        .values_list("unit_id", "unit__parent_id", "met", "status")
    }
    met_by_root: dict[int, list[int]] = {root.pk: [] for root in roots}
    statuses_by_root: dict[int, list[str]] = {root.pk: [] for root in roots}
    for parent_id, met, status in assessed.values():
        for root_id in parents.get(parent_id, ()):
            met_by_root[root_id].append(met)
            statuses_by_root[root_id].append(status)
    communes_by_root: Counter[int] = Counter()
    for parent_id, count in communes.values("parent_id").annotate(count=Count("pk")).values_list("parent_id", "count"):
        for root_id in parents.get(parent_id, ()):
            communes_by_root[root_id] += count

    rows = []
    for root in roots:
        met = met_by_root[root.pk]
        statuses = Counter(statuses_by_root[root.pk])
        statuses[NO_ASSESSMENT] = communes_by_root[root.pk] - len(met)
        rows.append(
            OverviewRow(
                unit=root,
                summary=summarise(met + [0] * statuses[NO_ASSESSMENT]),
                statuses={status: statuses[status] for status in WORKFLOW_STATUSES},
            )
        )
    return rows


@dataclass(frozen=True)
class BandLine:
    key: str
    label: str
    communes: int
    share: Decimal | None


def band_lines(summary: BandSummary) -> list[BandLine]:
    """The band table of the reports: 19, 15-18, 10-14, 5-9, under 5, then under 10, with shares."""
    lines = [
        BandLine(band.key, band.label, summary.by_band[band.key], percent(summary.by_band[band.key], summary.communes))
        for band in BANDS_19
    ]
    lines.append(BandLine(UNDER_10.key, UNDER_10.label, summary.under_10, percent(summary.under_10, summary.communes)))
    return lines
