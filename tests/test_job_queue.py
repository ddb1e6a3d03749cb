"""The job queue without a broker (the embedded default): tasks run as they are queued; transient errors are
tried again, other errors fail the job with a Vietnamese reason; a failed import can be tried again; a large
export becomes a job downloaded from its page. tests/test_celery_worker.py runs the same jobs on a worker."""

import dataclasses
import io
import os
import subprocess
import sys

import openpyxl
import pytest
import weasyprint
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from criteria.models import CriterionResult
from ntm_portal import importing
from ntm_portal.models import DownloadJob, ImportBatch
from reports.models import RenderJob
from reports.services import report_create
from tests.failures.test_import_killed import YEAR, marks, results_file, stored_marks
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

pytestmark = pytest.mark.django_db


def signed_in(who: str) -> SignInClient:
    client = SignInClient()
    assert client.login(username=who, password=PASSWORD)
    return client


def job_settings(**environment: str) -> list[str]:
    """What a fresh process makes of the job queue's settings under `environment` (beside the test's own)."""
    code = (
        "from django.conf import settings; from ntm_portal import celery_app; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, celery_app.conf.task_always_eager, repr(celery_app.conf.broker_url))"
    )
    base = {name: value for name, value in os.environ.items() if name not in ("CELERY_BROKER_URL", "REDIS_URL")}
    env = {**base, "DJANGO_SETTINGS_MODULE": "ntm_portal.settings", **environment}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_with_no_broker_configured_tasks_run_eagerly_and_a_broker_url_sends_them_to_the_queue():
    """The embedded default (`make run`: no CELERY_BROKER_URL, no REDIS_URL) runs jobs in-process; either
    variable makes them go to that broker instead."""
    assert job_settings() == ["True", "True", "'memory://'"]
    assert job_settings(REDIS_URL="redis://127.0.0.1:6379/3") == ["False", "False", "'redis://127.0.0.1:6379/3'"]
    assert job_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/4", REDIS_URL="redis://127.0.0.1:6379/3") == [
        "False",
        "False",
        "'redis://127.0.0.1:6379/4'",
    ]


@pytest.fixture
def weasyprint_raises(monkeypatch):
    """WeasyPrint raising `errors` in turn, one per PDF, then working again."""

    def install(*errors):
        write_pdf, pending = weasyprint.HTML.write_pdf, list(errors)

        def failing(self, *args, **kwargs):
            if pending:
                raise pending.pop(0)
            return write_pdf(self, *args, **kwargs)

        monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing)
        return pending

    return install


def render_pdf(world) -> RenderJob:
    report = report_create(
        user=world.users["province_staff"], unit=world.province, kind="annual", year_from=YEAR, year_to=YEAR
    )
    response = signed_in("province_staff").post(reverse("reports:render", args=[report.pk, "pdf"]))
    assert response.status_code == 302
    return RenderJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_transient_database_error_is_tried_again_and_the_file_is_made(world, weasyprint_raises):
    pending = weasyprint_raises(OperationalError("server closed the connection unexpectedly (test)"))
    job = render_pdf(world)
    assert (job.status, job.progress, pending) == (RenderJob.Status.DONE, 100, [])
    assert bytes(job.content).startswith(b"%PDF")


def test_a_database_error_on_every_try_fails_the_job_with_a_reason(world, weasyprint_raises, settings):
    settings.JOB_MAX_RETRIES = 2
    pending = weasyprint_raises(*[OperationalError("the database is down (test)") for _ in range(5)])
    job = render_pdf(world)
    assert len(pending) == 5 - 3  # the first try and two more
    assert (job.status, job.content) == (RenderJob.Status.FAILED, None)
    assert job.step == "Không kết nối được cơ sở dữ liệu hoặc hàng đợi công việc. Vui lòng thử lại sau."


def test_a_render_error_is_not_tried_again(world, weasyprint_raises):
    pending = weasyprint_raises(RuntimeError("Pango gave way (test)"), RuntimeError("again (test)"))
    job = render_pdf(world)
    assert (job.status, job.step) == (RenderJob.Status.FAILED, "Không tạo được tệp. Vui lòng báo cho quản trị viên.")
    assert len(pending) == 1


def test_a_failed_import_writes_nothing_says_why_and_trying_again_imports(world, monkeypatch):
    """The confirmation fails with an error of the code (not of the file): the batch is "failed" with the
    reason and a "Try again" button on its page, nothing is written; trying again imports every row."""
    kind = importing.KINDS["results"]
    failures = []

    def failing_once(**arguments):
        if not arguments["dry_run"] and not failures:
            failures.append(arguments["file_name"])
            kind.run(**arguments)  # writes its rows, then fails inside the same transaction
            raise RuntimeError("the disk gave way (test)")
        return kind.run(**arguments)

    monkeypatch.setitem(importing.KINDS, "results", dataclasses.replace(kind, run=failing_once))
    batch = importing.import_check(
        user=world.users["province_staff"], kind=kind, content=results_file(world), file_name="kq.xlsx", year=YEAR
    )
    client = signed_in("province_staff")
    page = client.post(reverse("import_confirm", args=[batch.pk]), follow=True).content.decode()
    batch.refresh_from_db()
    reason = "Không nhập được dữ liệu; chưa ghi dòng nào. Vui lòng báo cho quản trị viên."
    assert (batch.status, batch.failure, batch.confirmed_by) == ("failed", reason, world.users["province_staff"])
    assert reason in page and "Thử lại" in page
    assert CriterionResult.objects.count() == 0

    assert signed_in("district_staff").post(reverse("import_confirm", args=[batch.pk])).status_code == 404
    response = client.post(reverse("import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.failure, len(failures)) == ("imported", "", 1)
    for unit in (world.commune_a, world.commune_b):
        assert stored_marks(unit) == marks(unit)


def test_an_import_still_running_shows_that_it_is_importing_and_polls(world):
    batch = importing.import_check(
        user=world.users["province_staff"],
        kind=importing.KINDS["results"],
        content=results_file(world),
        file_name="kq.xlsx",
        year=YEAR,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING)
    page = signed_in("province_staff").get(reverse("import_batch", args=[batch.pk])).content.decode()
    assert "Đang nhập…" in page and '<meta http-equiv="refresh" content="2">' in page
    assert reverse("import_confirm", args=[batch.pk]) not in page


def test_an_export_of_more_communes_than_the_threshold_is_a_job_downloaded_from_its_page(world, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client = signed_in("province_staff")
    response = client.get(reverse("criteria:results_export"), {"unit": world.province.pk, "year": YEAR})
    job = DownloadJob.objects.get()
    assert response["Location"] == reverse("download_job", args=[job.pk])
    assert (job.status, job.file_name) == (DownloadJob.Status.DONE, f"Kết quả Tỉnh Cao Bằng {YEAR}.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert reverse("download_job_file", args=[job.pk]) in page and "refresh" not in page
    download = client.get(reverse("download_job_file", args=[job.pk]))
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "ket-qua-tinh-cao-bang" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["Xã Đức Long", "Xã Hưng Đạo"] or names == ["Xã Hưng Đạo", "Xã Đức Long"]
    for other in ("district_staff", "leader"):
        assert signed_in(other).get(reverse("download_job", args=[job.pk])).status_code == 404
        assert signed_in(other).get(reverse("download_job_file", args=[job.pk])).status_code == 404

    settings.EXPORT_INLINE_MAX_ROWS = 2
    direct = client.get(reverse("criteria:results_export"), {"unit": world.province.pk, "year": YEAR})
    assert direct.status_code == 200 and DownloadJob.objects.count() == 1
