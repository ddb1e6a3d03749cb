"""The portal frame: signing in and out, the start page of each role, navigation, language, password change."""

import pytest
from django.utils import timezone, translation

from communes.models import AdministrativeUnit, Membership

pytestmark = pytest.mark.django_db

Level, Kind, Role = AdministrativeUnit.Level, AdministrativeUnit.Kind, Membership.Role
PASSWORD = "Hưng-Đạo-2026!"
LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def vietnamese_afterwards():
    # The locale middleware leaves the last request's language active in the thread.
    with translation.override("vi"):
        yield


@pytest.fixture
def units():
    province = AdministrativeUnit.objects.create(
        level=Level.PROVINCE, kind=Kind.PROVINCE, code="04", name="Tỉnh Cao Bằng", short_name="Cao Bằng"
    )
    district = AdministrativeUnit.objects.create(
        level=Level.DISTRICT,
        kind=Kind.PROVINCIAL_CITY,
        code="040",
        name="Thành phố Cao Bằng",
        short_name="Cao Bằng",
        parent=province,
    )
    commune = AdministrativeUnit.objects.create(
        level=Level.COMMUNE,
        kind=Kind.COMMUNE,
        code="01279",
        name="Xã Hưng Đạo",
        short_name="Hưng Đạo",
        parent=district,
        in_programme=True,
    )
    return {"province": province, "district": district, "commune": commune}


@pytest.fixture
def make_user(django_user_model, units):
    def make(username: str, *memberships: tuple[str, str], **fields):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, **fields)
        for role, unit in memberships:
            Membership.objects.create(user=user, unit=units[unit], role=role)
        return user

    return make


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def commune_page(commune: AdministrativeUnit) -> str:
    return f"/communes/{commune.pk}/{timezone.localdate().year}/"


def start_page(client) -> str:
    """Where the home page's "start here" link leads (the home page itself lists the work waiting)."""
    response = client.get("/")
    assert response.status_code == 200
    url = response.context["start"].url
    assert f'href="{url}">Bắt đầu từ đây</a>' in response.content.decode()
    return url


def test_the_login_page_is_in_vietnamese_by_default(client):
    page = client.get(LOGIN_URL).content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Cổng thông tin Nông thôn mới" in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


def test_a_wrong_password_shows_an_error_and_stays_anonymous(client, make_user):
    make_user("can.bo", (Role.PROVINCE_STAFF, "province"))
    response = sign_in(client, "can.bo", "sai-mat-khau")
    assert response.status_code == 200
    assert "Vui lòng điền vào" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").url == f"{LOGIN_URL}?next=/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/"


def test_signing_in_leads_to_the_start_page_and_signing_out_back_to_sign_in(client, make_user, units):
    make_user("xa.hungdao", (Role.COMMUNE_OFFICIAL, "commune"))
    response = sign_in(client, "xa.hungdao")
    assert response.url == "/"
    assert start_page(client) == commune_page(units["commune"])

    response = client.post("/accounts/logout/")
    assert response.url == LOGIN_URL
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("memberships", "fields", "start"),
    [
        ([(Role.COMMUNE_OFFICIAL, "commune")], {}, "commune"),
        ([(Role.DISTRICT_STAFF, "district")], {}, "/results/"),
        ([(Role.PROVINCE_STAFF, "province")], {"is_staff": True}, "/results/"),
        ([(Role.LEADER, "province")], {}, "/dashboard/"),  # leaders read: the dashboard first
        ([(Role.ADMIN, "province")], {}, "/results/"),
        ([], {"is_superuser": True, "is_staff": True}, "/results/"),
    ],
    ids=["commune official", "district staff", "province staff", "leader", "admin role", "superuser"],
)
def test_each_role_starts_on_its_own_page(client, make_user, units, memberships, fields, start):
    make_user("nguoi.dung", *memberships, **fields)
    sign_in(client, "nguoi.dung")
    expected = commune_page(units["commune"]) if start == "commune" else start
    assert start_page(client) == expected


def test_a_user_without_a_unit_is_told_to_contact_the_coordination_office(client, make_user):
    make_user("moi.tao", first_name="Nguyễn Văn An")
    sign_in(client, "moi.tao")
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xin chào Nguyễn Văn An." in page
    assert "chưa được gán đơn vị" in page
    assert "Văn phòng Điều phối" in page


