"""The only place that decides who may see and change what.

A user's scope is the union of the units of their memberships and everything under them. Objects outside
the scope do not exist for the user: lookups answer 404, exactly as for an object that does not exist.
What each role may do within its scope is one table, PERMISSIONS; administrators (superusers or members
with the admin role) act as the admin role everywhere.

This module imports no higher app: lookups and lists of evidence, reports, render jobs and import batches
take the caller's queryset and know only the path from an object to its unit or its owner.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from communes.models import AdministrativeUnit, Membership

Role = Membership.Role
M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"  # a unit, its results and evidence, its issued reports
    ENTER = "enter"  # enter and correct results in draft
    # The workflow steps, named as criteria.workflow.Step names them.
    SUBMIT = "submit"
    VERIFY = "verify"
    APPROVE = "approve"
    RETURN = "return"
    UNLOCK = "unlock"
    UPLOAD_EVIDENCE = "upload_evidence"  # upload, replace and delete
    REVIEW_EVIDENCE = "review_evidence"  # accept, reject and restore what was deleted
    SEE_DELETED_EVIDENCE = "see_deleted_evidence"
    CHECK_FUNDING = "check_funding"  # the consistency warnings of funding figures
    IMPORT = "import"  # open the import page; each row is then checked against the unit it names
    IMPORT_FUNDING = "import_funding"
    WRITE_REPORT = "write_report"  # create, edit, render and delete drafts, and see them
    ISSUE_REPORT = "issue_report"
    SEE_RENDER_JOB = "see_render_job"  # of a report's draft, its requester's alone
    EDIT_CRITERIA_SETS = "edit_criteria_sets"  # copy, edit, import and export the province's criteria sets
    EDIT_BOUNDARIES = "edit_boundaries"  # upload the province's commune boundaries for the map
    RECORD_RECOGNITIONS = "record_recognitions"  # record, correct and withdraw recognition decisions
    SET_TARGETS = "set_targets"  # the yearly targets of a province or district and its communes


TRANSITIONS = frozenset({Action.SUBMIT, Action.VERIFY, Action.APPROVE, Action.RETURN, Action.UNLOCK})

# Coordination-office staff enter, check and import figures, review evidence and write the reports;
# commune officials enter their commune's results and upload its evidence; leaders only read.
_OFFICE = frozenset(
    {
        Action.VIEW,
        Action.ENTER,
        Action.SUBMIT,
        Action.RETURN,
        Action.UPLOAD_EVIDENCE,
        Action.REVIEW_EVIDENCE,
        Action.SEE_DELETED_EVIDENCE,
        Action.CHECK_FUNDING,
        Action.IMPORT,
        Action.IMPORT_FUNDING,
        Action.WRITE_REPORT,
        Action.ISSUE_REPORT,
        Action.SEE_RENDER_JOB,
    }
)
# Recognitions and targets are decisions of the province's people's committee, recorded by its office;
# district offices and communes read them.
_PROVINCE_DECISIONS = frozenset({Action.RECORD_RECOGNITIONS, Action.SET_TARGETS})
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.PROVINCE_STAFF: _OFFICE
    | _PROVINCE_DECISIONS
    | {Action.APPROVE, Action.UNLOCK, Action.EDIT_CRITERIA_SETS, Action.EDIT_BOUNDARIES},
    Role.DISTRICT_STAFF: _OFFICE | {Action.VERIFY},
    Role.COMMUNE_OFFICIAL: frozenset({Action.VIEW, Action.ENTER, Action.SUBMIT, Action.UPLOAD_EVIDENCE}),
    Role.LEADER: frozenset({Action.VIEW}),
    Role.ADMIN: frozenset(Action),
}

# Where a role may take an action only on objects in some states: a district office may send back what a
# commune submitted, not what it has itself verified.
STATUS_LIMITS: dict[tuple[Role, Action], frozenset[str]] = {
    (Role.DISTRICT_STAFF, Action.RETURN): frozenset({"submitted"}),
}


def memberships(user) -> list[Membership]:
    """The user's memberships, fetched once per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_ntm_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._ntm_memberships = cached
    return cached


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(m.role == Role.ADMIN for m in memberships(user)))


def _lineage(unit: AdministrativeUnit) -> set[int]:
    """The unit and its ancestors (parents are loaded with select_related where it matters)."""
    ids = {unit.pk}
    node = unit
    while node.parent_id is not None:
        ids.add(node.parent_id)
        node = node.parent
    return ids


