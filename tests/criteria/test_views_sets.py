"""The criteria-set editor through the test client: who may open it, copying, thresholds with a preview and
apply, deleting refused once results are judged, Excel export and import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.models import Assessment, CriteriaSet, Indicator, Threshold
from ntm_portal.models import ChangeRecord
from tests.criteria.test_criteria_sets import SOURCE, assess, cao_bang_set, group3_commune, planning_indicator
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, world, username):
    client.login(username=username, password=PASSWORD)
    return client


def threshold_post(indicator: Indicator, version: int, values: dict[str, tuple[str, str]]) -> dict:
    """The thresholds form as the page renders it (a row per group), with these values and sources."""
    areas = ["national", "nhom1", "nhom2", "nhom3"]
    existing = list(indicator.thresholds.values_list("applies_to", flat=True))
    order = existing + [area for area in areas if area not in existing]
    data = {"version": version, "t-TOTAL_FORMS": len(order), "t-INITIAL_FORMS": len(order)}
    for index, area in enumerate(order):
        value, source = values.get(area, ("", ""))
        if area in existing and area not in values:
            row = indicator.thresholds.get(applies_to=area)
            value, source = row.value, row.source
        data |= {f"t-{index}-applies_to": area, f"t-{index}-value": value, f"t-{index}-source": source}
    return data


@pytest.mark.parametrize(
    ("username", "status"),
    [("province_staff", 200), ("admin", 200), ("district_staff", 404), ("official_a", 404), ("leader", 404)],
)
def test_who_opens_the_editor(client, world, username, status):
    criteria_set = cao_bang_set(world)
    signed_in(client, world, username)
    assert client.get(reverse("criteria:set_list")).status_code == status
    assert client.get(reverse("criteria:set_detail", args=[criteria_set.pk])).status_code == status
    edit = client.get(reverse("criteria:set_edit", args=[criteria_set.pk])).status_code
    assert edit == status


def test_another_provinces_set_does_not_exist_for_province_staff(client, world):
    other = CriteriaSet.objects.create(
        code="BK-2026", name="Bắc Kạn", decision_number="1/QĐ-UBND", issuing_level="provincial",
        issuing_unit=world.other_province, period_start=2026, period_end=2030, tier="ntm", assessed_level="commune",
        threshold_dimension="commune_group",
    )  # fmt: skip
    signed_in(client, world, "province_staff")
    assert client.get(reverse("criteria:set_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("criteria:set_export", args=[other.pk])).status_code == 404
    assert "BK-2026" not in client.get(reverse("criteria:set_list")).content.decode()
    national = CriteriaSet.objects.get(code="QD51-2025")
    assert client.get(reverse("criteria:set_edit", args=[national.pk])).status_code == 404  # administrators' own


def test_province_staff_copy_the_national_set_into_their_province(client, world):
    national = CriteriaSet.objects.get(code="QD51-2025")
    signed_in(client, world, "province_staff")
    page = client.get(reverse("criteria:set_copy", args=[national.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("criteria:set_copy", args=[national.pk]),
        {"code": "QD51-CB", "name": "Bộ tiêu chí xã NTM tỉnh Cao Bằng", "decision_number": "12/QĐ-UBND",
         "period_start": 2026, "period_end": 2030, "province": world.province.pk},
    )  # fmt: skip
    copy = CriteriaSet.objects.get(code="QD51-CB")
    assert response.status_code == 302 and response["Location"] == reverse("criteria:set_detail", args=[copy.pk])
    assert (copy.parent, copy.issuing_unit, copy.criteria.count()) == (national, world.province, 10)
    detail = client.get(response["Location"]).content.decode()
    assert "Quy hoạch" in detail


def test_a_value_without_its_source_is_refused_with_the_field_named(client, world):
    criteria_set = cao_bang_set(world)
    indicator = planning_indicator(world, criteria_set)
    signed_in(client, world, "province_staff")
    url = reverse("criteria:thresholds_edit", args=[criteria_set.pk, indicator.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, threshold_post(indicator, criteria_set.version, {"nhom2": ("75", "")}))
    assert response.status_code == 400
    assert response.context["formset"].errors
    assert not Threshold.objects.filter(indicator=indicator, applies_to="nhom2").exists()


def test_a_threshold_change_is_previewed_then_applied_with_its_history(client, world):
    criteria_set = cao_bang_set(world)
    indicator = planning_indicator(world, criteria_set)
    commune = group3_commune(world)
    assessment = assess(world, commune, indicator, "85")
    signed_in(client, world, "province_staff")
    url = reverse("criteria:thresholds_edit", args=[criteria_set.pk, indicator.pk])
    data = threshold_post(indicator, criteria_set.version, {"nhom3": ("90", SOURCE)})

    preview = client.post(url, data)

    assert preview.status_code == 200
    assert [(flip["assessment"].pk, flip["number"], flip["old"], flip["new"]) for flip in preview.context["flips"]] == [
        (assessment.pk, 1, True, False)
    ]
    assert commune.name in preview.content.decode()
    assert Threshold.objects.get(indicator=indicator, applies_to="nhom3").value == "80"

    applied = client.post(url, dict(preview.context["posted"]) | {"apply": "1", "reason": "QĐ 15/2026"})

    assert applied.status_code == 302
    assert Threshold.objects.get(indicator=indicator, applies_to="nhom3").value == "90"
    assessment.refresh_from_db()
    assert assessment.results_summary[0] == "0"
    assert ChangeRecord.objects.about(criteria_set).first().comment == "QĐ 15/2026"
    detail = client.get(reverse("criteria:set_detail", args=[criteria_set.pk])).content.decode()
    assert "QĐ 15/2026" in detail and SOURCE in detail


def test_deleting_an_indicator_asks_first_and_is_refused_once_results_are_judged(client, world):
    criteria_set = cao_bang_set(world)
    indicator = planning_indicator(world, criteria_set)
    signed_in(client, world, "province_staff")
    url = reverse("criteria:item_delete", args=[criteria_set.pk, "indicator", indicator.pk])
    assess(world, group3_commune(world), indicator, "85")
    assert client.get(url).context["assessed"] is True
    client.post(url, {"version": criteria_set.version})
    assert Indicator.objects.filter(pk=indicator.pk).exists()

    Assessment.objects.all().delete()
    assert client.get(url).status_code == 200  # the confirmation
    client.post(url, {"version": criteria_set.version})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_export_then_import_through_the_pages(client, world):
    criteria_set = cao_bang_set(world)
    planning_indicator(world, criteria_set)
    signed_in(client, world, "province_staff")
    exported = client.get(reverse("criteria:set_export", args=[criteria_set.pk]))
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    ChangeRecord.objects.about(criteria_set).delete()
    criteria_set.delete()

    upload = SimpleUploadedFile("set.xlsx", content)
    response = client.post(reverse("criteria:set_import"), {"file": upload})

    imported = CriteriaSet.objects.get(code=criteria_set.code)
    assert response.status_code == 302
    assert Threshold.objects.get(indicator__criterion__criteria_set=imported, applies_to="nhom3").source == SOURCE
    again = client.post(reverse("criteria:set_import"), {"file": SimpleUploadedFile("set.xlsx", content)})
    assert again.status_code == 400 and again.context["import_errors"]


def test_province_staff_create_an_empty_set_and_add_a_criterion(client, world):
    signed_in(client, world, "province_staff")
    response = client.post(
        reverse("criteria:set_create"),
        {"code": "CB-NEW", "name": "Bộ tiêu chí thôn NTM", "decision_number": "3/QĐ-UBND", "period_start": 2026,
         "period_end": 2030, "tier": "ntm", "assessed_level": "village", "threshold_dimension": "none",
         "province": world.province.pk},
    )  # fmt: skip
    created = CriteriaSet.objects.get(code="CB-NEW")
    assert response.status_code == 302 and created.issuing_unit == world.province
    url = reverse("criteria:criterion_add", args=[created.pk])
    client.post(url, {"version": created.version, "number": 1, "name": "Giao thông"})
    assert list(created.criteria.values_list("number", "name")) == [(1, "Giao thông")]
