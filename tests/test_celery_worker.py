"""Jobs on a real worker: `celery -A ntm_portal worker` started as a subprocess on the test database, with the
local Redis (127.0.0.1:6379, database 9, emptied before and after) as broker. The web side (this test's
client) queues a report, an import's confirmation and a large export; the worker runs them and the pages
show what it did. Another worker, whose WeasyPrint hangs, meets the soft time limit.

`transaction=True`: the worker is another process and sees only committed rows. Without a Redis on
127.0.0.1:6379 these tests are skipped, except under CI, where .ci/run starts one."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import redis
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from ntm_portal import celery_app, importing
from ntm_portal.models import DownloadJob, ImportBatch
from reports.models import RenderJob
from reports.services import report_create
from reports.tasks import render_job
from tests.failures.processes import subprocess_database_url
from tests.failures.test_import_killed import YEAR, marks, results_file, stored_marks
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/9"
CELERY = Path(sys.executable).with_name("celery")
# A WeasyPrint that hangs, for the worker of the time-limit test (prefork: the pool enforces time limits).
HANGING_WORKER = (
    "import sys, time, weasyprint; "
    "weasyprint.HTML.write_pdf = lambda self, *a, **k: time.sleep(120); "
    "from celery.__main__ import main; "
    "sys.argv = ['celery', '-A', 'ntm_portal', 'worker', '--pool=prefork', '-c', '1', '-l', 'info']; main()"
)


@pytest.fixture
def redis_queue(settings):
    """This process queues to Redis instead of running jobs in-process, as a web server with a broker does."""
    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("No Redis answers on 127.0.0.1:6379 (start one: redis-server --daemonize yes)")
    client.flushdb()
    conf = celery_app.conf
    before = conf.task_always_eager, conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, BROKER_URL
    conf.task_always_eager, conf.broker_url = False, BROKER_URL
    forget_connections()
    yield client
    conf.task_always_eager, conf.broker_url = before
    forget_connections()
    client.flushdb()
    client.close()


def forget_connections() -> None:
    """Celery keeps the connection pools it opened (an eager retry opens them on the in-process transport)
    for the broker it had then; it has no public way to drop them, so the next message opens new ones."""
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


class Worker:
    """A worker process on the test database and the test's Redis, its output in a log file."""

    def __init__(self, command: list[str], log: Path, **environment: str) -> None:
        self.log = log
        env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "CELERY_BROKER_URL": BROKER_URL}
        with log.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env={**env, **environment}, stdout=output, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def start_worker(tmp_path):
    workers = []

    def start(command: list[str], **environment: str) -> Worker:
        workers.append(Worker(command, tmp_path / f"worker-{len(workers)}.log", **environment))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def signed_in(who: str) -> SignInClient:
    client = SignInClient()
    assert client.login(username=who, password=PASSWORD)
    return client


def job_id(response) -> int:
    assert response.status_code == 302, response
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def statuses_until_finished(model, pk: int, worker: Worker, *, timeout: float = 180) -> list[str]:
    """Every status the row goes through, polled as the page does (more often), until it has ended."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = model.objects.filter(pk=pk).values_list("status", flat=True).get()
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ("done", "failed", "imported", "refused"):
            return seen
        assert worker.process.poll() is None, worker.output()
        time.sleep(0.02)
    raise AssertionError(f"{model.__name__} {pk} never ended: {seen}\n{worker.output()}")


def test_a_worker_renders_a_report_imports_a_confirmed_file_and_makes_a_large_export(
    world, redis_queue, start_worker, settings
):
    """The report's RenderJob goes queued → running → done and its PDF reads back; the confirmed import
    shows "đang nhập…" while queued, then every row is written; the export of more communes than the
    threshold is a job whose .xlsx reads back. All three wait in Redis until the worker starts."""
    settings.EXPORT_INLINE_MAX_ROWS = 1
    staff = world.users["province_staff"]
    client = signed_in("province_staff")
    report = report_create(user=staff, unit=world.province, kind="annual", year_from=YEAR, year_to=YEAR)
    render = job_id(client.post(reverse("reports:render", args=[report.pk, "pdf"])))
    batch = importing.import_check(
        user=staff, kind=importing.KINDS["results"], content=results_file(world), file_name="kq.xlsx", year=YEAR
    )
    assert job_id(client.post(reverse("import_confirm", args=[batch.pk]))) == batch.pk
    export = job_id(client.get(reverse("criteria:results_export"), {"unit": world.province.pk, "year": YEAR}))
    assert redis_queue.llen("celery") == 3  # the three tasks wait in the broker

    assert RenderJob.objects.get(pk=render).status == RenderJob.Status.QUEUED
    page = client.get(reverse("import_batch", args=[batch.pk])).content.decode()
    assert "Đang nhập…" in page and 'http-equiv="refresh"' in page
    assert 'http-equiv="refresh"' in client.get(reverse("download_job", args=[export])).content.decode()

    worker = start_worker([str(CELERY), "-A", "ntm_portal", "worker", "--pool=solo", "-c", "1", "-l", "info"])
    assert statuses_until_finished(RenderJob, render, worker) == ["queued", "running", "done"]
    download = client.get(reverse("reports:job_file", args=[render]))
    text = " ".join(PdfReader(io.BytesIO(download.content)).pages[0].extract_text().split())
    assert "BÁO CÁO" in text and str(YEAR) in text

    assert statuses_until_finished(ImportBatch, batch.pk, worker)[-1] == "imported"
    for unit in (world.commune_a, world.commune_b):
        assert stored_marks(unit) == marks(unit)
    assert "Đang nhập…" not in client.get(reverse("import_batch", args=[batch.pk])).content.decode()

    assert statuses_until_finished(DownloadJob, export, worker)[-1] == "done"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("download_job_file", args=[export])).content)).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=4, values_only=True)) == sorted(
        [world.commune_a.name, world.commune_b.name]
    )
    assert "reports.render_job" in worker.output() and "succeeded" in worker.output()
    worker.stop()
    assert worker.process.returncode is not None


def test_a_job_past_its_time_limit_is_stopped_and_marked_failed_with_the_reason(world, redis_queue, start_worker):
    """A render job queued with a 3-second soft limit (the limits travel with the job; JOB_SOFT_TIME_LIMIT
    sets them for every job) on a worker whose PDF never ends: the job fails with the Vietnamese reason,
    shown on its page with "Try again"."""
    staff = world.users["province_staff"]
    report = report_create(user=staff, unit=world.province, kind="annual", year_from=YEAR, year_to=YEAR)
    render = RenderJob.objects.create(report=report, format="pdf", report_version=report.version, requested_by=staff).pk
    render_job.apply_async((render,), soft_time_limit=3, time_limit=30)
    client = signed_in("province_staff")
    worker = start_worker([sys.executable, "-c", HANGING_WORKER])
    started = time.monotonic()
    assert statuses_until_finished(RenderJob, render, worker, timeout=90) == ["queued", "running", "failed"]
    assert time.monotonic() - started < 30
    reason = "Công việc chạy quá 3 giây nên đã bị dừng. Vui lòng thử lại hoặc báo cho quản trị viên."
    job = RenderJob.objects.get(pk=render)
    assert (job.step, job.content) == (reason, None)
    page = client.get(reverse("reports:job", args=[render])).content.decode()
    assert reason in page and reverse("reports:job_retry", args=[render]) in page
    assert "Soft time limit (3s) exceeded" in worker.output()