def _roles(user, unit: AdministrativeUnit | None) -> set[str]:
    """The roles the user holds on this unit through it or one of its ancestors (None: anywhere)."""
    if is_admin(user):
        return {Role.ADMIN}
    if unit is None:
        return {m.role for m in memberships(user)}
    lineage = _lineage(unit)
    return {m.role for m in memberships(user) if m.unit_id in lineage}


def can(user, action: Action, unit: AdministrativeUnit | None = None, *, status: str | None = None) -> bool:
    """Whether the user may take `action` on `unit` (None: on some unit they hold a role on).

    `status` is the state of the object acted on, for the actions STATUS_LIMITS restricts.
    """

    return any(_allows(role, action, status) for role in _roles(user, unit))


def _allows(role: str, action: Action, status: str | None) -> bool:
    limit = STATUS_LIMITS.get((role, action))
    return action in PERMISSIONS[role] and (limit is None or status in limit)


def can_view(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.VIEW, unit)


def can_edit_results(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.ENTER, unit)


def can_transition(user, unit: AdministrativeUnit, transition: str, *, status: str) -> bool:
    """Whether the user may take a workflow step on results that are now `status`."""
    return transition in TRANSITIONS and can(user, Action(transition), unit, status=status)


def can_upload_evidence(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.UPLOAD_EVIDENCE, unit)


def can_review_evidence(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.REVIEW_EVIDENCE, unit)


def can_check_funding(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.CHECK_FUNDING, unit)


def can_import_funding(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.IMPORT_FUNDING, unit)


def can_import(user) -> bool:
    """Who opens the import page; each row is then checked against the unit it names."""
    return can(user, Action.IMPORT)


def can_write_reports(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.WRITE_REPORT, unit)


def can_issue_reports(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.ISSUE_REPORT, unit)


def can_record_recognitions(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.RECORD_RECOGNITIONS, unit)


def can_set_targets(user, unit: AdministrativeUnit) -> bool:
    return can(user, Action.SET_TARGETS, unit)


def recognition_for_user_or_404(user, recognitions: QuerySet[M], recognition_id: int) -> M:
    """A recognition (of `recognitions`, the caller's queryset) of a unit where the user records them."""
    return object_for_user_or_404(
        user,
        recognitions.select_related("unit__parent__parent"),
        recognition_id,
        action=Action.RECORD_RECOGNITIONS,
        unit_of=lambda recognition: recognition.unit,
    )


def can_edit_criteria_set(user, province: AdministrativeUnit | None) -> bool:
    """Whether the user may create and change criteria sets of `province` (None: national sets, which only
    administrators change; province staff copy them into their province's set)."""
    if province is None:
        return is_admin(user)
    return can(user, Action.EDIT_CRITERIA_SETS, province)


def _provinces_for(user, action: Action) -> list[AdministrativeUnit]:
    """The provinces the user may take `action` on (every province for administrators)."""
    if is_admin(user):
        return list(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).order_by("name"))
    provinces = [m.unit for m in memberships(user) if m.unit.level == AdministrativeUnit.Level.PROVINCE]
    return [unit for unit in {unit.pk: unit for unit in provinces}.values() if can(user, action, unit)]


def criteria_set_provinces(user) -> list[AdministrativeUnit]:
    """The provinces whose criteria sets the user edits (every province for administrators)."""
    return _provinces_for(user, Action.EDIT_CRITERIA_SETS)


def boundary_provinces(user) -> list[AdministrativeUnit]:
    """The provinces whose commune boundaries the user uploads: province staff's own (every one for
    administrators)."""
    return _provinces_for(user, Action.EDIT_BOUNDARIES)


def boundary_upload_for_user_or_404(user, uploads: QuerySet[M], upload_id: int) -> M:
    """A boundary file waiting for confirmation: its uploader's alone (and administrators'), while they may
    still upload the province's boundaries."""
    return object_for_user_or_404(
        user,
        uploads.select_related("province"),
        upload_id,
        action=Action.EDIT_BOUNDARIES,
        unit_of=lambda upload: upload.province,
        owner_of=lambda upload: upload.user_id,
    )


def visible_criteria_sets(user, sets: QuerySet[M]) -> QuerySet[M]:
    """Of `sets` (the caller's queryset of criteria sets), what the editor lists: national sets and those of
    the provinces the user edits sets for; nothing for anybody else."""
    if is_admin(user):
        return sets
    if not can(user, Action.EDIT_CRITERIA_SETS):
        return sets.none()
    return sets.filter(Q(issuing_unit__isnull=True) | Q(issuing_unit__in=criteria_set_provinces(user)))


