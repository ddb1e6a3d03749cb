"""The work waiting for each persona: only in their scope, only at a step their role takes, the district step
only in years with districts."""

import pytest

from communes import access
from criteria.models import Assessment
from criteria.selectors import WaitingWork, assessment_tasks, criteria_set_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world):
    """2024 (districts still verify): A submitted, B in draft; the other province's commune submitted."""
    criteria_set = criteria_set_in_force(year=2024)
    for unit, status in (
        (world.commune_a, "submitted"),
        (world.commune_b, "draft"),
        (world.other_commune, "submitted"),
    ):
        Assessment.objects.create(unit=unit, year=2024, criteria_set=criteria_set, status=status)
    return world


def work(world, persona) -> set[tuple[str, int, str, int, str | None]]:
    names = {world.commune_a.pk: "A", world.commune_b.pk: "B", world.other_commune.pk: "other"}
    return {
        (task.kind, task.year, task.status, task.count, names.get(task.commune_id))
        for task in assessment_tasks(world.users[persona])
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official_a", set()),  # submitted: waiting for the district now
        ("official_b", {("submit", 2024, "draft", 1, "B")}),
        ("district_staff", {("verify", 2024, "submitted", 1, "A"), ("submit", 2024, "draft", 1, "B")}),
        ("province_staff", {("submit", 2024, "draft", 1, "B")}),  # nothing verified yet to approve
        ("leader", set()),
        ("other_province_staff", set()),  # Nam Mẫu waits for its district, not for the province
        ("other_official", set()),
        (
            "admin",
            {("verify", 2024, "submitted", 2, None), ("submit", 2024, "draft", 1, "B")},
        ),
    ],
)
def test_each_persona_sees_the_work_of_its_scope_and_role(waiting, persona, expected):
    assert work(waiting, persona) == expected


def test_verified_results_wait_for_the_province_and_without_a_district_submitted_ones_do(waiting):
    Assessment.objects.filter(unit=waiting.commune_a).update(status="verified")
    assert ("approve", 2024, "verified", 1, "A") in work(waiting, "province_staff")
    assert not any(kind == "verify" for kind, *_ in work(waiting, "district_staff"))

    # 2025: the district ended on 30 June, so the province approves what the commune submitted.
    Assessment.objects.create(
        unit=waiting.commune_b, year=2025, criteria_set=criteria_set_in_force(year=2025), status="submitted"
    )
    assert ("approve", 2025, "submitted", 1, "B") in work(waiting, "province_staff")
    assert ("verify", 2025, "submitted", 1, "B") not in work(waiting, "district_staff")


def test_the_work_is_listed_nearest_to_approval_first(waiting):
    Assessment.objects.filter(unit=waiting.commune_a).update(status="verified")
    kinds = [task.kind for task in assessment_tasks(waiting.users["admin"])]
    assert kinds == ["approve", "verify", "submit"]
    assert all(isinstance(task, WaitingWork) for task in assessment_tasks(waiting.users["admin"]))


def test_units_for_an_action_are_the_subtrees_of_the_memberships_that_allow_it(world):
    def ids(persona, action):
        return set(access.units_for_action(world.users[persona], action).values_list("pk", flat=True))

    ours = {world.province.pk, world.district.pk, world.commune_a.pk, world.commune_b.pk}
    assert ids("province_staff", access.Action.APPROVE) == ours
    assert ids("district_staff", access.Action.APPROVE) == set()
    assert ids("district_staff", access.Action.VERIFY) == {world.district.pk, world.commune_a.pk, world.commune_b.pk}
    assert ids("official_a", access.Action.SUBMIT) == {world.commune_a.pk}
    assert ids("leader", access.Action.SUBMIT) == set()
    assert world.other_commune.pk in ids("admin", access.Action.APPROVE)
    # A status limit of the table holds: district offices send back only what is submitted.
    district = world.users["district_staff"]
    assert access.units_for_action(district, access.Action.RETURN, status="verified").count() == 0
    assert access.units_for_action(district, access.Action.RETURN, status="submitted").count() == 3
