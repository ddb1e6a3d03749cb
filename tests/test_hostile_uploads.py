"""Hostile uploads: ZIP bombs and markup with a spreadsheet's name, names made to escape a folder or a page,
and bodies larger than the limits. In Vietnamese, as a user sees them (no `english_messages`)."""

import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import gettext

from criteria.models import CriteriaSet, Evidence
from criteria.set_workbook import WorkbookInvalid, criteria_set_workbook_import
from ntm_portal.models import ImportBatch
from ntm_portal.spreadsheets import UnreadableFile, percent_cells, read_sheets
from tests.hostile_inputs import is_vietnamese
from tests.personas import PASSWORD

BOUNDARY = "----hostile-boundary"
SPARSE_SHEET_BYTES = 800 * 1024 * 1024


def xlsx_zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """An .xlsx of about 800 KB whose one sheet expands to 800 MB of zeros: written a megabyte at a time."""
    path = tmp_path_factory.mktemp("bomb") / "ket-qua.xlsx"
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(SPARSE_SHEET_BYTES // len(zeros)):
                sheet.write(zeros)
    assert path.stat().st_size < 1024 * 1024
    return path


def test_a_zip_bomb_is_refused_from_its_directory_quickly_and_in_little_memory(zip_bomb):
    content = zip_bomb.read_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnreadableFile) as refused:
            read_sheets(content, file_name="ket-qua.xlsx")
        with pytest.raises(UnreadableFile):
            percent_cells(content, {"Sheet1": 3})
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024  # expanding the sheet would take 800 MB
    assert is_vietnamese(refused.value.message), refused.value.message


def test_a_workbook_of_too_many_parts_is_refused(tmp_path, settings):
    members = {"xl/workbook.xml": b"<workbook/>", **{f"xl/media/image{n}.png": b"" for n in range(1001)}}
    with pytest.raises(UnreadableFile) as refused:
        read_sheets(xlsx_zip(tmp_path / "anh.xlsx", members).read_bytes())
    assert "1002" in refused.value.message and is_vietnamese(refused.value.message)


def test_a_workbook_expanding_past_the_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 100_000
    members = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<row>1</row>" * 10_000}
    with pytest.raises(UnreadableFile) as refused:
        read_sheets(xlsx_zip(tmp_path / "lon.xlsx", members).read_bytes())
    assert is_vietnamese(refused.value.message)


def signed_in(client, username="district_staff"):
    assert client.login(username=username, password=PASSWORD)
    return client


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bytes:
    """A multipart body written by hand: the test client would shorten a file name to its last part."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]  # fmt: skip
    for field, (name, content) in files.items():
        head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")  # fmt: skip
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_multipart(client, url: str, fields: dict, files: dict):
    return client.post(url, data=multipart(fields, files), content_type=f"multipart/form-data; boundary={BOUNDARY}")


def import_upload(client, name: str, content: bytes):
    fields = {"kind": "results", "year": "2024"}
    return post_multipart(client, reverse("import_start"), fields, {"file": (name, content)})


@pytest.mark.django_db
def test_the_import_page_refuses_a_zip_bomb_with_a_vietnamese_message(client, world, zip_bomb):
    response = import_upload(signed_in(client), "ket-qua.xlsx", zip_bomb.read_bytes())
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_batch", kwargs={"batch_id": batch.pk})
    assert batch.status == ImportBatch.Status.REFUSED
    [[_place, message]] = batch.errors
    assert is_vietnamese(message)
    assert message in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_import_command_refuses_a_zip_bomb(world, zip_bomb, capsys):
    with pytest.raises(CommandError):
        call_command("import_results", str(zip_bomb), "--year", "2024")
    assert is_vietnamese(capsys.readouterr().err)


@pytest.mark.django_db
def test_the_criteria_set_import_refuses_a_zip_bomb(world, zip_bomb):
    with pytest.raises(WorkbookInvalid) as refused:
        criteria_set_workbook_import(user=world.users["admin"], content=zip_bomb.read_bytes())
    [(_place, message)] = refused.value.errors
    assert is_vietnamese(message)
    assert not CriteriaSet.objects.filter(code="").exists()


WEB_PAGES = [
    b"<!DOCTYPE html><html><body><table><tr><td>T\xc3\xaan x\xc3\xa3</td><td>TC1</td></tr></table></body></html>",
    b'\xef\xbb\xbf<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
]


@pytest.mark.django_db
@pytest.mark.parametrize("content", WEB_PAGES, ids=["html", "xml-spreadsheet", "svg"])
def test_a_web_page_named_xlsx_is_refused_as_such(client, world, content):
    import_upload(signed_in(client), "bao-cao.xlsx", content)
    [[_place, message]] = ImportBatch.objects.get().errors
    assert "(.xlsx)" in message and is_vietnamese(message)


HOSTILE_NAME = '../../etc/"><img src=x onerror=alert(1)>\x07\x1b.xlsx'


@pytest.mark.django_db
def test_an_import_file_name_is_shortened_cleaned_and_shown_as_text(client, world):
    response = import_upload(signed_in(client), HOSTILE_NAME, b"Ten xa;TC1\n")
    batch = ImportBatch.objects.get()
    assert batch.file_name == '"><img src=x onerror=alert(1)>.xlsx'  # no folder, no control character
    page = client.get(response["Location"]).content.decode()
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.xlsx" in page
    assert "<img src=x" not in page


@pytest.mark.django_db
def test_an_evidence_file_name_never_reaches_the_storage_and_is_shown_as_text(client, world):
    from tests.criteria.test_evidence import evidence_url, pdf_bytes

    signed_in(client, "official_a")
    url = evidence_url(world)
    fields = {"title": "", "document_number": "", "document_date": "", "issuer": ""}
    response = post_multipart(client, url, fields, {"files": (HOSTILE_NAME.replace(".xlsx", ".pdf"), pdf_bytes())})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}", evidence.file.name)
    assert "<" not in evidence.original_name and "\x07" not in evidence.original_name
    assert "<img src=x" not in client.get(url).content.decode()


class CountingHandler(FileUploadHandler):
    """Between the limiting handler and the storing ones: counts the bytes passed on to be stored."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        CountingHandler.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def counted_uploads(settings):
    CountingHandler.received = 0
    first, *storing = settings.FILE_UPLOAD_HANDLERS
    settings.FILE_UPLOAD_HANDLERS = [first, f"{__name__}.CountingHandler", *storing]
    return CountingHandler


