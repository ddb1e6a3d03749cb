"""The entry form a commune official finishes alone: what each field takes, a refused save summarised at the top,
and workflow steps that ask first and refuse to send what a refused save left behind."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from criteria import display
from criteria.evaluation import ThresholdRule
from criteria.models import Assessment, Indicator, IndicatorValue
from tests.criteria.test_views import client_for, entry_post, field, url

pytestmark = pytest.mark.django_db


def composite_part_keys() -> set[str]:
    sets = json.loads(Path(settings.BASE_DIR, "fixtures", "criteria_sets.json").read_text(encoding="utf-8"))
    keys = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update((node.get("parts") or {}) if isinstance(node.get("parts"), dict) else ())
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(sets)
    return keys


def test_each_field_says_what_it_takes_and_its_threshold_in_words(client, world):
    client_for(client, world, "official_a")
    page = client.get(url("entry", world.commune_a)).content.decode()
    percent = field("15.1")
    help_text = re.search(rf'<p class="help" id="id_{percent}_helptext">([^<]*)</p>', page)
    assert help_text is not None
    assert "Nhập tỷ lệ % từ 0 đến 100. Ngưỡng đạt chuẩn: ≥" in help_text.group(1)
    assert f'aria-describedby="id_{percent}_helptext"' in page
    text = re.sub(r"<[^>]+>", " ", page)  # what a person reads; field names may hold keys
    for key in composite_part_keys():
        assert key not in text and key.replace("_", " ") not in text


def test_composite_conditions_and_unknown_thresholds_read_in_words():
    indicator = Indicator(code="14.1", text="Phổ cập giáo dục", kind=Indicator.Kind.COMPOSITE, comparison="==")
    rule = ThresholdRule("national", parts={"ty_le_tre_6_tuoi_vao_lop_1_pct_min": "98", "khoa_moi": None})
    text = display.threshold_text(indicator, rule)
    assert text.startswith("tỷ lệ trẻ em 6 tuổi vào lớp 1: ≥ 98 %; điều kiện 2: chưa có: Văn phòng Điều phối")
    number = Indicator(code="15.1", text="Tỷ lệ", kind=Indicator.Kind.PERCENT, comparison=">=", unit="%")
    assert "nhập ngưỡng này vào bộ tiêu chí" in display.threshold_text(number, ThresholdRule("TDMNPB"))


def test_a_refused_save_is_summarised_at_the_top_with_a_link_and_focus_on_the_field(client, world):
    client_for(client, world, "official_a")
    response = entry_post(client, world, data={field("15.1"): "120"})
    assert response.status_code == 400
    page = response.content.decode()
    summary = page.index('role="alert" id="error-summary"')
    assert summary < page.index('class="entry-form"')
    assert "Kết quả chưa được lưu: 1 giá trị cần sửa." in page
    assert f'href="#id_{field("15.1")}"' in page[summary:]
    assert page.count("Nhập tỷ lệ % từ 0 đến 100.") >= 2  # in the summary and under the field
    widget = re.search(rf'<input[^>]*id="id_{field("15.1")}"[^>]*>', page).group(0)
    assert "autofocus" in widget and 'aria-invalid="true"' in widget
    assert page.count("autofocus") == 1
    assert not IndicatorValue.objects.exists()


def test_a_value_out_of_range_names_the_range():
    from criteria.forms import indicator_number_field

    level = indicator_number_field(Indicator.Kind.LEVEL, "17.1", typed=True)
    with pytest.raises(ValidationError) as refused:
        level.clean("7")
    assert refused.value.messages == ["Nhập mức từ 1 đến 5."]
    percent = indicator_number_field(Indicator.Kind.PERCENT, "15.1", typed=True)
    for typed in ("120", "-1", "nhiều"):  # above, below, and no number at all
        with pytest.raises(ValidationError) as refused:
            percent.clean(typed)
        assert refused.value.messages == ["Nhập tỷ lệ % từ 0 đến 100."]


def test_a_step_asks_first_and_says_what_it_locks(client, world):
    client_for(client, world, "official_a")
    entry_post(client, world, data={field("15.1"): "87,6"})
    assessment = Assessment.objects.get()
    response = client.post(url("transition", world.commune_a, action="submit"), {"version": assessment.version})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xã sẽ không sửa được các kết quả này nữa" in page
    assert 'name="confirm" value="1"' in page
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    client.post(url("transition", world.commune_a, action="submit"), {"version": assessment.version, "confirm": "1"})
    assessment.refresh_from_db()
    assert assessment.status == "submitted"

    client.logout()
    client_for(client, world, "district_staff")
    verify = {"version": assessment.version, "confirm": "1"}
    client.post(url("transition", world.commune_a, action="verify"), verify)
    assessment.refresh_from_db()
    client.logout()
    client_for(client, world, "province_staff")
    response = client.post(url("transition", world.commune_a, action="approve"), {"version": assessment.version})
    assert "Các kết quả này sẽ bị khóa" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "verified"


def test_submit_is_refused_while_the_last_save_was_refused(client, world):
    client_for(client, world, "official_a")
    entry_post(client, world, data={field("15.1"): "87,6"})
    version = Assessment.objects.get().version
    assert entry_post(client, world, data={field("15.1"): "120"}, version=version).status_code == 400
    submit = url("transition", world.commune_a, action="submit")
    response = client.post(submit, {"version": version, "confirm": "1"})
    assert response.status_code == 409
    assert "Lần lưu gần nhất các kết quả này đã bị từ chối" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    assert Assessment.objects.get().status == "draft"

    assert entry_post(client, world, data={field("15.1"): "90"}, version=version).status_code == 302
    client.post(submit, {"version": Assessment.objects.get().version, "confirm": "1"})
    assert Assessment.objects.get().status == "submitted"
