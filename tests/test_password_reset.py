"""Password reset by e-mail: a link that works once, expires, and a page that says nothing about unknown addresses."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.personas import PASSWORD

RESET = reverse("password_reset")
NEW_PASSWORD = "Doi-mat-khau-moi-2026"
SENT_PAGE = "Nếu có tài khoản dùng địa chỉ bạn vừa nhập, chúng tôi đã gửi"
EXPIRED = "Liên kết đặt lại mật khẩu này không hợp lệ, đã hết hạn hoặc đã được dùng."


@pytest.fixture
def official(world):
    user = world.users["official_a"]
    user.email = "can.bo.xa@example.vn"
    user.save()
    return user


def without_csrf_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def reset_link(message) -> str:
    match = re.search(r"https?://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_sign_in_page_links_to_the_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Quên mật khẩu?" in page
    assert f'href="{RESET}"' in page


def test_a_reset_mail_in_vietnamese_leads_to_a_new_password_that_signs_in(client, official):
    response = client.post(RESET, {"email": "can.bo.xa@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert SENT_PAGE in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["can.bo.xa@example.vn"]
    assert message.subject == "Đặt lại mật khẩu trên Cổng thông tin Nông thôn mới"
    assert "Mở liên kết sau để đặt mật khẩu mới" in message.body
    assert "hết hạn sau 2 giờ" in message.body
    assert "Tên đăng nhập của bạn: official_a" in message.body

    # The link redirects to a form under a URL without the token, which the session remembers.
    form_page = client.get(reset_link(message), follow=True)
    assert "Nhập mật khẩu mới hai lần." in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert "Mật khẩu mới đã được đặt." in client.get(done["Location"]).content.decode()

    assert not client.login(username="official_a", password=PASSWORD)
    assert client.login(username="official_a", password=NEW_PASSWORD)


def test_a_used_link_is_refused(client, official):
    client.post(RESET, {"email": official.email})
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)
    assert EXPIRED in again.content.decode()


def test_an_expired_link_is_refused_with_a_vietnamese_message(client, official, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
    generator = default_token_generator
    three_hours_ago = generator._num_seconds(generator._now()) - 3 * 60 * 60
    token = generator._make_token_with_timestamp(official, three_hours_ago, generator.secret)
    uid = urlsafe_base64_encode(force_bytes(official.pk))

    response = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    page = response.content.decode()
    assert EXPIRED in page
    assert "new_password1" not in page

    # The same token within the timeout is accepted: it is the age that refuses it.
    settings.PASSWORD_RESET_TIMEOUT = 4 * 60 * 60
    response = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    assert "new_password1" in response.content.decode()


def test_an_unknown_address_sends_nothing_and_shows_the_same_page(client, official):
    known = client.post(RESET, {"email": official.email}, follow=True)
    mail.outbox.clear()
    unknown = client.post(RESET, {"email": "khong.co@example.vn"}, follow=True)

    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf_tokens(unknown) == without_csrf_tokens(known)
    assert SENT_PAGE in without_csrf_tokens(unknown)


def test_the_new_password_must_pass_the_validators(client, official):
    client.post(RESET, {"email": official.email})
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    refused = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"})
    assert refused.status_code == 200
    assert client.login(username="official_a", password=PASSWORD)
