"""Import a year's criterion results from the wide table offices keep (.xlsx or .csv): all rows or none."""

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
from ntm_portal.text import fold


class Command(BaseCommand):
    help = (
        "Import a year's criterion results (a row per commune, a column per criterion) from an .xlsx or .csv "
        "file: every row or, on any error, none."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--criteria-set", default="", metavar="CODE", help="Default: the set in force that year.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count; write nothing.")
        parser.add_argument(
            "--province",
            default="",
            metavar="NAME",
            help='Match communes only in this province, e.g. "Cao Bằng" (default: every loaded province).',
        )

    def handle(self, *args, file: Path, year: int, criteria_set: str, dry_run: bool, province: str, **options) -> None:
        try:
            content = file.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read %(file)s.") % {"file": file}) from None
        chosen = self._criteria_set(code=criteria_set, year=year)
        within = self._province(province, year=year) if province else None
        checked = results_file_check(content, year=year, criteria_set=chosen, file_name=file.name, within=within)
        summary = checked.summary
        if not summary.errors:
            user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
            summary = results_import(user=user, year=year, criteria_set=chosen, rows=checked.rows, dry_run=dry_run)
        self._report(summary, skipped_sheets=checked.skipped_sheets)
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
            self.stdout.write(self.style.SUCCESS(_("The results of %(year)s were imported.") % {"year": year}))

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
