"""Hostile text in every free-text field is shown as text in every output: the pages (escaped, never markup), the
report's PDF and DOCX, the dossier index PDF and the Excel appendix (the literal characters, read back).

The hostile texts are `<script>`, an attribute breaking out of its quotes into an `<img onerror>`, and Django
template syntax that must not be evaluated. They are put, on the Cao Bằng demo, into unit names, the set's,
a criterion's and an indicator's names, a funding source's name (the dashboard's chart labels), evidence
titles, numbers, issuers, file names and review comments, workflow comments (unlock and return reasons), an
override reason and a report's header and narrative sections."""

import io
from dataclasses import dataclass

import docx
import openpyxl
import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from criteria.dossier import dossier_entries, dossier_index_pdf
from criteria.models import CriterionResult, Indicator
from criteria.services import assessment_step
from funding.models import FundingSource
from ntm_portal.text import name_in_sentence
from reports.models import Report, ReportFile
from reports.pdf import document_html
from reports.services import report_create, report_files, report_save
from reports.structure import report_document
from tests.hostile.data import ATTRIBUTE, SCRIPT, TEMPLATE, YEAR, accepted_evidence, login, rename

HOSTILE = f"{SCRIPT}{ATTRIBUTE}{TEMPLATE}"
RAW_MARKUP = ("<script>alert(1)", "<img src=x onerror")


@dataclass(frozen=True)
class Texts:
    """Each field's hostile text, told apart by a Vietnamese word before it."""

    province: str = f"Tỉnh {HOSTILE}"
    city: str = f"Thành phố {HOSTILE}"
    commune: str = f"Xã {HOSTILE}"
    criteria_set: str = f"Bộ {HOSTILE}"
    criterion: str = f"Tiêu chí {HOSTILE}"
    indicator: str = f"Chỉ tiêu {HOSTILE}"
    source: str = f"Nguồn {HOSTILE}"
    title: str = f"Tên hồ sơ {HOSTILE}"
    description: str = f"Số {HOSTILE}"[:100]
    issuer: str = f"Cơ quan {HOSTILE}"
    file_name: str = f"Tệp {HOSTILE}.pdf"
    review: str = f"Nhận xét {HOSTILE}"
    unlock: str = f"Mở khóa {HOSTILE}"
    returned: str = f"Trả lại {HOSTILE}"
    override: str = f"Lý do {HOSTILE}"
    subject: str = f"Trích yếu {HOSTILE}"
    narrative: str = f"Tường thuật {HOSTILE}"


T = Texts()


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def hostile(province, city, commune, assessment, evidence_storage):
    """The demo with every free-text field of the province's 2021 data made hostile."""
    rename(province, name=T.province)
    rename(city, name=T.city)
    rename(commune, name=T.commune)
    criteria_set = assessment.criteria_set
    rename(criteria_set, name=T.criteria_set)
    indicator = Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by("criterion__number", "position")
    indicator = rename(indicator.select_related("criterion")[0], text=T.indicator)
    criterion = rename(indicator.criterion, name=T.criterion)
    for source in FundingSource.objects.filter(parent__isnull=True):
        rename(source, name=f"{T.source} {source.code}")
    evidence = accepted_evidence(
        assessment,
        title=T.title,
        criterion=criterion,
        document_number=T.description,
        issuer=T.issuer,
        original_name=T.file_name,
    )
    rename(evidence, review_comment=T.review)
    result = CriterionResult.objects.filter(assessment=assessment).order_by("criterion__number")[0]
    rename(result, method=CriterionResult.Method.OVERRIDDEN, override_reason=T.override)

    assessment.refresh_from_db()
    if assessment.status == "approved":
        assessment = assessment_step(
            user=user("vpdp.tinh"), assessment=assessment, step="unlock", version=assessment.version, comment=T.unlock
        )
    assessment = assessment_step(
        user=user("xa.hungdao"), assessment=assessment, step="submit", version=assessment.version
    )
    assessment_step(
        user=user("vpdp.thanhpho"), assessment=assessment, step="return", version=assessment.version, comment=T.returned
    )

    report = report_create(user=user("vpdp.tinh"), unit=province, kind=Report.Kind.ANNUAL, year_from=YEAR, year_to=YEAR)
    narrative = {key: T.narrative for key in ("communication", "organisation", "direction")}
    return report_save(
        user=user("vpdp.tinh"),
        report=report,
        version=report.version,
        header={"subject": T.subject},
        narrative=narrative,
    )


def assert_shown_as_text(html: str, *texts: str) -> None:
    for markup in RAW_MARKUP:
        assert markup not in html
    for text in texts:
        assert escape(text) in html, text


