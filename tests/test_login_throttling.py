"""Login throttling (django-axes): 5 wrong passwords for one account, or from one address, lock it for 15 minutes."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.urls import reverse

from tests.personas import PASSWORD

LOGIN = reverse("login")
LOCKED_MESSAGE = "Tài khoản bị tạm khoá 15 phút sau 5 lần nhập sai mật khẩu"
CONTACT = "liên hệ Văn phòng Điều phối (quản trị viên của Cổng) để mở khoá tài khoản"


def sign_in(client, username: str, password: str, address: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, address: str, times: int) -> list[int]:
    return [sign_in(client, username, "sai-mat-khau", address).status_code for _ in range(times)]


@pytest.fixture
def site_admin(world):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def test_six_wrong_passwords_lock_the_account_with_a_vietnamese_message(client, world):
    # The first four are the sign-in form again; the fifth reaches the limit and locks.
    assert fail(client, "official_a", "10.0.0.1", 5) == [200, 200, 200, 200, 429]

    sixth = sign_in(client, "official_a", "sai-mat-khau", "10.0.0.1")
    assert sixth.status_code == 429
    assert LOCKED_MESSAGE in sixth.content.decode()

    right = sign_in(client, "official_a", PASSWORD, "10.0.0.1")
    page = right.content.decode()
    assert right.status_code == 429
    assert LOCKED_MESSAGE in page
    assert CONTACT in page
    assert not signed_in(client)


def test_the_right_password_from_another_address_is_refused_too_while_the_account_is_locked(client, world):
    fail(client, "official_a", "10.0.0.1", 5)
    assert sign_in(client, "official_a", PASSWORD, "10.0.0.9").status_code == 429
    assert not signed_in(client)


def test_another_account_from_another_address_is_not_locked(client, world):
    fail(client, "official_a", "10.0.0.1", 6)
    response = sign_in(client, "official_b", PASSWORD, "10.0.0.2")
    assert response.status_code == 302
    assert signed_in(client)


def test_five_failures_from_one_address_across_usernames_lock_that_address(client, world):
    statuses = [sign_in(client, name, "sai-mat-khau", "10.0.0.3").status_code for name in ("a", "b", "c", "d", "e")]
    assert statuses[-1] == 429

    # official_b never failed, yet from that address it is refused; from another it signs in.
    locked = sign_in(client, "official_b", PASSWORD, "10.0.0.3")
    assert locked.status_code == 429
    assert LOCKED_MESSAGE in locked.content.decode()
    assert sign_in(client, "official_b", PASSWORD, "10.0.0.4").status_code == 302


def test_four_failures_then_the_right_password_sign_in_and_clear_the_count(client, world):
    fail(client, "official_a", "10.0.0.1", 4)
    assert sign_in(client, "official_a", PASSWORD, "10.0.0.1").status_code == 302
    assert not AccessAttempt.objects.filter(username="official_a").exists()


def test_after_the_cool_off_the_right_password_signs_in(client, world):
    fail(client, "official_a", "10.0.0.1", 6)
    assert sign_in(client, "official_a", PASSWORD, "10.0.0.1").status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))

    assert sign_in(client, "official_a", PASSWORD, "10.0.0.1").status_code == 302
    assert signed_in(client)


def test_fourteen_minutes_later_the_account_is_still_locked(client, world):
    fail(client, "official_a", "10.0.0.1", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=14))
    assert sign_in(client, "official_a", PASSWORD, "10.0.0.1").status_code == 429


def test_the_lockout_is_listed_in_the_admin(client, world, site_admin):
    fail(client, "official_a", "10.0.0.1", 5)
    client.force_login(site_admin)

    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "official_a" in attempts
    assert "10.0.0.1" in attempts
    failures = client.get(reverse("admin:axes_accessfailurelog_changelist"), {"locked_out__exact": "1"})
    assert "official_a" in failures.content.decode()
    assert AccessFailureLog.objects.filter(username="official_a", locked_out=True).count() == 1


def test_an_admin_unlocks_the_account_and_the_user_signs_in(client, world, site_admin):
    fail(client, "official_a", "10.0.0.1", 5)
    attempt = AccessAttempt.objects.get(username="official_a")

    client.force_login(site_admin)
    deleted = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    client.logout()

    assert sign_in(client, "official_a", PASSWORD, "10.0.0.1").status_code == 302
    assert signed_in(client)


def test_axes_reset_username_unlocks_the_account(client, world):
    from django.core.management import call_command

    fail(client, "official_a", "10.0.0.1", 5)
    call_command("axes_reset_username", "official_a")
    assert sign_in(client, "official_a", PASSWORD, "10.0.0.1").status_code == 302


def test_a_commune_official_cannot_unlock(client, world):
    fail(client, "official_a", "10.0.0.1", 5)
    official = world.users["official_b"]
    official.is_staff = True
    official.save()
    attempt = AccessAttempt.objects.get(username="official_a")

    client.force_login(official)
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_test_client_login_is_throttled_like_the_sign_in_page(client, world):
    for _ in range(5):
        assert not client.login(username="official_a", password="sai-mat-khau")
    assert not client.login(username="official_a", password=PASSWORD)
