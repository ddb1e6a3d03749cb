"""The home page's two answers, shared with `demo_logins`: what this person does and where they start
(`start_of`, from their roles), and the work waiting for them (`next_tasks`): a count, a sentence, and the
page where the work is done."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from communes import access
from communes.models import AdministrativeUnit
from criteria.models import Evidence
from criteria.selectors import WaitingWork, assessment_tasks, commune_default_year, evidence_tasks
from criteria.workflow import Step
from reports.models import Report
from reports.selectors import ReportWork, report_tasks

Action = access.Action


@dataclass(frozen=True)
class Start:
    duty: str  # what this person does, one sentence
    url: str  # where they start


@dataclass(frozen=True)
class TaskLine:
    count: int
    text: str
    url: str


def commune_page_url(commune: AdministrativeUnit) -> str:
    """The commune's page for the year pages open on, a commune official's start page."""
    return reverse("criteria:commune", kwargs={"unit_id": commune.pk, "year": commune_default_year(commune)})


def start_of(user) -> Start | None:
    """What the user's roles make them do, and the page to start on; None for someone with no unit yet."""
    commune = access.home_commune(user)
    if commune is not None:
        duty = _("Enters the commune's results year by year, uploads its evidence and submits them for approval.")
        return Start(duty, commune_page_url(commune))
    roots = access.overview_roots(user)
    grid = reverse("criteria:grid")
    if access.is_reader_only(user) and roots:
        return Start(_("Reads the dashboard and the issued reports of their area."), reverse("reports:dashboard"))
    if access.is_admin(user):
        duty = _("Manages accounts, units and criteria sets in the administration (/admin/) and may do all staff work.")
        return Start(duty, grid)
    if not roots:
        return None
    if access.can(user, Action.APPROVE):
        duty = _("Approves the communes' results, reviews their evidence, and writes and issues the reports.")
    elif access.can(user, Action.VERIFY):
        duty = _("Verifies the results the district's communes submit, reviews their evidence and writes the reports.")
    else:
        duty = _("Follows the communes' results and evidence and writes the reports.")
    return Start(duty, grid)


def next_tasks(user) -> list[TaskLine]:
    """The work waiting for the user: commune results nearest to approval first, then evidence, then reports."""
    return [
        *(_assessment_line(work) for work in assessment_tasks(user)),
        *(_evidence_line(work) for work in evidence_tasks(user)),
        *(_report_line(work) for work in report_tasks(user)),
    ]


def _grid_url(**params) -> str:
    return f"{reverse('criteria:grid')}?{urlencode(params)}"


# One sentence per kind of work; the plural is chosen by "count" when the sentence is filled in.
SENTENCES = {
    Step.SUBMIT: ngettext_lazy(
        "%(count)d commune result of %(year)d is a draft, to be completed and submitted.",
        "%(count)d commune results of %(year)d are drafts, to be completed and submitted.",
        "count",
    ),
    Step.VERIFY: ngettext_lazy(
        "%(count)d commune result of %(year)d is waiting for you to verify it.",
        "%(count)d commune results of %(year)d are waiting for you to verify them.",
        "count",
    ),
    Step.APPROVE: ngettext_lazy(
        "%(count)d commune result of %(year)d is waiting for your approval.",
        "%(count)d commune results of %(year)d are waiting for your approval.",
        "count",
    ),
    Evidence.Status.PENDING: ngettext_lazy(
        "%(count)d piece of evidence of %(year)d is waiting for your review.",
        "%(count)d pieces of evidence of %(year)d are waiting for your review.",
        "count",
    ),
    Evidence.Status.REJECTED: ngettext_lazy(
        "%(count)d piece of evidence of %(year)d was rejected and is to be replaced.",
        "%(count)d pieces of evidence of %(year)d were rejected and are to be replaced.",
        "count",
    ),
}
REPORT_SENTENCES = {
    Report.Status.DRAFT: ngettext_lazy(
        "%(count)d draft report is waiting to be issued.", "%(count)d draft reports are waiting to be issued.", "count"
    ),
    Report.Status.ISSUED: ngettext_lazy(
        "%(count)d issued report is there for you to read.",
        "%(count)d issued reports are there for you to read.",
        "count",
    ),
}


def _assessment_line(work: WaitingWork) -> TaskLine:
    """Work on one commune is done on its page; on several, in the grid filtered to them."""
    if work.commune_id is not None:
        url = reverse("criteria:commune", kwargs={"unit_id": work.commune_id, "year": work.year})
    else:
        url = _grid_url(year=work.year, status=work.status)
    return TaskLine(work.count, SENTENCES[work.kind] % {"count": work.count, "year": work.year}, url)


def _evidence_line(work: WaitingWork) -> TaskLine:
    if work.commune_id is not None:
        url = reverse("criteria:evidence", kwargs={"unit_id": work.commune_id, "year": work.year})
    else:
        url = _grid_url(year=work.year, evidence=work.status)
    return TaskLine(work.count, SENTENCES[work.kind] % {"count": work.count, "year": work.year}, url)


def _report_line(work: ReportWork) -> TaskLine:
    if work.report_id is not None:
        url = reverse("reports:edit", kwargs={"report_id": work.report_id})
    else:
        url = f"{reverse('reports:list')}?{urlencode({'status': work.status})}"
    return TaskLine(work.count, REPORT_SENTENCES[work.status] % {"count": work.count}, url)
