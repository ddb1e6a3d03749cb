"""Work waiting for a user: commune-years at a workflow step the user may take, evidence to review or to replace.

Counted by year in one query per kind of work, whatever the number of communes. The scope is that of
communes/access.py (`units_for_action`), the steps and the statuses they start from those of criteria/workflow.py.
"""

from dataclasses import dataclass

from django.db.models import Count, Max, Min

from communes import access
from communes.models import AdministrativeUnit
from criteria import workflow
from criteria.models import Assessment, Evidence
from criteria.workflow import Step

# The steps that move a commune-year on, in the order the work flows (return and unlock answer a problem).
FORWARD_STEPS = (Step.SUBMIT, Step.VERIFY, Step.APPROVE)


@dataclass(frozen=True)
class WaitingWork:
    kind: str  # a workflow Step, or an Evidence status ("pending": to review, "rejected": to replace)
    year: int
    status: str  # the status the waiting items are in: what the results grid filters on
    count: int  # commune-years, or evidence items
    commune_id: int | None  # the commune when all of it is one commune's: its page is where to act


def assessment_tasks(user) -> list[WaitingWork]:
    """Commune-years waiting for a step the user may take, by step, year and status; latest year first."""
    tasks: dict[tuple[Step, int, str], list[int]] = {}
    for step in FORWARD_STEPS:
        action = access.Action(step)
        if not access.can(user, action):
            continue
        starts = set().union(*(workflow.rules(district_step=flag)[step].sources for flag in (True, False)))
        rows = (
            Assessment.objects.filter(status__in=starts, unit__in=access.units_for_action(user, action))
            .order_by()
            .values_list("year", "status", "unit__parent__level", "unit__parent__valid_to")
            .annotate(count=Count("pk"), first=Min("unit_id"), last=Max("unit_id"))
        )
        for year, status, parent_level, parent_valid_to, count, first, last in rows:
            district_step = workflow.has_district_step(
                has_district=parent_level == AdministrativeUnit.Level.DISTRICT,
                district_valid_to=parent_valid_to,
                year=year,
            )
            if workflow.target_of(step, status=status, district_step=district_step) is not None:
                _add(tasks, (step, year, status), count, first, last)
    return _work(tasks)


def evidence_tasks(user) -> list[WaitingWork]:
    """Evidence awaiting the user's review, and rejected evidence the user may replace, by year."""
    tasks: dict[tuple[str, int, str], list[int]] = {}
    for status, action in (
        (Evidence.Status.PENDING, access.Action.REVIEW_EVIDENCE),
        (Evidence.Status.REJECTED, access.Action.UPLOAD_EVIDENCE),
    ):
        if not access.can(user, action):
            continue
        rows = (
            Evidence.objects.visible()
            .filter(status=status, assessment__unit__in=access.units_for_action(user, action))
            .order_by()
            .values_list("assessment__year")
            .annotate(count=Count("pk"), first=Min("assessment__unit_id"), last=Max("assessment__unit_id"))
        )
        for year, count, first, last in rows:
            _add(tasks, (status, year, status), count, first, last)
    return _work(tasks)


def _add(tasks: dict, key: tuple, count: int, first: int, last: int) -> None:
    totals = tasks.setdefault(key, [0, first, last])
    totals[0] += count
    totals[1], totals[2] = min(totals[1], first), max(totals[2], last)


def _work(tasks: dict) -> list[WaitingWork]:
    work = [
        WaitingWork(str(kind), year, status, count, first if first == last else None)
        for (kind, year, status), (count, first, last) in tasks.items()
    ]
    # The step nearest to approval first: what waits on the user's decision before what waits on their typing.
    order = {str(kind): rank for rank, kind in enumerate((*reversed(FORWARD_STEPS), *Evidence.Status.values))}
    return sorted(work, key=lambda task: (order[task.kind], -task.year, task.status))
