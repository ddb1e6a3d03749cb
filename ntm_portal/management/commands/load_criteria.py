"""`load_criteria`: the criteria and funding catalogues in one transaction. It lives on the top floor because it
loads two apps, and criteria may not import funding."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from criteria.catalogue_loading import criteria_catalogue_load
from funding.catalogue_loading import funding_sources_load


class Command(BaseCommand):
    help = "Load the national criteria sets and the funding source catalogue from fixtures/ (safe to run again)."

    def handle(self, *args, **options) -> None:
        # One transaction: a failure in either catalogue leaves both as they were.
        with transaction.atomic():
            reports = [criteria_catalogue_load(), funding_sources_load()]
        if options["verbosity"] == 0:
            return
        for report in reports:
            for model, counts in report.tables.items():
                self.stdout.write(
                    _("%(table)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                    % {
                        "table": model._meta.verbose_name_plural,
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                    }
                )
