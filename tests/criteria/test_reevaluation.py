"""Stored results follow their inputs: a changed threshold judges the assessments of its set again.

Against the real database and the real criteria sets: the service, the catalogue loader and the admin.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from criteria.catalogue_loading import CRITERIA_FIXTURE, criteria_catalogue_load
from criteria.models import Assessment, CriteriaSet, CriterionResult, Threshold
from criteria.services import DirectInput, ResultChange, assessments_reevaluate
from ntm_portal.models import ChangeRecord
from tests.criteria.test_services import crit, health_values, result, save

pytestmark = pytest.mark.django_db

SET_CODE = "QD1980-2016"  # judges 2019, the year of tests.criteria.test_services
REASON = "Sửa ngưỡng suy dinh dưỡng theo công văn"


def stunting_ceiling(value: str, applies_to: str = "TDMNPB") -> Threshold:
    """Set QĐ 1980's stunting ceiling (15.3) for the region of the world's communes."""
    threshold = Threshold.objects.get(
        indicator__criterion__criteria_set__code=SET_CODE, indicator__code="15.3", applies_to=applies_to
    )
    threshold.value = value
    threshold.save(update_fields=["value"])
    return threshold


def qd1980() -> CriteriaSet:
    return CriteriaSet.objects.get(code=SET_CODE)


def stored(assessment: Assessment) -> tuple[str, int, int]:
    assessment.refresh_from_db()
    return assessment.results_summary, assessment.criteria_met, assessment.version


def history(assessment: Assessment) -> list[tuple]:
    return list(
        ChangeRecord.objects.about(assessment)
        .filter(action=ChangeRecord.Action.RESULT)
        .order_by("pk")
        .values_list("user__username", "target", "old_value", "new_value", "comment", "subject_version")
    )


def test_a_lower_ceiling_turns_a_computed_result_with_its_summary_and_history(world):
    stunted = save(world, values=health_values(stunting="13.0"))
    healthy = save(world, unit=world.commune_b, values=health_values(stunting="5.0"))
    summary, met, version = stored(stunted)
    assert summary[14] == "1" and met >= 1
    history_before = history(stunted)
    stunting_ceiling("10")

    outcome = assessments_reevaluate(criteria_sets=[qd1980()], user=world.users["province_staff"], reason=REASON)

    assert outcome.applied
    assert outcome.assessments == 2
    assert outcome.changes == [ResultChange(stunted.pk, 15, True, False)]
    row = result(stunted, 15)
    assert (row.is_met, row.method, row.computed_is_met) == (False, "computed", False)
    assert stored(stunted) == (summary[:14] + "0" + summary[15:], met - 1, version + 1)
    assert history(stunted) == [
        *history_before,
        ("province_staff", "15", "met", "not_met", REASON, version + 1),
    ]
    assert result(healthy, 15).is_met is True
    assert stored(healthy)[2] == healthy.version  # untouched: no new version


def test_judging_again_without_a_change_writes_nothing(world):
    assessment = save(world, values=health_values())
    before = (stored(assessment), ChangeRecord.objects.count())

    outcome = assessments_reevaluate(criteria_sets=[qd1980()])

    assert outcome.changes == [] and outcome.contradicted == [] and outcome.indicator_verdicts_changed == 0
    assert (stored(assessment), ChangeRecord.objects.count()) == before


def test_a_dry_run_says_what_would_change_and_writes_nothing(world):
    assessment = save(world, values=health_values())
    stunting_ceiling("10")
    before = (stored(assessment), list(CriterionResult.objects.values()), ChangeRecord.objects.count())

    outcome = assessments_reevaluate(criteria_sets=[qd1980()], apply=False)

    assert not outcome.applied
    assert outcome.changes == [ResultChange(assessment.pk, 15, True, False)]
    assert (stored(assessment), list(CriterionResult.objects.values()), ChangeRecord.objects.count()) == before


def test_direct_and_overridden_results_stand_and_what_the_indicators_say_follows(world):
    overridden = save(
        world,
        values=health_values(),
        direct={crit(15).pk: DirectInput(is_met=True, override=True, reason="Đoàn kiểm tra xác nhận")},
    )
    entered = save(world, unit=world.commune_b, values=health_values(), direct={crit(15).pk: DirectInput(True)})
    assert result(entered, 15).method == "entered"
    before = {assessment.pk: stored(assessment) for assessment in (overridden, entered)}
    stunting_ceiling("10")

    outcome = assessments_reevaluate(criteria_sets=[qd1980()], reason=REASON)

    assert outcome.changes == []
    assert outcome.contradicted == [ResultChange(entered.pk, 15, True, False)]
    assert outcome.indicator_verdicts_changed == 2
    for assessment, method in ((overridden, "overridden"), (entered, "entered")):
        row = result(assessment, 15)
        assert (row.is_met, row.method, row.computed_is_met) == (True, method, False)
        assert stored(assessment) == before[assessment.pk]
    assert result(overridden, 15).override_reason == "Đoàn kiểm tra xác nhận"


def test_approved_results_are_judged_again_and_stay_approved(world):
    assessment = save(world, values=health_values())
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPROVED)
    stunting_ceiling("10")

    outcome = assessments_reevaluate(criteria_sets=[qd1980()], reason=REASON)

    assert outcome.changes == [ResultChange(assessment.pk, 15, True, False)]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.results_summary[14] == "0"
    assert history(assessment)[-1][0] is None  # from the command line: nobody signed in


def test_a_province_is_judged_again_in_a_few_queries(world, django_assert_max_num_queries):
    assessment = save(world, values=health_values())
    stunting_ceiling("10")
    with django_assert_max_num_queries(16):
        outcome = assessments_reevaluate(criteria_sets=[qd1980()])
    assert outcome.changes == [ResultChange(assessment.pk, 15, True, False)]


# ── Where thresholds change: the catalogue loader and the admin ──


def fixture_with_stunting_ceiling(tmp_path, value: str):
    sets = json.loads(CRITERIA_FIXTURE.read_text(encoding="utf-8"))
    qd = next(raw for raw in sets if raw["code"] == SET_CODE)
    health = next(raw for raw in qd["criteria"] if raw["number"] == 15)
    stunting = next(raw for raw in health["indicators"] if raw["code"] == "15.3")
    next(row for row in stunting["thresholds"] if row["applies_to"] == "TDMNPB")["value"] = value
    path = tmp_path / "criteria_sets.json"
    path.write_text(json.dumps(sets, ensure_ascii=False), encoding="utf-8")
    return path


def test_loading_a_changed_threshold_judges_its_set_again(world, tmp_path):
    assessment = save(world, values=health_values())
    version = stored(assessment)[2]

    report = criteria_catalogue_load(path=fixture_with_stunting_ceiling(tmp_path, "10"))

    assert report.reevaluation.changes == [ResultChange(assessment.pk, 15, True, False)]
    assert result(assessment, 15).is_met is False
    assert stored(assessment)[2] == version + 1
    assert history(assessment)[-1][:4] == (None, "15", "met", "not_met")


def test_loading_an_unchanged_catalogue_judges_nothing_again(world):
    save(world, values=health_values())
    records = ChangeRecord.objects.count()

    report = criteria_catalogue_load()

    assert report.reevaluation.assessments == 0
    assert ChangeRecord.objects.count() == records


def superuser_client(client):
    user = get_user_model().objects.create_superuser(username="quan.tri", password="x")
    client.force_login(user)
    return user


def threshold_form(threshold: Threshold, **changes) -> dict:
    data = {
        "indicator": threshold.indicator_id,
        "applies_to": threshold.applies_to,
        "year_from": threshold.year_from or "",
        "year_to": threshold.year_to or "",
        "value": threshold.value,
        "parts": json.dumps(threshold.parts) if threshold.parts is not None else "",
        "source": threshold.source,
        **changes,
    }
    if threshold.verified:
        data["verified"] = "on"
    return data


def test_a_threshold_changed_in_the_admin_judges_its_set_again(world, client):
    user = superuser_client(client)
    assessment = save(world, values=health_values())
    threshold = stunting_ceiling("26.7")

    response = client.post(
        reverse("admin:criteria_threshold_change", args=[threshold.pk]), threshold_form(threshold, value="10")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert result(assessment, 15).is_met is False
    assert stored(assessment)[0][14] == "0"
    assert history(assessment)[-1][:4] == (user.username, "15", "met", "not_met")


def test_a_threshold_deleted_in_the_admin_judges_its_set_again(world, client):
    superuser_client(client)
    assessment = save(world, values=health_values())
    northern = Threshold.objects.get(
        indicator__criterion__criteria_set__code=SET_CODE, indicator__code="15.3", applies_to="TDMNPB"
    )
    stunting_ceiling("10", applies_to="national")  # without its own row the region falls back to the national

    response = client.post(reverse("admin:criteria_threshold_delete", args=[northern.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert result(assessment, 15).is_met is False


def test_an_indicator_inline_threshold_changed_in_the_admin_judges_its_set_again(world, client):
    superuser_client(client)
    assessment = save(world, values=health_values())
    indicator = Threshold.objects.get(
        indicator__criterion__criteria_set__code=SET_CODE, indicator__code="15.3", applies_to="TDMNPB"
    ).indicator
    url = reverse("admin:criteria_indicator_change", args=[indicator.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["verified"] = "on" if indicator.verified else ""
    data["code_verified"] = "on" if indicator.code_verified else ""
    rows = list(indicator.thresholds.order_by("pk"))
    data |= {
        "thresholds-TOTAL_FORMS": len(rows),
        "thresholds-INITIAL_FORMS": len(rows),
        "thresholds-MIN_NUM_FORMS": 0,
        "thresholds-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        values = threshold_form(row, value="10" if row.applies_to == "TDMNPB" else row.value)
        data |= {f"thresholds-{index}-{name}": value for name, value in values.items() if name != "indicator"}
        data |= {f"thresholds-{index}-id": row.pk, f"thresholds-{index}-indicator": indicator.pk}

    response = client.post(url, {key: value for key, value in data.items() if value != ""})

    assert response.status_code == 302
    assert result(assessment, 15).is_met is False
