"""One demo account per role, with the Django permissions that role needs in the admin."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from communes.models import AdministrativeUnit, Membership
from ntm_portal.bulk import UpsertCount

DEMO_PASSWORD = "ntm-demo-2026"

_RESULT_MODELS = ("assessment", "indicatorvalue", "criterionresult", "recognition", "target")
_FUNDING_MODELS = ("fundingrecord", "inkindcontribution")
_CATALOGUE_MODELS = (
    "administrativeunit", "criteriaset", "criterion", "indicator", "threshold", "fundingsource",
)  # fmt: skip


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str  # "province", "city" or "commune"
    can_use_admin: bool


ACCOUNTS = (
    DemoAccount("quantri", "Quản trị hệ thống", Membership.Role.ADMIN, "province", can_use_admin=True),
    DemoAccount("vpdp.tinh", "Cán bộ VPĐP tỉnh", Membership.Role.PROVINCE_STAFF, "province", can_use_admin=True),
    DemoAccount("vpdp.thanhpho", "Cán bộ VPĐP thành phố", Membership.Role.DISTRICT_STAFF, "city", can_use_admin=True),
    DemoAccount("xa.hungdao", "Cán bộ xã Hưng Đạo", Membership.Role.COMMUNE_OFFICIAL, "commune", can_use_admin=False),
    DemoAccount("lanhdao.tinh", "Lãnh đạo UBND tỉnh", Membership.Role.LEADER, "province", can_use_admin=True),
)

GROUP_NAMES = {
    Membership.Role.PROVINCE_STAFF: "Cán bộ Văn phòng Điều phối tỉnh",
    Membership.Role.DISTRICT_STAFF: "Cán bộ Văn phòng Điều phối huyện",
    Membership.Role.COMMUNE_OFFICIAL: "Cán bộ xã",
    Membership.Role.LEADER: "Lãnh đạo",
}

# The admin is not scoped to a unit, so only roles that see the whole province may use it; commune
# officials work in the portal's own pages, which are.
ROLE_PERMISSIONS = {
    Membership.Role.PROVINCE_STAFF: {
        "view": _RESULT_MODELS + _FUNDING_MODELS + _CATALOGUE_MODELS,
        "add": _RESULT_MODELS + _FUNDING_MODELS,
        "change": _RESULT_MODELS + _FUNDING_MODELS,
    },
    Membership.Role.DISTRICT_STAFF: {
        "view": _RESULT_MODELS + _FUNDING_MODELS + _CATALOGUE_MODELS,
        "add": _RESULT_MODELS + _FUNDING_MODELS,
        "change": _RESULT_MODELS + _FUNDING_MODELS,
    },
    Membership.Role.LEADER: {"view": _RESULT_MODELS + _FUNDING_MODELS + _CATALOGUE_MODELS},
    Membership.Role.COMMUNE_OFFICIAL: {},
}


def demo_accounts_load(
    *, province: AdministrativeUnit, communes: dict[tuple[str, str], AdministrativeUnit]
) -> UpsertCount:
    units = {
        "province": province,
        "city": AdministrativeUnit.objects.get(parent=province, level="district", short_name="Cao Bằng"),
        "commune": communes[("Cao Bằng", "Hưng Đạo")],
    }
    groups = {role: _role_group(role) for role in ROLE_PERMISSIONS}
    user_model = get_user_model()
    count = UpsertCount()
    for account in ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.full_name,
                "is_staff": account.can_use_admin,
                "is_superuser": account.role == Membership.Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            count.created += 1
        else:
            count.unchanged += 1
        if account.role in groups:
            user.groups.add(groups[account.role])
        Membership.objects.get_or_create(user=user, unit=units[account.unit], role=account.role)
    return count


def _role_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
    wanted = [f"{action}_{model}" for action, models in ROLE_PERMISSIONS[role].items() for model in models]
    permissions = Permission.objects.filter(codename__in=wanted)
    if set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in permissions}:
        group.permissions.set(permissions)
    return group
