from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ntm_portal.demo.loading import demo_is_loaded, demo_load
from ntm_portal.demo.report import demo_report_issue


class Command(BaseCommand):
    help = "Load the Cao Bằng demo: units, criteria, results 2016-2025, recognitions, funding, demo users."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when results are already loaded.")
        parser.add_argument(
            "--with-report",
            action="store_true",
            help="Also issue the province's 2021 annual report (PDF, DOCX, XLSX), for the leaders' dashboard.",
        )

    def handle(self, *args, if_empty: bool = False, with_report: bool = False, **options):
        if if_empty and demo_is_loaded():
            self.stdout.write(_("Results are already loaded; the demo data was not loaded again."))
        else:
            loaded = demo_load(stdout=self.stdout)
            for line in loaded.lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(_("The Cao Bằng demo data is loaded.")))
        if with_report and demo_report_issue() is not None:
            self.stdout.write(_("The province's 2021 annual report was issued."))
