"""The profile page and the API token: made, shown once, replaced and revoked after a confirmation, each change
a security event; whatever used a replaced or revoked token is refused from then on."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from communes.models import SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(world, client):
    client.force_login(world.users["official_a"])
    return world.users["official_a"]


def api_status(key: str, client) -> int:
    return client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}").status_code


def events(user) -> list[tuple[str, str]]:
    """The user's token events (signing in is one too)."""
    tokens = SecurityEvent.objects.filter(user=user, kind__startswith="api_token")
    return list(tokens.order_by("pk").values_list("kind", "detail"))


def test_the_profile_page_shows_the_account_and_offers_a_token(official, client):
    page = client.get(reverse("profile")).content.decode()
    assert "Tài khoản của bạn" in page
    assert "Cán bộ xã · Xã Hưng Đạo" in page
    assert "Bạn chưa có token." in page
    assert 'action="/accounts/profile/api-token/"' in page
    # Every page of the portal leads there.
    assert reverse("profile") in client.get(reverse("password_change")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in ("profile", "api_token_create", "api_token_revoke"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_new_token_is_shown_once_and_opens_the_api(official, client):
    response = client.post(reverse("api_token_create"))
    assert response.status_code == 200
    key = Token.objects.get(user=official).key
    page = response.content.decode()
    assert key in page
    assert "Hãy sao chép ngay: token sẽ không được hiển thị lại." in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert events(official) == [(SecurityEvent.Kind.API_TOKEN_CREATED, "")]
    later = client.get(reverse("profile")).content.decode()
    assert key not in later
    assert "Bạn đã có một token, tạo lúc" in later
    assert api_status(key, client) == 200


def test_replacing_the_token_asks_first_and_the_old_key_stops_working(official, client):
    client.post(reverse("api_token_create"))
    old = Token.objects.get(user=official).key
    ask = client.get(reverse("api_token_create"))
    assert "Token đang dùng sẽ ngừng hoạt động ngay" in ask.content.decode()
    assert Token.objects.get(user=official).key == old  # asking changes nothing
    new = client.post(reverse("api_token_create"))
    key = Token.objects.get(user=official).key
    assert key != old and key in new.content.decode()
    assert api_status(old, client) == 401
    assert api_status(key, client) == 200
    assert events(official)[-1] == (SecurityEvent.Kind.API_TOKEN_CREATED, "Token trước đó đã được thay thế.")


def test_revoking_asks_first_and_then_the_key_is_refused(official, client):
    client.post(reverse("api_token_create"))
    key = Token.objects.get(user=official).key
    ask = client.get(reverse("api_token_revoke"))
    assert "Thu hồi token API của bạn?" in ask.content.decode()
    assert api_status(key, client) == 200
    response = client.post(reverse("api_token_revoke"), follow=True)
    assert "Token API của bạn đã được thu hồi." in response.content.decode()
    assert not Token.objects.filter(user=official).exists()
    assert api_status(key, client) == 401
    assert [kind for kind, _detail in events(official)][-1] == SecurityEvent.Kind.API_TOKEN_REVOKED
    # Nothing left to revoke: back to the profile, and nothing recorded.
    assert client.get(reverse("api_token_revoke"))["Location"] == reverse("profile")
    client.post(reverse("api_token_revoke"))
    assert [kind for kind, _detail in events(official)].count(SecurityEvent.Kind.API_TOKEN_REVOKED) == 1


def test_a_token_is_its_owners_alone(world, client):
    client.force_login(world.users["official_b"])
    client.post(reverse("api_token_create"))
    client.force_login(world.users["official_a"])
    client.post(reverse("api_token_revoke"))
    assert Token.objects.filter(user=world.users["official_b"]).exists()
