"""One demo account per role, and a commune official on each map. Only the administrator uses the Django admin:
it is not scoped to a unit, so everyone else works in the portal's pages, which are."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from communes.models import AdministrativeUnit, Membership
from ntm_portal.bulk import UpsertCount

DEMO_PASSWORD = "ntm-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str  # "province", "city", "commune" (three-tier map) or "new_commune" (two-tier map)

    @property
    def can_use_admin(self) -> bool:
        return self.role == Membership.Role.ADMIN


ACCOUNTS = (
    DemoAccount("quantri", "Quản trị hệ thống", Membership.Role.ADMIN, "province"),
    DemoAccount("vpdp.tinh", "Cán bộ VPĐP tỉnh", Membership.Role.PROVINCE_STAFF, "province"),
    DemoAccount("vpdp.thanhpho", "Cán bộ VPĐP thành phố", Membership.Role.DISTRICT_STAFF, "city"),
    DemoAccount("xa.hungdao", "Cán bộ xã Hưng Đạo", Membership.Role.COMMUNE_OFFICIAL, "commune"),
    DemoAccount("xa.hoaan", "Cán bộ xã Hòa An", Membership.Role.COMMUNE_OFFICIAL, "new_commune"),
    DemoAccount("lanhdao.tinh", "Lãnh đạo UBND tỉnh", Membership.Role.LEADER, "province"),
)


def demo_accounts_load(
    *,
    province: AdministrativeUnit,
    communes: dict[tuple[str, str], AdministrativeUnit],
    new_map: dict[str, AdministrativeUnit],
) -> UpsertCount:
    """`communes`: the xã of the three-tier map by (district, commune); `new_map`: those of the two-tier map by code."""
    units = {
        "province": province,
        "city": AdministrativeUnit.objects.get(parent=province, level="district", short_name="Cao Bằng"),
        "commune": communes[("Cao Bằng", "Hưng Đạo")],
        "new_commune": next(unit for unit in new_map.values() if unit.short_name == "Hòa An"),
    }
    user_model = get_user_model()
    count = UpsertCount()
    for account in ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.full_name,
                "is_staff": account.can_use_admin,
                "is_superuser": account.can_use_admin,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            count.created += 1
        else:
            count.unchanged += 1
        Membership.objects.get_or_create(user=user, unit=units[account.unit], role=account.role)
    return count
