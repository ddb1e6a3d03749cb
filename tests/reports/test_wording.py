"""The report's wording a leader signs without editing, on the hand-made province of tests/reports/handmade.py:
communes at all criteria without a decision, sections without data, the code list's spelling of names."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from communes.models import AdministrativeUnit
from criteria.models import Recognition
from reports.figures import report_figures
from reports.models import Report
from reports.selectors import report_history
from reports.services import report_files, report_issue, report_save
from tests.reports import test_reports
from tests.reports.handmade import YEAR
from tests.reports.test_reports import draft, signed_in

# The hand-made province and its office, as the other report tests have them
province, people = test_reports.province, test_reports.people


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.mark.django_db
def test_communes_meeting_every_criterion_without_a_decision_are_stated_and_counted(client, people, province):
    figures = report_figures(unit=province, year=YEAR)
    assert (figures.met_all, figures.met_all_recognised, figures.met_all_unrecognised) == (1, 1, 0)
    text = pdf_text(report_files(draft(people, province), ["pdf"])[1]["pdf"])
    assert "Năm 2021 có 01 xã đạt đủ 19/19 tiêu chí, trong đó 01 xã đã có quyết định công nhận đạt chuẩn" in text
    assert "Số xã còn lại: 01 xã đạt 15-18 tiêu chí;" in text

    # Xã Một meets all 19 criteria; without its decision it meets the standard on paper only.
    Recognition.objects.filter(unit__name="Xã Một").delete()
    figures = report_figures(unit=province, year=YEAR)
    assert (figures.met_all, figures.met_all_recognised, figures.met_all_unrecognised) == (1, 0, 1)
    text = pdf_text(report_files(draft(people, province), ["pdf"])[1]["pdf"])
    assert "Năm 2021 có 01 xã đạt đủ 19/19 tiêu chí, trong đó 00 xã đã có quyết định công nhận đạt chuẩn" in text
    assert "Số xã còn lại: 01 xã đạt đủ 19 tiêu chí, chưa có quyết định công nhận; 01 xã đạt 15-18 tiêu chí;" in text
    assert "Số xã đạt đủ 19 tiêu chí, chưa có quyết định công nhận xã 1" in text  # the appendix table
    page = signed_in(client, people["leader"]).get(reverse("reports:dashboard"), {"year": YEAR}).content.decode()
    assert re.search(r'data-figure="met-all-unrecognised">1<', page)


@pytest.mark.django_db
def test_the_author_chooses_on_the_report_page_to_leave_out_sections_without_data(client, people, province):
    report = draft(people, province, number="09", issued_on=None)
    edit = reverse("reports:edit", args=[report.pk])
    page = signed_in(client, people["staff"]).get(edit).content.decode()
    assert "Chưa có nội dung mục này: viết tại trang Báo cáo, ô “I.1. Công tác truyền thông" in page
    assert 'name="omit_empty_sections"' in page

    data = {name: getattr(report, name) or "" for name in ("parent_body", "issuing_body", "number", "symbol", "place",
                                                           "subject", "recipients", "signer_authority",
                                                           "signer_title", "signer_name")}  # fmt: skip
    data |= {"version": report.version, "issued_on": "05/01/2022", "omit_empty_sections": "on"}
    assert client.post(edit, data).status_code == 302
    report = Report.objects.get(pk=report.pk)
    assert report.omit_empty_sections
    assert ("omit_empty_sections", "True") in [(change.target, change.new_value) for change in report_history(report)]
    page = client.get(edit).content.decode()
    assert "Chưa có nội dung mục này" not in page
    assert "Công tác truyền thông" not in page.split('class="report-preview"')[1]

    issued = report_issue(user=people["staff"], report=report, version=report.version)
    page = client.get(edit).content.decode()
    assert "Theo lựa chọn của người lập, các mục chưa có số liệu không được đưa vào báo cáo này." in page
    text = pdf_text(bytes(issued.files.get(format="pdf").content))
    assert "Chưa có" not in text
    assert "Kết quả đạt chuẩn xã nông thôn mới" in text


@pytest.mark.django_db
def test_names_typed_with_the_other_tone_placement_print_as_the_code_list_spells_them(people, province):
    district = AdministrativeUnit.objects.get(name="Huyện Hai")
    district.name, district.short_name = "Huyện Hoà Bình", "Hoà Bình"
    district.save()
    report = draft(people, province)
    report = report_save(
        user=people["staff"], report=report, version=report.version, header={},
        narrative={"training": "Huyện Hòa Bình mở 12 lớp tập huấn; Hòa-Bình là tên thôn."},
    )  # fmt: skip
    text = pdf_text(report_files(report, ["pdf"])[1]["pdf"])
    assert "Huyện Hoà Bình mở 12 lớp tập huấn" in text
    assert "huyện Hoà Bình (5,00)" in text
    assert "Hòa Bình" not in text
