"""Entering results and the review workflow, against the real database and the real criteria sets."""

from decimal import Decimal

import pytest

from criteria.models import Assessment, Criterion, CriterionResult, Indicator, IndicatorValue
from criteria.selectors import assessment_evaluation
from criteria.services import (
    AssessmentLocked,
    DirectInput,
    NoCriteriaSet,
    NotPermitted,
    ResultsInvalid,
    StaleAssessment,
    StepRefused,
    assessment_save,
    assessment_step,
)
from ntm_portal.models import ChangeRecord

pytestmark = pytest.mark.django_db

YEAR = 2019  # QĐ 1980, with districts: the district office verifies


def ind(code, year=YEAR):
    return Indicator.objects.get(code=code, criterion__criteria_set__period_start__lte=year,
                                 criterion__criteria_set__period_end__gte=year,
                                 criterion__criteria_set__assessed_level="commune",
                                 criterion__criteria_set__tier="ntm")  # fmt: skip


def crit(number, year=YEAR):
    return Criterion.objects.get(number=number, criteria_set=ind("1.1", year).criterion.criteria_set)


def save(world, user="province_staff", *, unit=None, version=0, values=None, direct=None, year=YEAR):
    return assessment_save(
        user=world.users[user],
        unit=unit or world.commune_a,
        year=year,
        version=version,
        values=values or {},
        direct=direct or {},
    )


def health_values(stunting="13.0"):
    return {ind("15.1").pk: Decimal("87.6"), ind("15.2").pk: True, ind("15.3").pk: Decimal(stunting)}


def result(assessment, number):
    return CriterionResult.objects.get(assessment=assessment, criterion__number=number)


def test_saved_values_give_the_results_of_the_evaluation_service(world):
    assessment = save(world, values=health_values())
    assert result(assessment, 15).is_met is True
    assert result(assessment, 15).method == "computed"

    evaluation = assessment_evaluation(assessment)
    stored = dict(CriterionResult.objects.filter(assessment=assessment).values_list("criterion__number", "is_met"))
    assert stored == {outcome.number: outcome.is_met for outcome in evaluation.criteria}
    assert len(stored) == 19
    assessment.refresh_from_db()
    assert assessment.criteria_met == sum(1 for is_met in stored.values() if is_met)
    assert assessment.results_summary[14] == "1"  # criterion 15

    assessment = save(world, version=assessment.version, values={ind("15.3").pk: Decimal("30")})
    assert result(assessment, 15).is_met is False  # stunting above the 26,7% ceiling of TDMNPB


def test_every_change_writes_one_history_row(world):
    assessment = save(world, values=health_values())
    rows = ChangeRecord.objects.about(assessment)
    assert rows.filter(action="created").count() == 1
    assert set(rows.filter(action="value").values_list("target", flat=True)) == {"15.1", "15.2", "15.3"}
    assert rows.filter(action="result", target="15").get().new_value == "met"
    assert rows.filter(user=world.users["province_staff"]).count() == rows.count()

    save(world, version=assessment.version, values={ind("15.3").pk: Decimal("30")})
    change = ChangeRecord.objects.about(assessment).filter(action="value", target="15.3").order_by("-at", "-pk")[0]
    assert (change.old_value, change.new_value, change.subject_version) == ("13", "30", 2)
    assert ChangeRecord.objects.about(assessment).filter(action="result", target="15").count() == 2


def test_saving_the_same_values_again_changes_nothing(world):
    assessment = save(world, values=health_values())
    rows = ChangeRecord.objects.count()
    again = save(world, version=assessment.version, values=health_values())
    assert again.version == assessment.version
    assert ChangeRecord.objects.count() == rows


def test_clearing_a_value_deletes_it_and_is_recorded(world):
    assessment = save(world, values=health_values())
    save(world, version=assessment.version, values={ind("15.1").pk: None})
    assert not IndicatorValue.objects.filter(assessment=assessment, indicator=ind("15.1")).exists()
    assert result(assessment, 15).is_met is None
    cleared = ChangeRecord.objects.about(assessment).get(action="value", target="15.1", new_value="")
    assert cleared.old_value == "87.6"


