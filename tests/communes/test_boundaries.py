"""Uploading commune boundaries: the preview (matched, unmatched, communes left without), confirm, history on
replace; refused files write nothing; only province staff (and administrators) upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communes.models import BoundaryUpload, UnitBoundary
from tests.boundary_files import squares
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

# Commune A and B of the world are on the map before 1/7/2025; 09999 is no commune of Cao Bằng.
FILE = [("01001", "Xã Hưng Đạo"), ("1002", "Xã Đức Long"), ("09999", "Xã Không Có")]


def signed_in(client, world, who="province_staff"):
    client.login(username=who, password=PASSWORD)
    return client


def upload(client, world, content: bytes, **fields):
    body = {"province": world.province.pk, "map": "before", "code_property": "", **fields}
    body["file"] = SimpleUploadedFile("ranh-gioi.geojson", content, content_type="application/geo+json")
    return client.post(reverse("communes:boundaries"), body)


def test_the_preview_lists_matched_unmatched_and_units_without_then_confirm_saves(client, world):
    signed_in(client, world)
    response = upload(client, world, squares(FILE[:1] + FILE[2:]))
    pending = BoundaryUpload.objects.get()
    assert response.url == reverse("communes:boundary_upload", kwargs={"upload_id": pending.pk})
    assert not UnitBoundary.objects.exists()  # nothing on the map before the confirmation

    page = client.get(response.url).content.decode()
    assert 'data-count="matched">1<' in page and 'data-count="unmatched">1<' in page
    assert "<td>09999</td><td>Xã Không Có</td>" in page  # the feature matching no commune, by code and name
    assert "<td>01002</td><td>Xã Đức Long</td>" in page  # the commune left without a boundary
    assert "Lưu ranh giới" in page

    confirmed = client.post(reverse("communes:boundary_confirm", kwargs={"upload_id": pending.pk}), follow=True)
    assert "Đã lưu ranh giới của 1 xã" in confirmed.content.decode()
    saved = UnitBoundary.objects.get()
    assert (saved.unit, saved.source_file, saved.uploaded_by) == (
        world.commune_a,
        "ranh-gioi.geojson",
        world.users["province_staff"],
    )
    assert saved.geometry["type"] == "MultiPolygon"
    # Confirming again changes nothing.
    again = client.post(reverse("communes:boundary_confirm", kwargs={"upload_id": pending.pk}), follow=True)
    assert "Tệp này đã được áp dụng." in again.content.decode()
    assert UnitBoundary.objects.count() == 1


def test_a_new_file_replaces_a_boundary_and_keeps_the_old_one_as_history(client, world):
    signed_in(client, world)
    for _ in range(2):
        upload(client, world, squares(FILE[:2]))
        pending = BoundaryUpload.objects.filter(status="checked").get()
        client.post(reverse("communes:boundary_confirm", kwargs={"upload_id": pending.pk}))
    assert UnitBoundary.objects.count() == 4
    current = UnitBoundary.objects.filter(replaced_at__isnull=True)
    assert {boundary.unit for boundary in current} == {world.commune_a, world.commune_b}
    old = UnitBoundary.objects.filter(unit=world.commune_a, replaced_at__isnull=False).get()
    assert old.replaced_by == world.users["province_staff"]
    page = client.get(reverse("communes:boundaries")).content.decode()
    assert f'data-count="{world.province.code}">2<' in page


def test_the_staff_name_the_property_holding_the_code(client, world):
    signed_in(client, world)
    upload(client, world, squares(FILE[:2], key="MA_XA"), code_property="MA_XA")
    page = client.get(reverse("communes:boundary_upload", kwargs={"upload_id": BoundaryUpload.objects.get().pk}))
    assert 'data-count="matched">2<' in page.content.decode()


def test_a_file_of_the_other_map_matches_nothing_and_cannot_be_saved(client, world):
    signed_in(client, world)
    upload(client, world, squares(FILE[:2]), map="two_tier")
    page = client.get(reverse("communes:boundary_upload", kwargs={"upload_id": BoundaryUpload.objects.get().pk}))
    text = page.content.decode()
    assert 'data-count="matched">0<' in text and "Lưu ranh giới" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "Tệp không phải GeoJSON"),
        (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null}]}',
         "Đối tượng 1 không có mã xã"),
        (squares(FILE[:1]).replace(b"Polygon", b"Point"), "kiểu hình học Point không được hỗ trợ"),
        (squares(FILE[:1]).replace(b"106.0", b"1060.0"), "nằm ngoài phạm vi"),
    ],
)  # fmt: skip
def test_a_refused_file_writes_nothing_and_says_why(client, world, content, message):
    signed_in(client, world)
    response = upload(client, world, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BoundaryUpload.objects.exists() and not UnitBoundary.objects.exists()


def test_a_file_over_the_import_limit_is_refused(client, world, settings):
    settings.IMPORT_MAX_BYTES = 100
    signed_in(client, world)
    response = upload(client, world, squares(FILE))
    assert "chỉ chấp nhận tệp tối đa 100\xa0byte" in response.content.decode()
    assert not BoundaryUpload.objects.exists()


def test_staff_upload_for_their_own_province_only(client, world):
    signed_in(client, world, "other_province_staff")
    response = upload(client, world, squares(FILE))
    assert response.status_code == 200 and not BoundaryUpload.objects.exists()  # Cao Bằng is no choice of theirs
    client.logout()
    signed_in(client, world)
    upload(client, world, squares(FILE))
    pending = BoundaryUpload.objects.get()
    for who in ("other_province_staff", "leader", "district_staff"):
        client.logout()
        signed_in(client, world, who)
        assert client.get(reverse("communes:boundary_upload", kwargs={"upload_id": pending.pk})).status_code == 404
        confirm = client.post(reverse("communes:boundary_confirm", kwargs={"upload_id": pending.pk}))
        assert confirm.status_code == 404
    assert not UnitBoundary.objects.exists()
