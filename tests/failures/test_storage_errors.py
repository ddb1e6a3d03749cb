"""Storage errors around an evidence upload: when the file cannot be stored, the official reads why and
nothing is kept (no evidence row, no history, no new assessment, no file or part of one); when the database
fails after the file was stored, up to the commit itself, the stored file is removed again."""

import errno
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.urls import reverse

from criteria.models import Assessment, Evidence
from criteria.services import evidence_review, evidence_upload
from ntm_portal.models import ChangeRecord
from tests.criteria.test_evidence import image_bytes, pdf_bytes
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

YEAR = 2021
NOT_STORED = "Kho lưu trữ tệp của máy chủ gặp lỗi"


@pytest.fixture
def storage():
    """The evidence storage the Evidence model writes to (on disk, under the test's MEDIA_ROOT)."""
    return Evidence._meta.get_field("file").storage


def refusing_at_once(name, content):
    raise PermissionError(errno.EACCES, "Permission denied (test)")


def full_after_half(storage):
    """The storage's own `_save`, on a disk that fills up once half of the file is written: the part written
    stays on disk, as FileSystemStorage leaves it."""
    original = storage._save

    class HalfThenFull(ContentFile):
        def chunks(self, chunk_size=None):
            data = self.read()
            yield data[: len(data) // 2]
            raise OSError(errno.ENOSPC, "No space left on device (test)")

    def _save(name, content):
        content.seek(0)
        return original(name, HalfThenFull(content.read()))

    return _save


FAILURES = {"refused at once": lambda storage: refusing_at_once, "disk full half-way": full_after_half}


def files_on_disk() -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def signed_in(who: str) -> SignInClient:
    client = SignInClient(raise_request_exception=False)
    assert client.login(username=who, password=PASSWORD)
    return client


def evidence_url(unit) -> str:
    return reverse("criteria:evidence", kwargs={"unit_id": unit.pk, "year": YEAR})


def upload_post(client, unit, name="bien-ban.pdf", content=None):
    data = {"files": [SimpleUploadedFile(name, content or pdf_bytes())], "title": "Biên bản họp"}
    return client.post(evidence_url(unit), {"document_number": "", "document_date": "", "issuer": "", **data})


def snapshot():
    return (
        list(Evidence.objects.order_by("pk").values_list("pk", "status", "file", "sha256")),
        list(Assessment.objects.order_by("pk").values_list("pk", "version", "evidence_summary", "evidence_accepted")),
        list(ChangeRecord.objects.order_by("pk").values_list("pk", "action", "new_value")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("failure", FAILURES)
def test_a_storage_error_on_upload_says_so_and_keeps_nothing(world, storage, monkeypatch, failure):
    """Failure: the evidence storage raises OSError while an official uploads a file (refused at once, or the
    disk full half-way through the file). Expected: the evidence page again with a Vietnamese message naming
    the file; no evidence row, no history, no assessment made for it, and no file (nor part of one) on disk."""
    monkeypatch.setattr(storage, "_save", FAILURES[failure](storage))
    response = upload_post(signed_in("official_a"), world.commune_a)
    assert response.status_code == 400
    assert f"Không lưu được tệp bien-ban.pdf: {NOT_STORED}" in response.content.decode()
    assert snapshot() == ([], [], [])
    assert files_on_disk() == []


@pytest.mark.django_db
@pytest.mark.parametrize("failure", FAILURES)
def test_a_storage_error_on_replace_says_so_and_keeps_the_rejected_file_alone(world, storage, monkeypatch, failure):
    """Failure: the evidence storage raises OSError while an official replaces a rejected file. Expected: the
    Vietnamese message on the evidence page; the rejected evidence and its file as they were, no replacement
    row, no history of it, and no other file on disk."""
    rejected = evidence_upload(
        user=world.users["official_a"],
        unit=world.commune_a,
        year=YEAR,
        upload=SimpleUploadedFile("anh.jpg", image_bytes()),
    )
    evidence_review(user=world.users["district_staff"], evidence=rejected, accept=False, comment="Ảnh mờ")
    before, kept = snapshot(), files_on_disk()
    assert len(kept) == 1

    monkeypatch.setattr(storage, "_save", FAILURES[failure](storage))
    client = signed_in("official_a")
    replace = reverse("criteria:evidence_replace", kwargs={"evidence_id": rejected.pk})
    response = client.post(replace, {"file": SimpleUploadedFile("anh-moi.jpg", image_bytes(colour=(9, 9, 9)))})
    assert response.status_code == 302
    assert NOT_STORED in client.get(response["Location"]).content.decode()
    assert snapshot() == before
    assert files_on_disk() == kept


def failing_evidence_insert(execute, sql, params, many, context):
    if sql.startswith(f'INSERT INTO "{Evidence._meta.db_table}"'):
        raise DatabaseError("The evidence row could not be written (test)")
    return execute(sql, params, many, context)


@pytest.mark.django_db
def test_a_database_error_after_the_file_was_stored_removes_the_file(world):
    """Failure: the file is stored, then writing its evidence row fails. Expected: the error page, no evidence
    row, no assessment made for it, and the stored file removed."""
    with connection.execute_wrapper(failing_evidence_insert):
        response = upload_post(signed_in("official_a"), world.commune_a)
    assert response.status_code == 500
    assert snapshot() == ([], [], [])
    assert files_on_disk() == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_after_the_file_was_stored_removes_the_file(world):
    """Failure: everything of the upload is written, then PostgreSQL refuses the COMMIT (a deferred constraint
    trigger raises). Expected: the error page, no evidence row or history, and the stored file removed."""
    table = connection.ops.quote_name(Evidence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION ntm_failure_test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'commit refused (test)'; END $$"
        )
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER ntm_failure_test_refuse_commit AFTER INSERT ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ntm_failure_test_refuse_commit()"
        )
    try:
        response = upload_post(signed_in("official_a"), world.commune_a)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER ntm_failure_test_refuse_commit ON {table}")
            cursor.execute("DROP FUNCTION ntm_failure_test_refuse_commit()")
    assert response.status_code == 500
    assert snapshot() == ([], [], [])
    assert files_on_disk() == []
