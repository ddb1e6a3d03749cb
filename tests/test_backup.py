"""Backups restore: the demo, uploaded evidence and an issued report go through backup → an empty database and
folder → restore with identical rows and files; a damaged archive and a non-empty target are refused."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from psycopg2 import sql

from communes.models import Membership
from criteria.services import evidence_upload
from tests.criteria.test_evidence import image_bytes, pdf_bytes

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
UPLOADS = {"bien-ban.pdf": pdf_bytes, "anh-hien-truong.jpg": image_bytes}


@dataclass(frozen=True)
class Saved:
    archive: Path
    rows: dict[str, int]
    files: dict[str, str]


def table_rows(cursor) -> dict[str, int]:
    """Rows per table of the public schema, counted here rather than by the code under test."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def file_checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def postgres(name: str):
    database = connection.settings_dict
    return psycopg2.connect(
        dbname=name, user=database["USER"], password=database["PASSWORD"], host=database["HOST"], port=database["PORT"]
    )


def database_url(name: str) -> str:
    database = connection.settings_dict
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    return f"postgres://{quote(database['USER'])}{password}@{database['HOST']}:{database['PORT']}/{quote(name)}"


def manage(*arguments: str, database: str, media: Path) -> subprocess.CompletedProcess:
    """The command as `make` runs it: another process, configured by its environment only."""
    environment = {**os.environ, "DATABASE_URL": database, "MEDIA_ROOT": str(media)}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def upload_demo_evidence() -> None:
    official = get_user_model().objects.get(username="xa.hungdao")
    unit = Membership.objects.get(user=official).unit
    for name, content in UPLOADS.items():
        evidence_upload(user=official, unit=unit, year=2025, upload=SimpleUploadedFile(name, content()))


