"""The files staff import on the import page: the kinds there are, and the upload → preview → confirm steps.

Every kind is a function `(*, content, file_name, user, year, dry_run) -> ImportSummary` that checks the
whole file and, unless `dry_run`, writes all its rows in one transaction or nothing. An upload is kept
as an `ImportBatch` with what the dry run found; confirming runs the same function again for real, so
rows changed by somebody else in between are checked again rather than overwritten blindly.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from communes import access
from communes.models import AdministrativeUnit
from criteria.imports.results_wide import results_file_check
from criteria.services import NoCriteriaSet, criteria_set_for_province, results_import
from criteria.services.values_import import indicator_values_import
from funding.services import funding_file_import
from ntm_portal.import_rows import ImportSummary, Place, RowError
from ntm_portal.models import ImportBatch

Importer = Callable[..., ImportSummary]


@dataclass(frozen=True)
class ImportKind:
    code: str
    label: Promise
    help: Promise
    run: Importer
    year_required: bool
    # Where the user sees the imported data: (batch) -> address
    result_url: Callable[[ImportBatch], str]


def results_wide_import(
    *, content: bytes, file_name: str, user: AbstractUser, year: int | None, dry_run: bool
) -> ImportSummary:
    """A year's criterion results, a row per commune (the set in force for the user's province that year)."""
    try:
        criteria_set = criteria_set_for_province(province=_province_of(user), year=year)
    except NoCriteriaSet as refused:
        return ImportSummary(errors=[RowError(Place(), refused.message)])
    checked = results_file_check(
        content, year=year, criteria_set=criteria_set, file_name=file_name, user=user, compare=False
    )
    if checked.summary.errors:
        return checked.summary
    summary = results_import(user=user, year=year, criteria_set=criteria_set, rows=checked.rows, dry_run=dry_run)
    summary.warnings = [*checked.warnings, *summary.warnings]  # e.g. a commune group other than the portal's
    return summary


def _province_of(user: AbstractUser) -> AdministrativeUnit | None:
    """The province whose own criteria specification applies: that of the user's widest unit."""
    roots = access.overview_roots(user)
    if not roots or access.is_admin(user):
        return None
    root = roots[0]
    return root if root.level == AdministrativeUnit.Level.PROVINCE else root.parent


def _grid_url(batch: ImportBatch) -> str:
    return f"{reverse('criteria:grid')}?year={batch.year}" if batch.year else reverse("criteria:grid")


KINDS = {
    kind.code: kind
    for kind in (
        ImportKind(
            code="results",
            label=gettext_lazy("Criterion results (a row per commune)"),
            help=gettext_lazy(
                "The table offices keep: a row per commune, a column per criterion (TC1 … TC19), marked x when met. "
                "Download the template from the results page."
            ),
            run=results_wide_import,
            year_required=True,
            result_url=_grid_url,
        ),
        ImportKind(
            code="values",
            label=gettext_lazy("Indicator values (a row per indicator)"),
            help=gettext_lazy(
                "Columns: commune code or name, year, indicator code (e.g. 2.1), value. Criteria are judged again "
                "from the values."
            ),
            run=indicator_values_import,
            year_required=False,
            result_url=_grid_url,
        ),
        ImportKind(
            code="funding",
            label=gettext_lazy("Funding (a row per source)"),
            help=gettext_lazy(
                "Columns: unit, year or period (2011-2020), source (code or name), kind (planned, allocated, "
                "disbursed, mobilised), amount in million đồng."
            ),
            run=funding_file_import,
            year_required=False,
            result_url=lambda batch: reverse("funding:summary"),
        ),
    )
}


def import_check(
    *, user: AbstractUser, kind: ImportKind, content: bytes, file_name: str, year: int | None
) -> ImportBatch:
    """Keep an uploaded file and what a dry run of it finds. Writes no imported data."""
    summary = kind.run(content=content, file_name=file_name, user=user, year=year, dry_run=True)
    batch = ImportBatch(
        kind=kind.code,
        year=year,
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        user=user,
    )
    _keep_summary(batch, summary)
    batch.save()
    return batch


def import_confirm(*, user: AbstractUser, batch: ImportBatch) -> ImportSummary:
    """Import a checked file for real: all its rows in one transaction, or, if it now has errors, nothing.

    The confirm page queues it (`ntm_portal.tasks.import_enqueue`); a batch already imported is left alone."""
    kind = KINDS[batch.kind]
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.IMPORTING):
            return ImportSummary(written=batch.status == ImportBatch.Status.IMPORTED)
        summary = kind.run(
            content=bytes(batch.content), file_name=batch.file_name, user=user, year=batch.year, dry_run=False
        )
        _keep_summary(batch, summary)
        if summary.written:
            batch.status, batch.imported_at = ImportBatch.Status.IMPORTED, timezone.now()
        batch.save()
    return summary


def import_cancel(*, batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKED).update(
        status=ImportBatch.Status.CANCELLED
    )


def _keep_summary(batch: ImportBatch, summary: ImportSummary) -> None:
    batch.new_rows, batch.updated_rows, batch.unchanged_rows = summary.new, summary.updated, summary.unchanged
    batch.error_rows = summary.error_rows
    batch.errors = [[str(error.place), error.message] for error in summary.errors]
    batch.warnings = list(summary.warnings)
    if summary.errors:
        batch.status = ImportBatch.Status.REFUSED
