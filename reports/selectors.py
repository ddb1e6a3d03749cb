"""Reads of reports other than the figures (those are in reports.figures)."""

from dataclasses import dataclass

from django.db.models import Count, Max, Min, QuerySet

from communes import access
from communes.models import AdministrativeUnit
from ntm_portal.models import ChangeRecord
from reports.models import Report


def report_history(report: Report) -> QuerySet[ChangeRecord]:
    """Who created, changed and issued the report, newest first."""
    return ChangeRecord.objects.about(report).select_related("user")


def latest_issued_report(unit: AdministrativeUnit) -> Report | None:
    return Report.objects.filter(unit=unit, status=Report.Status.ISSUED).order_by("-year_to", "-issued_at").first()


@dataclass(frozen=True)
class ReportWork:
    status: str  # a Report status: drafts waiting to be issued, or issued reports waiting to be read
    count: int
    report_id: int | None  # when it is one report: its page is where to act


def report_tasks(user) -> list[ReportWork]:
    """Drafts the user may issue; for those who write no reports, the issued reports of their scope to read.
    One query for each."""
    if access.can(user, access.Action.ISSUE_REPORT):
        status, units = Report.Status.DRAFT, access.units_for_action(user, access.Action.ISSUE_REPORT)
    elif not access.can(user, access.Action.WRITE_REPORT):
        status, units = Report.Status.ISSUED, access.visible_units(user)
    else:
        return []
    found = Report.objects.filter(status=status, unit__in=units).aggregate(
        count=Count("pk"), first=Min("pk"), last=Max("pk")
    )
    if not found["count"]:
        return []
    return [ReportWork(status, found["count"], found["first"] if found["first"] == found["last"] else None)]