def readable_criteria_sets(user, sets: QuerySet[M]) -> QuerySet[M]:
    """Of `sets`, those the user reads results against: national sets and those of the provinces their units
    lie in (everything for administrators); nothing for a user without a unit."""
    if is_admin(user):
        return sets
    units = [m.unit for m in memberships(user)]
    if not units:
        return sets.none()
    provinces = {unit.province().pk for unit in units}
    return sets.filter(Q(issuing_unit__isnull=True) | Q(issuing_unit__in=provinces))


def criteria_set_for_user_or_404(user, sets: QuerySet[M], set_id: int) -> M:
    """A criteria set the editor shows the user (see visible_criteria_sets); 404 otherwise."""
    obj = visible_criteria_sets(user, sets).select_related("issuing_unit").filter(pk=set_id).first()
    if obj is None:
        raise Http404
    return obj


def object_for_user_or_404(
    user,
    queryset: QuerySet[M],
    pk: int,
    *,
    action: Action | Callable[[M], Action] = Action.VIEW,
    unit_of: Callable[[M], AdministrativeUnit] | None = None,
    owner_of: Callable[[M], int] | None = None,
) -> M:
    """The object of `queryset` with this pk if the user may take `action` on it; 404 otherwise, both when
    it does not exist and when it is not theirs.

    `action` may depend on the object (a deleted file, a draft). `unit_of` leads from the object to its unit
    (None: the action is checked on any unit of the user's). `owner_of` gives the id of the user an object
    belongs to alone; administrators see everybody's.
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    needed = action(obj) if callable(action) else action
    if not can(user, needed, unit_of(obj) if unit_of else None):
        raise Http404
    if owner_of is not None and owner_of(obj) != user.pk and not is_admin(user):
        raise Http404
    return obj


def unit_for_user_or_404(user, unit_id: int) -> AdministrativeUnit:
    return object_for_user_or_404(
        user, AdministrativeUnit.objects.select_related("parent__parent"), unit_id, unit_of=lambda unit: unit
    )


def evidence_for_user_or_404(user, evidence: QuerySet[M], evidence_id: int) -> M:
    """Evidence (of `evidence`, the caller's queryset) of a commune in scope; deleted items only for reviewers."""
    return object_for_user_or_404(
        user,
        evidence.select_related("assessment__unit__parent__parent"),
        evidence_id,
        action=lambda item: Action.VIEW if item.deleted_at is None else Action.SEE_DELETED_EVIDENCE,
        unit_of=lambda item: item.assessment.unit,
    )


def visible_evidence(user, evidence: QuerySet[M], unit: AdministrativeUnit) -> QuerySet[M]:
    """Of a unit's evidence, what the user sees listed: deleted items only for those who may see them."""
    return evidence if can(user, Action.SEE_DELETED_EVIDENCE, unit) else evidence.filter(deleted_at__isnull=True)


def _report_action(report) -> Action:
    return Action.VIEW if report.is_issued else Action.WRITE_REPORT


def report_for_user_or_404(user, reports: QuerySet[M], report_id: int) -> M:
    """A report of a unit in scope; drafts only for those who write reports there."""
    return object_for_user_or_404(
        user,
        reports.select_related("unit__parent__parent"),
        report_id,
        action=_report_action,
        unit_of=lambda report: report.unit,
    )


def render_job_for_user_or_404(user, jobs: QuerySet[M], job_id: int) -> M:
    """A render job of a report the user writes: its requester's alone (and administrators')."""
    return object_for_user_or_404(
        user,
        jobs.select_related("report__unit__parent__parent"),
        job_id,
        action=Action.SEE_RENDER_JOB,
        unit_of=lambda job: job.report.unit,
        owner_of=lambda job: job.requested_by_id,
    )


def download_job_for_user_or_404(user, jobs: QuerySet[M], job_id: int) -> M:
    """A file made by the job queue: its requester's alone (and administrators'), who could see its data
    when asking for it."""
    return object_for_user_or_404(user, jobs, job_id, owner_of=lambda job: job.requested_by_id)


def import_batch_for_user_or_404(user, batches: QuerySet[M], batch_id: int) -> M:
    """An uploaded import: its uploader's alone (and administrators'); 404 for anybody else."""
    return object_for_user_or_404(user, batches, batch_id, action=Action.IMPORT, owner_of=lambda batch: batch.user_id)


def visible_import_batches(user, batches: QuerySet[M]) -> QuerySet[M]:
    """The uploads the import page lists: the user's own (everybody's for administrators)."""
    if is_admin(user):
        return batches
    return batches.filter(user=user) if can_import(user) else batches.none()


def visible_units(user) -> QuerySet[AdministrativeUnit]:
    """Every unit the user may see: narrows list pages and pickers."""
    return units_for_action(user, Action.VIEW)  # every role views its scope


def units_for_action(user, action: Action, *, status: str | None = None) -> QuerySet[AdministrativeUnit]:
    """Every unit the user may take `action` on (on objects now `status`): the units of the memberships whose
    role allows it and everything under them. Counts of work waiting for the user narrow by it."""
    units = AdministrativeUnit.objects.all()
    if is_admin(user):
        return units if _allows(Role.ADMIN, action, status) else units.none()
    ids = [m.unit_id for m in memberships(user) if _allows(m.role, action, status)]
    if not ids:
        return units.none()
    return units.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))


