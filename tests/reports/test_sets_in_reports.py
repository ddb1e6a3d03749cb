"""Reports take the bands, "all N" and the name of the set each year was judged on: 19 criteria until 2025,
the 10 of QĐ 51/2025 from 2026 on the two-tier map."""

import datetime
import subprocess

import pytest
from django.core.management import call_command

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, CriterionResult
from criteria.selectors import programme_communes, year_results
from criteria.services import assessment_summaries_refresh
from reports.figures import figures_from_json, figures_json, report_figures
from reports.numbers import average_text, count_text

pytestmark = pytest.mark.django_db

MET_ALL = 4


@pytest.fixture
def province_2026(demo_for_module):
    """Cao Bằng on the two-tier map, its 53 xã assessed on QĐ 51/2025 for 2026: four meet all ten criteria."""
    province = AdministrativeUnit.objects.valid_on(datetime.date(2026, 1, 1)).get(
        level=AdministrativeUnit.Level.PROVINCE, name="Tỉnh Cao Bằng"
    )
    qd51 = CriteriaSet.objects.get(code="QD51-2025")
    criteria = list(qd51.criteria.order_by("number"))
    communes = list(programme_communes(within=province, year=2026).order_by("code"))
    Assessment.objects.filter(year=2026).delete()  # the demo's own 2026, replaced by these known figures
    assessments = Assessment.objects.bulk_create(
        Assessment(unit=commune, year=2026, criteria_set=qd51) for commune in communes
    )
    CriterionResult.objects.bulk_create(
        CriterionResult(
            assessment=assessment,
            criterion=criterion,
            is_met=criterion.number <= (10 if index < MET_ALL else index % 10),
            method=CriterionResult.Method.ENTERED,
        )
        for index, assessment in enumerate(assessments)
        for criterion in criteria
    )
    assessment_summaries_refresh([assessment.pk for assessment in assessments])
    return province


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_2026_figures_follow_qd51_bands(province_2026):
    results = year_results(within=province_2026, year=2026)
    assert len(results.communes) == 53 and results.criteria_set.code == "QD51-2025"
    assert all(commune.district_id is None for commune in results.communes)

    figures = report_figures(unit=province_2026, year=2026)

    assert figures.criteria_count == 10 and figures.criteria_set.decision_number == "51/2025/QĐ-TTg"
    assert [band.label for band in figures.bands] == ["10", "8-9", "5-7", "<5"]
    assert figures.met_all == MET_ALL == figures.distribution[10]
    assert sum(band.communes for band in figures.bands) == 53
    assert list(figures.distribution) == list(range(10, -1, -1))
    # 2025 was judged on 19 criteria: nothing is compared with it.
    assert figures.previous_average is None and all(c.change_points is None for c in figures.criteria)
    assert figures.districts == ()


def test_the_2026_report_names_qd51_and_prints_its_bands(province_2026, tmp_path):
    output = tmp_path / "2026.pdf"
    call_command("render_report", unit="Tỉnh Cao Bằng", year=2026, kind="annual", file_format="pdf", output=output)

    text = " ".join(pdf_text(output).split()).replace("/ ", "/")
    assert "Quyết định số 51/2025/QĐ-TTg" in text and "(10 tiêu chí)" in text
    assert "xã đạt 8-9 tiêu chí" in text and "xã đạt 5-7 tiêu chí" in text and "xã đạt dưới 5 tiêu chí" in text
    for other in ("15-18", "10-14", "dưới 10 tiêu chí"):
        assert other not in text, other
    # The province's history: one chart for the years on 19 criteria, another for those on 10.
    assert "qua các năm (2016-2025, bộ 19 tiêu chí)" in text and "qua các năm (năm 2026, bộ 10 tiêu chí)" in text


