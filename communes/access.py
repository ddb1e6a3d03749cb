"""The only place that decides who may see and change what.

A user's scope is the union of the units of their memberships and everything under them. Objects outside
the scope do not exist for the user: lookups answer 404, exactly as for an object that does not exist.
Administrators (superusers or members with the admin role) see and change everything.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from communes.models import AdministrativeUnit, Membership
from criteria.models import Evidence
from ntm_portal.models import ImportBatch
from reports.models import Report

Role = Membership.Role

# Roles that enter results (in draft); leaders only read.
EDITOR_ROLES = frozenset({Role.PROVINCE_STAFF, Role.DISTRICT_STAFF, Role.COMMUNE_OFFICIAL})

# Who may take each workflow step (the steps themselves are in criteria/workflow.py).
TRANSITION_ROLES = {
    "submit": frozenset({Role.COMMUNE_OFFICIAL, Role.DISTRICT_STAFF, Role.PROVINCE_STAFF}),
    "verify": frozenset({Role.DISTRICT_STAFF}),
    "approve": frozenset({Role.PROVINCE_STAFF}),
    "return": frozenset({Role.DISTRICT_STAFF, Role.PROVINCE_STAFF}),
    "unlock": frozenset({Role.PROVINCE_STAFF}),
}
# A district office may send back what a commune submitted, not what it has itself verified.
RETURN_STATUSES_BY_ROLE = {Role.DISTRICT_STAFF: frozenset({"submitted"}), Role.PROVINCE_STAFF: None}


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


def roles_on(user, unit: AdministrativeUnit) -> set[str]:
    """The roles the user holds on this unit through it or one of its ancestors."""
    if is_admin(user):
        return {Role.ADMIN, *EDITOR_ROLES, Role.LEADER}
    lineage = _lineage(unit)
    return {m.role for m in memberships(user) if m.unit_id in lineage}


def can_view(user, unit: AdministrativeUnit) -> bool:
    return bool(roles_on(user, unit))


def can_edit_results(user, unit: AdministrativeUnit) -> bool:
    return bool(roles_on(user, unit) & (EDITOR_ROLES | {Role.ADMIN}))


# Staff who review evidence (and restore what was deleted); commune officials upload but do not review.
REVIEWER_ROLES = frozenset({Role.PROVINCE_STAFF, Role.DISTRICT_STAFF})


def can_upload_evidence(user, unit: AdministrativeUnit) -> bool:
    return can_edit_results(user, unit)


def can_review_evidence(user, unit: AdministrativeUnit) -> bool:
    return bool(roles_on(user, unit) & (REVIEWER_ROLES | {Role.ADMIN}))


def can_check_funding(user, unit: AdministrativeUnit) -> bool:
    """Who sees the consistency warnings of funding figures: the staff who enter and correct them."""
    return can_review_evidence(user, unit)


def can_import_funding(user, unit: AdministrativeUnit) -> bool:
    """Who may import funding records of a unit: the coordination-office staff who enter the figures."""
    return bool(roles_on(user, unit) & (REVIEWER_ROLES | {Role.ADMIN}))


def funding_import_units(user, units: QuerySet[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """Those of `units` the user may import funding records for, with their parents loaded."""
    if not is_admin(user):
        units = units.filter(pk__in=visible_units(user).values("pk"))
    return [unit for unit in units.select_related("parent__parent") if can_import_funding(user, unit)]


def evidence_for_user_or_404(user, evidence_id: int) -> Evidence:
    """Evidence the user may see: of a commune in scope; deleted items only for reviewers."""
    evidence = (
        Evidence.objects.select_related("assessment__unit__parent__parent", "assessment__criteria_set", "criterion")
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None or not can_view(user, evidence.assessment.unit):
        raise Http404
    if evidence.deleted_at is not None and not can_review_evidence(user, evidence.assessment.unit):
        raise Http404
    return evidence


def can_transition(user, unit: AdministrativeUnit, transition: str, *, status: str) -> bool:
    roles = roles_on(user, unit)
    if Role.ADMIN in roles:
        return True
    allowed = roles & TRANSITION_ROLES.get(transition, frozenset())
    if transition == "return":
        return any(RETURN_STATUSES_BY_ROLE[role] is None or status in RETURN_STATUSES_BY_ROLE[role] for role in allowed)
    return bool(allowed)


def visible_units(user) -> QuerySet[AdministrativeUnit]:
    """Every unit the user may see: narrows list pages and pickers."""
    units = AdministrativeUnit.objects.all()
    if is_admin(user):
        return units
    ids = [m.unit_id for m in memberships(user)]
    if not ids:
        return units.none()
    return units.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))


def unit_for_user_or_404(user, unit_id: int) -> AdministrativeUnit:
    """The unit if the user may see it; 404 both when it does not exist and when it is not theirs."""
    unit = AdministrativeUnit.objects.select_related("parent__parent").filter(pk=unit_id).first()
    if unit is None or not can_view(user, unit):
        raise Http404
    return unit


def asked_unit_or_404(user, raw: str | None, *, roots: list[AdministrativeUnit]) -> AdministrativeUnit | None:
    """The unit a page's `?unit=` names, if the user may see it (404 otherwise); None when none is named.

    One of the user's own overview roots is theirs by definition and needs no query.
    """
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return next((root for root in roots if root.pk == int(raw)), None) or unit_for_user_or_404(user, int(raw))


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


def home_commune(user) -> AdministrativeUnit | None:
    """The commune a commune official works for (their start page), if that is all they hold."""
    units = [m.unit for m in memberships(user)]
    if is_admin(user) or not units or any(unit.level != AdministrativeUnit.Level.COMMUNE for unit in units):
        return None
    return units[0]


# Staff who import files of results and funding for their province or district.
IMPORTER_ROLES = frozenset({Role.PROVINCE_STAFF, Role.DISTRICT_STAFF})


def can_import(user) -> bool:
    """Who opens the import page; each row is then checked against the unit it names."""
    return is_admin(user) or any(m.role in IMPORTER_ROLES for m in memberships(user))


def import_batch_for_user_or_404(user, batch_id: int) -> ImportBatch:
    """An uploaded import: its uploader's alone (and administrators'); 404 for anybody else."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or not can_import(user) or (batch.user_id != user.pk and not is_admin(user)):
        raise Http404
    return batch


