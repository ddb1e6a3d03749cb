"""Import funding records (a row per unit, year or period, source, kind and amount) from .xlsx, .xls or .csv:
all or none."""

from pathlib import Path

from django.utils.translation import gettext as _

from funding.services import funding_file_import
from ntm_portal.import_command import ImportCommand


class Command(ImportCommand):
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
        content = self.read(file)
        summary = funding_file_import(
            content=content, file_name=file.name, user=self.acting_user(), year=year, dry_run=dry_run
        )
        self.report(summary)
        self.finish(summary, dry_run=dry_run, done=_("The funding records were imported."))
