"""WeasyPrint failing inside a render job: the job is marked failed with a Vietnamese reason on its page, and
"Try again" (reports:job_retry) starts a new job that makes the file. With no broker configured (as in the
tests) a job has run when the request that queued it returns; tests/test_celery_worker.py runs them on a worker."""

import io

import pytest
import weasyprint
from django.urls import reverse
from pypdf import PdfReader

from reports.models import RenderJob, Report
from reports.services import report_create
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2024
REASON = "Không tạo được tệp. Vui lòng báo cho quản trị viên."


@pytest.fixture
def weasyprint_fails_once(monkeypatch):
    """WeasyPrint raises on its first PDF, as it does when Pango or a font gives way, then works again."""
    write_pdf = weasyprint.HTML.write_pdf
    calls = []

    def failing_once(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 1:
            raise RuntimeError("Pango could not lay out the page (test)")
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing_once)
    return calls


def signed_in(who: str) -> SignInClient:
    client = SignInClient()
    assert client.login(username=who, password=PASSWORD)
    return client


def finished(job: RenderJob) -> RenderJob:
    job.refresh_from_db()
    assert job.is_finished, job.status
    return job


def job_of(response) -> RenderJob:
    assert response.status_code == 302
    return RenderJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_weasyprint_failure_fails_the_job_with_a_reason_and_try_again_makes_the_pdf(world, weasyprint_fails_once):
    """Failure: WeasyPrint raises while a render job makes a report's PDF. Expected: the job is "failed" with
    a Vietnamese reason shown on its page next to a "Try again" button, and no file to download; trying again
    starts a new job that makes the PDF (read back with pypdf); the failed job stays failed; only a failed
    job can be tried again, and only by whoever may see it."""
    staff = world.users["province_staff"]
    report = report_create(user=staff, unit=world.province, kind="annual", year_from=YEAR, year_to=YEAR)
    client = signed_in("province_staff")
    failed = finished(job_of(client.post(reverse("reports:render", args=[report.pk, "pdf"]))))
    assert (failed.status, failed.step, failed.content) == (RenderJob.Status.FAILED, REASON, None)
    page = client.get(reverse("reports:job", args=[failed.pk])).content.decode()
    assert REASON in page
    assert f'action="{reverse("reports:job_retry", args=[failed.pk])}"' in page and "Thử lại" in page
    assert client.get(reverse("reports:job_file", args=[failed.pk])).status_code == 404

    assert signed_in("leader").post(reverse("reports:job_retry", args=[failed.pk])).status_code == 404
    retried = finished(job_of(client.post(reverse("reports:job_retry", args=[failed.pk]))))
    assert retried.pk != failed.pk
    assert (retried.status, retried.progress, retried.format) == (RenderJob.Status.DONE, 100, "pdf")
    assert len(weasyprint_fails_once) == 2
    download = client.get(reverse("reports:job_file", args=[retried.pk]))
    text = " ".join(PdfReader(io.BytesIO(download.content)).pages[0].extract_text().split())
    assert "BÁO CÁO" in text and str(YEAR) in text
    failed.refresh_from_db()
    assert failed.status == RenderJob.Status.FAILED

    again = client.post(reverse("reports:job_retry", args=[retried.pk]), follow=True)
    assert "Chỉ có thể thử lại một lượt tạo tệp bị lỗi." in again.content.decode()
    assert RenderJob.objects.count() == 2


def test_a_failed_issue_is_not_issued_and_trying_again_issues_it(world, weasyprint_fails_once):
    """Failure: WeasyPrint raises while a report is being issued (every file is made first). Expected: the job
    fails with the Vietnamese reason and the report stays a draft without files; trying again issues it with
    its PDF."""
    staff = world.users["province_staff"]
    report = report_create(user=staff, unit=world.province, kind="annual", year_from=YEAR, year_to=YEAR)
    Report.objects.filter(pk=report.pk).update(number="7", issued_on=f"{YEAR}-12-20")
    client = signed_in("province_staff")
    failed = finished(job_of(client.post(reverse("reports:issue", args=[report.pk]))))
    assert (failed.status, failed.step) == (RenderJob.Status.FAILED, REASON)
    report.refresh_from_db()
    assert (report.is_issued, report.files.count()) == (False, 0)

    retried = finished(job_of(client.post(reverse("reports:job_retry", args=[failed.pk]))))
    assert (retried.status, retried.issue) == (RenderJob.Status.DONE, True)
    report.refresh_from_db()
    assert report.is_issued
    assert bytes(report.files.get(format="pdf").content).startswith(b"%PDF")