def test_criterion_level_result_without_indicators(world):
    assessment = save(world, direct={crit(5).pk: DirectInput(is_met=True), crit(6).pk: DirectInput(is_met=False)})
    assert (result(assessment, 5).is_met, result(assessment, 5).method) == (True, "entered")
    assert result(assessment, 6).is_met is False
    assert result(assessment, 7).is_met is None


def test_override_without_reason_is_refused_and_nothing_is_written(world):
    with pytest.raises(ResultsInvalid) as refused:
        save(world, values=health_values(), direct={crit(15).pk: DirectInput(is_met=False, override=True)})
    assert crit(15).pk in refused.value.errors
    assert not Assessment.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_override_with_reason_wins_and_keeps_what_the_indicators_say(world):
    direct = {crit(15).pk: DirectInput(is_met=False, override=True, reason="Trạm y tế chưa được công nhận lại")}
    assessment = save(world, values=health_values(), direct=direct)
    row = result(assessment, 15)
    assert (row.is_met, row.method, row.computed_is_met) == (False, "overridden", True)
    assert row.override_reason == "Trạm y tế chưa được công nhận lại"


def test_what_the_indicators_say_is_kept_up_to_date_under_an_unchanged_override(world):
    """The result stays overridden to "not met"; the indicators' own verdict under it changes and is stored."""
    direct = {crit(15).pk: DirectInput(is_met=False, override=True, reason="Trạm y tế chưa được công nhận lại")}
    assessment = save(world, values=health_values(), direct=direct)
    history = ChangeRecord.objects.about(assessment).filter(action="result", target="15").count()
    assessment = save(world, version=assessment.version, values=health_values(stunting="30"), direct=direct)
    row = result(assessment, 15)
    assert (row.is_met, row.method, row.computed_is_met) == (False, "overridden", False)
    assert ChangeRecord.objects.about(assessment).filter(action="result", target="15").count() == history


def test_a_direct_result_against_the_indicators_needs_an_override(world):
    with pytest.raises(ResultsInvalid) as refused:
        save(world, values=health_values(), direct={crit(15).pk: DirectInput(is_met=False)})
    assert "override" in refused.value.errors[crit(15).pk] or "điều chỉnh" in refused.value.errors[crit(15).pk]
    assert not Assessment.objects.exists()


def test_stale_form_is_refused_and_nothing_is_lost(world):
    first = save(world, values=health_values())
    opened_at = first.version
    save(world, user="district_staff", version=opened_at, values={ind("15.3").pk: Decimal("20")})

    with pytest.raises(StaleAssessment) as stale:
        save(world, version=opened_at, values={ind("15.3").pk: Decimal("25")})
    assert [(c.target, c.old_value, c.new_value) for c in stale.value.changes if c.action == "value"] == [
        ("15.3", "13", "20")
    ]
    assert stale.value.changes[0].user == world.users["district_staff"]
    stored = IndicatorValue.objects.get(assessment=first, indicator=ind("15.3"))
    assert stored.number == Decimal("20")


def test_two_people_creating_the_same_assessment(world):
    save(world, values=health_values())
    with pytest.raises(StaleAssessment):
        save(world, user="district_staff", version=0, values={ind("15.1").pk: Decimal("90")})
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("user", ["official_b", "leader"])
def test_who_may_not_enter_results(world, user):
    with pytest.raises(NotPermitted):
        save(world, user=user, values=health_values())
    assert not Assessment.objects.exists()


def test_a_year_no_criteria_set_covers_is_refused(world):
    with pytest.raises(NoCriteriaSet):
        save(world, year=2015, values={})


def test_a_commune_cannot_be_assessed_after_it_was_merged_away(world):
    with pytest.raises(NoCriteriaSet):
        save(world, year=2026, values={})


# Workflow -------------------------------------------------------------------------------------------


def step(world, assessment, name, user, comment=""):
    assessment.refresh_from_db()
    return assessment_step(
        user=world.users[user], assessment=assessment, step=name, version=assessment.version, comment=comment
    )


