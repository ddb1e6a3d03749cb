"""Evidence through real requests: accepted types, refusals that store nothing, scope, review, tampering, dossier."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from criteria.models import Criterion, Evidence
from ntm_portal.models import ChangeRecord
from tests.criteria.test_evidence_files import compound_file
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2021


def pdf_bytes(text="Biên bản họp"):
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def image_bytes(kind="JPEG", colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format=kind)
    return buffer.getvalue()


def xlsx_bytes():
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Danh sách hộ"
    workbook.save(buffer)
    return buffer.getvalue()


def office_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes():
    return office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def odt_bytes(kind="text"):
    return office_zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<x/>"})


def login(client, who):
    client.login(username=who, password=PASSWORD)
    return client


def evidence_url(world, unit=None):
    return reverse("criteria:evidence", kwargs={"unit_id": (unit or world.commune_a).pk, "year": YEAR})


def upload(client, world, files, unit=None, **fields):
    data = {"files": files, "title": "", "document_number": "", "document_date": "", "issuer": "", **fields}
    return client.post(evidence_url(world, unit), data)


ACCEPTED = [
    ("quyet-dinh.pdf", pdf_bytes, "application/pdf"),
    ("anh.jpg", image_bytes, "image/jpeg"),
    ("anh.png", lambda: image_bytes("PNG"), "image/png"),
    ("danh-sach.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("bien-ban.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("bao-cao.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
    ("bang.ods", lambda: odt_bytes("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("to-trinh.doc", lambda: compound_file(["WordDocument"]), "application/msword"),
    ("so-lieu.xls", lambda: compound_file(["Workbook"]), "application/vnd.ms-excel"),
]


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_each_accepted_type_uploads(client, world, name, make, content_type):
    content = make()
    response = upload(login(client, "official_a"), world, [SimpleUploadedFile(name, content)])
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.size, evidence.status) == (content_type, len(content), "pending")
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    assert name not in evidence.file.name  # stored under a generated key


REFUSED = [
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200),  # an executable renamed .pdf
    ("trang.html", b"<!DOCTYPE html><html><body>x</body></html>"),
    ("hinh.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("rong.pdf", b""),
    ("../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n"),
]


@pytest.mark.parametrize(("name", "content"), REFUSED, ids=["exe", "html", "svg", "empty", "traversal"])
def test_refused_files_give_a_message_and_store_nothing(client, world, name, content, settings):
    response = upload(login(client, "official_a"), world, [SimpleUploadedFile(name, content)])
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="message message-error"' in page or 'class="field-error"' in page
    assert not Evidence.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_path_parts_never_reach_storage(client, world):
    # Django keeps only the last part of an uploaded name; the service refuses path names outright, and
    # files are stored under generated keys, so no name can point outside the evidence folder.
    response = upload(login(client, "official_a"), world, [SimpleUploadedFile("../../etc/passwd.pdf", pdf_bytes())])
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.pdf"
    assert evidence.file.name.startswith("evidence/") and ".." not in evidence.file.name


def test_the_service_refuses_a_path_name(world):
    from django.core.files.base import ContentFile

    from criteria.services import EvidenceRefused, evidence_upload

    with pytest.raises(EvidenceRefused):
        evidence_upload(
            user=world.users["official_a"],
            unit=world.commune_a,
            year=YEAR,
            upload=ContentFile(pdf_bytes(), name="../../etc/passwd.pdf"),
        )
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = upload(login(client, "official_a"), world, [SimpleUploadedFile("a.pdf", pdf_bytes() + b" " * 2000)])
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_several_files_at_once_and_an_identical_reupload_is_detected(client, world):
    client = login(client, "official_a")
    first = [SimpleUploadedFile("a.pdf", pdf_bytes("một")), SimpleUploadedFile("b.jpg", image_bytes())]
    assert upload(client, world, first).status_code == 302
    assert Evidence.objects.count() == 2
    again = upload(client, world, [SimpleUploadedFile("c.pdf", pdf_bytes("một"))])
    assert again.status_code == 400
    assert "a.pdf" in again.content.decode()  # names the earlier upload
    assert Evidence.objects.count() == 2


def test_metadata_and_criterion_are_stored_and_recorded(client, world):
    criterion = Criterion.objects.get(criteria_set__code="QD318-2022", number=17)
    response = upload(
        login(client, "official_a"),
        world,
        [SimpleUploadedFile("qd.pdf", pdf_bytes())],
        title="Quyết định công nhận",
        document_number="123/QĐ-UBND",
        document_date="05/03/2021",
        issuer="UBND huyện Hoà An",
        criterion=criterion.pk,
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.document_number, evidence.criterion) == (
        "Quyết định công nhận",
        "123/QĐ-UBND",
        criterion,
    )
    assert str(evidence.document_date) == "2021-03-05"
    assert ChangeRecord.objects.about(evidence.assessment).filter(action="evidence", new_value="uploaded").exists()


@pytest.mark.parametrize(
    ("who", "list_status", "upload_status"),
    [
        ("official_a", 200, 302),
        ("official_b", 404, 404),  # another commune's official: does not exist for them
        ("leader", 200, 404),  # leaders read, never upload
        ("district_staff", 200, 302),
        ("province_staff", 200, 302),
    ],
)
def test_scope_of_listing_uploading_and_downloading(client, world, who, list_status, upload_status):
    login(client, "official_a")
    upload(client, world, [SimpleUploadedFile("a.pdf", pdf_bytes())])
    evidence = Evidence.objects.get()
    client.logout()
    login(client, who)
    assert client.get(evidence_url(world)).status_code == list_status
    download = client.get(reverse("criteria:evidence_download", kwargs={"evidence_id": evidence.pk}))
    assert download.status_code == (200 if list_status == 200 else 404)
    response = upload(client, world, [SimpleUploadedFile("b.png", image_bytes("PNG"))])
    assert response.status_code == upload_status
    assert Evidence.objects.count() == (2 if upload_status == 302 else 1)


def test_download_is_an_attachment_with_the_right_type(client, world):
    login(client, "official_a")
    content = pdf_bytes()
    upload(client, world, [SimpleUploadedFile("Biên bản.pdf", content)])
    evidence = Evidence.objects.get()
    response = client.get(reverse("criteria:evidence_download", kwargs={"evidence_id": evidence.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_images_preview_inline_with_safe_headers_and_pdfs_do_not(client, world):
    login(client, "official_a")
    upload(client, world, [SimpleUploadedFile("a.jpg", image_bytes()), SimpleUploadedFile("b.pdf", pdf_bytes())])
    photo, document = (
        Evidence.objects.get(content_type="image/jpeg"),
        Evidence.objects.get(content_type="application/pdf"),
    )
    preview = client.get(reverse("criteria:evidence_preview", kwargs={"evidence_id": photo.pk}))
    assert preview.status_code == 200
    assert preview["Content-Disposition"].startswith("inline;")
    assert "sandbox" in preview["Content-Security-Policy"]
    assert client.get(reverse("criteria:evidence_preview", kwargs={"evidence_id": document.pk})).status_code == 404


def test_the_viewer_shows_a_photo_in_a_portal_page_to_those_who_see_it(client, world):
    login(client, "official_a")
    upload(client, world, [SimpleUploadedFile("a.jpg", image_bytes()), SimpleUploadedFile("b.pdf", pdf_bytes())])
    photo, document = (
        Evidence.objects.get(content_type="image/jpeg"),
        Evidence.objects.get(content_type="application/pdf"),
    )
    viewer = client.get(reverse("criteria:evidence_viewer", kwargs={"evidence_id": photo.pk}))
    assert viewer.status_code == 200
    assert viewer["Content-Type"].startswith("text/html")
    preview = reverse("criteria:evidence_preview", kwargs={"evidence_id": photo.pk})
    assert f'<img src="{preview}" alt="{photo.title}">' in viewer.content.decode()
    evidence_list = client.get(evidence_url(world)).content.decode()
    assert reverse("criteria:evidence_viewer", kwargs={"evidence_id": photo.pk}) in evidence_list
    assert client.get(reverse("criteria:evidence_viewer", kwargs={"evidence_id": document.pk})).status_code == 404
    login(client, "official_b")
    assert client.get(reverse("criteria:evidence_viewer", kwargs={"evidence_id": photo.pk})).status_code == 404


def test_a_file_changed_on_disk_is_refused_and_logged(client, world, caplog):
    login(client, "official_a")
    upload(client, world, [SimpleUploadedFile("a.pdf", pdf_bytes())])
    evidence = Evidence.objects.get()
    with open(evidence.file.path, "ab") as stored:
        stored.write(b"tampered")
    response = client.get(reverse("criteria:evidence_download", kwargs={"evidence_id": evidence.pk}))
    assert response.status_code == 302
    assert "checksum mismatch" in caplog.text
    follow = client.get(response.url)
    assert "message-error" in follow.content.decode()


def review(client, evidence, decision, comment=""):
    return client.post(
        reverse("criteria:evidence_review", kwargs={"evidence_id": evidence.pk}),
        {"decision": decision, "comment": comment},
    )


def test_review_replace_delete_and_restore(client, world):
    login(client, "official_a")
    upload(client, world, [SimpleUploadedFile("a.pdf", pdf_bytes("một")), SimpleUploadedFile("b.jpg", image_bytes())])
    document, photo = (
        Evidence.objects.get(content_type="application/pdf"),
        Evidence.objects.get(content_type="image/jpeg"),
    )
    assert review(client, document, "accept").status_code == 404  # officials do not review

    client.logout()
    login(client, "district_staff")
    review(client, document, "accept")
    review(client, photo, "reject")  # no comment: refused
    photo.refresh_from_db()
    assert photo.status == "pending"
    review(client, photo, "reject", "Ảnh mờ, chụp lại")
    photo.refresh_from_db()
    document.refresh_from_db()
    assert (document.status, photo.status, photo.review_comment) == ("accepted", "rejected", "Ảnh mờ, chụp lại")

    client.logout()
    login(client, "official_a")
    page = client.get(evidence_url(world)).content.decode()
    assert "Ảnh mờ, chụp lại" in page
    new_photo = SimpleUploadedFile("moi.jpg", image_bytes(colour=(10, 200, 10)))
    client.post(reverse("criteria:evidence_replace", kwargs={"evidence_id": photo.pk}), {"file": new_photo})
    replacement = Evidence.objects.get(replaces=photo)
    assert replacement.status == "pending"
    assert Evidence.objects.filter(pk=photo.pk, status="rejected").exists()  # the old version is kept

    confirm = client.get(reverse("criteria:evidence_delete", kwargs={"evidence_id": document.pk}))
    assert confirm.status_code == 200
    client.post(reverse("criteria:evidence_delete", kwargs={"evidence_id": document.pk}))
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert client.get(reverse("criteria:evidence_download", kwargs={"evidence_id": document.pk})).status_code == 404
    assert client.post(reverse("criteria:evidence_restore", kwargs={"evidence_id": document.pk})).status_code == 404

    client.logout()
    login(client, "province_staff")
    client.post(reverse("criteria:evidence_restore", kwargs={"evidence_id": document.pk}))
    document.refresh_from_db()
    assert document.deleted_at is None
    actions = set(ChangeRecord.objects.filter(action="evidence").values_list("new_value", flat=True))
    assert actions == {"uploaded", "accepted", "rejected", "replaced", "deleted", "restored"}


def test_commune_page_and_grid_flag_criteria_met_without_accepted_evidence(client, world):
    from criteria.services import DirectInput, assessment_save

    criterion = Criterion.objects.get(criteria_set__code="QD318-2022", number=1)
    assessment_save(
        user=world.users["province_staff"],
        unit=world.commune_a,
        year=YEAR,
        version=0,
        values={},
        direct={criterion.pk: DirectInput(is_met=True)},
    )
    login(client, "province_staff")
    page = client.get(reverse("criteria:commune", kwargs={"unit_id": world.commune_a.pk, "year": YEAR}))
    assert "⚠" in page.content.decode()
    grid = client.get(reverse("criteria:grid") + f"?unit={world.province.pk}&year={YEAR}")
    row = next(row for row in grid.context["grid"].rows if row.unit_id == world.commune_a.pk)
    assert (row.unproven, row.evidence) == (1, 0)

    upload(client, world, [SimpleUploadedFile("qh.pdf", pdf_bytes())], criterion=criterion.pk)
    review(client, Evidence.objects.get(), "accept")
    grid = client.get(reverse("criteria:grid") + f"?unit={world.province.pk}&year={YEAR}")
    row = next(row for row in grid.context["grid"].rows if row.unit_id == world.commune_a.pk)
    assert (row.unproven, row.evidence) == (0, 1)


def test_the_dossier_holds_every_accepted_file_once(client, world):
    login(client, "official_a")
    files = [SimpleUploadedFile(f"tep-{n}.pdf", pdf_bytes(f"tài liệu {n}")) for n in range(3)]
    upload(client, world, files)
    client.logout()
    login(client, "province_staff")
    first, second, third = Evidence.objects.order_by("pk")
    review(client, first, "accept")
    review(client, second, "accept")
    review(client, third, "reject", "Sai tài liệu")
    response = client.get(reverse("criteria:dossier", kwargs={"unit_id": world.commune_a.pk, "year": YEAR}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    documents = [name for name in archive.namelist() if name.endswith(".pdf") and "/" in name]
    assert len(documents) == 2
    with first.file.open("rb") as stored:
        assert stored.read() in {archive.read(name) for name in documents}
