"""The security audit: each kind of event is recorded with the user, the time and the address, for admins only."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communes.models import Membership, SecurityEvent
from criteria.models import Evidence
from tests.criteria.test_evidence import YEAR, pdf_bytes, upload
from tests.personas import PASSWORD

Kind = SecurityEvent.Kind
CHANGELIST = reverse("admin:communes_securityevent_changelist")
ADDRESS = "203.0.113.7"


@pytest.fixture
def site_admin(world):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def sign_in(client, username, password=PASSWORD, address=ADDRESS):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def only_event(kind, **filters) -> SecurityEvent:
    event = SecurityEvent.objects.get(kind=kind, **filters)
    assert abs(timezone.now() - event.at) < datetime.timedelta(minutes=1)
    return event


def test_a_sign_in_and_a_sign_out_are_recorded(client, world):
    assert sign_in(client, "official_a").status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)

    for kind in (Kind.SIGN_IN, Kind.SIGN_OUT):
        event = only_event(kind)
        assert (event.user, event.username, event.address) == (world.users["official_a"], "official_a", ADDRESS)


def test_a_failed_sign_in_keeps_the_name_tried(client, world):
    sign_in(client, "official_a", "sai-mat-khau")
    sign_in(client, "khong-co-ai", "sai-mat-khau", "198.51.100.2")

    known = only_event(Kind.SIGN_IN_FAILED, username="official_a")
    assert (known.user, known.address) == (world.users["official_a"], ADDRESS)
    unknown = only_event(Kind.SIGN_IN_FAILED, username="khong-co-ai")
    assert (unknown.user, unknown.address) == (None, "198.51.100.2")
    assert not SecurityEvent.objects.filter(kind=Kind.SIGN_IN).exists()


def test_a_lockout_is_recorded(client, world):
    for _ in range(5):
        sign_in(client, "official_a", "sai-mat-khau")
    event = only_event(Kind.LOCKOUT)
    assert (event.user, event.username, event.address) == (world.users["official_a"], "official_a", ADDRESS)
    assert SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).count() == 5


def test_memberships_changed_in_the_admin_are_recorded_with_who_changed_them(client, world, site_admin):
    client.force_login(site_admin)
    official = world.users["official_b"]
    added = client.post(
        reverse("admin:communes_membership_add"),
        {"user": official.pk, "unit": world.commune_a.pk, "role": Membership.Role.COMMUNE_OFFICIAL},
        REMOTE_ADDR=ADDRESS,
    )
    assert added.status_code == 302
    membership = Membership.objects.get(user=official, unit=world.commune_a)

    created = only_event(Kind.PERMISSION_CHANGE, detail__startswith="Tạo phân công")
    assert (created.user, created.by, created.address) == (official, site_admin, ADDRESS)
    assert "Cán bộ xã" in created.detail
    assert "Xã Hưng Đạo" in created.detail

    client.post(
        reverse("admin:communes_membership_change", args=[membership.pk]),
        {"user": official.pk, "unit": world.commune_a.pk, "role": Membership.Role.LEADER},
        REMOTE_ADDR=ADDRESS,
    )
    changed = only_event(Kind.PERMISSION_CHANGE, detail__startswith="Sửa phân công")
    assert changed.by == site_admin
    before, after = changed.detail.split(" → ")
    assert "Xã Hưng Đạo" in before and "Xã Hưng Đạo" in after and before != after

    client.post(reverse("admin:communes_membership_delete", args=[membership.pk]), {"post": "yes"})
    deleted = only_event(Kind.PERMISSION_CHANGE, detail__startswith="Xoá phân công")
    assert (deleted.user, deleted.by) == (official, site_admin)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_staff_and_superuser_flags_groups_and_permissions_are_recorded(world):
    user = world.users["leader"]
    user.is_staff = True
    user.save()
    flags = only_event(Kind.PERMISSION_CHANGE, user=user)
    assert flags.detail.count("→") == 1

    group = Group.objects.create(name="Biên tập")
    user.groups.add(group)
    assert SecurityEvent.objects.filter(kind=Kind.PERMISSION_CHANGE, user=user, detail__contains="Biên tập").exists()
    permission = Permission.objects.get(codename="view_securityevent")
    user.user_permissions.add(permission)
    group.user_set.remove(user)
    assert SecurityEvent.objects.filter(kind=Kind.PERMISSION_CHANGE, user=user).count() == 4

    # Saving without touching the flags records nothing, e.g. the last sign-in time.
    user.first_name = "Lãnh đạo"
    user.save()
    assert SecurityEvent.objects.filter(kind=Kind.PERMISSION_CHANGE, user=user).count() == 4


def test_an_evidence_download_and_a_dossier_download_are_recorded(client, world):
    client.force_login(world.users["official_a"])
    upload(client, world, [SimpleUploadedFile("bien-ban.pdf", pdf_bytes())])
    evidence = Evidence.objects.get()

    response = client.get(reverse("criteria:evidence_download", args=[evidence.pk]), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    event = only_event(Kind.EVIDENCE_DOWNLOAD)
    assert (event.user, event.address) == (world.users["official_a"], ADDRESS)
    assert str(evidence.pk) in event.detail and "bien-ban.pdf" in event.detail

    dossier = reverse("criteria:dossier", kwargs={"unit_id": world.commune_a.pk, "year": YEAR})
    response = client.get(dossier, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = only_event(Kind.DOSSIER_DOWNLOAD)
    assert (event.user, event.address) == (world.users["official_a"], ADDRESS)
    assert str(evidence.assessment_id) in event.detail


def test_a_refused_download_is_not_recorded(client, world):
    client.force_login(world.users["official_a"])
    upload(client, world, [SimpleUploadedFile("bien-ban.pdf", pdf_bytes())])
    evidence = Evidence.objects.get()
    client.force_login(world.users["official_b"])
    assert client.get(reverse("criteria:evidence_download", args=[evidence.pk])).status_code == 404
    assert not SecurityEvent.objects.filter(kind=Kind.EVIDENCE_DOWNLOAD).exists()


def test_a_password_reset_request_and_its_completion_are_recorded(client, world):
    user = world.users["official_a"]
    user.email = "can.bo.xa@example.vn"
    user.save()
    client.post(reverse("password_reset"), {"email": user.email}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("password_reset"), {"email": "khong.co@example.vn"}, REMOTE_ADDR=ADDRESS)

    requested = only_event(Kind.PASSWORD_RESET_REQUEST, user=user)
    assert (requested.address, requested.detail) == (ADDRESS, user.email)
    assert only_event(Kind.PASSWORD_RESET_REQUEST, user=None).detail == "khong.co@example.vn"

    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form = client.get(link.strip(), follow=True, REMOTE_ADDR=ADDRESS)
    new_password = "Doi-mat-khau-moi-2026"
    client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}, REMOTE_ADDR=ADDRESS
    )
    completed = only_event(Kind.PASSWORD_RESET_COMPLETE)
    assert (completed.user, completed.address) == (user, ADDRESS)


def test_the_address_comes_from_x_forwarded_for_only_behind_a_configured_proxy(client, world, settings):
    forwarded = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"192.0.2.99, {ADDRESS}"}
    client.post(reverse("login"), {"username": "official_a", "password": "sai"}, **forwarded)
    assert SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED, username="official_a").address == "10.0.0.1"

    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "official_b", "password": "sai"}, **forwarded)
    assert SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED, username="official_b").address == ADDRESS


def test_admins_see_the_events_and_filter_them(client, world, site_admin):
    sign_in(client, "official_a", "sai-mat-khau")
    sign_in(client, "official_b")
    client.force_login(site_admin)

    page = client.get(CHANGELIST)
    assert page.status_code == 200
    rows = {event.username for event in page.context["cl"].result_list}
    assert {"official_a", "official_b"} <= rows
    failed = client.get(CHANGELIST, {"kind__exact": Kind.SIGN_IN_FAILED})
    assert [event.username for event in failed.context["cl"].result_list] == ["official_a"]
    searched = client.get(CHANGELIST, {"q": ADDRESS})
    assert {event.address for event in searched.context["cl"].result_list} == {ADDRESS}

    event = SecurityEvent.objects.first()
    assert client.get(reverse("admin:communes_securityevent_change", args=[event.pk])).status_code == 200
    deleted = client.post(reverse("admin:communes_securityevent_delete", args=[event.pk]), {"post": "yes"})
    assert deleted.status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    assert client.get(reverse("admin:communes_securityevent_add")).status_code == 403


@pytest.mark.parametrize("role", ["province_staff", "district_staff", "official_a", "leader"])
def test_non_admins_cannot_see_the_events(client, world, role):
    user = world.users[role]
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403
    event = SecurityEvent.objects.first()
    assert client.get(reverse("admin:communes_securityevent_change", args=[event.pk])).status_code == 403
