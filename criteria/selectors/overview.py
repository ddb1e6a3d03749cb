"""The overview of provinces (or of a province's districts): a year's band figures per unit."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from communes.models import AdministrativeUnit
from criteria.bands import BandScheme, BandSummary, summarise
from criteria.models import Assessment
from criteria.selectors.communes import parents_to_roots, programme_communes_on
from criteria.selectors.grid import WORKFLOW_STATUSES
from criteria.selectors.results import NO_ASSESSMENT, NO_SET_BANDS, percent
from criteria.selectors.sets import criteria_set_in_force, set_bands


@dataclass(frozen=True)
class OverviewRow:
    unit: AdministrativeUnit
    summary: BandSummary
    bands: BandScheme
    statuses: dict[str, int]  # assessments by workflow status, and NO_ASSESSMENT for communes without one

    @property
    def lower_band_counts(self) -> list[int]:
        """Communes in each band below all criteria, then the extra lines ("under 10")."""
        return [self.summary.by_band[band.key] for band in self.bands.lower]

    @property
    def status_counts(self) -> list[int]:
        return [self.statuses[status] for status in WORKFLOW_STATUSES]

    @property
    def met_all(self) -> int:
        return self.summary.by_band[self.bands.top.key]

    @property
    def met_all_share(self) -> Decimal | None:
        return percent(self.met_all, self.summary.communes)


# Beyond this many parents, matching every unit against the list costs PostgreSQL more than reading all the
# programme communes of the year and leaving aside those of other provinces (the national overview: 63
# provinces, 700 districts). The figures are the same either way.
LONG_PARENT_LIST = 200


def overview_bands(year: int) -> BandScheme:
    """The bands the overview counts a year in: those of the national NTM set in force."""
    national = criteria_set_in_force(year=year)
    return set_bands(national) if national else NO_SET_BANDS


def results_overview(*, roots: list[AdministrativeUnit], year: int) -> list[OverviewRow]:
    """One row per unit (province or district) on the map of 1 January: the figures of `year_results`.

    A few queries for the whole country, whatever the number of units, and only the assessments travel:
    communes without one are counted per parent in the database.
    """
    as_of = datetime.date(year, 1, 1)
    roots = [root for root in roots if root.is_valid_on(as_of)]
    parents = parents_to_roots(roots=roots)
    bands = overview_bands(year)
    communes = programme_communes_on(year).order_by()
    if len(parents) <= LONG_PARENT_LIST:
        communes = communes.filter(parent_id__in=list(parents))  # as programme_communes_under
    # As in year_results: the year's assessments with their criteria met, a commune without one meets none.
    assessed = {
        unit_id: (parent_id, met, status)
        for unit_id, parent_id, met, status in Assessment.objects.filter(unit__in=communes, year=year)
        .order_by()
        .values_list("unit_id", "unit__parent_id", "criteria_met", "status")
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
                summary=summarise(met + [0] * statuses[NO_ASSESSMENT], bands),
                bands=bands,
                statuses={status: statuses[status] for status in WORKFLOW_STATUSES},
            )
        )
    return rows
