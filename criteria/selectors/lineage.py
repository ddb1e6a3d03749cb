"""A commune's history across map changes: the old communes it was formed from and their results.

A new commune of 1/7/2025 has no results of its own before 2026; its history is that of its predecessors,
each under its old name and judged on the set of its year (19 criteria until 2025). An old commune split
between several new ones belongs to the history of each, labelled with the others. Nothing here is added
into a total: the totals of a year are `year_results` over the map of that year, where each old commune is
one row.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, Recognition, Tier
from criteria.selectors.recognitions import TIER_RANK
from criteria.selectors.results import NO_ASSESSMENT
from criteria.selectors.sets import set_in_force

SUCCESSION = AdministrativeUnit.successors.through


@dataclass(frozen=True)
class UnitLink:
    unit_id: int
    name: str
    year: int  # the year its page opens on: its first on the map as the year began (at most this year)


@dataclass(frozen=True)
class PastRecognition:
    tier: str
    year: int
    decision_number: str
    decision_date: datetime.date
    withdrawn_on: datetime.date | None

    def held_in(self, year: int) -> bool:
        return self.year <= year and (self.withdrawn_on is None or self.withdrawn_on > datetime.date(year, 12, 31))


@dataclass(frozen=True)
class Predecessor:
    unit_id: int
    name: str  # its name on the old map
    valid_to: datetime.date | None
    in_programme: bool
    shared_with: tuple[UnitLink, ...]  # the other units it was split between; empty when it passed whole
    recognitions: tuple[PastRecognition, ...]  # oldest first: history, not the new commune's status

    @property
    def split(self) -> bool:
        return bool(self.shared_with)

    @property
    def shared_names(self) -> str:
        return ", ".join(other.name for other in self.shared_with)


@dataclass(frozen=True)
class PredecessorResult:
    predecessor: Predecessor
    set_code: str
    set_name: str
    decision_number: str
    criteria: int  # the number of that set's criteria: the N of "x/N"
    met: int
    status: str  # an Assessment.Status or NO_ASSESSMENT
    tier: str  # the highest tier it held during the year, "" when none


@dataclass(frozen=True)
class LineageYear:
    year: int
    results: tuple[PredecessorResult, ...]  # one per programme predecessor on the map of the year, by name


@dataclass(frozen=True)
class Lineage:
    predecessors: tuple[Predecessor, ...]  # by name; transitively, through every earlier change of the map
    years: tuple[LineageYear, ...]  # oldest first; only years with some predecessor's results

    def __bool__(self) -> bool:
        return bool(self.predecessors)

    @property
    def recognitions(self) -> tuple[tuple[Predecessor, PastRecognition], ...]:
        """Every recognition of a predecessor, by predecessor then year: history, not the new commune's."""
        return tuple((each, recognition) for each in self.predecessors for recognition in each.recognitions)


def commune_lineage(*, unit: AdministrativeUnit) -> Lineage:
    """The predecessors of a commune and their results year by year. Eight queries whatever the number of
    predecessors and years (one for a commune that had none)."""
    via = _predecessors_via(unit.pk)
    if not via:
        return Lineage(predecessors=(), years=())
    ids = list(via)
    units = list(
        AdministrativeUnit.objects.filter(pk__in=ids)
        .order_by("search_name", "pk")
        .values_list("pk", "name", "valid_from", "valid_to", "in_programme", "parent_id", "parent__parent_id",
                     "parent__level", named=True)
    )  # fmt: skip
    others: dict[int, list[UnitLink]] = {}
    for old_id, new_id, new_name, new_from in (
        SUCCESSION.objects.filter(from_administrativeunit_id__in=ids)
        .order_by("to_administrativeunit__search_name")
        .values_list(
            "from_administrativeunit_id",
            "to_administrativeunit_id",
            "to_administrativeunit__name",
            "to_administrativeunit__valid_from",
        )
    ):
        if new_id != via[old_id]:
            others.setdefault(old_id, []).append(UnitLink(new_id, new_name, _first_year(new_from)))
    recognitions: dict[int, list[PastRecognition]] = {}
    for unit_id, *fields in (
        Recognition.objects.filter(unit_id__in=ids)
        .order_by("year", "decision_date")
        .values_list("unit_id", "tier", "year", "decision_number", "decision_date", "withdrawn_on")
    ):
        recognitions.setdefault(unit_id, []).append(PastRecognition(*fields))
    predecessors = {
        row.pk: Predecessor(
            unit_id=row.pk,
            name=row.name,
            valid_to=row.valid_to,
            in_programme=row.in_programme,
            shared_with=tuple(others.get(row.pk, ())),
            recognitions=tuple(recognitions.get(row.pk, ())),
        )
        for row in units
    }
    return Lineage(predecessors=tuple(predecessors.values()), years=_years(units, predecessors))


