"""Reads of the communes app: what the reform of 1/7/2025 asks of the accounts."""

from django.db.models import QuerySet

from communes.models import TWO_TIER_MAP_START, AdministrativeUnit, Membership, MembershipProposal

Level = AdministrativeUnit.Level
Role = Membership.Role


def memberships_on_closed_units() -> QuerySet[Membership]:
    """Memberships on communes and districts that ended when the two-tier map took effect.

    Administrators act everywhere and provinces survived the reform: neither needs a new membership.
    """
    return (
        Membership.objects.filter(
            unit__valid_to__lt=TWO_TIER_MAP_START, unit__level__in=[Level.COMMUNE, Level.DISTRICT]
        )
        .exclude(role=Role.ADMIN)
        .select_related("user", "unit__parent")
        .order_by("user__username", "unit__code", "role")
    )


def current_units(units: QuerySet[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """Units still on the map, in code order."""
    return list(units.filter(valid_to__isnull=True).order_by("level", "code").distinct())


def surviving_province(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The province over `unit` if it still exists, else the provinces that replaced it."""
    province = unit.province()
    if province.valid_to is None:
        return [province]
    return current_units(province.successors.filter(level=Level.PROVINCE))


def district_successor_communes(district: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The commune-level units of the two-tier map that replaced the communes of `district`."""
    return current_units(AdministrativeUnit.objects.filter(level=Level.COMMUNE, predecessors__parent=district))


def membership_proposals() -> QuerySet[MembershipProposal]:
    return MembershipProposal.objects.select_related("membership__user", "membership__unit", "unit", "decided_by")