@pytest.mark.django_db
def test_a_file_over_the_limit_is_not_stored_past_it_and_is_refused_in_vietnamese(
    client, world, settings, counted_uploads
):
    settings.IMPORT_MAX_BYTES = settings.UPLOAD_MAX_FILE_BYTES = 64 * 1024
    response = import_upload(signed_in(client), "lon.csv", b"Ten xa;TC1\n" * 100_000)  # 1.1 MB
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    assert counted_uploads.received <= 64 * 1024 + 64 * 1024  # the limit and at most one chunk more
    [error] = response.context["form"].errors["file"]
    assert "64,0\xa0KB" in error and is_vietnamese(error)


@pytest.mark.django_db
def test_a_set_workbook_over_the_limit_is_refused(client, world, settings):
    settings.IMPORT_MAX_BYTES = settings.UPLOAD_MAX_FILE_BYTES = 64 * 1024
    signed_in(client, "admin")
    response = post_multipart(client, reverse("criteria:set_import"), {}, {"file": ("bo.xlsx", bytes(200_000))})
    assert response.status_code == 400
    [error] = response.context["upload"].errors["file"]
    assert is_vietnamese(error)


@pytest.mark.django_db
def test_evidence_over_the_limit_is_refused_without_being_stored(client, world, settings, counted_uploads):
    from tests.criteria.test_evidence import evidence_url

    settings.EVIDENCE_MAX_BYTES = settings.UPLOAD_MAX_FILE_BYTES = 64 * 1024
    signed_in(client, "official_a")
    fields = {"title": "", "document_number": "", "document_date": "", "issuer": ""}
    response = post_multipart(client, evidence_url(world), fields, {"files": ("lon.pdf", b"%PDF-1.4" + bytes(10**6))})
    assert response.status_code == 400
    assert counted_uploads.received <= 2 * 64 * 1024
    assert not Evidence.objects.exists()
    message = gettext("The file is too large: files up to %(limit)s MB are accepted.") % {"limit": "0.06"}
    assert is_vietnamese(message) and message in response.content.decode()


@pytest.mark.django_db
def test_a_body_over_the_request_limit_is_refused_before_it_is_read(client, world, settings, counted_uploads):
    settings.UPLOAD_MAX_REQUEST_BYTES = 100 * 1024
    response = import_upload(signed_in(client), "lon.csv", bytes(10**6))
    assert response.status_code == 400
    assert counted_uploads.received == 0
    assert not ImportBatch.objects.exists()
    assert "<h1>Không đọc được yêu cầu</h1>" in response.content.decode()