def test_full_path_with_a_district_step(world):
    assessment = save(world, user="official_a", values=health_values())
    assert step(world, assessment, "submit", "official_a").status == "submitted"
    assert step(world, assessment, "verify", "district_staff").status == "verified"
    assert step(world, assessment, "approve", "province_staff").status == "approved"
    timeline = ChangeRecord.objects.about(assessment).filter(action="transition").order_by("at", "pk")
    assert [(c.target, c.new_value, c.user.username) for c in timeline] == [
        ("submit", "submitted", "official_a"),
        ("verify", "verified", "district_staff"),
        ("approve", "approved", "province_staff"),
    ]


def test_approved_results_are_locked_until_unlocked_with_a_reason(world):
    assessment = save(world, values=health_values())
    for name, user in (("submit", "official_a"), ("verify", "district_staff"), ("approve", "province_staff")):
        step(world, assessment, name, user)
    assessment.refresh_from_db()
    with pytest.raises(AssessmentLocked):
        save(world, version=assessment.version, values={ind("15.3").pk: Decimal("30")})
    with pytest.raises(StepRefused):
        step(world, assessment, "unlock", "province_staff", comment=" ")
    assert step(world, assessment, "unlock", "province_staff", comment="Sai số liệu 15.3").status == "draft"
    assessment.refresh_from_db()
    save(world, version=assessment.version, values={ind("15.3").pk: Decimal("30")})
    assert result(assessment, 15).is_met is False


def test_return_needs_a_comment_and_goes_back_to_draft(world):
    assessment = save(world, values=health_values())
    step(world, assessment, "submit", "official_a")
    with pytest.raises(StepRefused):
        step(world, assessment, "return", "district_staff")
    returned = step(world, assessment, "return", "district_staff", comment="Thiếu biên bản")
    assert returned.status == "draft"
    assert ChangeRecord.objects.about(assessment).get(target="return").comment == "Thiếu biên bản"


# (step, status it starts from, user) → allowed? Years with districts (2019).
WORKFLOW_MATRIX = [
    ("submit", "draft", "official_a", True),
    ("submit", "draft", "official_b", False),
    ("submit", "draft", "leader", False),
    ("submit", "submitted", "official_a", False),
    ("verify", "submitted", "district_staff", True),
    ("verify", "submitted", "province_staff", False),
    ("verify", "submitted", "official_a", False),
    ("verify", "draft", "district_staff", False),
    ("approve", "verified", "province_staff", True),
    ("approve", "submitted", "province_staff", False),  # the district has not verified yet
    ("approve", "verified", "district_staff", False),
    ("approve", "verified", "leader", False),
    ("return", "submitted", "district_staff", True),
    ("return", "verified", "district_staff", False),  # a district does not return what it verified
    ("return", "verified", "province_staff", True),
    ("return", "submitted", "official_a", False),
    ("return", "draft", "province_staff", False),
    ("unlock", "approved", "province_staff", True),
    ("unlock", "approved", "district_staff", False),
    ("unlock", "verified", "province_staff", False),
    ("approve", "verified", "admin", True),
]


@pytest.mark.parametrize(("name", "status", "user", "allowed"), WORKFLOW_MATRIX)
def test_workflow_matrix(world, name, status, user, allowed):
    assessment = save(world, values=health_values())
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    if allowed:
        assert step(world, assessment, name, user, comment="Lý do").status != status
    else:
        with pytest.raises((StepRefused, NotPermitted)):
            step(world, assessment, name, user, comment="Lý do")
        assessment.refresh_from_db()
        assert assessment.status == status


def test_without_districts_province_staff_approve_what_was_submitted(world):
    # 2025: the district was abolished on 1/7/2025, so the year has no district step.
    assessment = save(world, year=2025, values={})
    step(world, assessment, "submit", "official_a")
    with pytest.raises(StepRefused):
        step(world, assessment, "verify", "district_staff")
    assert step(world, assessment, "approve", "province_staff").status == "approved"


def test_a_stale_step_is_refused(world):
    assessment = save(world, values=health_values())
    opened_at = assessment.version
    step(world, assessment, "submit", "official_a")
    with pytest.raises(StaleAssessment):
        assessment_step(user=world.users["official_a"], assessment=assessment, step="submit", version=opened_at)
