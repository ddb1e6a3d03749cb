"""Import results from a spreadsheet (.xlsx, .xls or .csv): all rows or none.

The wide layout is the table offices keep, a row per commune and a column per criterion, for one year; the
long layout gives indicator values, a row per commune, year and indicator, and the criteria are judged again.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.models import AdministrativeUnit
from criteria.imports.results_wide import results_file_check
from criteria.models import CriteriaSet
from criteria.selectors import criteria_set_in_force
from criteria.services import ImportSummary, results_import
from criteria.services.values_import import indicator_values_import
from ntm_portal.text import fold


class Command(BaseCommand):
    help = (
        "Import a year's criterion results (a row per commune, a column per criterion) or, with --layout long, "
        "indicator values (a row per commune, year and indicator) from an .xlsx, .xls or .csv file: every row or, on "
        "any error, none."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--layout",
            choices=["wide", "long"],
            default="wide",
            help="wide: criterion results, a column per criterion (default); long: indicator values, a row each.",
        )
        parser.add_argument(
            "--year", type=int, help="Required for the wide layout; for the long one, the year every row must have."
        )
        parser.add_argument("--criteria-set", default="", metavar="CODE", help="Default: the set in force that year.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count; write nothing.")
        parser.add_argument(
            "--province",
            default="",
            metavar="NAME",
            help='Match communes only in this province, e.g. "Cao Bằng" (default: every loaded province).',
        )

    def handle(
        self,
        *args,
        file: Path,
        layout: str,
        year: int | None,
        criteria_set: str,
        dry_run: bool,
        province: str,
        **options,
    ) -> None:
        try:
            content = file.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read %(file)s.") % {"file": file}) from None
        if layout == "long":
            self._import_long(content, file_name=file.name, year=year, dry_run=dry_run, chosen=criteria_set or province)
            return
        if year is None:
            raise CommandError(_("The wide layout needs --year."))
        chosen = self._criteria_set(code=criteria_set, year=year)
        within = self._province(province, year=year) if province else None
        checked = results_file_check(
            content, year=year, criteria_set=chosen, file_name=file.name, within=within, compare=False
        )
        summary = checked.summary
        if not summary.errors:
            user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
            summary = results_import(user=user, year=year, criteria_set=chosen, rows=checked.rows, dry_run=dry_run)
        self._report(summary, skipped_sheets=checked.skipped_sheets)
        self._refuse_errors(summary)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("The results of %(year)s were imported.") % {"year": year}))

    def _import_long(self, content: bytes, *, file_name: str, year: int | None, dry_run: bool, chosen: str) -> None:
        if chosen:
            raise CommandError(_("--criteria-set and --province apply to the wide layout only."))
        # History rows name the first superuser, as for the wide layout; a dry run needs nobody.
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if user is None and not dry_run:
            raise CommandError(_("Create a superuser first: the history of the imported values names who wrote them."))
        summary = indicator_values_import(content, file_name=file_name, user=user, year=year, dry_run=dry_run)
        self._report(summary, skipped_sheets=[])
        for warning in summary.warnings:
            self.stdout.write(warning)
        self._refuse_errors(summary)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("The indicator values were imported.")))

    def _refuse_errors(self, summary: ImportSummary) -> None:
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

    def _criteria_set(self, *, code: str, year: int) -> CriteriaSet:
        if code:
            chosen = CriteriaSet.objects.filter(code=code).first()
            if chosen is None:
                raise CommandError(_("No criteria set has the code %(code)s.") % {"code": code})
        else:
            chosen = criteria_set_in_force(year=year)
            if chosen is None:
                raise CommandError(_("No criteria set covers the year %(year)s.") % {"year": year})
        if not chosen.covers(year) or chosen.assessed_level != CriteriaSet.AssessedLevel.COMMUNE:
            raise CommandError(_("%(set)s does not judge communes in %(year)s.") % {"set": chosen.code, "year": year})
        return chosen

    def _province(self, name: str, *, year: int) -> AdministrativeUnit:
        provinces = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).valid_on(
            datetime.date(year, 1, 1)
        )
        wanted = fold(name)
        province = next((p for p in provinces if wanted in (p.search_name, fold(p.short_name))), None)
        if province is None:
            raise CommandError(_("No province is named %(name)s.") % {"name": name})
        return province

    def _report(self, summary: ImportSummary, *, skipped_sheets: list[str]) -> None:
        for sheet in skipped_sheets:
            self.stdout.write(_("Sheet “%(sheet)s” has no results table and was not read.") % {"sheet": sheet})
        self.stdout.write(
            _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s rows with errors.")
            % {
                "new": summary.new,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "errors": summary.error_rows,
            }
        )
        for error in summary.errors:
            self.stderr.write(str(error))
