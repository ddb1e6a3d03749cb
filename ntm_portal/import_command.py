"""What the import commands (import_results, import_funding) share: reading the file, who the history names,
the counts and errors they print, and the refusal that makes them exit non-zero."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ntm_portal.import_rows import ImportSummary


class ImportCommand(BaseCommand):
    def read(self, file: Path) -> bytes:
        try:
            return file.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read %(file)s.") % {"file": file}) from None

    @staticmethod
    def acting_user():
        """The history names the first superuser; without one, the system (None)."""
        return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()

    def report(self, summary: ImportSummary, *, notes: list[str] = ()) -> None:
        """`notes` first (sheets left aside), then the counts, the warnings, and the errors on stderr."""
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(
            _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s rows with errors.")
            % {
                "new": summary.new,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "errors": summary.error_rows,
            }
        )
        for warning in summary.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(warning)s") % {"warning": warning}))
        for error in summary.errors:
            self.stderr.write(str(error))

    def finish(self, summary: ImportSummary, *, dry_run: bool, done: str) -> None:
        """Refuse (non-zero exit) when any row was refused; else say what was, or would have been, written."""
        if summary.errors:
            count = len(summary.errors)
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)s error. Correct the file and import it again.",
                    "Nothing was imported: %(count)s errors. Correct the file and import it again.",
                    count,
                )
                % {"count": count}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(done))
