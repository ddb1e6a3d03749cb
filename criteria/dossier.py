"""The recognition dossier of a commune-year: its accepted evidence as one ZIP, streamed, with an index.

The ZIP is written into a small non-seekable sink, so zipfile puts each member's sizes in a data descriptor
after its data and every piece can be handed to the client as soon as it exists: a dossier of hundreds of
megabytes never sits in memory. Every file is checked against the SHA-256 recorded at upload while it is
copied; a file that changed on disk stops the dossier rather than slipping into it.
"""

import datetime
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import astuple, dataclass

from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from weasyprint import HTML

from communes.models import AdministrativeUnit
from criteria.models import Assessment, Evidence
from ntm_portal.spreadsheet_text import FORMULA_STARTS, text_row

# Names inside the archive are part of the dossier's fixed Vietnamese layout, like the ZIP's own name,
# and so do not follow the interface language.
GENERAL_FOLDER = "00 - Chung"
INDEX_PDF_NAME = "Danh mục hồ sơ.pdf"
INDEX_XLSX_NAME = "Danh mục hồ sơ.xlsx"

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Deflating these again only costs time: they are JPEG/PNG data or ZIP archives already.
ALREADY_COMPRESSED = {"jpg", "png", "docx", "xlsx", "odt", "ods"}

_UNSAFE_IN_NAMES = re.compile(r'[:*?"<>|\x00-\x1f\x7f-\x9f]')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
# Windows cannot open paths beyond 260 characters; the dossier is usually unpacked a few folders deep.
_MAX_FOLDER_CHARS = 80
_MAX_STEM_CHARS = 100


class DossierFileChanged(Exception):
    """A stored evidence file no longer matches the SHA-256 recorded when it was uploaded."""

    def __init__(self, evidence: Evidence, actual_sha256: str):
        self.evidence = evidence
        self.actual_sha256 = actual_sha256
        super().__init__(
            f"Evidence {evidence.pk} ({evidence.file.name}) has SHA-256 {actual_sha256}, "
            f"but {evidence.sha256} was recorded at upload."
        )


@dataclass(frozen=True)
class DossierEntry:
    number: int
    evidence: Evidence
    path: str

    @property
    def compress_type(self) -> int:
        return zipfile.ZIP_STORED if _extension(self.evidence) in ALREADY_COMPRESSED else zipfile.ZIP_DEFLATED


def dossier_entries(assessment: Assessment) -> list[DossierEntry]:
    """The accepted, not deleted and not superseded evidence of the assessment, in criterion order."""
    superseded = Evidence.objects.visible().filter(replaces=OuterRef("pk"), status=Evidence.Status.ACCEPTED)
    evidence = (
        Evidence.objects.visible()
        .filter(assessment=assessment, status=Evidence.Status.ACCEPTED)
        .exclude(Exists(superseded))
        .select_related("criterion")
        .order_by(F("criterion__number").asc(nulls_first=True), "uploaded_at", "pk")
    )
    taken: set[tuple[str, str]] = set()
    entries = []
    for number, item in enumerate(evidence, start=1):
        folder, extension = _folder_name(item), _extension(item)
        stem = _safe_name(item.title, _MAX_STEM_CHARS) or str(item.pk)
        name, copy = f"{stem}.{extension}", 1
        # Case-insensitive, as on the Windows and macOS disks the dossier is unpacked to.
        while (folder, name.casefold()) in taken:
            copy += 1
            name = f"{stem} ({copy}).{extension}"
        taken.add((folder, name.casefold()))
        entries.append(DossierEntry(number=number, evidence=item, path=f"{folder}/{name}"))
    return entries


