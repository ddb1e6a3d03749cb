"""The home page of each demo login: what the person does, where they start, and the work waiting for them, with
counts that follow the data and links to the page where the work is done."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from communes.models import AdministrativeUnit
from criteria.models import Assessment, Evidence
from criteria.services import assessment_step, evidence_review, evidence_upload
from ntm_portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from ntm_portal.demo.report import demo_report_issue
from reports.models import Report
from reports.services import report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_module")]

NOTHING_WAITING = "Không có việc đang chờ."
DUTIES_VI = {
    "quantri": "Quản lý tài khoản, đơn vị và bộ tiêu chí trong trang quản trị (/admin/)",
    "vpdp.tinh": "Phê duyệt kết quả của các xã, thẩm định minh chứng, soạn và ban hành báo cáo.",
    "vpdp.thanhpho": "Thẩm tra kết quả các xã trong huyện gửi lên",
    "xa.hungdao": "Nhập kết quả của xã theo từng năm",
    "xa.hoaan": "Nhập kết quả của xã theo từng năm",
    "lanhdao.tinh": "Xem bảng điều khiển và các báo cáo đã ban hành",
}


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def home(client, username):
    client.logout()
    assert client.login(username=username, password=DEMO_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    return response


def tasks(client, username) -> list[tuple[int, str, str]]:
    """The task lines of the user's home page as (count, sentence, link), each checked to be on the page."""
    response = home(client, username)
    page = response.content.decode()
    lines = [(task.count, task.text, task.url) for task in response.context["tasks"]]
    for count, text, url in lines:
        assert text.startswith(f"{count} ") and f'<a href="{escape(url)}">{text}</a>' in page
    assert (NOTHING_WAITING in page) == (not lines)
    return lines


def unit(name, **lookups):
    return AdministrativeUnit.objects.get(name=name, **lookups)


def city():
    return unit("Thành phố Cao Bằng", level="district")


def approvals(year: int) -> tuple[int, str, str]:
    """The approval line of a year on the demo map without a district step (2025 and 2026), counted from data."""
    count = Assessment.objects.filter(year=year, status="submitted").count()
    return (count, f"{count} hồ sơ xã năm {year} chờ anh/chị phê duyệt.", f"/results/?year={year}&status=submitted")


