from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ntm_portal.backups import BackupError, backup_restore, media_file_count


class Command(BaseCommand):
    help = "Restore an archive of `backup` into an empty database and media folder, checking every checksum."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive written by `backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace what the database and the media folder already hold."
        )

    def handle(self, *args, archive: Path, force: bool = False, **options):
        try:
            manifest = backup_restore(source=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = manifest["database"]["tables"]
        figures = {"tables": len(tables), "rows": sum(tables.values()), "files": media_file_count(manifest)}
        message = _(
            "Restored %(path)s (tables: %(tables)d, rows: %(rows)d, media files: %(files)d), checksums verified."
        )
        self.stdout.write(self.style.SUCCESS(message % {"path": archive, **figures}))
