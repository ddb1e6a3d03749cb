"""What the killed-import tests share: a gate that stops a writer inside its transaction, the test database's
address for a subprocess, and what PostgreSQL says that subprocess is doing."""

import os
import subprocess
import sys
import time
from urllib.parse import quote

from django.conf import settings
from django.db import connection

# The advisory lock the gate's trigger waits for: any number no other code takes.
GATE_LOCK = 14_004
_FUNCTION = "ntm_failure_test_gate"


class InsertGate:
    """Every row inserted into `table` (by INSERT or COPY) waits, inside the writer's transaction, while the
    gate is closed: a row trigger takes an advisory lock that this test's connection holds.

    Tests using it run with `django_db(transaction=True)`: the writer is another process and sees only
    committed data. The trigger is dropped on leaving, since the flush after such a test keeps triggers.
    """

    def __init__(self, table: str) -> None:
        self.table = connection.ops.quote_name(table)
        self.closed = False

    def __enter__(self) -> "InsertGate":
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN PERFORM pg_advisory_xact_lock({GATE_LOCK}); RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER {_FUNCTION} BEFORE INSERT ON {self.table} FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
            )
            cursor.execute("SELECT pg_advisory_lock(%s)", [GATE_LOCK])
        self.closed = True
        return self

    def open(self) -> None:
        if self.closed:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [GATE_LOCK])
            self.closed = False

    def __exit__(self, *exc_info) -> None:
        self.open()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {_FUNCTION} ON {self.table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")


def subprocess_database_url() -> str:
    """The test database (test_…, which pytest-django made) as a DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


def manage(*arguments: str, application_name: str) -> subprocess.Popen:
    """`manage.py …` in its own process on the test database; its connection carries `application_name`
    (libpq reads PGAPPNAME) so that pg_stat_activity tells it apart."""
    environment = {**os.environ, "DATABASE_URL": subprocess_database_url(), "PGAPPNAME": application_name}
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_at_gate(process: subprocess.Popen, *, application_name: str, timeout: float = 60) -> int:
    """The backend pid of `process` once it waits for the gate's lock inside an open transaction."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"The process ended (exit {process.returncode}) before the gate:\n{out}\n{err}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock' "
                "AND wait_event = 'advisory' AND xact_start IS NOT NULL",
                [application_name],
            )
            found = cursor.fetchone()
        if found:
            return found[0]
        time.sleep(0.05)
    process.kill()
    raise AssertionError("The process never reached the gate")


def tables_written_by(pid: int) -> set[str]:
    """The tables a backend holds a write lock on: those its open transaction has written to."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND l.granted AND c.relkind = 'r'",
            [pid],
        )
        return {name for (name,) in cursor.fetchall()}


def wait_until_backend_ends(pid: int, *, timeout: float = 30) -> None:
    """Wait until the backend of a killed client has rolled back and gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return
        time.sleep(0.05)
    raise AssertionError(f"Backend {pid} is still there after its client was killed")
