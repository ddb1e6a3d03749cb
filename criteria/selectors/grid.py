"""The results grid: a year's results (`year_results`) filtered, sorted and grouped as the page shows them."""

from dataclasses import dataclass, replace
from decimal import Decimal

from communes.models import AdministrativeUnit
from criteria.bands import BandScheme, BandSummary, summarise
from criteria.models import Assessment, CriteriaSet
from criteria.selectors.communes import default_year
from criteria.selectors.evidence import communes_with_evidence
from criteria.selectors.results import (
    NO_ASSESSMENT,
    CommuneResult,
    YearResults,
    met_per_criterion,
    percent,
    year_results,
)
from criteria.selectors.sets import commune_criteria_sets, covered_years
from ntm_portal.text import fold

WORKFLOW_STATUSES = (*Assessment.Status.values, NO_ASSESSMENT)
RECOGNISED, NOT_RECOGNISED = "recognised", "not_recognised"
GRID_SORTS = ("district", "name", "met", "-met")

GridRow = CommuneResult


@dataclass(frozen=True)
class GridFilters:
    """Narrowing of the grid; empty strings and None mean "all". A band key the set lacks is ignored."""

    district: int | None = None
    band: str = ""
    tier: str = ""
    status: str = ""
    query: str = ""
    sort: str = "district"
    evidence: str = ""  # an Evidence status: the communes with evidence of the year in it
    units: frozenset[int] | None = None  # only these communes (None: all); what `evidence` comes to

    @property
    def active(self) -> bool:
        return bool(self.district or self.band or self.tier or self.status or self.query or self.evidence)


@dataclass(frozen=True)
class GridColumn:
    number: int
    name: str
    met: int
    share: Decimal | None


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
    bands: BandScheme  # the set's report bands
    columns: list[GridColumn]
    rows: list[GridRow]  # filtered and sorted
    groups: list[GridGroup]  # the rows by district when grouping applies, else one group
    grouped: bool
    districts: list[tuple[int, str]]  # every district of the unfiltered grid, for the filter
    communes: int  # programme communes before filtering
    assessed: int  # of which with an assessment against the set
    summary: BandSummary  # over the filtered rows


def results_grid(
    *,
    within: AdministrativeUnit,
    year: int | None = None,
    set_code: str = "",
    filters: GridFilters | None = None,
) -> ResultsGrid:
    """Programme communes × the criteria of a set for a year, with the per-criterion and band figures.

    `within` is a province or district. Without a year: `default_year`. Without a known set code: the NTM set
    in force for its province. Unfiltered, the figures are those of `year_results`.
    """
    all_sets = commune_criteria_sets()
    year = year or default_year()
    results = year_results(within=within, year=year, set_code=set_code, sets=all_sets)
    if filters is not None and filters.evidence:
        unit_ids = [commune.unit_id for commune in results.communes]
        units = communes_with_evidence(unit_ids=unit_ids, year=year, status=filters.evidence)
        filters = replace(filters, units=units)
    return grid_of(results, filters=filters, sets=all_sets)


def grid_of(results: YearResults, *, filters: GridFilters | None = None, sets: list[CriteriaSet] | None = None):
    """The grid of a year's results (`sets`: every commune set, for the year and set pickers)."""
    filters = filters or GridFilters()
    all_sets = commune_criteria_sets() if sets is None else sets
    within, year = results.within, results.year
    rows = list(results.communes)
    districts = sorted({(row.district_code, row.district_id, row.district_name) for row in rows if row.district_id})
    shown = _sorted_rows([row for row in rows if _row_matches(row, filters, results.bands)], filters.sort)
    grouped = filters.sort == "district" and within.level == AdministrativeUnit.Level.PROVINCE and bool(districts)
    column_met = met_per_criterion([row.results for row in shown], len(results.criteria))
    return ResultsGrid(
        within=within,
        year=year,
        years=sorted({*covered_years(all_sets), year}, reverse=True),
        criteria_set=results.criteria_set,
        sets=[criteria_set for criteria_set in all_sets if criteria_set.covers(year)],
        bands=results.bands,
        columns=[
            GridColumn(number=criterion.number, name=criterion.name, met=met, share=percent(met, len(shown)))
            for criterion, met in zip(results.criteria, column_met, strict=True)
        ],
        rows=shown,
        groups=_group_by_district(shown) if grouped else [GridGroup(None, "", shown)],
        grouped=grouped,
        districts=[(district_id, name) for _code, district_id, name in districts],
        communes=len(rows),
        assessed=results.assessed,
        summary=results.summary if not filters.active else summarise((row.met for row in shown), results.bands),
    )


def _row_matches(row: GridRow, filters: GridFilters, bands: BandScheme) -> bool:
    if filters.district and row.district_id != filters.district:
        return False
    band = bands.band(filters.band) if filters.band else None
    if band is not None and not band.contains(row.met):
        return False
    if filters.tier in (RECOGNISED, NOT_RECOGNISED) and (filters.tier == RECOGNISED) != bool(row.tier):
        return False
    if filters.status and row.status != filters.status:
        return False
    if filters.units is not None and row.unit_id not in filters.units:
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


def _group_by_district(rows: list[GridRow]) -> list[GridGroup]:
    groups: list[GridGroup] = []
    for row in rows:
        if not groups or groups[-1].district_id != row.district_id:
            groups.append(GridGroup(row.district_id, row.district_name, []))
        groups[-1].rows.append(row)
    return groups


@dataclass(frozen=True)
class BandLine:
    key: str
    label: str
    low: int
    high: int
    communes: int
    share: Decimal | None


def band_lines(summary: BandSummary, bands: BandScheme) -> list[BandLine]:
    """The band table of the grid and the reports: the set's bands, then its extra lines, with shares."""
    return [
        BandLine(
            band.key,
            band.label,
            band.low,
            band.high,
            summary.by_band[band.key],
            percent(summary.by_band[band.key], summary.communes),
        )
        for band in bands.all_bands
    ]
