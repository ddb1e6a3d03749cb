"""Write a report file from the command line, e.g. for a scheduled run or a quick check of the figures.

An office scripting its reports may have no account at all: the report then names the command line as its
author; `--author` names a user instead.
"""

import datetime
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from communes.selectors import units_named
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
        parser.add_argument(
            "--omit-empty-sections",
            action="store_true",
            help="Leave out the sections without data instead of saying what is missing and where to enter it.",
        )
        parser.add_argument(
            "--author",
            default="",
            metavar="USERNAME",
            help="The user the report names as its author (default: the command line).",
        )

    def handle(
        self,
        *args,
        unit: str,
        year,
        period,
        kind: str,
        file_format: str,
        output: Path,
        author: str,
        omit_empty_sections: bool,
        **options,
    ) -> None:
        start, end = (year, year) if year else self._period(period)
        found = self._unit(unit, end)
        user = self._author(author) if author else None
        # The standard draft, never saved: the command renders what a new report would show.
        with transaction.atomic():
            report = Report(
                unit=found, kind=kind, year_from=start, year_to=end, created_by=user,
                omit_empty_sections=omit_empty_sections,
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

    def _author(self, username: str):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user is named %(user)s.") % {"user": username})
        return user

    def _unit(self, text: str, year: int) -> AdministrativeUnit:
        """The highest unit of the map of `year` that `text` names; when a lower one shares the name (the
        province and the city of Cao Bằng), the output says how to choose it."""
        found = units_named(text, on=datetime.date(year, 1, 1))
        if not found:
            raise CommandError(_("No province or district is named or coded %(unit)s.") % {"unit": text})
        highest = [unit for unit in found if unit.level == found[0].level]
        if len(highest) > 1:
            names = ", ".join(f"{unit.name} ({unit.code})" for unit in highest)
            raise CommandError(
                _("Several units are named %(unit)s: %(names)s. Give the code.") % {"unit": text, "names": names}
            )
        chosen = highest[0]
        for other in found[len(highest) :]:
            self.stdout.write(
                _(
                    "“%(unit)s” names %(chosen)s (code %(chosen_code)s) and %(other)s (code %(other_code)s): the "
                    'report is of %(chosen)s. For %(other)s, give --unit %(other_code)s or --unit "%(other)s".'
                )
                % {
                    "unit": text,
                    "chosen": chosen.name,
                    "chosen_code": chosen.code,
                    "other": other.name,
                    "other_code": other.code,
                }
            )
        return chosen
