"""Writes of reports: create a draft with the standard header, save what staff write, issue (freeze) it.

An issued report keeps its files (PDF, DOCX, XLSX) as bytes and the figures they were made from: what is
downloaded years later is what was issued, whatever the data became since.
"""

from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from ntm_portal.models import ChangeRecord
from ntm_portal.text import name_in_sentence
from reports.appendix import appendix_xlsx
from reports.docx_writer import document_docx
from reports.figures import ReportFigures, SnapshotError, figures_from_json, figures_json, report_figures
from reports.models import Report, ReportFile
from reports.pdf import document_pdf
from reports.structure import narrative_sections, report_document

HEADER_FIELDS = (
    "parent_body",
    "issuing_body",
    "number",
    "symbol",
    "place",
    "issued_on",
    "subject",
    "recipients",
    "signer_authority",
    "signer_title",
    "signer_name",
    "omit_empty_sections",
)


class ReportError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def report_create(*, user, unit: AdministrativeUnit, kind: str, year_from: int, year_to: int) -> Report:
    """A draft with the standard structure and the header a coordination office of `unit` would write."""
    if not access.can_write_reports(user, unit):
        raise ReportError(_("You may not write reports for %(unit)s.") % {"unit": unit.name})
    if year_to < year_from:
        raise ReportError(_("The period ends before it starts."))
    with transaction.atomic():
        report = Report.objects.create(
            unit=unit, kind=kind, year_from=year_from, year_to=year_to, created_by=user,
            **standard_header(unit=unit, kind=kind, year_from=year_from, year_to=year_to),
        )  # fmt: skip
        _record(report, user, [ChangeRecord(action=ChangeRecord.Action.CREATED, target=report.period_text)])
    return report


def standard_header(*, unit: AdministrativeUnit, kind: str, year_from: int, year_to: int) -> dict:
    province = unit if unit.level == AdministrativeUnit.Level.PROVINCE else (unit.parent or unit)
    province_name = province.short_name or province.name
    is_province = unit.level == AdministrativeUnit.Level.PROVINCE
    place_word = "TỈNH" if is_province else unit.name.upper()
    programme = "Kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới"
    subjects = {
        Report.Kind.ANNUAL: f"{programme}\nnăm {year_to}, phương hướng, nhiệm vụ năm {year_to + 1}",
        Report.Kind.PHASE: f"{programme}\ngiai đoạn {year_from} - {year_to}",
        Report.Kind.PLAN: "Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới"
        f"\ngiai đoạn {year_from} - {year_to} trên địa bàn {name_in_sentence(unit.name)}",
    }
    prefix = "KH" if kind == Report.Kind.PLAN else "BC"
    return {
        "parent_body": f"UBND {place_word} {province_name.upper()}" if is_province else f"UBND {unit.name.upper()}",
        "issuing_body": f"BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH\nMTQG {place_word} {province_name.upper()}"
        if is_province
        else f"VĂN PHÒNG ĐIỀU PHỐI\nNÔNG THÔN MỚI {unit.name.upper()}",
        "symbol": f"{prefix}-BCĐ" if is_province else f"{prefix}-VPĐP",
        "place": province_name,
        "subject": subjects[kind],
        "recipients": "\n".join(
            [
                "Ban Chỉ đạo Trung ương các Chương trình MTQG;",
                "Văn phòng Điều phối nông thôn mới Trung ương;",
                f"Thường trực Tỉnh ủy, HĐND, UBND tỉnh {province_name};",
                "Các thành viên Ban Chỉ đạo;",
                "Lưu: VT, VPĐP.",
            ]
        ),
        "signer_authority": "TM. BAN CHỈ ĐẠO\nKT. TRƯỞNG BAN" if is_province else "CHÁNH VĂN PHÒNG",
        "signer_title": "PHÓ CHỦ TỊCH UBND TỈNH" if is_province else "",
    }