# Reports: the coordination offices write and issue them; everybody with the unit in scope reads issued ones.
REPORT_WRITER_ROLES = frozenset({Role.PROVINCE_STAFF, Role.DISTRICT_STAFF})


def can_write_reports(user, unit: AdministrativeUnit) -> bool:
    return bool(roles_on(user, unit) & (REPORT_WRITER_ROLES | {Role.ADMIN}))


def can_issue_reports(user, unit: AdministrativeUnit) -> bool:
    return can_write_reports(user, unit)


def report_for_user_or_404(user, report_id: int) -> Report:
    """A report of a unit in scope; drafts only for those who write reports there."""
    report = Report.objects.select_related("unit__parent__parent").filter(pk=report_id).first()
    if report is None or not can_view(user, report.unit):
        raise Http404
    if not report.is_issued and not can_write_reports(user, report.unit):
        raise Http404
    return report


def report_units(user) -> list[AdministrativeUnit]:
    """Units the user may write reports for: their provinces and districts (all provinces for administrators)."""
    return [unit for unit in overview_roots(user) if can_write_reports(user, unit)]


def is_reader_only(user) -> bool:
    """Leaders who only read: their start page is the dashboard rather than the results grid."""
    roles = {m.role for m in memberships(user)}
    return bool(roles) and roles <= {Role.LEADER} and not is_admin(user)


def visible_reports(user) -> QuerySet[Report]:
    """Issued reports of units in scope, and drafts of the units whose reports the user writes."""
    reports = Report.objects.select_related("unit", "created_by")
    if is_admin(user):
        return reports
    writable = Q()
    for unit in report_units(user):
        writable |= Q(unit=unit) | Q(unit__parent=unit) | Q(unit__parent__parent=unit)
    issued = Q(status=Report.Status.ISSUED, unit__in=visible_units(user))
    return reports.filter(issued | (writable & Q(status=Report.Status.DRAFT)) if writable else issued)
