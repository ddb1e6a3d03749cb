"""Reads of reports other than the figures (those are in reports.figures)."""

from django.db.models import QuerySet

from communes.models import AdministrativeUnit
from ntm_portal.models import ChangeRecord
from reports.models import Report


def report_history(report: Report) -> QuerySet[ChangeRecord]:
    """Who created, changed and issued the report, newest first."""
    return ChangeRecord.objects.about(report).select_related("user")


def latest_issued_report(unit: AdministrativeUnit) -> Report | None:
    return Report.objects.filter(unit=unit, status=Report.Status.ISSUED).order_by("-year_to", "-issued_at").first()
