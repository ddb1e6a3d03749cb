"""Report drafts, issuing and the files: the numbers of the figures, the dashboard, the XLSX and the PDF agree;
an issued report's files never change; scope holds. On the hand-made province of tests/reports/handmade.py."""

import datetime
import io
import subprocess
import tempfile

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from communes.models import AdministrativeUnit, Membership
from criteria.models import CriterionResult
from criteria.services import assessment_summaries_refresh
from reports.figures import plan_figures, report_figures
from reports.models import RenderJob, Report
from reports.selectors import report_history
from reports.services import ReportError, report_create, report_files, report_issue, report_save
from reports.structure import report_document
from tests.reports.handmade import EXPECTED, YEAR, build_province

PASSWORD = "mat-khau-bao-cao-2026"


# Service messages in English; the documents themselves are Vietnamese whatever the language.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def province(db):
    return build_province()


@pytest.fixture
def people(province):
    users = {}
    other = AdministrativeUnit.objects.create(level="province", kind="tinh", code="98", name="Tỉnh Khác")
    for username, role, unit in (
        ("staff", Membership.Role.PROVINCE_STAFF, province),
        ("leader", Membership.Role.LEADER, province),
        ("other_staff", Membership.Role.PROVINCE_STAFF, other),
    ):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        Membership.objects.create(user=user, unit=unit, role=role)
        users[username] = user
    return users


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        done = subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True)
        return done.stdout.decode()


def draft(people, province, **changes) -> Report:
    report = report_create(user=people["staff"], unit=province, kind="annual", year_from=YEAR, year_to=YEAR)
    if changes:
        report = report_save(user=people["staff"], report=report, version=report.version, header=changes, narrative={})
    return report


@pytest.mark.django_db
def test_the_dashboard_the_xlsx_and_the_pdf_show_the_same_numbers(client, people, province):
    report = draft(people, province)
    _figures, files = report_files(report, ["pdf", "xlsx"])
    text = " ".join(pdf_text(files["pdf"]).split())
    page = signed_in(client, people["leader"]).get(reverse("reports:dashboard"), {"year": YEAR}).content.decode()

    # The average 11,60 tiêu chí/xã; 2 of 5 communes recognised (40,00%); credit makes 70% of 1.000 million.
    for shown in ("11,60", "1.000,00"):
        assert shown in page, shown
        assert shown in text, shown
    assert "11,60 tiêu chí/xã" in text
    assert "02/5 xã đạt chuẩn nông thôn mới, chiếm 40,00%" in text
    assert "bằng 50,00% so với kế hoạch" in text
    assert "bằng 96,67% so với kế hoạch 12,00 tiêu chí/xã" in text
    assert "tăng 1,60 tiêu chí/xã so với năm 2020" in text
    assert "05 xã đạt tiêu chí số 1" in text and "tăng 20,00% so với năm 2020" in text
    assert "xã Hai (huyện Một): tiêu chí số 18, 19" in text
    assert 'data-figure="recognised">2 ' in page

    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]), data_only=True)
    summary = list(workbook["Biểu 03"].iter_rows(values_only=True))
    column = next(row for row in summary if f"TH {YEAR}" in row).index(f"TH {YEAR}")
    average = next(row for row in summary if row[1] == "Bình quân số tiêu chí đạt chuẩn/xã")
    assert round(average[column], 2) == 11.6
    funding = list(workbook["Biểu 02"].iter_rows(values_only=True))
    total = next(row for row in funding if row[1] == "Tổng cộng")
    assert round(total[2], 2) == 1000  # million đồng, as on the dashboard and in the PDF


@pytest.mark.django_db
def test_the_pdf_has_the_decree_header_sections_in_order_and_page_numbers(people, province):
    report = draft(people, province, number="12", issued_on=datetime.date(2022, 3, 5))
    _figures, files = report_files(report, ["pdf"])
    text = pdf_text(files["pdf"])
    flat = " ".join(text.split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-BCĐ",
        "Nghiệm, ngày 05 tháng 3 năm 2022",
        "BÁO CÁO",
        "Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2021",
        "đạt chuẩn",
        "Nơi nhận:",
    ):
        assert expected in flat, expected
    order = [flat.index(title) for title in ("I. TÌNH HÌNH TRIỂN KHAI", "II. ĐÁNH GIÁ CHUNG", "III. PHƯƠNG HƯỚNG")]
    assert order == sorted(order)
    pages = text.split("\f")
    assert len([page for page in pages if page.strip()]) >= 2
    assert pages[1].strip().splitlines()[0].strip() == "2"