@pytest.fixture(scope="module")
def saved(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo with its issued report and two uploaded files, committed and backed up; then the test database
    is emptied again for the other modules."""
    if connection.vendor != "postgresql":
        pytest.skip("the round trip runs pg_dump and pg_restore: set DATABASE_URL to a PostgreSQL database")
    media = tmp_path_factory.mktemp("media")
    archive = tmp_path_factory.mktemp("backup") / "ntm.tar"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER):
        try:
            call_command("load_demo", "--with-report", stdout=io.StringIO())
            upload_demo_evidence()
            call_command("backup", "--output", str(archive), stdout=io.StringIO())
            with postgres(connection.settings_dict["NAME"]) as source:
                rows = table_rows(source.cursor())
            source.close()
        finally:
            call_command("flush", interactive=False, verbosity=0)
    return Saved(archive=archive, rows=rows, files=file_checksums(media))


@pytest.fixture
def empty_database():
    """A second, empty database on the same server, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restore"
    server = postgres("postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    server.close()


def rows_in(name: str) -> dict[str, int]:
    with postgres(name) as restored:
        rows = table_rows(restored.cursor())
    restored.close()
    return rows


def test_the_archive_holds_the_dump_the_files_and_a_manifest_of_them(saved):
    with tarfile.open(saved.archive) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        members = {member.name for member in archive.getmembers()}
        dump = archive.extractfile("database.pgdump").read()
    assert members == {"manifest.json", "database.pgdump", *(f"media/{name}" for name in saved.files)}
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format
    assert manifest["files"]["database.pgdump"]["sha256"] == hashlib.sha256(dump).hexdigest()
    assert {name: entry["sha256"] for name, entry in manifest["files"].items() if name.startswith("media/")} == {
        f"media/{name}": checksum for name, checksum in saved.files.items()
    }
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["tables"] == saved.rows
    assert (
        manifest["portal"]["version"]
        == tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    )
    assert manifest["created_at"]


def test_a_backup_restores_into_an_empty_database_with_the_same_rows_and_files(saved, empty_database, tmp_path):
    assert len(saved.files) == len(UPLOADS)
    assert saved.rows["criteria_evidence"] == len(UPLOADS)
    assert saved.rows["reports_reportfile"] == 3  # the issued report's PDF, DOCX and XLSX
    media = tmp_path / "restored-media"

    result = manage("restore", str(saved.archive), database=database_url(empty_database), media=media)

    assert result.returncode == 0, result.stderr
    assert rows_in(empty_database) == saved.rows
    assert file_checksums(media) == saved.files
    with postgres(empty_database) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT file, sha256 FROM criteria_evidence")
        evidence = cursor.fetchall()
        cursor.execute("SELECT content, sha256 FROM reports_reportfile")
        report_files = cursor.fetchall()
    restored.close()
    assert all(hashlib.sha256((media / name).read_bytes()).hexdigest() == checksum for name, checksum in evidence)
    assert all(hashlib.sha256(bytes(content)).hexdigest() == checksum for content, checksum in report_files)


def damage(archive: Path, member: str, target: Path) -> Path:
    """A copy of the archive with the last byte of one member flipped (same size, same manifest)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as copy:
        for info in source.getmembers():
            content = source.extractfile(info).read()
            if info.name == member:
                content = content[:-1] + bytes([content[-1] ^ 1])
            copy.addfile(info, io.BytesIO(content))
    return target


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("english_messages")
@pytest.mark.parametrize("member", ["database.pgdump", "an evidence file"])
def test_a_damaged_archive_is_refused_before_anything_is_restored(saved, member, tmp_path):
    member = member if member == "database.pgdump" else f"media/{sorted(saved.files)[0]}"
    damaged = damage(saved.archive, member, tmp_path / "damaged.tar")

    with pytest.raises(CommandError, match=rf"damaged: the checksum of {member} does not match"):
        call_command("restore", str(damaged), "--force", stdout=io.StringIO())

    assert not get_user_model().objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or file_checksums(Path(settings.MEDIA_ROOT)) == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("english_messages")
def test_a_database_with_tables_is_not_overwritten_unless_forced(saved):
    with pytest.raises(CommandError, match=r"is not empty \(\d+ tables\).*FORCE=1"):
        call_command("restore", str(saved.archive), stdout=io.StringIO())
    assert not get_user_model().objects.exists()

    call_command("restore", str(saved.archive), "--force", stdout=io.StringIO())

    assert rows_in(connection.settings_dict["NAME"]) == saved.rows
    assert file_checksums(Path(settings.MEDIA_ROOT)) == saved.files


def test_a_media_folder_with_files_is_not_overwritten(saved, empty_database, tmp_path):
    media = tmp_path / "media-in-use"
    media.mkdir()
    (media / "notes.txt").write_text("kept")

    result = manage("restore", str(saved.archive), database=database_url(empty_database), media=media)

    assert result.returncode != 0
    assert str(media) in result.stderr
    assert rows_in(empty_database) == {}
    assert file_checksums(media) == {"notes.txt": hashlib.sha256(b"kept").hexdigest()}


def test_a_file_changed_before_the_backup_is_caught_by_the_checksum_its_row_keeps(saved, empty_database, tmp_path):
    """The archive agrees with itself (its manifest was written from the changed file), but the evidence row
    recorded the checksum of the upload."""
    changed = f"media/{sorted(saved.files)[0]}"
    rewritten = tmp_path / "rewritten.tar"
    with tarfile.open(saved.archive) as source, tarfile.open(rewritten, "w") as copy:
        manifest = json.load(source.extractfile("manifest.json"))
        for info in source.getmembers():
            content = source.extractfile(info).read()
            if info.name == changed:
                content = content + b"changed"
                manifest["files"][changed] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            if info.name == "manifest.json":
                content = json.dumps(manifest).encode()
            info.size = len(content)
            copy.addfile(info, io.BytesIO(content))

    result = manage("restore", str(rewritten), database=database_url(empty_database), media=tmp_path / "media")

    assert result.returncode != 0
    assert "criteria.Evidence" in result.stderr


def sqlite_rows(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as database:
        tables = [name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def test_an_sqlite_portal_restores_as_well(tmp_path):
    source, media = tmp_path / "portal.sqlite3", tmp_path / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "bien-ban").write_bytes(b"%PDF-1.7 minutes")
    for command in (["migrate", "--no-input"], ["backup", "--output", str(tmp_path / "a.tar")]):
        result = manage(*command, database=f"sqlite:///{source}", media=media)
        assert result.returncode == 0, result.stderr
    target, restored_media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"

    result = manage("restore", str(tmp_path / "a.tar"), database=f"sqlite:///{target}", media=restored_media)

    assert result.returncode == 0, result.stderr
    assert sqlite_rows(target) == sqlite_rows(source)
    assert sqlite_rows(target)["auth_permission"] > 0
    assert file_checksums(restored_media) == file_checksums(media)