def _predecessors_via(unit_id: int) -> dict[int, int]:
    """Every commune-level unit that became this one, directly or through earlier changes, with the unit it
    became on the way (a query per generation: two for the 2025 reform)."""
    via: dict[int, int] = {}
    frontier = {unit_id}
    while frontier:
        links = SUCCESSION.objects.filter(
            to_administrativeunit_id__in=frontier,
            from_administrativeunit__level=AdministrativeUnit.Level.COMMUNE,
        ).values_list("from_administrativeunit_id", "to_administrativeunit_id")
        found = {old: new for old, new in links if old not in via and old != unit_id}
        via.update(found)
        frontier = set(found)
    return via


def _years(units, predecessors: dict[int, Predecessor]) -> tuple[LineageYear, ...]:
    programme = [row for row in units if row.in_programme]
    if not programme:
        return ()
    sets = list(
        CriteriaSet.objects.filter(assessed_level=CriteriaSet.AssessedLevel.COMMUNE, tier=Tier.NTM).annotate(
            criteria_count=Count("criteria")
        )
    )
    provinces = AdministrativeUnit.objects.in_bulk({_province_id(row) for row in programme})
    assessments = {
        (unit_id, year, set_id): (met, status)
        for unit_id, year, set_id, met, status in Assessment.objects.filter(
            unit_id__in=[row.pk for row in programme]
        ).values_list("unit_id", "year", "criteria_set_id", "criteria_met", "status")
    }
    years = sorted({year for _unit, year, _set in assessments})
    history = []
    for year in years:
        day = datetime.date(year, 1, 1)
        covering = [each for each in sets if each.period_start <= year <= each.period_end]
        results = []
        for row in programme:
            in_force = set_in_force(covering, province=provinces.get(_province_id(row)))
            on_map = (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or row.valid_to >= day)
            if in_force is None or not on_map:
                continue
            met, status = assessments.get((row.pk, year, in_force.pk), (0, NO_ASSESSMENT))
            predecessor = predecessors[row.pk]
            held = [recognition.tier for recognition in predecessor.recognitions if recognition.held_in(year)]
            results.append(
                PredecessorResult(
                    predecessor=predecessor,
                    set_code=in_force.code,
                    set_name=in_force.name,
                    decision_number=in_force.decision_number,
                    criteria=in_force.criteria_count,
                    met=met,
                    status=status,
                    tier=max(held, key=lambda tier: TIER_RANK.get(tier, 0), default=""),
                )
            )
        if any(result.status != NO_ASSESSMENT for result in results):
            history.append(LineageYear(year=year, results=tuple(results)))
    return tuple(history)


def _province_id(row) -> int | None:
    return row.parent__parent_id if row.parent__level == AdministrativeUnit.Level.DISTRICT else row.parent_id


def commune_successors(*, unit: AdministrativeUnit) -> tuple[UnitLink, ...]:
    """The units an old commune became, by name (none for a commune still on the map)."""
    if unit.valid_to is None:
        return ()
    successors = unit.successors.order_by("search_name").values_list("pk", "name", "valid_from")
    return tuple(UnitLink(pk, name, _first_year(valid_from)) for pk, name, valid_from in successors)


def _first_year(valid_from: datetime.date | None) -> int:
    this_year = timezone.localdate().year
    if valid_from is None:
        return this_year
    first = valid_from.year if (valid_from.month, valid_from.day) == (1, 1) else valid_from.year + 1
    return min(first, this_year)