def test_the_2021_report_keeps_the_bands_of_19_criteria(demo_for_module, tmp_path):
    output = tmp_path / "2021.pdf"
    call_command("render_report", unit="Tỉnh Cao Bằng", year=2021, kind="annual", file_format="pdf", output=output)

    text = " ".join(pdf_text(output).split()).replace("/ ", "/")
    assert "Quyết định số 318/QĐ-TTg" in text and "(19 tiêu chí)" in text
    assert (
        "Số xã còn lại: 11 xã đạt 15-18 tiêu chí; 64 xã đạt 10-14 tiêu chí; 47 xã đạt 5-9 tiêu chí; 00 xã đạt "
        "dưới 5 tiêu chí (số xã đạt dưới 10 tiêu chí chiếm 33,8%)." in text
    )


def test_a_period_across_the_reform_charts_each_scale_apart(province_2026):
    figures = report_figures(unit=province_2026, year=2026, start=2021)

    runs = figures.history_by_scale()
    assert [(run[0].year, run[-1].year, run[0].criteria) for run in runs] == [(2016, 2025, 19), (2026, 2026, 10)]
    assert figures.history[-1].set_code == "QD51-2025"
    assert figures.previous_criteria_met_total is None  # 2020 was judged on 19 criteria


def test_figures_read_back_from_their_snapshot_are_equal(province_2026):
    for figures in (
        report_figures(unit=province_2026, year=2026, appendix=True),
        report_figures(
            unit=AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True),
            year=2021,
            start=2019,
            appendix=True,
        ),
    ):
        assert figures_from_json(figures_json(figures)) == figures


def test_a_period_across_the_reform_reports_each_set_with_its_own_figures(province_2026):
    figures = report_figures(unit=province_2026, year=2026, start=2021)

    assert figures.crosses_scales
    old_map, new_map = year_results(within=province_2026, year=2025), year_results(within=province_2026, year=2026)
    assert [
        (s.criteria_set.code, s.first_year, s.last_year, s.criteria_set.criteria, s.communes) for s in figures.segments
    ] == [("QD318-2022", 2021, 2025, 19, 139), ("QD51-2025", 2026, 2026, 10, 53)]
    before, after = figures.segments
    assert before.criteria_met_total == old_map.summary.criteria_met_total
    assert before.met_all == sum(1 for commune in old_map.communes if commune.met == 19)
    assert before.recognised == sum(1 for commune in old_map.communes if commune.tier) > 0
    assert after.criteria_met_total == new_map.summary.criteria_met_total == figures.criteria_met_total
    assert after.met_all == MET_ALL and after.recognised == 0  # the old communes' recognitions stay theirs
    assert figures_from_json(figures_json(figures)) == figures


def test_a_snapshot_written_before_segments_reads_back_without_them(province_2026):
    figures = report_figures(unit=province_2026, year=2026, start=2021)
    stored = figures_json(figures)
    del stored["figures"]["segments"]

    assert figures_from_json(stored).segments == () and not figures_from_json(stored).crosses_scales


def test_the_phase_report_across_the_reform_gives_each_set_its_sentence(province_2026, tmp_path):
    output = tmp_path / "2021-2026.pdf"
    call_command(
        "render_report", unit="Tỉnh Cao Bằng", period="2021-2026", kind="phase", file_format="pdf", output=output
    )

    text = " ".join(pdf_text(output).split()).replace("/ ", "/")
    figures = report_figures(unit=province_2026, year=2026, start=2021)
    before, after = figures.segments
    assert (
        "Giai đoạn 2021-2025 (Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025, Quyết định số "
        f"318/QĐ-TTg, 19 tiêu chí): đến năm 2025 bình quân toàn tỉnh đạt {average_text(before.average)}; "
        f"{count_text(before.met_all)}/139 xã đạt đủ 19 tiêu chí; {count_text(before.recognised)} xã được công nhận "
        "đạt chuẩn nông thôn mới." in text
    )
    assert (
        "Năm 2026 (Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030, Quyết định số 51/2025/QĐ-TTg, "
        f"10 tiêu chí): bình quân toàn tỉnh đạt {average_text(after.average)}; 04/53 xã đạt đủ 10 tiêu chí; "
        "00 xã được công nhận đạt chuẩn nông thôn mới." in text
    )
    # No single average over the period's 19 and 10 criteria.
    assert "Bình quân toàn tỉnh đạt" not in text
