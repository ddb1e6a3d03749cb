"""Import results from a spreadsheet (.xlsx, .xls or .csv): all rows or none.

The wide layout is the table offices keep, a row per commune and a column per criterion, for one year; the
long layout gives indicator values, a row per commune, year and indicator, and the criteria are judged again.
"""

import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from criteria.imports.results_wide import results_file_check
from criteria.models import CriteriaSet
from criteria.services import NoCriteriaSet, criteria_set_for_province, results_import
from criteria.services.values_import import indicator_values_import
from ntm_portal.import_command import ImportCommand
from ntm_portal.text import fold


class Command(ImportCommand):
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
        parser.add_argument(
            "--criteria-set",
            default="",
            metavar="CODE",
            help="Default: the set in force that year (for --province, its own set where it has one).",
        )
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
        content = self.read(file)
        if layout == "long":
            self._import_long(content, file_name=file.name, year=year, dry_run=dry_run, chosen=criteria_set or province)
            return
        if year is None:
            raise CommandError(_("The wide layout needs --year."))
        within = self._province(province, year=year) if province else None
        chosen = self._criteria_set(code=criteria_set, year=year, province=within)
        checked = results_file_check(
            content, year=year, criteria_set=chosen, file_name=file.name, within=within, compare=False
        )
        summary = checked.summary
        if not summary.errors:
            summary = results_import(
                user=self.acting_user(), year=year, criteria_set=chosen, rows=checked.rows, dry_run=dry_run
            )
        skipped = _("Sheet “%(sheet)s” has no results table and was not read.")
        self.report(summary, notes=[skipped % {"sheet": sheet} for sheet in checked.skipped_sheets])
        self.finish(summary, dry_run=dry_run, done=_("The results of %(year)s were imported.") % {"year": year})

    def _import_long(self, content: bytes, *, file_name: str, year: int | None, dry_run: bool, chosen: str) -> None:
        if chosen:
            raise CommandError(_("--criteria-set and --province apply to the wide layout only."))
        # History rows name the first superuser, as for the wide layout; a dry run needs nobody.
        user = self.acting_user()
        if user is None and not dry_run:
            raise CommandError(_("Create a superuser first: the history of the imported values names who wrote them."))
        summary = indicator_values_import(content=content, file_name=file_name, user=user, year=year, dry_run=dry_run)
        self.report(summary)
        self.finish(summary, dry_run=dry_run, done=_("The indicator values were imported."))

    def _criteria_set(self, *, code: str, year: int, province: AdministrativeUnit | None) -> CriteriaSet:
        if code:
            chosen = CriteriaSet.objects.filter(code=code).first()
            if chosen is None:
                raise CommandError(_("No criteria set has the code %(code)s.") % {"code": code})
        else:
            # As the import page chooses: the province's own set that year where it has one.
            try:
                chosen = criteria_set_for_province(province=province, year=year)
            except NoCriteriaSet as refused:
                raise CommandError(refused.message) from None
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
