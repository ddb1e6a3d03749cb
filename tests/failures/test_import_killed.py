"""Imports killed with SIGKILL in the middle of their write leave nothing of themselves; run again, they
import everything. The writer is a real `manage.py` process on the test database, stopped by a gate (a row
trigger waiting for an advisory lock) once its transaction has already written rows, then killed."""

import signal

import pytest
from django.urls import reverse

from criteria.models import Assessment, CriterionResult
from ntm_portal import importing
from ntm_portal.models import ChangeRecord, ImportBatch
from tests.criteria.test_import_results import cells, workbook
from tests.failures.processes import InsertGate, manage, tables_written_by, wait_at_gate, wait_until_backend_ends
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025


def marks(unit, shift=0):
    """A pattern of results for the commune, different for each `shift`."""
    return [(int(unit.code) + number + shift) % 3 != 0 for number in range(1, 20)]


def results_file(world, shift=0):
    communes = (world.commune_a, world.commune_b)
    return workbook([(unit.name, world.district.name, cells(marks(unit, shift))) for unit in communes])


def stored_marks(unit):
    results = CriterionResult.objects.filter(assessment__unit=unit, assessment__year=YEAR)
    return list(results.order_by("criterion__number").values_list("is_met", flat=True))


def snapshot():
    """Every row an import of results writes, as it is in the database."""
    return (
        list(Assessment.objects.order_by("pk").values_list("pk", "unit", "version", "results_summary", "updated_at")),
        list(CriterionResult.objects.order_by("pk").values_list("pk", "assessment", "criterion", "is_met", "method")),
        list(ChangeRecord.objects.order_by("pk").values_list("pk", "subject_id", "target", "new_value")),
    )


def kill_at_gate(process, *, application_name):
    """Kill `process` with SIGKILL once its transaction has written assessments and results and waits at
    the gate; the backend is then let through and must roll back when it finds its client gone."""
    pid = wait_at_gate(process, application_name=application_name)
    written = tables_written_by(pid)
    assert {Assessment._meta.db_table, CriterionResult._meta.db_table} <= written, written
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return pid


def test_the_results_command_killed_mid_write_leaves_no_row_and_a_rerun_imports_all(world, tmp_path):
    """Failure: `import_results` is killed (SIGKILL) inside its write, after it wrote assessments and
    results, while it copies the history rows. Expected: no row of that import (assessments, results,
    history) exists; the earlier import's rows are as they were; the same command run again imports all."""
    earlier = tmp_path / "earlier.xlsx"
    earlier.write_bytes(results_file(world, shift=1))
    done = manage("import_results", str(earlier), "--year", str(YEAR), application_name="earlier-import")
    assert done.wait(timeout=120) == 0, done.communicate()
    before = snapshot()
    assert stored_marks(world.commune_a) == marks(world.commune_a, shift=1)

    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(results_file(world))
    with InsertGate(ChangeRecord._meta.db_table) as gate:
        process = manage("import_results", str(path), "--year", str(YEAR), application_name="killed-import")
        pid = kill_at_gate(process, application_name="killed-import")
        gate.open()
        wait_until_backend_ends(pid)
    assert snapshot() == before

    rerun = manage("import_results", str(path), "--year", str(YEAR), application_name="rerun-import")
    _out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    for unit in (world.commune_a, world.commune_b):
        assert stored_marks(unit) == marks(unit)


CONFIRM = (
    "from django.contrib.auth import get_user_model; from ntm_portal.importing import import_confirm; "
    "from ntm_portal.models import ImportBatch; "
    "import_confirm(user=get_user_model().objects.get(username='province_staff'), "
    "batch=ImportBatch.objects.get(pk={batch}))"
)


def test_the_import_pages_confirmation_killed_mid_write_leaves_the_batch_waiting(world):
    """Failure: the import page's confirmation step (`import_confirm`, what the confirm view calls) is
    killed (SIGKILL) inside its one transaction, after it wrote assessments and results. Expected: no row
    of the import exists and the batch is still "checked", not "imported"; confirming it on the page then
    imports everything."""
    staff = world.users["province_staff"]
    batch = importing.import_check(
        user=staff, kind=importing.KINDS["results"], content=results_file(world), file_name="ket-qua.xlsx", year=YEAR
    )
    assert (batch.status, batch.new_rows) == (ImportBatch.Status.CHECKED, 2)
    before = snapshot()

    with InsertGate(ChangeRecord._meta.db_table) as gate:
        process = manage("shell", "-c", CONFIRM.format(batch=batch.pk), application_name="killed-confirm")
        pid = kill_at_gate(process, application_name="killed-confirm")
        gate.open()
        wait_until_backend_ends(pid)
    assert snapshot() == before
    batch.refresh_from_db()
    assert (batch.status, batch.imported_at) == (ImportBatch.Status.CHECKED, None)

    client = SignInClient()
    assert client.login(username="province_staff", password=PASSWORD)
    response = client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    for unit in (world.commune_a, world.commune_b):
        assert stored_marks(unit) == marks(unit)