def dossier_zip_chunks(assessment: Assessment, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """The dossier as a ZIP, piece by piece; raises DossierFileChanged on a file that fails its checksum."""
    entries = dossier_entries(assessment)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        produced = timezone.localtime()
        for name, content in (
            (INDEX_PDF_NAME, dossier_index_pdf(entries, assessment)),
            (INDEX_XLSX_NAME, dossier_index_xlsx(entries, assessment)),
        ):
            archive.writestr(_member(name, produced, zipfile.ZIP_DEFLATED), content)
            yield sink.take()
        for entry in entries:
            member = _member(entry.path, timezone.localtime(entry.evidence.uploaded_at), entry.compress_type)
            digest = hashlib.sha256()
            with entry.evidence.file.open("rb") as source, archive.open(member, "w", force_zip64=True) as target:
                while chunk := source.read(chunk_size):
                    digest.update(chunk)
                    target.write(chunk)
                    if written := sink.take():
                        yield written
            if digest.hexdigest() != entry.evidence.sha256:
                raise DossierFileChanged(entry.evidence, digest.hexdigest())
    yield sink.take()


def dossier_filename(assessment: Assessment) -> str:
    """An ASCII name for the download, e.g. "Ho-so-Xa-Hung-Dao-2021.zip"."""
    unit_name = _ascii(assessment.unit.name)
    return f"Ho-so-{unit_name}-{assessment.year}.zip"


def dossier_index_pdf(entries: list[DossierEntry], assessment: Assessment) -> bytes:
    page_label = _("Page %(page)s/%(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    html = render_to_string(
        "criteria/dossier_index.html",
        {
            "header": _index_header(assessment),
            "headings": _index_headings(),
            "rows": [_index_row(entry) for entry in entries],
            "page_counter": _css_content(page_label),
        },
    )
    return HTML(string=html).write_pdf()


def dossier_index_xlsx(entries: list[DossierEntry], assessment: Assessment) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _safe_sheet_title(_("Dossier index"))
    headings = _index_headings()
    bold = Font(bold=True)

    sheet.append([_("Index of the recognition dossier")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    for label, value in _index_header(assessment):
        sheet.append(text_row(sheet, [label, value]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])

    sheet.append(text_row(sheet, headings))
    heading_row = sheet.max_row
    for cell in sheet[heading_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in (_index_row(entry) for entry in entries):
        sheet.append(text_row(sheet, astuple(row)))
        sheet.cell(row=sheet.max_row, column=5).number_format = "DD/MM/YYYY"
        sheet.cell(row=sheet.max_row, column=9).number_format = "#,##0"

    for column, width in enumerate((6, 32, 48, 18, 12, 28, 14, 60, 12, 66), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=1)
    sheet.auto_filter.ref = f"A{heading_row}:{get_column_letter(len(headings))}{sheet.max_row}"
    sheet.print_title_rows = f"{heading_row}:{heading_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@dataclass(frozen=True)
class _IndexRow:
    number: int
    criterion: str
    title: str
    document_number: str
    document_date: datetime.date | None
    issuer: str
    status: str
    path: str
    size: int
    sha256: str

    @property
    def size_text(self) -> str:
        return number_format(self.size, force_grouping=True)


def _index_row(entry: DossierEntry) -> _IndexRow:
    evidence = entry.evidence
    return _IndexRow(
        number=entry.number,
        criterion=str(evidence.criterion) if evidence.criterion else pgettext("evidence of no criterion", "General"),
        title=evidence.title,
        document_number=evidence.document_number,
        document_date=evidence.document_date,
        issuer=evidence.issuer,
        status=evidence.get_status_display(),
        path=entry.path,
        size=evidence.size,
        sha256=evidence.sha256,
    )


def _index_headings() -> list[str]:
    """Column headings in the order of _IndexRow's fields, mostly the model's own translated labels."""

    def label(field: str) -> str:
        return str(capfirst(Evidence._meta.get_field(field).verbose_name))

    return [
        pgettext("order number", "No."),
        label("criterion"),
        label("title"),
        label("document_number"),
        label("document_date"),
        label("issuer"),
        label("status"),
        _("File in the dossier"),
        label("size"),
        label("sha256"),
    ]


def _index_header(assessment: Assessment) -> list[tuple[str, str]]:
    """Label and value pairs naming the commune, where it lies, the year and the set."""
    above = {}
    unit = assessment.unit.parent
    while unit is not None:
        above[unit.level] = unit
        unit = unit.parent
    header = [(pgettext("administrative unit", "Commune"), assessment.unit.name)]
    if district := above.get(AdministrativeUnit.Level.DISTRICT):
        header.append((_("District"), district.name))
    if province := above.get(AdministrativeUnit.Level.PROVINCE):
        header.append((_("Province"), province.name))
    header += [
        (_("Year"), str(assessment.year)),
        (_("Criteria set"), str(assessment.criteria_set)),
        (_("Produced on"), date_format(timezone.localtime(), "d/m/Y H:i")),
    ]
    return header


def _css_content(text: str) -> str:
    """A translated "Page %(page)s/%(pages)s", its placeholders marked by NULs, as a CSS `content` value."""
    parts = []
    for index, piece in enumerate(text.split("\x00")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            # Escaped for a CSS string inside <style>, where HTML escaping does not apply.
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
            parts.append(f'"{escaped}"')
    return " ".join(parts)


class _Sink:
    """Write-only and without tell() or seek(): zipfile then streams, writing data descriptors."""

    def __init__(self):
        self._pieces: list[bytes] = []

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        return len(self._pieces[-1])

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        written = b"".join(self._pieces)
        self._pieces.clear()
        return written


def _member(path: str, when: datetime.datetime, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=when.timetuple()[:6])
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    return info


def _folder_name(evidence: Evidence) -> str:
    if evidence.criterion is None:
        return GENERAL_FOLDER
    name = _safe_name(evidence.criterion.name, _MAX_FOLDER_CHARS)
    return f"{evidence.criterion.number:02d} - {name}".rstrip(" -")


def _extension(evidence: Evidence) -> str:
    return EXTENSIONS.get(evidence.content_type.split(";")[0].strip().lower(), "bin")


def _safe_name(text: str, max_chars: int) -> str:
    """A file or folder name every common system accepts, not read as a formula where it is listed (the Excel
    index, a spreadsheet of the unpacked folder) nor as a way up the tree; empty when nothing usable is left."""
    name = unicodedata.normalize("NFC", text).replace("/", "-").replace("\\", "-")
    name = _SPACES.sub(" ", _UNSAFE_IN_NAMES.sub(" ", name))[:max_chars]
    name = name.lstrip("".join(FORMULA_STARTS) + " .").rstrip(" .")
    if name.upper() in _WINDOWS_RESERVED:
        name += "_"
    return name


def _safe_sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip() or "Sheet1"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")
