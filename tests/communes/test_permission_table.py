"""The permission table of communes/access.py: every role has a row, every action an expectation here, and
`can` answers by the table on real users and units, in scope and out of it."""

import ast
from enum import StrEnum
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from communes import access
from communes.access import PERMISSIONS, Action
from communes.models import AdministrativeUnit, Membership
from criteria.workflow import Step

Role = Membership.Role
OFFICES = {Role.PROVINCE_STAFF, Role.DISTRICT_STAFF, Role.ADMIN}
ENTERING = OFFICES | {Role.COMMUNE_OFFICIAL}

# action → the roles that may take it, written out here rather than read from the table.
EXPECTED: dict[Action, set[Role]] = {
    Action.VIEW: set(Role),
    Action.ENTER: ENTERING,
    Action.SUBMIT: ENTERING,
    Action.VERIFY: {Role.DISTRICT_STAFF, Role.ADMIN},
    Action.APPROVE: {Role.PROVINCE_STAFF, Role.ADMIN},
    Action.RETURN: OFFICES,
    Action.UNLOCK: {Role.PROVINCE_STAFF, Role.ADMIN},
    Action.UPLOAD_EVIDENCE: ENTERING,
    Action.REVIEW_EVIDENCE: OFFICES,
    Action.SEE_DELETED_EVIDENCE: OFFICES,
    Action.CHECK_FUNDING: OFFICES,
    Action.IMPORT: OFFICES,
    Action.IMPORT_FUNDING: OFFICES,
    Action.WRITE_REPORT: OFFICES,
    Action.ISSUE_REPORT: OFFICES,
    Action.SEE_RENDER_JOB: OFFICES,
    Action.EDIT_CRITERIA_SETS: {Role.PROVINCE_STAFF, Role.ADMIN},
    Action.EDIT_BOUNDARIES: {Role.PROVINCE_STAFF, Role.ADMIN},
    Action.RECORD_RECOGNITIONS: {Role.PROVINCE_STAFF, Role.ADMIN},
    Action.SET_TARGETS: {Role.PROVINCE_STAFF, Role.ADMIN},
}

# Where each role's member sits in the small map below.
HOME = {
    Role.PROVINCE_STAFF: "province",
    Role.DISTRICT_STAFF: "district",
    Role.COMMUNE_OFFICIAL: "commune",
    Role.LEADER: "province",
    Role.ADMIN: "province",
}


def gaps(table: dict, keys) -> set:
    """Keys missing from the table, or in it without being one of `keys`."""
    return set(table) ^ set(keys)


def test_every_role_has_a_row():
    assert gaps(PERMISSIONS, Role) == set()


def test_every_action_has_an_expectation():
    assert gaps(EXPECTED, Action) == set()


def test_the_check_bites_on_a_missing_row():
    without_leaders = {role: actions for role, actions in PERMISSIONS.items() if role != Role.LEADER}
    assert gaps(without_leaders, Role) == {Role.LEADER}
    with_a_new_action = StrEnum("WithANewAction", {**{a.name: a.value for a in Action}, "AUDIT": "audit"})
    assert gaps(EXPECTED, with_a_new_action) == {"audit"}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_the_table_gives_each_role_its_actions(role, action):
    assert (action in PERMISSIONS[role]) is (role in EXPECTED[action])


def test_administrators_may_do_everything():
    assert PERMISSIONS[Role.ADMIN] == frozenset(Action)


@pytest.mark.parametrize("role", list(Role))
def test_whoever_may_do_anything_may_view(role):
    # Lookups check one action per object, so every action must come with seeing the unit.
    assert not PERMISSIONS[role] or Action.VIEW in PERMISSIONS[role]


def test_render_jobs_are_seen_by_those_who_write_the_report():
    # A render job shows a draft, which only report writers see.
    assert EXPECTED[Action.SEE_RENDER_JOB] <= EXPECTED[Action.WRITE_REPORT]


def test_the_workflow_steps_are_the_transition_actions():
    assert set(Step) == access.TRANSITIONS


@pytest.fixture
def units(db):
    def unit(level, code, parent=None):
        return AdministrativeUnit.objects.create(level=level, kind="xa", code=code, name=f"Xã {code}", parent=parent)

    province = unit("province", "04")
    district = unit("district", "051", province)
    commune = unit("commune", "01001", district)
    other = unit("commune", "02001", unit("district", "061", unit("province", "06")))
    return {"province": province, "district": district, "commune": commune, "other": other}


def member(role: Role, unit: AdministrativeUnit):
    user = get_user_model().objects.create_user(username=f"{role}-{unit.code}")
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_can_follows_the_table_in_scope_and_refuses_outside_it(units, role, action):
    user = member(role, units[HOME[role]])
    assert access.can(user, action, units["commune"], status="submitted") is (role in EXPECTED[action])
    assert access.can(user, action, units["other"], status="submitted") is (role == Role.ADMIN)
    assert access.can(user, action, status="submitted") is (role in EXPECTED[action])  # no unit: anywhere


@pytest.mark.parametrize("action", list(Action))
def test_superusers_may_do_everything_and_anonymous_visitors_nothing(units, action):
    superuser = get_user_model().objects.create_superuser(username="root")
    assert access.can(superuser, action, units["other"], status="verified")
    assert not access.can(AnonymousUser(), action, units["commune"], status="submitted")


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    [
        (Role.DISTRICT_STAFF, "submitted", True),
        (Role.DISTRICT_STAFF, "verified", False),  # what the office verified itself goes back from the province
        (Role.PROVINCE_STAFF, "submitted", True),
        (Role.PROVINCE_STAFF, "verified", True),
        (Role.ADMIN, "verified", True),
    ],
)
def test_returning_is_limited_by_the_state_of_the_results(units, role, status, allowed):
    user = member(role, units[HOME[role]])
    assert access.can_transition(user, units["commune"], "return", status=status) is allowed


def test_only_workflow_steps_are_transitions(units):
    leader = member(Role.LEADER, units["province"])
    assert access.can(leader, Action.VIEW, units["commune"])
    assert not access.can_transition(leader, units["commune"], "view", status="draft")


# The apps above communes on the floors of DESIGN.md; of ntm_portal only the ground may be imported.
HIGHER = {"criteria", "funding", "reports", "ntm_portal"}
# ntm_portal.models holds the history (ChangeRecord) that the membership proposals write, and
# ntm_portal.client_address the address the security events record; both are on the ground floor of the
# import-linter contract in pyproject.toml; so is ntm_portal.uploads, whose size limit the boundary upload shares.
GROUND = {
    "ntm_portal.text",
    "ntm_portal.numbers",
    "ntm_portal.bulk",
    "ntm_portal.models",
    "ntm_portal.client_address",
    "ntm_portal.uploads",
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_communes_imports_no_higher_app():
    root = Path(__file__).resolve().parents[2] / "communes"
    upward = {
        f"{path.relative_to(root.parent)}: {name}"
        for path in root.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in HIGHER and name not in GROUND
    }
    assert upward == set()
