"""Two staff saving the same assessment: the second save is refused, showing what the first changed.

The services' side is tests/criteria/test_services.py::test_stale_form_is_refused_and_nothing_is_lost; this is
the same failure through the entry form, with two people each holding the form they opened."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from criteria.models import Assessment, Indicator, IndicatorValue
from ntm_portal.models import ChangeRecord
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

pytestmark = pytest.mark.django_db

YEAR = 2019


def signed_in(who: str) -> SignInClient:
    client = SignInClient()
    assert client.login(username=who, password=PASSWORD)
    return client


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code, criterion__criteria_set__code="QD1980-2016")


def opened_version(client, url) -> str:
    """The version the entry form carries, as the browser would post it back."""
    page = client.get(url).content.decode()
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_the_second_of_two_staff_saving_the_same_results_is_refused_with_what_changed(world):
    """Failure: district staff and province staff open the same commune's entry form; the district saves
    first, then the province saves its own value. Expected: the province's save is refused (409) with the
    Vietnamese message, the list of what the district changed (who, indicator, old and new value), and the
    district's value kept; nothing of the refused save is written."""
    url = reverse("criteria:entry", kwargs={"unit_id": world.commune_a.pk, "year": YEAR})
    field = f"ind_{indicator('15.3').pk}"
    official = signed_in("official_a")
    assert official.post(url, {"version": 0, field: "13"}).status_code == 302

    district, province = signed_in("district_staff"), signed_in("province_staff")
    district_version, province_version = opened_version(district, url), opened_version(province, url)
    assert district.post(url, {"version": district_version, field: "20"}).status_code == 302
    history = ChangeRecord.objects.count()

    response = province.post(url, {"version": province_version, field: "25"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Người khác đã lưu kết quả của xã này sau khi bạn mở biểu mẫu" in page
    change = re.search(r'<div class="alert alert-error" role="alert">.*?</div>', page, re.S).group(0)
    lines = re.findall(r"<li>(.*?)</li>", change, re.S)
    assert len(lines) == 1 and "district_staff" in lines[0] and "15.3" in lines[0], lines
    assert re.search(r"13\b.*\b20\b", lines[0]), lines
    assert IndicatorValue.objects.get(indicator=indicator("15.3")).number == Decimal("20")
    assert ChangeRecord.objects.count() == history
    assert Assessment.objects.get().updated_by == world.users["district_staff"]
