"""Import funding records (a row per unit, year or period, source, kind and amount) from .xlsx, .xls or .csv:
all or none."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from criteria.imports import ImportSummary
from funding.services import funding_file_import


class Command(BaseCommand):
    help = (
        "Import funding records (unit, year or period, source, kind, amount in million đồng) from an .xlsx, .xls or "
        ".csv file: every row or, on any error, none."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--year", type=int, default=None, help="Accept only rows of this year; the year of a table without one."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count; write nothing.")

    def handle(self, *args, file: Path, year: int | None, dry_run: bool, **options) -> None:
        try:
            content = file.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read %(file)s.") % {"file": file}) from None
        # The history names the first superuser; without one, the system.
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        summary = funding_file_import(content, file_name=file.name, user=user, year=year, dry_run=dry_run)
        self._report(summary)
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
            self.stdout.write(self.style.SUCCESS(_("The funding records were imported.")))

    def _report(self, summary: ImportSummary) -> None:
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
