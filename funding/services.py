"""Writes of the funding app: the funding records offices send in spreadsheets, all rows of a file or none."""

import logging
from collections import Counter
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils.translation import gettext as _

from funding.imports import FundingTable, StatedTotal, funding_table_read
from funding.models import FundingRecord
from funding.resources import FIELD_ROLES, FundingRecordResource
from funding.selectors import Period, PlannedRecord, funding_findings_planned
from ntm_portal.import_rows import ImportSummary, Place, RowError

logger = logging.getLogger(__name__)


def funding_file_import(
    *, content: bytes, file_name: str, user: AbstractUser | None, year: int | None = None, dry_run: bool
) -> ImportSummary:
    """Check a funding file and, unless `dry_run` or any row is refused, store all its rows in one transaction.

    `user` may name only units they may import funding for (`access.can_import_funding`); None is the system
    (a command run), which may name any unit. `year`, when given, is the only year rows may be for and the year
    of a table without one. The warnings are the consistency findings of every unit, period and kind the file
    touches, as they are once it is imported; they do not stop the import.
    """
    table = funding_table_read(content, file_name=file_name, year=year)
    if table.errors:
        return ImportSummary(errors=table.errors)
    summary = _import(table, user=user, year=year, dry_run=True)
    if summary.errors or dry_run:
        return summary
    with transaction.atomic():
        summary = _import(table, user=user, year=year, dry_run=False)
        if summary.errors:  # somebody changed the records since the check
            transaction.set_rollback(True)
            return summary
        summary.written = True
    logger.info(
        "Funding file %r imported by %s: %s new, %s updated, %s unchanged.",
        file_name,
        user or "the system",
        summary.new,
        summary.updated,
        summary.unchanged,
    )
    return summary


def _import(table: FundingTable, *, user, year: int | None, dry_run: bool) -> ImportSummary:
    resource = FundingRecordResource(user=user, year=year)
    result = resource.import_data(
        table.dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        collect_failed_rows=True,
        rollback_on_validation_errors=True,
    )
    summary = ImportSummary(
        new=result.totals["new"],
        updated=result.totals["update"],
        unchanged=result.totals["skip"],
        errors=_errors(result, table),
    )
    if not summary.errors:
        summary.warnings = _warnings(resource.planned, table.totals)
    return summary


def _errors(result, table: FundingTable) -> list[RowError]:
    """The refusals of django-import-export's result, each where it is in the file, in file order."""
    found: list[tuple[int, RowError]] = []
    for error in result.base_errors:
        logger.error("Unexpected error importing funding records", exc_info=error.error)
        message = _("The file could not be imported because of an unexpected error. Please tell the administrators.")
        found.append((-1, RowError(Place(), message)))
    for row in result.error_rows:
        for error in row.errors:
            logger.error("Unexpected error importing funding row %s", row.number, exc_info=error.error)
        message = _("This row could not be checked because of an unexpected error. Please tell the administrators.")
        found.append((row.number, RowError(table.place(row.number - 1), message)))
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            place = table.place(invalid.number - 1, FIELD_ROLES.get(name))
            found.extend((invalid.number, RowError(place, message)) for message in messages)
    found.sort(key=lambda numbered: numbered[0])
    # The year's two fields refuse the same cell with the same words: say it once.
    return list(dict.fromkeys(error for _number, error in found))


def _warnings(planned: dict[int, PlannedRecord], totals: list[StatedTotal]) -> list[str]:
    findings = funding_findings_planned(records=list(planned.values()), stated_totals=_stated_totals(planned, totals))
    return [
        _("%(unit)s, %(period)s, %(kind)s: %(message)s")
        % {
            "unit": found.unit_name,
            "period": found.period,
            "kind": FundingRecord.Kind(found.kind).label,
            "message": found.finding.message,
        }
        for found in findings
    ]


def _stated_totals(planned: dict[int, PlannedRecord], totals: list[StatedTotal]) -> dict[tuple, Decimal]:
    """The total rows that sum the lines of one unit, period and kind (and are the only total of it)."""
    by_group: dict[tuple[int, Period, str], Decimal] = {}
    counted: Counter = Counter()
    for total in totals:
        groups = {planned[index + 1].group for index in total.rows if index + 1 in planned}
        if len(groups) == 1:
            group = groups.pop()
            by_group[group] = total.amount
            counted[group] += 1
    return {group: amount for group, amount in by_group.items() if counted[group] == 1}
