"""Backups that restore: one tar archive holding the database, the media folder and a manifest.

Members of the archive:
- database.pgdump (pg_dump, custom format) or database.sqlite3 (SQLite's online backup API, so a running
  server cannot leave a torn copy);
- media/<path> for every file under MEDIA_ROOT (evidence on local disk; issued report files are rows of
  the database and travel in the dump);
- manifest.json: SHA-256 and size of every other member, row counts per table, the portal's version and
  commit, the date and the database vendor.

Restoring checks every checksum before it touches anything, writes only into an empty database and media
folder unless forced, and afterwards compares the row counts and the files again, and every checksum the
database keeps of its own content (evidence files, issued report files) with that content.

Ground floor: no app is imported; the models are read through the app registry.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
SHOWN_PROBLEMS = 20


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message tells the operator why."""


def default_backup_path() -> Path:
    return Path(settings.BASE_DIR) / "backups" / f"ntm-{timezone.localtime():%Y%m%d-%H%M}.tar"


def evidence_in_media_root() -> bool:
    """False when evidence lives in object storage: its bucket is then kept by its own versioning."""
    return isinstance(storages["evidence"], FileSystemStorage)


def media_file_count(manifest: dict) -> int:
    return sum(name.startswith(MEDIA_PREFIX) for name in manifest["files"])


# --- backup -------------------------------------------------------------------------------------------------


def backup_create(*, target: Path) -> dict:
    """Write the archive to `target` (refusing to overwrite one) and return its manifest."""
    if target.exists():
        raise BackupError(_("%(path)s already exists; a backup never overwrites a file.") % {"path": target})
    vendor = _vendor()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial")
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DUMP_NAMES[vendor]
        # The database first: a file is written before its row commits, so every file the dump names is
        # already on disk when the media folder is read.
        row_counts = _pg_dump(dump) if vendor == "postgresql" else _sqlite_copy(dump)
        with tarfile.open(partial, "w") as archive:
            files = {dump.name: _add(archive, dump, dump.name)}
            for relative, path in _media_files():
                files[MEDIA_PREFIX + relative] = _add(archive, path, MEDIA_PREFIX + relative)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "portal": _portal_version(),
                "database": {"vendor": vendor, "tables": row_counts},
                "evidence_in_archive": evidence_in_media_root(),
                "files": files,
            }
            content = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(content), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(content))
    partial.rename(target)
    return manifest


def _vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            _("Backups cover PostgreSQL and SQLite only, not %(vendor)s.") % {"vendor": connection.vendor}
        )
    return connection.vendor


def _pg_dump(path: Path) -> dict[str, int]:
    # pg_dump reads the snapshot this transaction exports, so the counts describe exactly what it dumps.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run_client(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"])
        return _row_counts(cursor)


def _sqlite_copy(path: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        return _row_counts(copy.cursor())
    finally:
        copy.close()


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted((path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file())


class _HashingReader:
    """Hashes what tarfile reads, so each file is read once."""

    def __init__(self, raw):
        self.raw, self.sha256 = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.sha256.update(chunk)
        return chunk


def _add(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    info = archive.gettarinfo(path, arcname=name)
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        archive.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": info.size}


def _portal_version() -> dict[str, str]:
    try:
        version = metadata.version("ntm-portal")
    except metadata.PackageNotFoundError:
        version = ""
    try:
        commit = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {"version": version, "commit": commit}


def _run_client(command: list[str]) -> None:
    """Run pg_dump or pg_restore against the portal's database (the password travels in the environment)."""
    database = connection.settings_dict
    libpq = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database["USER"],
        "PGPASSWORD": database["PASSWORD"],
        "PGHOST": database["HOST"],
        "PGPORT": database["PORT"],
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    environment = {**os.environ, **{name: str(value) for name, value in libpq.items() if value}}
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is missing: install postgresql-client (make system-packages).") % {"program": command[0]}
        ) from None
    if result.returncode != 0:
        raise BackupError(_("%(program)s failed: %(error)s") % {"program": command[0], "error": result.stderr.strip()})


# --- restore ------------------------------------------------------------------------------------------------


def backup_restore(*, source: Path, force: bool = False) -> dict:
    """Restore the archive into this database and MEDIA_ROOT, verified before and after; return the manifest."""
    if not source.is_file() or not tarfile.is_tarfile(source):
        raise BackupError(_("%(path)s is not a backup archive.") % {"path": source})
    with tarfile.open(source, "r") as archive:
        manifest = _read_manifest(archive)
        _verify_members(archive, manifest)
        vendor = _vendor()
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                _("This backup holds a %(saved)s database; it cannot be restored into %(target)s.")
                % {"saved": manifest["database"]["vendor"], "target": vendor}
            )
        _check_names(manifest, dump_name=DUMP_NAMES[vendor])
        if not force:
            _require_empty_target()
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / DUMP_NAMES[vendor]
            _extract(archive, dump.name, dump)
            if vendor == "postgresql":
                _pg_restore(dump, force=force)
            else:
                _sqlite_restore(dump)
        for name in manifest["files"]:
            if name.startswith(MEDIA_PREFIX):
                _extract(archive, name, _media_path(name))
    _verify_restored(manifest)
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(_("This archive is not a backup of the portal: it has no readable manifest.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup has a format this version of the portal does not know."))
    return manifest


def _verify_members(archive: tarfile.TarFile, manifest: dict) -> None:
    """Every member is listed with its checksum and size, and every listed one is there: before any write."""
    expected = manifest["files"]
    found = {member.name: member for member in archive.getmembers() if member.name != MANIFEST}
    damaged = list(set(expected) ^ set(found))
    damaged += [
        name for name in set(expected) & set(found) if not _member_matches(archive, found[name], expected[name])
    ]
    if damaged:
        raise BackupError(
            _("The archive is damaged: the checksum of %(names)s does not match its manifest. Nothing was restored.")
            % {"names": ", ".join(sorted(damaged))}
        )


def _check_names(manifest: dict, *, dump_name: str) -> None:
    if dump_name not in manifest["files"]:
        raise BackupError(_("This backup holds no database dump."))
    for name in set(manifest["files"]) - {dump_name}:
        _media_path(name)


def _member_matches(archive: tarfile.TarFile, member: tarfile.TarInfo, entry: dict) -> bool:
    if not member.isfile() or member.size != entry["size"]:
        return False
    return hashlib.file_digest(archive.extractfile(member), "sha256").hexdigest() == entry["sha256"]


def _require_empty_target() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)d tables). Restore into an empty database, or "
                "replace its contents with FORCE=1 (restore --force)."
            )
            % {"name": connection.settings_dict["NAME"], "count": len(tables)}
        )
    if _media_files():
        raise BackupError(
            _(
                "The media folder %(folder)s already holds files. Restore into an empty folder, or replace its "
                "contents with FORCE=1 (restore --force)."
            )
            % {"folder": settings.MEDIA_ROOT}
        )


