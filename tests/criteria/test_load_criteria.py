import json
import subprocess
import sys
import unicodedata
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from criteria.catalogue_loading import CRITERIA_FIXTURE, criteria_catalogue_load
from criteria.models import CriteriaSet, Criterion, Indicator, Threshold
from funding.models import FundingSource

REPO_ROOT = Path(settings.BASE_DIR)
REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "criteria-reference.json"
BUILDER = REPO_ROOT / "scripts" / "build_criteria_fixtures.py"
CATALOGUE_TABLES = [CriteriaSet, Criterion, Indicator, Threshold, FundingSource]


@pytest.fixture
def load_output(db) -> str:
    out = StringIO()
    call_command("load_criteria", stdout=out)
    return out.getvalue()


def fixture_sets() -> dict[str, dict]:
    return {raw["code"]: raw for raw in json.loads(CRITERIA_FIXTURE.read_text(encoding="utf-8"))}


def threshold(set_code: str, indicator_code: str, applies_to: str, year: int | None = None) -> Threshold:
    return Threshold.objects.get(
        indicator__criterion__criteria_set__code=set_code,
        indicator__code=indicator_code,
        applies_to=applies_to,
        year_from=year,
        year_to=year,
    )


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CATALOGUE_TABLES}


@pytest.mark.django_db
def test_every_reference_set_is_loaded(load_output):
    assert set(CriteriaSet.objects.values_list("code", flat=True)) == {
        "QD1980-2016",
        "QD318-2022",
        "QD318-2022-NTMNC",
        "QD320-2022-district",
        "QD51-2025",
    }
    # The output is in the default language, Vietnamese.
    assert "ngưỡng đạt chuẩn: thêm mới 565, cập nhật 0, giữ nguyên 0" in load_output
    assert "nguồn vốn: thêm mới 15, cập nhật 0, giữ nguyên 0" in load_output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "number", "decided_on", "tier"),
    [
        ("QD1980-2016", "1980/QĐ-TTg", date(2016, 10, 17), "ntm"),
        ("QD318-2022", "318/QĐ-TTg", date(2022, 3, 8), "ntm"),
        ("QD318-2022-NTMNC", "318/QĐ-TTg", date(2022, 3, 8), "ntm_nang_cao"),
        ("QD320-2022-district", "320/QĐ-TTg", date(2022, 3, 8), "ntm"),
        ("QD51-2025", "51/2025/QĐ-TTg", date(2025, 12, 29), "ntm"),
    ],
)
def test_decision_number_date_and_tier_are_parsed(load_output, code, number, decided_on, tier):
    criteria_set = CriteriaSet.objects.get(code=code)
    assert (criteria_set.decision_number, criteria_set.decision_date, criteria_set.tier) == (number, decided_on, tier)
    assert criteria_set.decision_citation.startswith(f"Quyết định {number}")


@pytest.mark.django_db
def test_only_qd318_judges_difficult_communes_by_the_applied_region(load_output):
    honouring = CriteriaSet.objects.filter(honours_applied_region=True)
    assert list(honouring.values_list("code", flat=True)) == ["QD318-2022"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["QD1980-2016", "QD318-2022"])
def test_nineteen_criteria_named_as_in_the_fixture(load_output, code):
    expected = {raw["number"]: raw["name_vi"] for raw in fixture_sets()[code]["criteria"]}
    loaded = dict(Criterion.objects.filter(criteria_set__code=code).values_list("number", "name"))
    assert sorted(loaded) == list(range(1, 20))
    assert loaded == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "number", "name"),
    [
        ("QD1980-2016", 11, "Hộ nghèo"),
        ("QD1980-2016", 17, "Môi trường và an toàn thực phẩm"),
        ("QD318-2022", 3, "Thủy lợi và phòng, chống thiên tai"),
        ("QD318-2022", 11, "Nghèo đa chiều"),
        ("QD318-2022", 17, "Môi trường và an toàn thực phẩm"),
    ],
)
def test_criterion_names_match_the_decisions(load_output, code, number, name):
    assert Criterion.objects.get(criteria_set__code=code, number=number).name == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "criteria", "indicators"),
    [
        ("QD1980-2016", 19, 49),
        ("QD318-2022", 19, 17),
        ("QD318-2022-NTMNC", 1, 1),
        ("QD320-2022-district", 2, 5),
        ("QD51-2025", 10, 0),
    ],
)
def test_criteria_and_indicator_counts_are_those_listed(load_output, code, criteria, indicators):
    assert Criterion.objects.filter(criteria_set__code=code).count() == criteria
    assert Indicator.objects.filter(criterion__criteria_set__code=code).count() == indicators


@pytest.mark.django_db
def test_qd51_has_ten_criteria_by_commune_group(load_output):
    criteria_set = CriteriaSet.objects.get(code="QD51-2025")
    assert criteria_set.threshold_dimension == CriteriaSet.Dimension.COMMUNE_GROUP
    assert (criteria_set.criteria_count_declared, criteria_set.indicator_count_declared) == (10, 47)
    assert (criteria_set.period_start, criteria_set.period_end, criteria_set.effective_from) == (
        2026,
        2030,
        date(2026, 2, 15),
    )
    assert criteria_set.criteria.get(number=6).name == "Giảm nghèo và an sinh xã hội"
    assert "Xã nhóm 3 (nhom3)" in criteria_set.notes


@pytest.mark.django_db
def test_known_stunting_ceiling_for_the_northern_mountains(load_output):
    row = threshold("QD1980-2016", "15.3", "TDMNPB")
    assert (row.value, row.indicator.comparison, row.verified, row.is_known) == ("26.7", "<=", True, True)
    assert threshold("QD318-2022", "15.3", "DBSH").value == "16.5"