@pytest.mark.django_db
def test_saving_keeps_narrative_and_refuses_a_stale_form(people, province):
    report = draft(people, province)
    saved = report_save(
        user=people["staff"], report=report, version=report.version, header={},
        narrative={"communication": "Tổ chức 41 lớp tập huấn.", "unknown": "dropped"},
    )  # fmt: skip
    assert saved.narrative == {"communication": "Tổ chức 41 lớp tập huấn."}
    history = [(change.action, change.target, change.new_value) for change in report_history(saved)]
    assert history == [("value", "communication", "Tổ chức 41 lớp tập huấn."), ("created", "2021", "")]
    with pytest.raises(ReportError, match="Someone else saved"):
        report_save(user=people["staff"], report=saved, version=report.version, header={}, narrative={})
    with pytest.raises(ReportError):
        report_create(user=people["other_staff"], unit=province, kind="annual", year_from=YEAR, year_to=YEAR)


@pytest.mark.django_db
def test_an_issued_report_stays_byte_identical_after_the_data_changes(client, people, province):
    report = draft(people, province, number="07", issued_on=datetime.date(2022, 3, 5))
    issued = report_issue(user=people["staff"], report=report, version=report.version)
    assert issued.is_issued and issued.figures_snapshot["figures"]["communes"] == 5
    assert report_history(issued).first().new_value == "07/BC-BCĐ"
    signed_in(client, people["leader"])
    before = {f: client.get(reverse("reports:file", args=[issued.pk, f])).content for f in ("pdf", "xlsx", "docx")}
    assert all(before.values())

    changed = CriterionResult.objects.filter(assessment__unit__name="Xã Sáu", assessment__year=YEAR)
    changed.update(is_met=True)
    assessment_summaries_refresh(changed.values_list("assessment_id", flat=True).distinct())
    assert report_figures(unit=province, year=YEAR).criteria_met_total != EXPECTED["criteria_met_total"]
    after = {f: client.get(reverse("reports:file", args=[issued.pk, f])).content for f in ("pdf", "xlsx", "docx")}
    assert after == before
    with translation.override("en"), pytest.raises(ReportError, match="issued"):
        report_save(user=people["staff"], report=issued, version=issued.version, header={}, narrative={})


@pytest.mark.django_db
def test_issuing_needs_a_number_and_a_date(people, province):
    report = draft(people, province)
    with pytest.raises(ReportError, match="number and date"):
        report_issue(user=people["staff"], report=report, version=report.version)
    assert not Report.objects.get(pk=report.pk).is_issued


@pytest.mark.django_db
def test_drafts_are_for_the_office_issued_reports_for_everyone_in_scope(client, people, province):
    report = draft(people, province)
    edit = reverse("reports:edit", args=[report.pk])
    assert signed_in(client, people["staff"]).get(edit).status_code == 200
    client.logout()
    assert signed_in(client, people["leader"]).get(edit).status_code == 404
    client.logout()
    assert signed_in(client, people["other_staff"]).get(edit).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"unit": province.pk}).status_code == 404


@pytest.mark.django_db
def test_the_staff_pages_create_edit_and_preview_a_draft(client, people, province):
    signed_in(client, people["staff"])
    response = client.post(reverse("reports:list"), {"unit": province.pk, "kind": "annual", "year_from": YEAR,
                                                     "year_to": YEAR})  # fmt: skip
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:edit", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "11,60 tiêu chí/xã" in page
    data = {name: getattr(report, name) or "" for name in ("parent_body", "issuing_body", "number", "symbol", "place",
                                                           "subject", "recipients", "signer_authority",
                                                           "signer_title", "signer_name")}  # fmt: skip
    data |= {"version": report.version, "issued_on": "", "narrative_training": "Mở 41 lớp, 2.665 học viên."}
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    assert "Mở 41 lớp, 2.665 học viên." in client.get(reverse("reports:edit", args=[report.pk])).content.decode()