def image(colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


def test_province_staff_and_the_administrator_see_the_results_waiting_for_approval_and_the_drafts(client):
    drafts = {year: Assessment.objects.filter(year=year, status="draft").count() for year in (2026, 2025)}
    expected = [
        approvals(2026),
        approvals(2025),
        *(
            (count, f"{count} hồ sơ xã năm {year} đang là dự thảo, cần hoàn thiện và gửi lên.",
             f"/results/?year={year}&status=draft")
            for year, count in drafts.items()
        ),
    ]  # fmt: skip
    assert all(count > 1 for count, _, _ in expected)
    assert tasks(client, "vpdp.tinh") == expected
    assert tasks(client, "quantri") == expected

    # The link opens the grid narrowed to exactly the communes counted.
    count, _, url = approvals(2025)
    grid = client.get(url)
    assert len(grid.context["grid"].rows) == count
    assert {row.status for row in grid.context["grid"].rows} == {"submitted"}


def test_a_commune_official_sees_the_draft_to_submit_and_nothing_once_it_is_submitted(client):
    hoa_an = unit("Xã Hòa An", level="commune", parent__level="province")
    page = reverse("criteria:commune", kwargs={"unit_id": hoa_an.pk, "year": 2026})
    response = home(client, "xa.hoaan")
    assert response.context["start"].url == page
    assert tasks(client, "xa.hoaan") == [(1, "1 hồ sơ xã năm 2026 đang là dự thảo, cần hoàn thiện và gửi lên.", page)]
    before = approvals(2026)[0]

    assessment = Assessment.objects.get(unit=hoa_an, year=2026)
    assessment_step(user=user("xa.hoaan"), assessment=assessment, step="submit", version=assessment.version)

    assert tasks(client, "xa.hoaan") == []
    assert approvals(2026)[0] == before + 1
    assert approvals(2026) in tasks(client, "vpdp.tinh")


def test_the_official_of_a_commune_whose_results_are_submitted_has_nothing_waiting_and_a_place_to_start(client):
    hung_dao = unit("Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    assert Assessment.objects.get(unit=hung_dao, year=2025).status == "submitted"
    response = home(client, "xa.hungdao")
    page = response.content.decode()
    assert NOTHING_WAITING in page
    start = reverse("criteria:commune", kwargs={"unit_id": hung_dao.pk, "year": 2025})
    assert f'<a class="btn" href="{start}">Bắt đầu từ đây</a>' in page


def test_a_year_with_districts_waits_for_the_district_to_verify_then_for_the_province_to_approve(client):
    # 2024: the districts still existed at the end of the year, so their offices verify before the province approves.
    assessment = Assessment.objects.filter(year=2024, unit__parent=city()).order_by("unit__code").first()
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    page = reverse("criteria:commune", kwargs={"unit_id": assessment.unit_id, "year": 2024})
    verify = (1, "1 hồ sơ xã năm 2024 chờ anh/chị thẩm tra.", page)
    approve = (1, "1 hồ sơ xã năm 2024 chờ anh/chị phê duyệt.", page)
    assert verify in tasks(client, "vpdp.thanhpho")
    assert not any(year_line[1].endswith("năm 2024 chờ anh/chị phê duyệt.") for year_line in tasks(client, "vpdp.tinh"))

    assessment.refresh_from_db()
    assessment_step(user=user("vpdp.thanhpho"), assessment=assessment, step="verify", version=assessment.version)
    assert verify not in tasks(client, "vpdp.thanhpho")
    assert approve in tasks(client, "vpdp.tinh")


def test_evidence_waits_for_review_by_the_offices_and_when_rejected_for_the_commune_to_replace_it(client):
    hung_dao = unit("Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    other = Assessment.objects.filter(year=2025, unit__parent=city()).exclude(unit=hung_dao).first().unit
    staff = user("vpdp.thanhpho")
    first = evidence_upload(user=staff, unit=hung_dao, year=2025, upload=image(), title="Biên bản")
    evidence_page = reverse("criteria:evidence", kwargs={"unit_id": hung_dao.pk, "year": 2025})
    pending = (1, "1 minh chứng năm 2025 chờ anh/chị thẩm định.", evidence_page)
    assert pending in tasks(client, "vpdp.thanhpho")
    assert pending in tasks(client, "vpdp.tinh")
    assert tasks(client, "xa.hungdao") == []  # the commune does not review

    evidence_upload(user=staff, unit=other, year=2025, upload=image((10, 200, 10)), title="Ảnh")
    grid_link = "/results/?year=2025&evidence=pending"
    assert (2, "2 minh chứng năm 2025 chờ anh/chị thẩm định.", grid_link) in tasks(client, "vpdp.thanhpho")
    grid = client.get(grid_link)
    assert {row.unit_id for row in grid.context["grid"].rows} == {hung_dao.pk, other.pk}

    evidence_review(user=staff, evidence=first, accept=False, comment="Ảnh mờ")
    rejected = (1, "1 minh chứng năm 2025 bị từ chối, cần thay thế.", evidence_page)
    assert tasks(client, "xa.hungdao") == [rejected]
    assert Evidence.objects.filter(status="pending").count() == 1


def test_drafts_wait_to_be_issued_by_the_offices_and_issued_reports_wait_for_the_leader(client):
    assert tasks(client, "lanhdao.tinh") == []
    province = unit("Tỉnh Cao Bằng", level="province")
    staff = user("vpdp.tinh")
    draft = report_create(user=staff, unit=province, kind=Report.Kind.ANNUAL, year_from=2024, year_to=2024)
    draft_line = (1, "1 báo cáo dự thảo chờ ban hành.", reverse("reports:edit", kwargs={"report_id": draft.pk}))
    assert draft_line in tasks(client, "vpdp.tinh")
    assert tasks(client, "lanhdao.tinh") == []  # leaders never see drafts

    report_create(user=staff, unit=province, kind=Report.Kind.ANNUAL, year_from=2025, year_to=2025)
    assert (2, "2 báo cáo dự thảo chờ ban hành.", "/reports/?status=draft") in tasks(client, "vpdp.tinh")

    issued = demo_report_issue()  # what `make run` issues
    assert tasks(client, "lanhdao.tinh") == [
        (1, "1 báo cáo đã ban hành để anh/chị xem.", reverse("reports:edit", kwargs={"report_id": issued.pk}))
    ]
    # The list filtered to drafts: the two for the office, none for the leader whatever the filter.
    assert list(client.get("/reports/?status=draft").context["reports"]) == []
    home(client, "vpdp.tinh")
    drafts = client.get("/reports/?status=draft").context["reports"]
    assert [report.status for report in drafts] == ["draft", "draft"]


@pytest.mark.parametrize("username", [account.username for account in ACCOUNTS])
def test_each_demo_login_is_told_what_it_does_and_its_start_page_works(client, username):
    response = home(client, username)
    assert DUTIES_VI[username] in response.content.decode()
    assert client.get(response.context["start"].url).status_code == 200


def test_the_home_page_costs_the_same_few_queries_whatever_the_work(client, django_assert_max_num_queries):
    home(client, "vpdp.tinh")
    # Session, user, memberships; two counts of commune results (submit, approve), two of evidence, one of
    # reports; then the session's idle expiry pushed on (an UPDATE in a savepoint in the test's transaction).
    with django_assert_max_num_queries(11):
        response = client.get("/")
    assert len(response.context["tasks"]) == 4


def test_demo_logins_says_what_each_login_does_and_where_it_starts(capsys):
    call_command("demo_logins", url="http://127.0.0.1:8000/")
    output = capsys.readouterr().out
    for account in ACCOUNTS:
        assert account.username in output
        assert DUTIES_VI[account.username] in output
    hoa_an = unit("Xã Hòa An", level="commune", parent__level="province")
    assert f"Bắt đầu từ: http://127.0.0.1:8000/communes/{hoa_an.pk}/2026/" in output
    assert "Bắt đầu từ: http://127.0.0.1:8000/dashboard/" in output
    assert "các trang của cổng thông tin" not in output

    with translation.override("en"):
        call_command("demo_logins")
    english = capsys.readouterr().out
    assert "Approves the communes' results, reviews their evidence, and writes and issues the reports." in english
    assert "Reads the dashboard and the issued reports of their area." in english
    assert "Start here: http://127.0.0.1:8000/dashboard/" in english
