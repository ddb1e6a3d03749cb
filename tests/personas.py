"""A small real world for tests: two provinces (Cao Bằng with a district and two communes, Bắc Kạn with one
district and commune), a user per role in Cao Bằng, and province staff and a commune official in Bắc Kạn."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command

from communes.models import AdministrativeUnit, Membership

PASSWORD = "mat-khau-thu-2026"


@dataclass
class World:
    province: AdministrativeUnit
    district: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    other_province: AdministrativeUnit
    other_commune: AdministrativeUnit
    users: dict
    other_district: AdministrativeUnit | None = None


def unit(level, kind, code, name, parent=None, **extra):
    return AdministrativeUnit.objects.create(
        level=level,
        kind=kind,
        code=code,
        name=name,
        short_name=name.split(" ", 1)[1] if " " in name else name,
        parent=parent,
        region="TDMNPB",
        **extra,
    )


def build_world() -> World:
    call_command("load_criteria", verbosity=0)
    province = unit("province", "tinh", "04", "Tỉnh Cao Bằng")
    district = unit("district", "huyen", "051", "Huyện Hoà An", province, valid_to=datetime.date(2025, 6, 30))
    valid = {"valid_to": datetime.date(2025, 6, 30), "in_programme": True}
    commune_a = unit("commune", "xa", "01001", "Xã Hưng Đạo", district, **valid)
    commune_b = unit("commune", "xa", "01002", "Xã Đức Long", district, **valid)
    other_province = unit("province", "tinh", "06", "Tỉnh Bắc Kạn")
    other_district = unit("district", "huyen", "061", "Huyện Ba Bể", other_province)
    other_commune = unit("commune", "xa", "02001", "Xã Nam Mẫu", other_district, in_programme=True)
    roles = {
        "province_staff": (Membership.Role.PROVINCE_STAFF, province),
        "district_staff": (Membership.Role.DISTRICT_STAFF, district),
        "official_a": (Membership.Role.COMMUNE_OFFICIAL, commune_a),
        "official_b": (Membership.Role.COMMUNE_OFFICIAL, commune_b),
        "leader": (Membership.Role.LEADER, province),
        "admin": (Membership.Role.ADMIN, province),
        "other_province_staff": (Membership.Role.PROVINCE_STAFF, other_province),
        "other_official": (Membership.Role.COMMUNE_OFFICIAL, other_commune),
    }
    users = {}
    for username, (role, member_unit) in roles.items():
        # The administrator uses the Django admin too, as the demo's does.
        staff = role == Membership.Role.ADMIN
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, is_staff=staff, is_superuser=staff
        )
        Membership.objects.create(user=user, unit=member_unit, role=role)
        users[username] = user
    return World(province, district, commune_a, commune_b, other_province, other_commune, users, other_district)
