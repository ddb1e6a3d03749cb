"""The recognition dossier: exactly the accepted files, streamed, verified, with an index in PDF and Excel."""

import datetime
import hashlib
import io
import os
import re
import subprocess
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from communes.models import AdministrativeUnit
from criteria.dossier import (
    DossierFileChanged,
    dossier_entries,
    dossier_filename,
    dossier_index_pdf,
    dossier_zip_chunks,
)
from criteria.models import Assessment, CriteriaSet, Criterion, Evidence

pytestmark = pytest.mark.django_db

PDF, JPEG = "application/pdf", "image/jpeg"
INDEXES = {"Danh mục hồ sơ.pdf", "Danh mục hồ sơ.xlsx"}
ENVIRONMENT = "17 - Môi trường và an toàn thực phẩm"


@pytest.fixture(autouse=True)
def evidence_storage(settings, tmp_path, monkeypatch):
    # Changing STORAGES makes Django forget the cached backends; the FileField, however, resolved its
    # callable storage once at import, so it is pointed at the new backend as well.
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    storage = storages["evidence"]
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def unit(level, kind, code, name, parent=None):
    return AdministrativeUnit.objects.create(
        level=level, kind=kind, code=code, name=name, short_name=name.split(" ", 1)[1], parent=parent
    )


@pytest.fixture
def assessment():
    call_command("load_criteria", verbosity=0)
    province = unit("province", "tinh", "04", "Tỉnh Cao Bằng")
    district = unit("district", "huyen", "051", "Huyện Hoà An", province)
    commune = unit("commune", "xa", "01001", "Xã Hưng Đạo", district)
    return Assessment.objects.create(unit=commune, year=2021, criteria_set=CriteriaSet.objects.get(code="QD318-2022"))


