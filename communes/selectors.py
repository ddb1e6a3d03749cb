"""Reads of the communes app: what the reform of 1/7/2025 asks of the accounts, and the units' boundaries."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from communes.geojson import code_key
from communes.models import (
    TWO_TIER_MAP_START,
    AdministrativeUnit,
    BoundaryUpload,
    Membership,
    MembershipProposal,
    UnitBoundary,
)

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


@dataclass(frozen=True)
class BoundaryMatch:
    """What confirming a boundary file would do: the units it gives an outline, the features matching no unit
    of the province's map, and the units of that map left without one."""

    matched: tuple[tuple[AdministrativeUnit, dict], ...]  # (unit, feature) in code order
    replaced: int  # matched units whose current outline the file replaces
    unmatched: tuple[dict, ...]  # features as read: code, name, geometry
    without: tuple[AdministrativeUnit, ...]  # commune-level units of the map without an outline, then or now


def boundary_match(upload: BoundaryUpload) -> BoundaryMatch:
    """Match the upload's features to the province's commune-level units of its map, by code."""
    units = list(
        AdministrativeUnit.objects.within(upload.province).communes().valid_on(upload.map_day).order_by("code")
    )
    by_code = {code_key(unit.code): unit for unit in units}
    matched, unmatched = {}, []
    for feature in upload.features:
        unit = by_code.get(code_key(feature["code"]))
        if unit is None:
            unmatched.append(feature)
        else:
            matched[unit.pk] = (unit, feature)
    outlined = set(current_boundaries(unit.pk for unit in units))
    return BoundaryMatch(
        matched=tuple(matched[unit.pk] for unit in units if unit.pk in matched),
        replaced=len(outlined & set(matched)),
        unmatched=tuple(unmatched),
        without=tuple(unit for unit in units if unit.pk not in matched and unit.pk not in outlined),
    )


def current_boundaries(unit_ids: Iterable[int]) -> dict[int, dict]:
    """The current outline (a GeoJSON MultiPolygon in lon/lat) of each of these units that has one."""
    rows = UnitBoundary.objects.filter(unit_id__in=list(unit_ids), replaced_at__isnull=True)
    return dict(rows.values_list("unit_id", "geometry"))


def boundary_counts(provinces: list[AdministrativeUnit]) -> dict[int, int]:
    """How many units of each province have a current outline."""
    return {
        province.pk: UnitBoundary.objects.filter(
            replaced_at__isnull=True, unit__in=AdministrativeUnit.objects.within(province)
        ).count()
        for province in provinces
    }
