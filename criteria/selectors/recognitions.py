"""Recognitions and targets of communes: what the grid, the dashboard and the reports count."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Q, QuerySet, Value, When

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet, CriterionResult, Recognition, Target, Tier
from ntm_portal.models import ChangeRecord

# Highest first: a commune recognised NTM and later NTM nâng cao shows the latter. The reports count the
# three tiers of 2016-2025 (TIERS); xã NTM hiện đại, the upper tier of 2026-2030, ranks above them all.
TIER_RANK = {Tier.MODERN: 4, Tier.MODEL: 3, Tier.ADVANCED: 2, Tier.NTM: 1}
TIERS = (Tier.NTM, Tier.ADVANCED, Tier.MODEL)
# The programme of 2026-2030 (QĐ 51/2025/QĐ-TTg) has two commune tiers: xã NTM and xã NTM hiện đại.
MODERN_PERIOD_START = 2026
MODERN_TIERS = (Tier.NTM, Tier.MODERN)


def holds(held_tier: str, tier: str) -> bool:
    """A commune holding a higher tier holds the lower ones ("đạt chuẩn NTM" counts nâng cao and hiện đại)."""
    return TIER_RANK[held_tier] >= TIER_RANK[tier]


def tiers_of_year(year: int) -> tuple[str, ...]:
    """The tiers a commune may be recognised for or aim at in `year`, lowest first."""
    return MODERN_TIERS if year >= MODERN_PERIOD_START else TIERS


def recognitions_held(*, year: int) -> QuerySet[Recognition]:
    """Recognitions held during the year (recognised for it or before, not withdrawn by its end), highest
    tier first."""
    rank = Case(*(When(tier=tier, then=Value(rank)) for tier, rank in TIER_RANK.items()), default=Value(0))
    return (
        Recognition.objects.filter(year__lte=year)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=datetime.date(year, 12, 31)))
        .order_by(rank.desc(), "-year")
    )


def highest_tiers(*, unit_ids: list[int], year: int) -> dict[int, str]:
    """The highest tier each of these communes holds during the year (absent: none)."""
    tiers: dict[int, str] = {}
    for unit_id, tier in recognitions_held(year=year).filter(unit_id__in=unit_ids).values_list("unit", "tier"):
        tiers.setdefault(unit_id, tier)  # the highest tier comes first
    return tiers


@dataclass(frozen=True)
class PeriodRecognitions:
    """What the reports say of recognitions over a period, read in four queries."""

    held: tuple[tuple[int, str], ...]  # (unit id, tier) held at the end of the period
    new: tuple[tuple[str, str], ...]  # (tier, commune name) recognised in the period, in decision order
    planned: tuple[tuple[str, int, str], ...]  # (tier, unit id, name) of the period's targets, by name
    reached: frozenset[tuple[str, int]]  # (tier, unit id) of planned communes recognised by the end


def period_recognitions(*, unit: AdministrativeUnit, commune_ids: list[int], start: int, year: int):
    held = tuple(recognitions_held(year=year).filter(unit_id__in=commune_ids).values_list("unit_id", "tier"))
    new = tuple(
        Recognition.objects.filter(unit_id__in=commune_ids, year__gte=start, year__lte=year)
        .order_by("decision_date", "unit__name")
        .values_list("tier", "unit__name")
    )
    planned = tuple(
        Target.objects.filter(unit_id__in=[*commune_ids, unit.pk], year__gte=start, year__lte=year)
        .exclude(tier="")
        .order_by("unit__name")
        .values_list("tier", "unit_id", "unit__name")
    )
    reached = frozenset(
        Recognition.objects.filter(
            unit_id__in={unit_id for _tier, unit_id, _name in planned}, year__lte=year
        ).values_list("tier", "unit_id")
    )
    return PeriodRecognitions(held=held, new=new, planned=planned, reached=reached)


def recognition_years(*, unit_ids: list[int], year: int) -> list[tuple[int, int, datetime.date | None]]:
    """(unit id, year recognised for, withdrawn on) of every recognition of these units up to `year`."""
    return list(
        Recognition.objects.filter(unit_id__in=unit_ids, year__lte=year).values_list("unit_id", "year", "withdrawn_on")
    )


def planned_average(*, unit: AdministrativeUnit, year: int) -> Decimal | None:
    """The planned criteria per commune: a target of the unit itself for the year with a number of criteria."""
    target = Target.objects.filter(unit=unit, year=year, criteria_count__isnull=False).first()
    return Decimal(target.criteria_count) if target else None


def year_targets(*, unit: AdministrativeUnit, commune_ids: list[int], year: int) -> list[tuple[int, str, int, str]]:
    """(unit id, tier, criteria count, name) of the targets of the unit and these communes for the year."""
    of_year = Target.objects.filter(unit_id__in=[*commune_ids, unit.pk], year=year)
    return list(of_year.order_by("unit__name").values_list("unit_id", "tier", "criteria_count", "unit__name"))


def lost_criteria(
    *, commune_ids: list[int], year: int, criteria_set: CriteriaSet | None
) -> list[tuple[str, str, list[int]]]:
    """(commune, its parent's name, criterion numbers) of the communes holding a recognition during the year
    whose results of the year against the set miss some criteria, by parent and name."""
    holding = recognitions_held(year=year).filter(unit_id__in=commune_ids).values("unit_id")
    missing = (
        CriterionResult.objects.filter(
            assessment__unit_id__in=holding, assessment__year=year, assessment__criteria_set=criteria_set
        )
        .filter(Q(is_met=False) | Q(is_met__isnull=True))
        .order_by("assessment__unit__parent__name", "assessment__unit__name", "criterion__number")
        .values_list("assessment__unit__name", "assessment__unit__parent__name", "criterion__number")
    )
    lost: dict[tuple[str, str], list[int]] = {}
    for name, parent, number in missing:
        lost.setdefault((name, parent), []).append(number)
    return [(name, parent, numbers) for (name, parent), numbers in lost.items()]


def unit_recognitions(*, unit: AdministrativeUnit) -> QuerySet[Recognition]:
    """Every recognition of the unit, withdrawn ones too, latest year first, with its decision file."""
    return Recognition.objects.filter(unit=unit).select_related("decision_file").order_by("-year", "-decision_date")


def recognition_history(*, unit: AdministrativeUnit, limit: int = 200) -> list[ChangeRecord]:
    """What was recorded, corrected and withdrawn of the unit's recognitions, latest first."""
    ids = list(Recognition.objects.filter(unit=unit).values_list("pk", flat=True))
    changes = ChangeRecord.objects.filter(
        subject_type=ContentType.objects.get_for_model(Recognition), subject_id__in=ids
    ).select_related("user")
    return list(changes[:limit])