@pytest.mark.django_db
def test_without_a_broker_a_render_job_has_run_when_the_request_returns(client, people, province):
    report = draft(people, province)
    signed_in(client, people["staff"])
    response = client.post(reverse("reports:render", args=[report.pk, "pdf"]))
    job = RenderJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.status, job.progress) == ("done", 100), job.step
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    assert download.content.startswith(b"%PDF")
    client.logout()
    assert signed_in(client, people["leader"]).get(reverse("reports:job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_render_report_command_writes_each_format(people, province, tmp_path):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    for file_format, magic in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("docx", b"PK")):
        output = tmp_path / f"bao-cao.{file_format}"
        call_command("render_report", "--unit", "99", "--year", str(YEAR), "--format", file_format,
                     "--output", str(output), stdout=io.StringIO())  # fmt: skip
        assert output.read_bytes().startswith(magic)
    output = tmp_path / "giai-doan.pdf"
    call_command("render_report", "--unit", "Tỉnh Thử Nghiệm", "--period", "2020-2021", "--kind", "phase",
                 "--output", str(output), stdout=io.StringIO())  # fmt: skip
    assert "2020-2021" in " ".join(pdf_text(output.read_bytes()).split()).replace(" - ", "-")
    with pytest.raises(CommandError):
        call_command("render_report", "--unit", "Không Có", "--year", "2021", "--output", str(output))


@pytest.mark.django_db
def test_the_list_shows_drafts_to_their_office_and_issued_reports_to_readers(client, people, province):
    report = draft(people, province, number="03", issued_on=datetime.date(2022, 1, 5))
    other = draft(people, province)
    report_issue(user=people["staff"], report=report, version=report.version)
    link = reverse("reports:edit", args=[other.pk])
    assert link in signed_in(client, people["staff"]).get(reverse("reports:list")).content.decode()
    client.logout()
    page = signed_in(client, people["leader"]).get(reverse("reports:list")).content.decode()
    assert reverse("reports:edit", args=[report.pk]) in page and link not in page
    client.logout()
    page = signed_in(client, people["other_staff"]).get(reverse("reports:list")).content.decode()
    assert reverse("reports:edit", args=[report.pk]) not in page


@pytest.mark.django_db
def test_the_next_years_targets_read_as_the_appendix_kh_column(people, province):
    """2020 report: xã Một and xã Ba are planned for 2021, xã Hai holds NTM already → 3 communes then."""
    report = report_create(user=people["staff"], unit=province, kind="annual", year_from=2020, year_to=2020)
    figures = report_figures(unit=province, year=2020)
    plan = plan_figures(unit=province, year=2021, held_in=2020)
    assert (plan.new_names["ntm"], plan.holding["ntm"]) == (("Xã Ba", "Xã Một"), 3)
    blocks = report_document(report, figures).blocks
    text = " ".join(block.text for block in blocks if hasattr(block, "text"))
    assert "có thêm 02 xã đạt chuẩn nông thôn mới: xã Ba, xã Một; nâng tổng số xã đạt chuẩn lên 03 xã" in text


@pytest.mark.django_db
def test_the_list_keeps_its_status_filter_from_page_to_page(client, people, province):
    from reports.views import REPORTS_PER_PAGE

    Report.objects.bulk_create(
        Report(unit=province, kind="annual", year_from=YEAR - n, year_to=YEAR - n, created_by=people["staff"])
        for n in range(REPORTS_PER_PAGE + 1)
    )
    page = signed_in(client, people["staff"]).get(reverse("reports:list"), {"status": "draft"})
    assert len(page.context["reports"]) == REPORTS_PER_PAGE
    assert 'href="?status=draft&amp;page=2"' in page.content.decode()
    second = client.get(reverse("reports:list"), {"status": "draft", "page": 2})
    assert len(second.context["reports"]) == 1
