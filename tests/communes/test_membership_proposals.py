"""Accounts across the reform: proposals on the two-tier map for memberships on units closed on 30/6/2025, which
change nothing until an administrator accepts them, one by one, with the history recording each decision."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from communes.models import AdministrativeUnit, Membership, MembershipProposal
from communes.services import AlreadyDecided, NotPermitted, membership_proposal_accept, membership_proposal_reject
from ntm_portal.demo.accounts import DEMO_PASSWORD
from ntm_portal.models import ChangeRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_module")]

Role = Membership.Role
CHANGELIST = reverse("admin:communes_membershipproposal_changelist")


def propose(*args) -> str:
    out = io.StringIO()
    call_command("propose_memberships", *args, stdout=out)
    return out.getvalue()


def user(username):
    return get_user_model().objects.get(username=username)


def proposals_of(username):
    return MembershipProposal.objects.filter(membership__user__username=username)


def memberships():
    return sorted(Membership.objects.values_list("user__username", "unit_id", "role"))


@pytest.fixture
def province():
    return AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code="04")


def test_the_command_proposes_the_successors_of_closed_units_and_leaves_the_province_alone(province):
    output = propose()
    # The commune official of Xã Hưng Đạo: the same role on the ward that replaced it.
    (commune,) = proposals_of("xa.hungdao")
    assert (commune.unit.name, commune.role, commune.optional) == ("Phường Thục Phán", Role.COMMUNE_OFFICIAL, False)
    # The city's coordination office: read access on the province, and optional rows for the units that replaced
    # the city's communes.
    district = proposals_of("vpdp.thanhpho")
    assert [(p.unit, p.role) for p in district.filter(optional=False)] == [(province, Role.LEADER)]
    optional = district.filter(optional=True)
    assert optional.count() == 3
    assert {p.role for p in optional} == {Role.COMMUNE_OFFICIAL}
    assert all(p.unit.valid_to is None and p.unit.level == "commune" for p in optional)
    # Memberships on the province, and on units of the two-tier map, need nothing.
    assert not MembershipProposal.objects.filter(membership__unit__valid_to__isnull=True).exists()
    assert set(MembershipProposal.objects.values_list("status", flat=True)) == {MembershipProposal.Status.PROPOSED}
    # Printed in Vietnamese.
    assert "Cán bộ xã · Xã Hưng Đạo → Cán bộ xã · Phường Thục Phán" in output
    assert "(tùy chọn)" in output
    assert "5 đề xuất mới" in output


def test_running_twice_makes_no_duplicates_and_the_dry_run_stores_nothing():
    dry = propose("--dry-run")
    assert not MembershipProposal.objects.exists()
    assert "Phường Thục Phán" in dry
    propose()
    first = sorted(MembershipProposal.objects.values_list("pk", "membership_id", "unit_id", "role"))
    second_output = propose()
    assert sorted(MembershipProposal.objects.values_list("pk", "membership_id", "unit_id", "role")) == first
    assert "0 đề xuất mới, 5 đã đề xuất" in second_output


def test_nothing_changes_before_an_administrator_accepts():
    before = memberships()
    propose()
    assert memberships() == before
    assert not ChangeRecord.objects.filter(action=ChangeRecord.Action.ACCESS).exists()


def test_accepting_creates_the_membership_keeps_the_old_one_and_records_the_history():
    propose()
    proposal = proposals_of("xa.hungdao").get()
    admin = user("quantri")
    membership = membership_proposal_accept(user=admin, proposal=proposal)
    assert (membership.user.username, membership.unit, membership.role) == ("xa.hungdao", proposal.unit, proposal.role)
    assert Membership.objects.filter(pk=proposal.membership_id).exists()  # the old one stays, its unit closed
    proposal.refresh_from_db()
    assert proposal.status == MembershipProposal.Status.ACCEPTED
    assert proposal.decided_by == admin and proposal.decided_at is not None
    (record,) = ChangeRecord.objects.about(user("xa.hungdao")).filter(action=ChangeRecord.Action.ACCESS)
    assert record.user == admin
    assert "Phường Thục Phán" in record.target and "Xã Hưng Đạo" in record.old_value
    with pytest.raises(AlreadyDecided):
        membership_proposal_reject(user=admin, proposal=proposal)
    # Building again proposes nothing new: the person holds the membership now.
    assert "0 đề xuất mới" in propose()


def test_rejecting_creates_nothing_and_records_the_decision():
    propose()
    proposal = proposals_of("xa.hungdao").get()
    before = memberships()
    membership_proposal_reject(user=user("quantri"), proposal=proposal)
    assert memberships() == before
    proposal.refresh_from_db()
    assert proposal.status == MembershipProposal.Status.REJECTED
    assert ChangeRecord.objects.about(user("xa.hungdao")).filter(action=ChangeRecord.Action.ACCESS).count() == 1


def test_only_administrators_decide():
    propose()
    proposal = proposals_of("xa.hungdao").get()
    with pytest.raises(NotPermitted):
        membership_proposal_accept(user=user("vpdp.tinh"), proposal=proposal)
    assert proposals_of("xa.hungdao").get().status == MembershipProposal.Status.PROPOSED


def test_the_admin_lists_the_proposals_and_accepts_the_selected_ones(client):
    propose()
    assert client.login(username="quantri", password=DEMO_PASSWORD)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 5
    chosen = [*proposals_of("vpdp.thanhpho").filter(optional=False), proposals_of("xa.hungdao").get()]
    with translation.override("vi"):
        response = client.post(
            CHANGELIST, {"action": "accept", "_selected_action": [p.pk for p in chosen]}, follow=True
        )
    assert response.status_code == 200
    assert "2 đề xuất đã được chấp nhận" in response.content.decode()
    for proposal in chosen:
        proposal.refresh_from_db()
        assert proposal.status == MembershipProposal.Status.ACCEPTED
        assert Membership.objects.filter(user=proposal.membership.user, unit=proposal.unit, role=proposal.role).exists()
    # The optional rows stay as they were until an administrator chooses.
    assert set(proposals_of("vpdp.thanhpho").filter(optional=True).values_list("status", flat=True)) == {"proposed"}
    assert ChangeRecord.objects.filter(action=ChangeRecord.Action.ACCESS).count() == 2

    rejected = proposals_of("vpdp.thanhpho").filter(optional=True).first()
    client.post(CHANGELIST, {"action": "reject", "_selected_action": [rejected.pk]})
    rejected.refresh_from_db()
    assert rejected.status == MembershipProposal.Status.REJECTED


def test_staff_who_are_not_administrators_cannot_see_or_decide(client):
    propose()
    officer = user("vpdp.tinh")
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.set(
        Permission.objects.filter(content_type=ContentType.objects.get_for_model(MembershipProposal))
    )
    assert client.login(username="vpdp.tinh", password=DEMO_PASSWORD)
    before = memberships()
    assert client.get(CHANGELIST).status_code == 403
    proposal = proposals_of("xa.hungdao").get()
    response = client.post(CHANGELIST, {"action": "accept", "_selected_action": [proposal.pk]})
    assert response.status_code == 403
    assert memberships() == before
    assert proposals_of("xa.hungdao").get().status == MembershipProposal.Status.PROPOSED