def report_save(*, user, report: Report, version: int, header: Mapping, narrative: Mapping[str, str]) -> Report:
    """Save a draft's header and narrative sections. Refused for an issued report or a stale form."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        _check_writable(user, current, version)
        changes = []
        for name in HEADER_FIELDS:
            if name in header and header[name] != getattr(current, name):
                changes.append(_change(name, getattr(current, name), header[name]))
                setattr(current, name, header[name])
        keys = {key for key, _label in narrative_sections(current.kind)}
        written = {key: text.strip() for key, text in narrative.items() if key in keys and text.strip()}
        for key in sorted(set(written) | set(current.narrative)):
            if written.get(key, "") != current.narrative.get(key, ""):
                changes.append(_change(key, current.narrative.get(key, ""), written.get(key, "")))
        if not changes:
            return current
        current.narrative = written
        current.version += 1
        current.save()
        _record(current, user, changes)
    return current


def report_delete(*, user, report: Report, version: int) -> None:
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        _check_writable(user, current, version)
        current.delete()


# History: the text of a change is kept short; the report itself holds the full text.
HISTORY_TEXT = 300


def _change(target: str, old, new) -> ChangeRecord:
    def text(value) -> str:
        value = "" if value is None else str(value)
        return value if len(value) <= HISTORY_TEXT else value[: HISTORY_TEXT - 1] + "…"

    return ChangeRecord(action=ChangeRecord.Action.VALUE, target=target, old_value=text(old), new_value=text(new))


def _record(report: Report, user, changes: list[ChangeRecord]) -> None:
    subject_type = ContentType.objects.get_for_model(Report)
    for change in changes:
        change.user, change.subject_type, change.subject_id = user, subject_type, report.pk
        change.subject_version = report.version
    ChangeRecord.objects.bulk_create(changes)


def _check_writable(user, report: Report, version: int) -> None:
    if not access.can_write_reports(user, report.unit):
        raise ReportError(_("You may not write reports for %(unit)s.") % {"unit": report.unit.name})
    if report.is_issued:
        raise ReportError(_("This report has been issued and can no longer be changed."))
    if report.version != version:
        raise ReportError(
            _("Someone else saved this report after you opened it. Nothing you wrote was saved: reload the page.")
        )


# ── Rendering: the same figures and document for every format ──


def report_files(report: Report, formats, *, progress=None) -> tuple[ReportFigures, dict[str, bytes]]:
    """The report's files with `progress(percent, step)` calls: from the figures stored when it was issued,
    else from the data as it is now (drafts)."""

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    step(5, _("Computing the figures"))
    figures = report_figures_of(report, appendix=ReportFile.Format.XLSX in formats)
    document = report_document(report, figures)
    files = {}
    share = 90 // max(len(formats), 1)
    for index, file_format in enumerate(formats):
        step(10 + index * share, _("Writing the %(format)s file") % {"format": file_format.upper()})
        if file_format == ReportFile.Format.PDF:
            files[file_format] = document_pdf(document)
        elif file_format == ReportFile.Format.DOCX:
            files[file_format] = document_docx(document)
        else:
            files[file_format] = appendix_xlsx(figures)
    step(100, _("Done"))
    return figures, files


def report_figures_of(report: Report, *, appendix: bool = False) -> ReportFigures:
    """An issued report's figures as stored when it was issued; a draft's from the data as it is now."""
    if report.is_issued and report.figures_snapshot is not None:
        try:
            return figures_from_json(report.figures_snapshot)
        except SnapshotError:
            pass  # issued before snapshots could be read back: its stored files are what it is
    return report_figures(unit=report.unit, year=report.year_to, start=report.year_from, appendix=appendix)


def report_issue(*, user, report: Report, version: int, progress=None) -> Report:
    """Freeze a draft: render every file from the data as it is, store them with the figures, mark it issued."""
    if not access.can_issue_reports(user, report.unit):
        raise ReportError(_("You may not issue reports for %(unit)s."))
    _check_writable(user, report, version)
    if not report.number.strip() or report.issued_on is None:
        raise ReportError(_("Give the report its number and date before issuing it."))
    figures, files = report_files(report, ReportFile.Format.values, progress=progress)
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        _check_writable(user, current, version)
        for file_format, content in files.items():
            ReportFile.objects.create(report=current, format=file_format, content=content)
        current.status = Report.Status.ISSUED
        current.issued_by, current.issued_at = user, timezone.now()
        current.figures_snapshot = figures_json(figures)
        current.version += 1
        current.save()
        issued = f"{current.number}/{current.symbol}"
        _record(current, user, [ChangeRecord(action=ChangeRecord.Action.TRANSITION, target="issue", new_value=issued)])
    return current