@pytest.mark.django_db
def test_qd1980_income_levels_apply_to_2020_only(load_output):
    row = threshold("QD1980-2016", "10", "TDMNPB", year=2020)
    assert (row.value, row.indicator.comparison, row.indicator.kind) == ("36", ">=", "amount")
    income = Threshold.objects.filter(indicator__criterion__criteria_set__code="QD1980-2016", indicator__code="10")
    assert set(income.values_list("year_from", "year_to")) == {(2020, 2020)}


@pytest.mark.django_db
def test_unknown_thresholds_are_rows_without_a_value(load_output):
    row = threshold("QD1980-2016", "17.2", "national")
    assert (row.value, row.parts, row.is_known, row.indicator.comparison) == ("", None, False, "")
    assert "baovinhlong" in row.source


@pytest.mark.django_db
def test_qd318_income_has_one_empty_row_per_year_and_region(load_output):
    income = Threshold.objects.filter(indicator__criterion__criteria_set__code="QD318-2022", indicator__code="10")
    assert income.count() == 4 * 8
    assert set(income.values_list("year_from", flat=True)) == {2022, 2023, 2024, 2025}
    assert not income.filter(year_from__isnull=True).exists()
    assert set(income.values_list("value", flat=True)) == {""}


@pytest.mark.django_db
def test_compound_water_threshold_keeps_its_parts(load_output):
    northern = threshold("QD1980-2016", "17.1", "TDMNPB")
    assert (northern.value, northern.parts, northern.is_known) == ("", {"hop_ve_sinh": "90", "nuoc_sach": "50"}, True)
    national = threshold("QD1980-2016", "17.1", "national")
    assert national.parts == {"hop_ve_sinh": "95", "nuoc_sach": None}
    assert not national.is_known
    assert northern.indicator.kind == Indicator.Kind.COMPOSITE


@pytest.mark.django_db
def test_conditional_school_rule_is_kept_as_text_not_as_a_level(load_output):
    row = threshold("QD318-2022", "5", "TDMNPB")
    assert (row.value, row.parts, row.is_known, row.verified) == ("", None, False, True)
    assert "muc_do_1_pct_if_3_or_fewer_schools=50" in row.source


@pytest.mark.django_db
def test_missing_numbers_are_assigned_and_flagged(load_output):
    labour = Indicator.objects.get(criterion__criteria_set__code="QD318-2022", code="12.u1")
    assert not labour.code_verified
    assert "Code not given in the sources" in labour.notes
    district = Indicator.objects.filter(criterion__criteria_set__code="QD320-2022-district", criterion__number=5)
    assert list(district.values_list("code", flat=True)) == ["5.u1", "5.u2"]
    advanced = Criterion.objects.get(criteria_set__code="QD318-2022-NTMNC")
    assert advanced.number == 1
    assert "Number not verified" in advanced.notes
    assert list(advanced.indicators.values_list("code", flat=True)) == ["1.u1"]


@pytest.mark.django_db
def test_loading_twice_changes_nothing(load_output):
    before = snapshot()
    out = StringIO()
    call_command("load_criteria", stdout=out)
    assert snapshot() == before
    lines = out.getvalue().splitlines()
    assert len(lines) == len(CATALOGUE_TABLES)
    assert all(": thêm mới 0, cập nhật 0, " in line for line in lines)
    assert "ngưỡng đạt chuẩn: thêm mới 0, cập nhật 0, giữ nguyên 565" in lines


@pytest.mark.django_db
def test_a_changed_fixture_updates_rows_in_place(load_output, tmp_path):
    sets = json.loads(CRITERIA_FIXTURE.read_text(encoding="utf-8"))
    qd1980 = next(raw for raw in sets if raw["code"] == "QD1980-2016")
    poverty = next(raw for raw in qd1980["criteria"] if raw["number"] == 11)
    poverty["name_vi"] = "Hộ nghèo (đã sửa)"
    northern = next(row for row in poverty["indicators"][0]["thresholds"] if row["applies_to"] == "TDMNPB")
    northern["value"] = "10"
    # Text typed on another keyboard (decomposed) is the same text: it must not count as a change.
    qd1980["name"] = unicodedata.normalize("NFD", qd1980["name"])
    changed = tmp_path / "criteria_sets.json"
    changed.write_text(json.dumps(sets, ensure_ascii=False), encoding="utf-8")
    before = snapshot()

    report = criteria_catalogue_load(path=changed)

    assert {model.__name__: counts.updated for model, counts in report.tables.items()} == {
        "CriteriaSet": 0,
        "Criterion": 1,
        "Indicator": 0,
        "Threshold": 1,
    }
    assert sum(counts.created for counts in report.tables.values()) == 0
    after = snapshot()
    assert {name: [row["id"] for row in rows] for name, rows in after.items()} == {
        name: [row["id"] for row in rows] for name, rows in before.items()
    }
    assert threshold("QD1980-2016", "11", "TDMNPB").value == "10"
    assert CriteriaSet.objects.get(code="QD1980-2016").name == unicodedata.normalize("NFC", qd1980["name"])


@pytest.mark.skipif(
    not REFERENCE.exists(), reason="the shared reference (../shared/reference) is not beside this checkout"
)
def test_builder_reproduces_the_committed_fixture(tmp_path):
    built = tmp_path / "criteria_sets.json"
    subprocess.run([sys.executable, str(BUILDER), "--output", str(built)], check=True, capture_output=True)
    assert built.read_bytes() == CRITERIA_FIXTURE.read_bytes()
