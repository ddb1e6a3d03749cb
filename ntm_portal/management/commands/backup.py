from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ntm_portal.backups import BackupError, backup_create, default_backup_path, media_file_count


class Command(BaseCommand):
    help = "Write one archive: the database, the media files and a manifest of their checksums (make backup)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The archive to write (default backups/ntm-YYYYMMDD-HHMM.tar).")

    def handle(self, *args, output: Path | None = None, **options):
        target = output or default_backup_path()
        try:
            manifest = backup_create(target=target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = manifest["database"]["tables"]
        figures = {"tables": len(tables), "rows": sum(tables.values()), "files": media_file_count(manifest)}
        message = _("Backup written to %(path)s (tables: %(tables)d, rows: %(rows)d, media files: %(files)d).")
        self.stdout.write(self.style.SUCCESS(message % {"path": target, **figures}))
        if not manifest["evidence_in_archive"]:
            self.stdout.write(
                self.style.WARNING(
                    _("Evidence is kept in object storage, not in this archive: the bucket's versioning keeps it.")
                )
            )