def add(assessment, title, content, *, criterion=None, status="accepted", content_type=PDF, **fields):
    evidence = Evidence(
        assessment=assessment,
        criterion=criterion and Criterion.objects.get(criteria_set=assessment.criteria_set, number=criterion),
        title=title,
        original_name="tep-goc.bin",
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=status,
        review_comment="Thiếu chữ ký." if status == "rejected" else "",
        **fields,
    )
    evidence.file.save("ignored", ContentFile(content), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def dossier(assessment):
    """Five accepted files (two sharing a title, one without criterion, a photo) and three left out."""
    accepted = {
        f"{ENVIRONMENT}/Biên bản kiểm tra vệ sinh môi trường.pdf": add(
            assessment,
            "Biên bản kiểm tra vệ sinh môi trường",
            b"%PDF-1.4 bien ban 1",
            criterion=17,
            document_number="12/BB-UBND",
            document_date=datetime.date(2021, 11, 25),
            issuer="UBND xã Hưng Đạo",
        ),
        f"{ENVIRONMENT}/Biên bản kiểm tra vệ sinh môi trường (2).pdf": add(
            assessment, "Biên bản kiểm tra vệ sinh môi trường", b"%PDF-1.4 bien ban 2", criterion=17
        ),
        f"{ENVIRONMENT}/Ảnh bãi tập kết rác thải.jpg": add(
            assessment, "Ảnh bãi tập kết rác thải", b"\xff\xd8\xff\xe0 anh" * 1000, criterion=17, content_type=JPEG
        ),
        "01 - Quy hoạch/Quyết định phê duyệt quy hoạch chung xây dựng xã.pdf": add(
            assessment, "Quyết định phê duyệt quy hoạch chung xây dựng xã", b"%PDF-1.4 quy hoach", criterion=1
        ),
        "00 - Chung/Báo cáo kết quả xây dựng nông thôn mới năm 2021.pdf": add(
            assessment, "Báo cáo kết quả xây dựng nông thôn mới năm 2021", b"%PDF-1.4 bao cao"
        ),
    }
    add(assessment, "Hồ sơ chờ duyệt", b"%PDF pending", criterion=17, status="pending")
    add(assessment, "Hồ sơ bị trả lại", b"%PDF rejected", criterion=17, status="rejected")
    add(assessment, "Hồ sơ đã xoá", b"%PDF deleted", criterion=17, deleted_at=timezone.now())
    return accepted


def unzip(assessment, **options):
    return zipfile.ZipFile(io.BytesIO(b"".join(dossier_zip_chunks(assessment, **options))))


def test_the_zip_holds_each_accepted_file_once_under_its_criterion_folder(assessment, dossier):
    archive = unzip(assessment, chunk_size=7)  # small chunks: files span many pieces
    names = archive.namelist()

    assert len(names) == len(set(names))
    assert set(names) == set(dossier) | INDEXES
    assert archive.testzip() is None
    for path, evidence in dossier.items():
        assert archive.read(path) == evidence.file.storage.open(evidence.file.name).read()
        assert hashlib.sha256(archive.read(path)).hexdigest() == evidence.sha256
    assert all(info.flag_bits & 0x800 for info in archive.infolist())  # UTF-8 names
    photo = archive.getinfo(f"{ENVIRONMENT}/Ảnh bãi tập kết rác thải.jpg")
    assert photo.compress_type == zipfile.ZIP_STORED


def test_entries_follow_criterion_order_with_general_documents_first(assessment, dossier):
    entries = dossier_entries(assessment)

    assert [entry.number for entry in entries] == [1, 2, 3, 4, 5]
    assert [entry.path.split("/")[0] for entry in entries] == ["00 - Chung", "01 - Quy hoạch"] + [ENVIRONMENT] * 3
    assert {entry.path: entry.evidence for entry in entries} == dossier


def test_file_names_are_cleaned_and_unique_ignoring_case(assessment):
    add(assessment, 'Tờ trình 05/TTr-UBND: "đề nghị" <xét>?\tcông nhận.', b"a", criterion=2)
    add(assessment, "tờ trình 05-TTr-UBND đề nghị xét công nhận", b"b", criterion=2)
    add(assessment, "???", b"c", criterion=2, content_type="application/vnd.ms-excel")

    paths = [entry.path for entry in dossier_entries(assessment)]

    folder = paths[0].split("/")[0]
    assert folder.startswith("02 - ")
    assert paths[0] == f"{folder}/Tờ trình 05-TTr-UBND đề nghị xét công nhận.pdf"
    assert paths[1] == f"{folder}/tờ trình 05-TTr-UBND đề nghị xét công nhận (2).pdf"
    assert re.fullmatch(rf"{folder}/\d+\.xls", paths[2])


def test_a_replaced_file_gives_way_only_to_an_accepted_replacement(assessment):
    old = add(assessment, "Quy chế cũ", b"old", criterion=3)
    add(assessment, "Quy chế mới", b"new", criterion=3, replaces=old)
    kept = add(assessment, "Kế hoạch", b"plan", criterion=3)
    add(assessment, "Kế hoạch sửa đổi", b"plan v2", criterion=3, status="pending", replaces=kept)

    titles = [entry.evidence.title for entry in dossier_entries(assessment)]

    assert titles == ["Quy chế mới", "Kế hoạch"]


def test_the_excel_index_lists_every_file_with_its_checksum(assessment, dossier):
    workbook = load_workbook(io.BytesIO(unzip(assessment).read("Danh mục hồ sơ.xlsx")))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    heading = next(index for index, row in enumerate(rows) if "SHA-256" in row)
    listed = rows[heading + 1 :]

    assert {row[7]: row[9] for row in listed} == {path: evidence.sha256 for path, evidence in dossier.items()}
    assert [row[0] for row in listed] == [1, 2, 3, 4, 5]
    first = next(row for row in listed if row[3] == "12/BB-UBND")
    assert first[4] == datetime.datetime(2021, 11, 25)
    assert first[5] == "UBND xã Hưng Đạo"
    assert sheet.cell(row=heading + 2, column=5).number_format == "DD/MM/YYYY"
    header_values = {value for row in rows[:heading] for value in row}
    assert {"Xã Hưng Đạo", "Huyện Hoà An", "Tỉnh Cao Bằng", "2021"} <= header_values
    assert sheet.freeze_panes == f"A{heading + 2}"
    assert all(cell.font.bold for cell in sheet[heading + 1])


def pdf_text(content, tmp_path):
    path = tmp_path / "index.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def test_the_pdf_index_names_the_commune_and_every_title(assessment, dossier, tmp_path):
    text = pdf_text(unzip(assessment).read("Danh mục hồ sơ.pdf"), tmp_path)

    assert "Xã Hưng Đạo" in text
    assert "Tỉnh Cao Bằng" in text
    assert str(assessment.criteria_set) in text
    for evidence in dossier.values():
        assert evidence.title in text
    assert "25/11/2021" in text
    assert "1/1" in text  # page counter


def test_the_pdf_index_repeats_its_heading_and_counts_pages(assessment, tmp_path):
    for number in range(60):
        add(assessment, f"Văn bản số {number}", b"x", criterion=(number % 19) + 1)

    content = dossier_index_pdf(dossier_entries(assessment), assessment)
    pages = pdf_text(content, tmp_path).count("SHA-256")

    assert pages >= 2
    assert f"{pages}/{pages}" in pdf_text(content, tmp_path)


def test_a_file_changed_after_upload_stops_the_dossier(assessment, dossier, evidence_storage):
    tampered = next(iter(dossier.values()))
    with open(evidence_storage.path(tampered.file.name), "wb") as stored:
        stored.write(b"%PDF-1.4 something else")

    sent = []
    with pytest.raises(DossierFileChanged) as stopped:
        sent.extend(dossier_zip_chunks(assessment))

    assert stopped.value.evidence == tampered
    assert sent
    with pytest.raises(zipfile.BadZipFile):  # what reached the client cannot be opened as a dossier
        zipfile.ZipFile(io.BytesIO(b"".join(sent)))


def test_the_download_name_is_ascii(assessment):
    assert dossier_filename(assessment) == "Ho-so-Xa-Hung-Dao-2021.zip"


def streamed(assessment):
    """Bytes, largest piece and peak traced memory of one dossier download."""
    tracemalloc.start()
    try:
        total = largest = 0
        for chunk in dossier_zip_chunks(assessment):
            total += len(chunk)
            largest = max(largest, len(chunk))
        return total, largest, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_dossier_streams_in_little_memory(assessment):
    megabyte = 1024 * 1024
    tiny = Assessment.objects.create(unit=assessment.unit, year=2022, criteria_set=assessment.criteria_set)
    for number in range(30):
        for target, size in ((assessment, megabyte), (tiny, 1024)):
            # Random bytes do not deflate: the archive is as large as the files, and nothing hides in compression.
            add(target, f"Tài liệu {number}", os.urandom(size), criterion=number % 19 + 1,
                content_type=JPEG if number % 2 else PDF)  # fmt: skip
    for target in (tiny, assessment):  # fonts, templates, modules and buffers loaded before measuring
        for _chunk in dossier_zip_chunks(target):
            pass

    total, largest, peak = streamed(assessment)
    peak_for_tiny_files = streamed(tiny)[2]

    assert total > 30 * megabyte
    assert largest < megabyte
    assert peak < 8 * megabyte
    # Most of the peak is the PDF index, whose cost follows the number of rows; the files add almost nothing.
    assert peak - peak_for_tiny_files < megabyte
