"""The denominator of every commune figure, defined once: the programme communes as the year began."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, Tier


def programme_communes_on(year: int) -> QuerySet[AdministrativeUnit]:
    """The programme communes (xã) of the whole country on the map in force on 1 January of `year`.

    2025 is counted on the 139 communes of Cao Bằng's three-tier map (merged on 1/7/2025), 2026 on the
    two-tier map; wards and towns are not in the programme.
    """
    return AdministrativeUnit.objects.in_programme().valid_on(datetime.date(year, 1, 1))


def programme_communes(*, within: AdministrativeUnit, year: int) -> QuerySet[AdministrativeUnit]:
    """`programme_communes_on` under a province, a district, or a commune itself."""
    if within.level == AdministrativeUnit.Level.COMMUNE:
        return programme_communes_on(year).filter(pk=within.pk)
    return programme_communes_under(roots=[within], year=year)


def programme_commune_ids(*, within: AdministrativeUnit, year: int) -> list[int]:
    return list(programme_communes(within=within, year=year).values_list("pk", flat=True))


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
    """`programme_communes_on` under several provinces or districts at once.

    Filtered on the parents found first (one query): the join of `UnitQuerySet.within`, or a subquery in
    its place, makes PostgreSQL read the whole map (14,000 units) to find the communes of one province.
    """
    return programme_communes_on(year).filter(parent_id__in=list(parents_to_roots(roots=roots)))


def all_programme_communes(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The programme communes under the unit on any map (a history spans map changes)."""
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return AdministrativeUnit.objects.in_programme().filter(pk=unit.pk)
    return AdministrativeUnit.objects.in_programme().filter(parent_id__in=list(parents_to_roots(roots=[unit])))


def commune_groups(unit_ids: Iterable[int]) -> dict[int, int | None]:
    """The commune group (1, 2, 3 of QĐ 51/2025; None when not set) of each of these units, by id."""
    return dict(AdministrativeUnit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "commune_group"))


def assessment_years(*, roots: list[AdministrativeUnit] | None) -> list[int]:
    """Years with at least one commune assessment under these provinces or districts (None: anywhere),
    latest first."""
    return assessment_years_under(None if roots is None else list(parents_to_roots(roots=roots)))


def assessment_years_under(parent_ids: list[int] | None) -> list[int]:
    assessments = Assessment.objects.filter(criteria_set__assessed_level=CriteriaSet.AssessedLevel.COMMUNE)
    if parent_ids is not None:
        assessments = assessments.filter(unit__parent_id__in=parent_ids)
    # Sorted here: sorting every assessment before DISTINCT costs the database more than hashing them.
    return sorted(assessments.order_by().values_list("year", flat=True).distinct(), reverse=True)


def default_year() -> int:
    """The year every page opens on: the latest assessment year (up to this one) that a commune NTM set is in
    force for, else this year. Results need not exist yet: in 2026, the first year of QĐ 51/2025, it is 2026."""
    this_year = timezone.localdate().year
    ends = CriteriaSet.objects.filter(
        assessed_level=CriteriaSet.AssessedLevel.COMMUNE, tier=Tier.NTM, period_start__lte=this_year
    ).values_list("period_end", flat=True)
    return max((min(end, this_year) for end in ends), default=this_year)


def commune_default_year(unit: AdministrativeUnit) -> int:
    """The year a commune's page opens on: the default year, or the last year of a commune that ceased before
    it (one closed by the 2025 reform opens on 2025)."""
    year = default_year()
    return min(year, unit.valid_to.year) if unit.valid_to else year