def page(client, username, name, *, params=None, **kwargs) -> str:
    response = login(client, username).get(reverse(name, kwargs=kwargs), params or {})
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_the_results_pages_show_hostile_names_as_text(client, hostile, province, city):
    grid = page(client, "vpdp.tinh", "criteria:grid", params={"unit": province.pk, "year": YEAR})
    assert_shown_as_text(grid, T.province, T.city, T.commune, T.criterion)
    overview = page(client, "quantri", "criteria:overview", params={"year": YEAR})
    assert_shown_as_text(overview, T.province)


def test_the_commune_page_and_entry_form_show_hostile_text_as_text(client, hostile, commune):
    detail = page(client, "vpdp.tinh", "criteria:commune", unit_id=commune.pk, year=YEAR)
    assert_shown_as_text(detail, T.commune, T.criterion, T.indicator, T.override, T.unlock, T.returned)
    entry = page(client, "xa.hungdao", "criteria:entry", unit_id=commune.pk, year=YEAR)
    assert_shown_as_text(entry, T.commune, T.criterion, T.indicator)


def test_the_evidence_list_shows_hostile_evidence_as_text(client, hostile, commune):
    listed = page(client, "vpdp.tinh", "criteria:evidence", unit_id=commune.pk, year=YEAR)
    assert_shown_as_text(listed, T.title, T.criterion, T.description, T.issuer, T.file_name, T.review)


def test_the_set_page_shows_hostile_names_as_text(client, hostile, assessment):
    detail = page(client, "vpdp.tinh", "criteria:set_detail", set_id=assessment.criteria_set_id)
    assert_shown_as_text(detail, T.criteria_set, T.criterion, T.indicator)


def test_the_dashboard_and_funding_pages_show_hostile_names_as_text(client, hostile, province, city):
    # 2019: the year of the demo's yearly funding records, which the dashboard's funding chart draws.
    dashboard = page(client, "lanhdao.tinh", "reports:dashboard", params={"year": 2019})
    assert_shown_as_text(dashboard, T.province)
    assert "Nguồn &lt;script&gt;alert(1)&lt;/script&gt;" in dashboard  # a chart's label, escaped in its SVG
    funding = page(client, "vpdp.tinh", "funding:summary", params={"unit": city.pk})
    assert_shown_as_text(funding, T.city, T.source)


def test_the_report_editor_shows_hostile_narrative_as_text(client, hostile):
    editor = page(client, "vpdp.tinh", "reports:edit", report_id=hostile.pk)
    assert_shown_as_text(editor, T.province, T.subject, T.narrative)


def normalised(text: str) -> str:
    """Without white space: a PDF's text breaks lines inside words where a narrow column wraps."""
    return "".join(text.split())


def pdf_text(content: bytes) -> str:
    return normalised("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return normalised("".join([*(paragraph.text for paragraph in document.paragraphs), *cells]))


def test_the_report_files_hold_hostile_text_as_written(hostile):
    figures, files = report_files(hostile, [ReportFile.Format.PDF, ReportFile.Format.DOCX, ReportFile.Format.XLSX])

    # The markup WeasyPrint is given: header lines through linebreaksbr, charts through |safe.
    assert_shown_as_text(document_html(report_document(hostile, figures), for_pdf=True), T.subject, T.narrative)

    in_pdf, in_docx = pdf_text(files["pdf"]), docx_text(files["docx"])
    # The province is named mid-sentence, its kind in lower case ("trên địa bàn tỉnh …"), the rest as written.
    for text in (T.subject, T.narrative, name_in_sentence(T.province)):
        assert normalised(text) in in_pdf, text
        assert normalised(text) in in_docx, text
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    values = {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert {T.commune, T.city} <= values
    assert any(T.province in str(value) for value in values)


def test_the_dossier_index_pdf_holds_hostile_titles_as_written(hostile, assessment):
    content = dossier_index_pdf(dossier_entries(assessment), assessment)

    text = pdf_text(content)
    assert normalised(T.commune) in text
    assert normalised(T.title) in text


def test_control_characters_typed_into_the_narrative_leave_every_report_file_readable(hostile):
    """A bell or form feed pasted into the narrative shows as a mark (U+FFFD) instead of breaking the DOCX,
    which python-docx would refuse to write ("All strings must be XML compatible")."""
    typed = "Tường thuật\x07có\x0ckí tự điều khiển\x1b"
    report = report_save(
        user=hostile.created_by,
        report=hostile,
        version=hostile.version,
        header={},
        narrative={key: typed for key in ("communication", "organisation", "direction")},
    )

    _, files = report_files(report, [ReportFile.Format.PDF, ReportFile.Format.DOCX])

    assert normalised("Tường thuật\N{REPLACEMENT CHARACTER}có\N{REPLACEMENT CHARACTER}kí tự điều khiển") in docx_text(
        files["docx"]
    )
    assert pypdf.PdfReader(io.BytesIO(files["pdf"])).pages
