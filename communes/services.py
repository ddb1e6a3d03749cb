"""Writes of the communes app: moving accounts onto the two-tier map of 1/7/2025, and the units' boundaries."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import access
from communes.audit import membership_created_record
from communes.geojson import boundary_features
from communes.models import AdministrativeUnit, BoundaryUpload, Membership, MembershipProposal, UnitBoundary
from communes.selectors import (
    BoundaryMatch,
    boundary_match,
    district_successor_communes,
    memberships_on_closed_units,
    surviving_province,
)
from ntm_portal.models import ChangeRecord

Level = AdministrativeUnit.Level
Role = Membership.Role
Status = MembershipProposal.Status


class NotPermitted(Exception):
    pass


class AlreadyDecided(Exception):
    pass


@dataclass(frozen=True)
class ProposedMembership:
    membership: Membership
    unit: AdministrativeUnit
    role: str
    optional: bool = False


def membership_proposals_plan() -> list[ProposedMembership]:
    """What to propose for each membership on a closed unit; memberships the person already holds are left out.

    A commune's people get the same role on each commune that replaced it. A district's people get read access
    (leader) on the province, and, as optional rows an administrator chooses among, the role of a commune
    official (a leader stays a leader) on the communes that replaced the district's communes.
    """
    held = set(Membership.objects.values_list("user_id", "unit_id", "role"))
    plan: list[ProposedMembership] = []
    for membership in memberships_on_closed_units():
        unit = membership.unit
        if unit.level == Level.COMMUNE:
            rows = [
                ProposedMembership(membership, new, membership.role)
                for new in unit.successors.filter(level=Level.COMMUNE, valid_to__isnull=True).order_by("code")
            ]
        else:
            commune_role = Role.LEADER if membership.role == Role.LEADER else Role.COMMUNE_OFFICIAL
            rows = [ProposedMembership(membership, province, Role.LEADER) for province in surviving_province(unit)]
            rows += [
                ProposedMembership(membership, commune, commune_role, optional=True)
                for commune in district_successor_communes(unit)
            ]
        plan += [row for row in rows if (membership.user_id, row.unit.pk, row.role) not in held]
    return plan


@transaction.atomic
def membership_proposals_build() -> tuple[list[MembershipProposal], int]:
    """Store the plan's proposals; running it again adds only what is new. Returns (new proposals, existing)."""
    existing = set(MembershipProposal.objects.values_list("membership_id", "unit_id", "role"))
    plan = membership_proposals_plan()
    new = [
        MembershipProposal(membership=row.membership, unit=row.unit, role=row.role, optional=row.optional)
        for row in plan
        if (row.membership.pk, row.unit.pk, row.role) not in existing
    ]
    MembershipProposal.objects.bulk_create(new, ignore_conflicts=True)
    return new, len(plan) - len(new)


def _decide(*, user: AbstractBaseUser, proposal: MembershipProposal, status: str) -> MembershipProposal:
    if not access.is_admin(user):
        raise NotPermitted(_("Only administrators decide on membership proposals."))
    proposal = MembershipProposal.objects.select_for_update().select_related("membership__user").get(pk=proposal.pk)
    if proposal.status != Status.PROPOSED:
        raise AlreadyDecided(_("This proposal has already been decided."))
    proposal.status = status
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def _record(*, user: AbstractBaseUser, proposal: MembershipProposal, comment: str) -> None:
    """A row in the history of the person whose access the proposal was about."""
    person = proposal.membership.user
    ChangeRecord.objects.create(
        user=user,
        subject_type=ContentType.objects.get_for_model(person),
        subject_id=person.pk,
        action=ChangeRecord.Action.ACCESS,
        target=f"{proposal.get_role_display()} · {proposal.unit}"[:120],
        old_value=str(proposal.membership),
        new_value=proposal.get_status_display(),
        comment=comment,
    )


@transaction.atomic
def membership_proposal_accept(*, user: AbstractBaseUser, proposal: MembershipProposal) -> Membership:
    """Create the proposed membership; the old one stays, on its closed unit."""
    proposal = _decide(user=user, proposal=proposal, status=Status.ACCEPTED)
    membership, created = Membership.objects.get_or_create(
        user=proposal.membership.user, unit=proposal.unit, role=proposal.role
    )
    if created:
        membership_created_record(by=user, membership=membership)
    _record(user=user, proposal=proposal, comment=_("Membership created after the reform of 1/7/2025."))
    return membership


@transaction.atomic
def membership_proposal_reject(*, user: AbstractBaseUser, proposal: MembershipProposal) -> MembershipProposal:
    proposal = _decide(user=user, proposal=proposal, status=Status.REJECTED)
    _record(user=user, proposal=proposal, comment=_("Membership proposal rejected."))
    return proposal


def boundary_upload_check(
    *,
    province: AdministrativeUnit,
    map_kind: str,
    content: bytes,
    file_name: str,
    code_property: str,
    actor: AbstractBaseUser,
) -> BoundaryUpload:
    """Read a GeoJSON file of the province's boundaries and keep its features for the preview; no unit's
    outline changes until the upload is confirmed. A file with errors raises BoundaryFileError and is not kept.
    """
    if not access.can(actor, access.Action.EDIT_BOUNDARIES, province):
        raise NotPermitted(_("Only the province's staff upload its commune boundaries."))
    features = boundary_features(content, code_property=code_property)
    return BoundaryUpload.objects.create(
        province=province,
        map=map_kind,
        file_name=file_name[:255],
        code_property=code_property,
        features=[{"code": each.code, "name": each.name, "geometry": each.geometry} for each in features],
        user=actor,
    )


@transaction.atomic
def boundary_upload_apply(*, upload: BoundaryUpload, actor: AbstractBaseUser) -> BoundaryMatch:
    """Give every matched unit the file's outline; the outline it replaces is kept, marked replaced by whom."""
    upload = BoundaryUpload.objects.select_for_update().select_related("province").get(pk=upload.pk)
    if upload.status != BoundaryUpload.Status.CHECKED:
        raise AlreadyDecided(_("This file has already been applied."))
    if not access.can(actor, access.Action.EDIT_BOUNDARIES, upload.province):
        raise NotPermitted(_("Only the province's staff upload its commune boundaries."))
    match = boundary_match(upload)
    now = timezone.now()
    units = [unit for unit, _feature in match.matched]
    UnitBoundary.objects.filter(unit__in=units, replaced_at__isnull=True).update(replaced_at=now, replaced_by=actor)
    UnitBoundary.objects.bulk_create(
        UnitBoundary(unit=unit, geometry=feature["geometry"], source_file=upload.file_name, uploaded_by=actor)
        for unit, feature in match.matched
    )
    upload.status = BoundaryUpload.Status.APPLIED
    upload.applied_at = now
    upload.save(update_fields=["status", "applied_at"])
    return match