def _media_path(name: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name.removeprefix(MEDIA_PREFIX)).resolve()
    if not name.startswith(MEDIA_PREFIX) or not path.is_relative_to(root) or path == root:
        raise BackupError(_("The archive names a file outside the media folder: %(name)s.") % {"name": name})
    return path


def _extract(archive: tarfile.TarFile, name: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(name) as content, path.open("wb") as out:
        while chunk := content.read(1024 * 1024):
            out.write(chunk)


def _pg_restore(dump: Path, *, force: bool) -> None:
    replace = ["--clean", "--if-exists"] if force else []
    database = f"--dbname={connection.settings_dict['NAME']}"
    _run_client(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *replace,
                 database, str(dump)])  # fmt: skip
    connection.close()


def _sqlite_restore(dump: Path) -> None:
    connection.ensure_connection()
    saved = sqlite3.connect(dump)
    try:
        saved.backup(connection.connection)
    finally:
        saved.close()


def _verify_restored(manifest: dict) -> None:
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    problems = []
    for table, expected in sorted(manifest["database"]["tables"].items()):
        if table not in counts:
            problems.append(_("table %(table)s is missing") % {"table": table})
        elif counts[table] != expected:
            problems.append(
                _("table %(table)s has %(found)d rows instead of %(expected)d")
                % {"table": table, "found": counts[table], "expected": expected}
            )
    for name, entry in sorted(manifest["files"].items()):
        if name.startswith(MEDIA_PREFIX) and _file_sha256(_media_path(name)) != entry["sha256"]:
            problems.append(_("file %(name)s differs from the backup") % {"name": name})
    problems += _stored_checksum_problems()
    if problems:
        shown = problems[:SHOWN_PROBLEMS]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(_("and %(count)d more") % {"count": len(problems) - SHOWN_PROBLEMS})
        raise BackupError(_("The restore does not match the backup: %(problems)s.") % {"problems": "; ".join(shown)})


def _file_sha256(path: Path) -> str:
    """The checksum of the file, or "" when it is missing (which no checksum matches)."""
    try:
        with path.open("rb") as content:
            return hashlib.file_digest(content, "sha256").hexdigest()
    except FileNotFoundError:
        return ""


def _stored_checksum_problems() -> list[str]:
    """Rows that keep the SHA-256 of their content (a file on local storage or bytes) must still match it."""
    problems = []
    for model in apps.get_models():
        content_field = _checksummed_content(model)
        if content_field is None:
            continue
        rows = model._base_manager.values_list("pk", "sha256", content_field.name)
        for pk, stored, content in rows.iterator(chunk_size=100):
            if _content_sha256(content_field, content) != stored:
                problems.append(
                    _("%(model)s %(pk)s does not match its checksum") % {"model": model._meta.label, "pk": pk}
                )
    return problems


def _checksummed_content(model) -> models.Field | None:
    fields = model._meta.concrete_fields
    if "sha256" not in {field.name for field in fields}:
        return None
    content = [field for field in fields if isinstance(field, models.FileField | models.BinaryField)]
    if len(content) != 1:
        return None
    field = content[0]
    if isinstance(field, models.FileField) and not isinstance(field.storage, FileSystemStorage):
        return None  # object storage is not in the archive
    return field


def _content_sha256(field: models.Field, content) -> str:
    if isinstance(field, models.BinaryField):
        return hashlib.sha256(bytes(content)).hexdigest()
    return _file_sha256(Path(field.storage.path(content))) if content else ""
