"""The targets of a year as the targets page shows and edits them: the communes planned for each tier and the
average number of criteria per commune aimed at (the reports read the same rows through recognitions.py)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from communes.models import AdministrativeUnit
from criteria.models import Target
from criteria.selectors.communes import programme_communes
from criteria.selectors.recognitions import tiers_of_year
from criteria.selectors.sets import criteria_set_in_force
from ntm_portal.models import ChangeRecord


@dataclass(frozen=True)
class YearTargets:
    average: Decimal | None  # criteria per commune (16,44); None: no average is aimed at
    communes: dict[str, frozenset[int]] = field(default_factory=dict)  # tier → ids of the communes planned
    source_decision: str = ""


def commune_targets(*, unit: AdministrativeUnit, year: int) -> QuerySet[Target]:
    """The tier targets of the programme communes under the unit for the year (a row per commune and tier)."""
    communes = programme_communes(within=unit, year=year).values("pk")
    return Target.objects.filter(unit__in=communes, year=year, tier__in=tiers_of_year(year)).order_by("unit__name")


def commune_own_targets(*, unit: AdministrativeUnit) -> QuerySet[Target]:
    """The tiers a commune is planned to reach, year by year (set on its province's or district's targets)."""
    return Target.objects.filter(unit=unit).exclude(tier="").order_by("-year")


def unit_average_target(*, unit: AdministrativeUnit, year: int) -> Target | None:
    return Target.objects.filter(unit=unit, year=year, tier="").first()


def year_targets_of(*, unit: AdministrativeUnit, year: int) -> YearTargets:
    average = unit_average_target(unit=unit, year=year)
    planned = list(commune_targets(unit=unit, year=year))
    communes: dict[str, set[int]] = {tier: set() for tier in tiers_of_year(year)}
    for row in planned:
        communes[row.tier].add(row.unit_id)
    first = average or next(iter(planned), None)
    return YearTargets(
        average=average.criteria_count if average else None,
        communes={tier: frozenset(ids) for tier, ids in communes.items()},
        source_decision=first.source_decision if first else "",
    )


def targets_criteria_count(*, unit: AdministrativeUnit, year: int) -> int | None:
    """The number of criteria of the commune set in force: the highest average a target may ask for."""
    criteria_set = criteria_set_in_force(year=year, province=unit.province())
    return criteria_set.criteria.count() if criteria_set else None


def targets_history(*, unit: AdministrativeUnit, year: int, limit: int = 200) -> list[ChangeRecord]:
    """The changes of the unit's targets of the year, latest first."""
    changes = ChangeRecord.objects.about(unit).filter(action=ChangeRecord.Action.TARGET, target__startswith=f"{year}:")
    return list(changes.select_related("user")[:limit])
