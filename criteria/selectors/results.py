"""The one reader of a year's results: every page, export and report that counts communes reads it.

For a unit (province, old district, or a commune) and a year it gives the communes in the programme (the
denominator, `programme_communes`), each commune's results against the set in force (from the summaries
stored with every write), the criteria each meets, the per-criterion counts, the set's bands and the
average. A programme commune without an assessment meets no criteria.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from communes.models import AdministrativeUnit
from criteria.bands import BandScheme, BandSummary, default_scheme, summarise
from criteria.models import SUMMARY_MET, SUMMARY_NO_RESULT, SUMMARY_NOT_MET, Assessment, CriteriaSet
from criteria.selectors.communes import programme_communes
from criteria.selectors.evidence import unproven_count
from criteria.selectors.recognitions import highest_tiers
from criteria.selectors.sets import chosen_criteria_set, commune_criteria_sets, set_bands

NO_ASSESSMENT = "none"
# A year no set covers has nothing to count; its (empty) bands are the seeds'.
NO_SET_BANDS = default_scheme(19)
SUMMARY_VALUES = {SUMMARY_MET: True, SUMMARY_NOT_MET: False, SUMMARY_NO_RESULT: None}


def percent(part: int, whole: int) -> Decimal | None:
    """Exact share in per cent; None when there is nothing to share."""
    if not whole:
        return None
    return Decimal(part * 100) / Decimal(whole)


def summary_results(summary: str, criteria: int) -> tuple[bool | None, ...]:
    """An assessment's stored summary as results, one per criterion in number order (None: no result);
    no assessment (an empty summary) has none."""
    return tuple(SUMMARY_VALUES[symbol] for symbol in summary) if summary else (None,) * criteria


def met_per_criterion(results: list[tuple[bool | None, ...]], criteria: int) -> list[int]:
    """Communes meeting each criterion, in number order: the grid's column totals and the reports' counts."""
    if not results:
        return [0] * criteria
    return [column.count(True) for column in zip(*results, strict=True)]


class CriterionRef(NamedTuple):
    pk: int
    number: int
    name: str
    group: str


class CommuneResult(NamedTuple):  # a named tuple: built 10,000 times for a national export, it must be cheap
    unit_id: int
    name: str
    search_name: str
    code: str
    district_id: int | None
    district_name: str
    district_code: str
    results: tuple[bool | None, ...]  # per criterion of the set, in number order: met, not met, None = no data
    met: int
    status: str  # an Assessment.Status or NO_ASSESSMENT
    tier: str  # the highest tier recognised as of the year, "" when none
    evidence: int  # accepted evidence
    unproven: int  # criteria marked met without accepted evidence


@dataclass(frozen=True)
class YearResults:
    within: AdministrativeUnit
    year: int
    criteria_set: CriteriaSet | None
    criteria: tuple[CriterionRef, ...]  # the set's criteria in number order
    bands: BandScheme
    communes: tuple[CommuneResult, ...]  # the denominator: every programme commune of the year

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(criterion.number for criterion in self.criteria)

    @property
    def assessed(self) -> int:
        return sum(1 for commune in self.communes if commune.status != NO_ASSESSMENT)

    @cached_property
    def met_per_criterion(self) -> tuple[int, ...]:
        assessed = [commune.results for commune in self.communes if commune.status != NO_ASSESSMENT]
        return tuple(met_per_criterion(assessed, len(self.criteria)))

    @cached_property
    def summary(self) -> BandSummary:
        return summarise((commune.met for commune in self.communes), self.bands)

    def met_of(self, unit_id: int) -> int:
        return next((commune.met for commune in self.communes if commune.unit_id == unit_id), 0)


_UNIT_FIELDS = ("pk", "name", "search_name", "code", "parent_id", "parent__name", "parent__level", "parent__code")


def year_results(
    *,
    within: AdministrativeUnit,
    year: int,
    criteria_set: CriteriaSet | None = None,
    set_code: str = "",
    sets: list[CriteriaSet] | None = None,
) -> YearResults:
    """The year's results of the programme communes under `within` (or of `within`, a commune).

    The set: `criteria_set` if given, else the one `set_code` names among the year's commune sets
    (`sets`, when the caller has read them), else the NTM set in force for the unit's province. Six
    queries whatever the number of communes.
    """
    if criteria_set is None:
        sets = [each for each in (commune_criteria_sets() if sets is None else sets) if each.covers(year)]
        criteria_set = chosen_criteria_set(sets=sets, code=set_code, province=within.province())
    criteria = (
        tuple(
            CriterionRef(*row)
            for row in criteria_set.criteria.order_by("number").values_list("pk", "number", "name", "group")
        )
        if criteria_set
        else ()
    )
    bands = set_bands(criteria_set, criteria=len(criteria)) if criteria_set else NO_SET_BANDS
    return YearResults(
        within=within,
        year=year,
        criteria_set=criteria_set,
        criteria=criteria,
        bands=bands,
        communes=tuple(_commune_results(programme_communes(within=within, year=year), year, criteria_set, criteria)),
    )


def _commune_results(communes, year: int, criteria_set: CriteriaSet | None, criteria) -> Iterable[CommuneResult]:
    # Three plain queries rather than one with a correlated subquery per column, which Django took longer
    # to write than the database to run; by the communes' ids, which the database finds by index.
    units = list(communes.order_by().values_list(*_UNIT_FIELDS, named=True))
    unit_ids = [unit.pk for unit in units]
    assessments = {
        row[0]: row
        for row in Assessment.objects.filter(unit_id__in=unit_ids, year=year, criteria_set=criteria_set)
        .order_by()
        .values_list("unit_id", "results_summary", "status", "evidence_summary", "evidence_accepted")
    }
    tiers = highest_tiers(unit_ids=unit_ids, year=year)
    no_assessment = (None, "", NO_ASSESSMENT, "", 0)
    for unit in units:
        _unit_id, summary, status, evidence, accepted = assessments.get(unit.pk, no_assessment)
        results = summary_results(summary, len(criteria))
        in_district = unit.parent__level == AdministrativeUnit.Level.DISTRICT
        yield CommuneResult(
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


def band_summary(*, within: AdministrativeUnit, year: int) -> BandSummary:
    """Communes by band and the average criteria met, over the programme communes of the year."""
    return year_results(within=within, year=year).summary
