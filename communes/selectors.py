"""Reads of the communes app: units named on a command line, what the reform of 1/7/2025 asks of the accounts,
and the units' boundaries."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from communes.geojson import code_key
from communes.matching import DISTRICT_PREFIXES, spelling
from communes.models import (
    TWO_TIER_MAP_START,
    AdministrativeUnit,
    BoundaryUpload,
    Membership,
    MembershipProposal,
    UnitBoundary,
)
from ntm_portal.text import fold

Level = AdministrativeUnit.Level
Role = Membership.Role


# Provinces rank above districts: a name both carry ("Cao Bằng") means the province first.
LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1}
PROVINCE_PREFIXES = {"tỉnh": AdministrativeUnit.Kind.PROVINCE}


def units_named(text: str, *, on: datetime.date) -> list[AdministrativeUnit]:
    """The provinces and districts of the map in force on `on` that `text` names, highest level first: by code,
    by name with or without its kind, diacritics and case aside ("04", "Tỉnh Cao Bằng", "Cao Bằng",
    "tinh cao bang", "TP. Cao Bằng")."""
    code, wanted = text.strip(), fold(text)
    written = {
        Level.PROVINCE: spelling(text, PROVINCE_PREFIXES),
        Level.DISTRICT: spelling(text, DISTRICT_PREFIXES),
    }

    def named(unit: AdministrativeUnit) -> bool:
        if code == unit.code or wanted in (unit.search_name, fold(unit.short_name)):
            return True
        prefixed = written[unit.level]
        # "TP. Cao Bằng" names the city, not the province: the written kind must be the unit's.
        return prefixed.kind == unit.kind and prefixed.folded == fold(unit.short_name)

    units = AdministrativeUnit.objects.filter(level__in=LEVEL_RANK).valid_on(on).order_by("code")
    found = [
        unit for unit in units.only("pk", "code", "name", "short_name", "search_name", "level", "kind") if named(unit)
    ]
    return sorted(found, key=lambda unit: LEVEL_RANK[unit.level])


def unit_names_within(unit: AdministrativeUnit, *, on: datetime.date) -> tuple[str, ...]:
    """The short names of `unit` and of every unit under it on the map in force on `on`, as the code list
    spells them."""
    units = AdministrativeUnit.objects.valid_on(on).within(unit)
    return tuple(sorted(set(units.values_list("short_name", flat=True))))


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
