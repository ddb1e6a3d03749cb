"""Write a report file from the command line, e.g. for a scheduled run or a quick check of the figures."""

import datetime
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from ntm_portal.text import fold
from reports.models import Report, ReportFile
from reports.services import report_files, standard_header

PERIOD = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")


class Command(BaseCommand):
    help = "Render a report of a unit for a year or a period as PDF, XLSX (appendices) or DOCX."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, metavar="CODE_OR_NAME", help='e.g. 04 or "Tỉnh Cao Bằng"')
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--year", type=int)
        when.add_argument("--period", metavar="START-END", help="e.g. 2017-2021")
        parser.add_argument("--kind", choices=Report.Kind.values, default=Report.Kind.ANNUAL)
        parser.add_argument("--format", dest="file_format", choices=ReportFile.Format.values, default="pdf")
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args, unit: str, year, period, kind: str, file_format: str, output: Path, **options) -> None:
        start, end = (year, year) if year else self._period(period)
        found = self._unit(unit, end)
        author = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if author is None:
            raise CommandError(_("Create a superuser first: a report records who made it."))
        # The standard draft, never saved: the command renders what a new report would show.
        with transaction.atomic():
            report = Report(
                unit=found, kind=kind, year_from=start, year_to=end, created_by=author,
                **standard_header(unit=found, kind=kind, year_from=start, year_to=end),
            )  # fmt: skip
            _figures, files = report_files(report, [file_format])
        try:
            output.write_bytes(files[file_format])
        except OSError:
            raise CommandError(_("Cannot write %(file)s.") % {"file": output}) from None
        self.stdout.write(_("Wrote %(file)s (%(size)s bytes).") % {"file": output, "size": len(files[file_format])})

    def _period(self, text: str) -> tuple[int, int]:
        found = PERIOD.match(text.strip())
        if not found or int(found.group(2)) < int(found.group(1)):
            raise CommandError(_("Write the period as START-END, e.g. 2017-2021."))
        return int(found.group(1)), int(found.group(2))

    def _unit(self, text: str, year: int) -> AdministrativeUnit:
        """A province or district of the map of `year`, by code or by name ("Tỉnh Cao Bằng", "cao bang")."""
        units = AdministrativeUnit.objects.exclude(level=AdministrativeUnit.Level.COMMUNE).valid_on(
            datetime.date(year, 1, 1)
        )
        wanted = fold(text)
        found = [
            unit
            for unit in units.only("pk", "code", "name", "short_name", "search_name", "level")
            if text.strip() == unit.code or wanted in (unit.search_name, fold(unit.name), fold(unit.short_name))
        ]
        if len(found) != 1:
            names = ", ".join(unit.name for unit in found)
            raise CommandError(
                _("Several units are named %(unit)s: %(names)s. Give the code.") % {"unit": text, "names": names}
                if found
                else _("No province or district is named or coded %(unit)s.") % {"unit": text}
            )
        return found[0]