def test_the_navigation_follows_the_role(client, make_user, units):
    make_user("vpdp.tinh", (Role.PROVINCE_STAFF, "province"), first_name="Trần Thị Bình")
    sign_in(client, "vpdp.tinh")
    page = client.get("/accounts/password_change/").content.decode()
    assert 'href="/results/"' in page and 'href="/results/overview/"' in page
    assert "Trần Thị Bình" in page
    assert "Cán bộ Văn phòng Điều phối tỉnh · Tỉnh Cao Bằng" in page

    client.post("/accounts/logout/")
    make_user("xa.hungdao", (Role.COMMUNE_OFFICIAL, "commune"))
    sign_in(client, "xa.hungdao")
    page = client.get("/accounts/password_change/").content.decode()
    assert f'href="{commune_page(units["commune"])}"' in page
    assert 'href="/results/"' not in page
    assert "Cán bộ xã · Xã Hưng Đạo" in page


@pytest.mark.parametrize("is_staff", [True, False])
def test_only_staff_see_the_link_to_the_admin(client, make_user, is_staff):
    make_user("lanh.dao", (Role.LEADER, "province"), is_staff=is_staff)
    sign_in(client, "lanh.dao")
    page = client.get("/accounts/password_change/").content.decode()
    assert ('href="/admin/"' in page) is is_staff


def test_the_password_can_be_changed(client, make_user):
    make_user("vpdp.huyen", (Role.DISTRICT_STAFF, "district"))
    sign_in(client, "vpdp.huyen")
    assert "Mật khẩu cũ" in client.get("/accounts/password_change/").content.decode()

    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "khong-dung", "new_password1": "Bảo-Lạc-9317", "new_password2": "Bảo-Lạc-9317"},
    )
    assert "Mật khẩu cũ không chính xác" in wrong.content.decode()

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Bảo-Lạc-9317", "new_password2": "Bảo-Lạc-9317"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/password_change/done/"
    assert "Đã đổi mật khẩu" in response.content.decode()

    client.post("/accounts/logout/")
    assert sign_in(client, "vpdp.huyen").status_code == 200  # the old password no longer works
    assert sign_in(client, "vpdp.huyen", "Bảo-Lạc-9317").url == "/"


def test_the_language_switch_turns_the_page_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    assert response.url == LOGIN_URL
    page = client.get(LOGIN_URL).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page and "New Rural Areas Portal" in page
    assert "Đăng nhập" not in page

    client.post("/i18n/setlang/", {"language": "vi", "next": LOGIN_URL})
    page = client.get(LOGIN_URL).content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page


def test_the_language_switch_returns_to_the_current_page(client, make_user):
    make_user("lanh.dao", (Role.LEADER, "province"))
    sign_in(client, "lanh.dao")
    page = client.get("/accounts/password_change/?x=1").content.decode()
    assert '<input type="hidden" name="next" value="/accounts/password_change/?x=1">' in page


@pytest.mark.parametrize("extra_memberships", [0, 2])
def test_the_frame_costs_a_fixed_small_number_of_queries(
    client, make_user, units, django_assert_max_num_queries, extra_memberships
):
    memberships = [(Role.LEADER, "province"), (Role.DISTRICT_STAFF, "district"), (Role.LEADER, "commune")]
    make_user("lanh.dao", *memberships[: 1 + extra_memberships], is_staff=True)
    sign_in(client, "lanh.dao")
    # Session, user, memberships with their units; then the session's pushed-on idle expiry
    # (SESSION_SAVE_EVERY_REQUEST: an UPDATE, inside a savepoint in the test's transaction).
    with django_assert_max_num_queries(6):
        response = client.get("/accounts/password_change/")
    assert response.status_code == 200


def test_an_official_of_a_commune_closed_by_the_reform_starts_on_its_last_year(client, world):
    # The home page opens this year (2026) for everyone else; Hưng Đạo of the personas ended on 30/6/2025.
    client.force_login(world.users["official_a"])
    assert start_page(client) == f"/communes/{world.commune_a.pk}/2025/"
    assert client.get(f"/communes/{world.commune_a.pk}/2025/").status_code == 200
