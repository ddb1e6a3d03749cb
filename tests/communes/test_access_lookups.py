"""The lookups and lists communes/access.py narrows for other apps, through real requests on the personas'
world: render jobs, import batches, deleted evidence. Not yours answers as does not exist: 404."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communes.models import Membership
from criteria.services import evidence_delete, evidence_upload
from ntm_portal.models import ImportBatch
from reports.models import RenderJob
from reports.services import report_create
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "province_staff", "district_staff", "official_a", "official_b", "leader", "admin"]


def signed_in(client, who):
    if who != "anonymous":
        assert client.login(username=who, password=PASSWORD)
    return client


def png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue())


# persona → status of the job page; a colleague in the same office does not see another's job either.
JOB_STATUS = {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "province_staff": 200, "admin": 200}


@pytest.mark.parametrize("who", [*PERSONAS, "colleague"])
def test_a_render_job_is_its_requesters_and_the_administrators(client, world, who):
    requester = world.users["province_staff"]
    colleague = get_user_model().objects.create_user(username="colleague", password=PASSWORD)
    Membership.objects.create(user=colleague, unit=world.province, role=Membership.Role.PROVINCE_STAFF)
    report = report_create(user=requester, unit=world.province, kind="annual", year_from=2019, year_to=2019)
    job = RenderJob.objects.create(
        report=report, format="pdf", report_version=report.version, requested_by=requester, status="done"
    )
    RenderJob.objects.filter(pk=job.pk).update(content=b"%PDF-1.7 ban nhap")
    expected = JOB_STATUS.get(who, 404)
    signed_in(client, who)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == expected
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    assert download.status_code == expected
    if expected == 200:
        assert download.content == b"%PDF-1.7 ban nhap"
    missing = client.get(reverse("reports:job", args=[job.pk + 1000])).status_code
    assert missing == (302 if who == "anonymous" else 404)


# persona → (import page status, the uploads it lists, status of the district office's upload)
BATCHES = {
    "anonymous": (302, set(), 302),
    "province_staff": (200, {"cua-tinh.xlsx"}, 404),
    "district_staff": (200, {"cua-huyen.xlsx"}, 200),
    "official_a": (404, set(), 404),
    "official_b": (404, set(), 404),
    "leader": (404, set(), 404),
    "admin": (200, {"cua-tinh.xlsx", "cua-huyen.xlsx"}, 200),
}


@pytest.mark.parametrize("who", PERSONAS)
def test_the_import_page_lists_and_opens_the_users_own_uploads(client, world, who):
    batches = {}
    for name, uploader in (("cua-tinh.xlsx", "province_staff"), ("cua-huyen.xlsx", "district_staff")):
        batches[name] = ImportBatch.objects.create(
            kind="results", year=2024, file_name=name, content=b"", sha256="0" * 64, user=world.users[uploader]
        )
    page_status, listed, batch_status = BATCHES[who]
    page = signed_in(client, who).get(reverse("import_start"))
    assert page.status_code == page_status
    assert {name for name in batches if name in page.content.decode()} == listed
    batch = batches["cua-huyen.xlsx"]
    assert client.get(reverse("import_batch", kwargs={"batch_id": batch.pk})).status_code == batch_status
    batch.refresh_from_db()
    assert batch.status == "checked"


# persona → (evidence page status, sees the deleted file listed and may download it)
EVIDENCE = {
    "anonymous": (302, False),
    "province_staff": (200, True),
    "district_staff": (200, True),
    "official_a": (200, False),
    "official_b": (404, False),
    "leader": (200, False),
    "admin": (200, True),
}


@pytest.mark.parametrize("who", PERSONAS)
def test_deleted_evidence_is_for_the_coordination_offices(client, world, who):
    official = world.users["official_a"]
    kept = evidence_upload(user=official, unit=world.commune_a, year=2021, upload=png("red"), title="Ảnh còn giữ")
    gone = evidence_upload(user=official, unit=world.commune_a, year=2021, upload=png("blue"), title="Ảnh đã xoá")
    evidence_delete(user=official, evidence=gone)
    page_status, sees_deleted = EVIDENCE[who]
    signed_in(client, who)
    page = client.get(reverse("criteria:evidence", kwargs={"unit_id": world.commune_a.pk, "year": 2021}))
    assert page.status_code == page_status
    assert ("Ảnh còn giữ" in page.content.decode()) is (page_status == 200)
    assert ("Ảnh đã xoá" in page.content.decode()) is sees_deleted
    statuses = {
        item.title: client.get(reverse("criteria:evidence_download", kwargs={"evidence_id": item.pk})).status_code
        for item in (kept, gone)
    }
    denied = 302 if who == "anonymous" else 404
    assert statuses["Ảnh còn giữ"] == (200 if page_status == 200 else denied)
    assert statuses["Ảnh đã xoá"] == (200 if sees_deleted else denied)