def funding_import_units(user, units: QuerySet[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """Those of `units` the user may import funding records for, with their parents loaded."""
    if not is_admin(user):
        units = units.filter(pk__in=visible_units(user).values("pk"))
    return [unit for unit in units.select_related("parent__parent") if can_import_funding(user, unit)]


def asked_unit_or_404(user, raw: str | None, *, roots: list[AdministrativeUnit]) -> AdministrativeUnit | None:
    """The unit a page's `?unit=` names, if the user may see it (404 otherwise); None when none is named.

    One of the user's own overview roots is theirs by definition and needs no query.
    """
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return next((root for root in roots if root.pk == int(raw)), None) or unit_for_user_or_404(user, int(raw))


def asked_or_default_unit(user, raw: str | None, *, roots: list[AdministrativeUnit]) -> AdministrativeUnit | None:
    """The unit `?unit=` names (404 when it is not the user's), else the user's widest root or their commune."""
    asked = asked_unit_or_404(user, raw, roots=roots)
    return asked or (roots[0] if roots else home_commune(user))


def overview_roots(user) -> list[AdministrativeUnit]:
    """Units a user may open an overview for: provinces and districts in scope, widest first."""
    if is_admin(user):
        return list(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).order_by("name"))
    roots = [
        m.unit
        for m in memberships(user)
        if m.unit.level in (AdministrativeUnit.Level.PROVINCE, AdministrativeUnit.Level.DISTRICT)
    ]
    order = {AdministrativeUnit.Level.PROVINCE: 0, AdministrativeUnit.Level.DISTRICT: 1}
    return sorted({unit.pk: unit for unit in roots}.values(), key=lambda unit: (order[unit.level], unit.name))


def roots_in_scope(user, roots: list[AdministrativeUnit]) -> list[AdministrativeUnit] | None:
    """The overview roots a count over the user's scope runs on; None for administrators, whose scope is
    everywhere (a count needs no join then)."""
    return None if is_admin(user) else roots


def home_commune(user) -> AdministrativeUnit | None:
    """The commune a commune official works for (their start page), if that is all they hold."""
    units = [m.unit for m in memberships(user)]
    if is_admin(user) or not units or any(unit.level != AdministrativeUnit.Level.COMMUNE for unit in units):
        return None
    return units[0]


def is_reader_only(user) -> bool:
    """Leaders who only read: their start page is the dashboard rather than the results grid."""
    roles = {m.role for m in memberships(user)}
    return bool(roles) and roles <= {Role.LEADER} and not is_admin(user)


def report_units(user) -> list[AdministrativeUnit]:
    """Units the user may write reports for: their provinces and districts (all provinces for administrators)."""
    return [unit for unit in overview_roots(user) if can_write_reports(user, unit)]


def visible_reports(user, reports: QuerySet[M]) -> QuerySet[M]:
    """Of `reports`, the issued ones of units in scope and the drafts of the units whose reports the user writes."""
    if is_admin(user):
        return reports
    status = reports.model.Status
    writable = Q()
    for unit in report_units(user):
        writable |= Q(unit=unit) | Q(unit__parent=unit) | Q(unit__parent__parent=unit)
    issued = Q(status=status.ISSUED, unit__in=visible_units(user))
    return reports.filter(issued | (writable & Q(status=status.DRAFT)) if writable else issued)
