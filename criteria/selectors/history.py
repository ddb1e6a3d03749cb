"""A unit's results year by year, each year on its own map and against its own set (the charts' data)."""

import datetime
from dataclasses import dataclass

from communes.models import AdministrativeUnit
from criteria.bands import BandSummary, summarise
from criteria.models import Assessment, CriteriaSet, Tier
from criteria.selectors.communes import all_programme_communes
from criteria.selectors.recognitions import recognition_years
from criteria.selectors.sets import set_bands, set_in_force

# The first year a history goes back to: the 2016-2020 programme phase.
HISTORY_FROM = 2016


@dataclass(frozen=True)
class YearHistory:
    year: int
    criteria_set: CriteriaSet
    criteria: int  # the number of the set's criteria
    summary: BandSummary  # over the year's programme communes, in the set's bands
    recognised: int  # communes holding a recognition during the year


def results_history(*, unit: AdministrativeUnit, year: int, since: int = HISTORY_FROM) -> tuple[YearHistory, ...]:
    """The years `since` … `year` with results under the unit. A handful of queries for all the years:
    communes, sets, assessments and recognitions are read once and counted per year here."""
    province = unit.province()
    communes = list(all_programme_communes(unit).values_list("pk", "valid_from", "valid_to"))
    sets = list(
        CriteriaSet.objects.filter(
            assessed_level=CriteriaSet.AssessedLevel.COMMUNE, tier=Tier.NTM, period_start__lte=year,
            period_end__gte=since,
        ).prefetch_related("criteria")
    )  # fmt: skip
    unit_ids = [pk for pk, _from, _to in communes]
    met: dict[tuple[int, int, int], int] = {
        (unit_id, each, set_id): count
        for unit_id, each, set_id, count in Assessment.objects.filter(
            unit_id__in=unit_ids, year__gte=since, year__lte=year
        ).values_list("unit_id", "year", "criteria_set_id", "criteria_met")
    }
    recognitions = recognition_years(unit_ids=unit_ids, year=year)
    history = []
    for each in range(since, year + 1):
        day = datetime.date(each, 1, 1)
        in_force = set_in_force([s for s in sets if s.period_start <= each <= s.period_end], province=province)
        ids = [pk for pk, start, end in communes if (start is None or start <= day) and (end is None or end >= day)]
        if in_force is None or not any((pk, each, in_force.pk) in met for pk in ids):
            continue
        criteria = len(in_force.criteria.all())
        summary = summarise((met.get((pk, each, in_force.pk), 0) for pk in ids), set_bands(in_force, criteria=criteria))
        year_end = datetime.date(each, 12, 31)
        members = set(ids)
        recognised = {
            unit_id
            for unit_id, recognised_for, withdrawn in recognitions
            if unit_id in members and recognised_for <= each and (withdrawn is None or withdrawn > year_end)
        }
        history.append(YearHistory(each, in_force, criteria, summary, len(recognised)))
    return tuple(history)
