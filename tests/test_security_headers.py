"""Every response carries the security headers, and the session and CSRF cookies are HttpOnly and SameSite; a
session ends after the idle hours and every request pushes that end on."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

POLICY_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert {directive.strip() for directive in policy.split(";")} >= set(POLICY_DIRECTIVES), policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/accounts/login/", 200), ("/", 302), ("/results/", 302), ("/does-not-exist/", 404), ("/admin/", 302)],
)
def test_anonymous_answers_carry_the_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_the_pages_of_a_signed_in_user_carry_the_headers(client, world):
    client.force_login(world.users["province_staff"])
    commune = world.commune_a
    for path in (
        reverse("home"),
        reverse("criteria:grid"),
        reverse("criteria:commune", kwargs={"unit_id": commune.pk, "year": 2021}),
        reverse("criteria:evidence", kwargs={"unit_id": commune.pk, "year": 2021}),
        reverse("funding:summary"),
        reverse("reports:dashboard"),
        reverse("reports:list"),
        reverse("import_start"),
        reverse("criteria:set_list"),
    ):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert_security_headers(response)


def test_the_admin_and_a_refused_sign_in_carry_the_headers(client, admin_client):
    assert_security_headers(admin_client.get(reverse("admin:communes_administrativeunit_changelist")))
    refused = client.post(reverse("login"), {"username": "nobody", "password": "sai-mat-khau-1"})
    assert refused.status_code == 200
    assert_security_headers(refused)


def test_session_and_csrf_cookies_are_httponly_samesite_and_end_with_the_browser(client, world):
    page = client.get(reverse("login"))
    csrf = page.cookies["csrftoken"]
    assert (csrf["httponly"], csrf["samesite"]) == (True, "Lax")
    signed_in = client.post(reverse("login"), {"username": "official_a", "password": PASSWORD})
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert (session["httponly"], session["samesite"]) == (True, "Lax")
    assert session["max-age"] == "" and session["expires"] == ""  # a browser-session cookie


def _stored_session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_request_pushes_the_idle_expiry_on_and_an_idle_session_is_over(client, world):
    client.login(username="official_a", password=PASSWORD)
    stored = _stored_session(client)
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=stored.pk).update(expire_date=soon)

    assert client.get(reverse("home"), follow=True).status_code == 200
    pushed_on = _stored_session(client).expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < pushed_on <= datetime.timedelta(hours=8)

    Session.objects.filter(pk=stored.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
