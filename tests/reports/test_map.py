"""The map of communes by criteria met: from the figures (what the report counts), the same SVG on the
dashboard and in the PDF, absent without boundaries. On the hand-made province of tests/reports/handmade.py,
three of whose five communes get a square boundary."""

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import docx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import AdministrativeUnit, Membership
from communes.services import boundary_upload_apply, boundary_upload_check
from reports import map_svg
from reports.figures import MapCommune, MapFigures, figures_from_json, figures_json, report_figures
from reports.pdf import document_html
from reports.services import report_create, report_files
from reports.structure import report_document
from tests.boundary_files import squares
from tests.personas import PASSWORD
from tests.reports.handmade import YEAR, build_province
from tests.reports.test_reports import pdf_text

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
# Code, name and criteria met in 2021 (handmade.MET): one commune in each of the three highest bands.
DRAWN = [("99001", "Xã Một"), ("99002", "Xã Hai"), ("99003", "Xã Ba")]
EXPECTED_CLASSES = {"Xã Một": "band-all", "Xã Hai": "band-15_18", "Xã Ba": "band-10_14"}


@pytest.fixture
def province():
    return build_province()


@pytest.fixture
def people(province):
    users = {}
    for username, role in (("staff", Membership.Role.PROVINCE_STAFF), ("leader", Membership.Role.LEADER)):
        users[username] = get_user_model().objects.create_user(username=username, password=PASSWORD)
        Membership.objects.create(user=users[username], unit=province, role=role)
    return users


@pytest.fixture
def outlined(province, people):
    upload = boundary_upload_check(
        province=province, map_kind="two_tier", content=squares(DRAWN), file_name="ranh-gioi.geojson",
        code_property="", actor=people["staff"],
    )  # fmt: skip
    boundary_upload_apply(upload=upload, actor=people["staff"])
    return province


def commune_paths(html: str) -> dict[str, tuple[str, str]]:
    """Commune name → (band class, title) of every commune path of the map in a page or document."""
    svg = re.search(r'<svg(?:(?!</svg>).)*class="commune.*?</svg>', html, re.S).group(0)
    root = ET.fromstring(svg)
    paths = {}
    for path in root.iter(f"{SVG}path"):
        classes = path.get("class").split()
        assert classes[0] == "commune"
        title = path.find(f"{SVG}title").text
        paths[title.split(":")[0]] = (classes[1], title)
    return paths


def test_the_figures_carry_the_communes_with_a_boundary_and_their_counts(outlined):
    figures = report_figures(unit=outlined, year=YEAR)
    assert [(commune.name, commune.met) for commune in figures.map.communes] == [
        ("Xã Một", 19),
        ("Xã Hai", 17),
        ("Xã Ba", 12),
    ]
    assert figures.map.without_boundary == ("Xã Năm", "Xã Sáu")
    assert figures.map.communes[0].rings[0][1] == (Decimal("106.1"), Decimal("22.6"))
    # An issued report keeps the map it was issued with.
    assert figures_from_json(figures_json(figures)) == figures


def test_the_dashboard_colours_each_commune_by_its_band_and_names_it(client, people, outlined):
    client.login(username="leader", password=PASSWORD)
    page = client.get(reverse("reports:dashboard"), {"year": YEAR}).content.decode()
    paths = commune_paths(page)
    assert {name: band for name, (band, _title) in paths.items()} == EXPECTED_CLASSES
    assert paths["Xã Hai"][1] == "Xã Hai: 17/19 tiêu chí"
    assert "19 tiêu chí (1 xã)" in page and "&lt;5 tiêu chí (1 xã)" in page  # the legend counts every commune
    assert "<td>Xã Ba</td><td>12/19</td><td>10-14</td>" in page  # the table beside the map
    assert "Chưa có ranh giới: xã Năm, xã Sáu." in page
    assert 'style="' not in page.split('id="map-heading"')[1]  # strict CSP: presentation attributes only


def test_without_boundaries_there_is_no_map(client, people, province):
    client.login(username="leader", password=PASSWORD)
    page = client.get(reverse("reports:dashboard"), {"year": YEAR}).content.decode()
    assert 'id="map-heading"' not in page and 'class="commune' not in page
    assert report_figures(unit=province, year=YEAR).map is None
    report = report_create(user=people["staff"], unit=province, kind="annual", year_from=YEAR, year_to=YEAR)
    html = document_html(report_document(report, report_figures(unit=province, year=YEAR)), for_pdf=True)
    assert "Bản đồ các xã" not in html


def test_the_annual_report_pdf_prints_the_same_map(people, outlined):
    report = report_create(user=people["staff"], unit=outlined, kind="annual", year_from=YEAR, year_to=YEAR)
    figures = report_figures(unit=outlined, year=YEAR)
    html = document_html(report_document(report, figures), for_pdf=True)
    assert {name: band for name, (band, _title) in commune_paths(html).items()} == EXPECTED_CLASSES
    _figures, files = report_files(report, ["pdf", "docx"])
    text = " ".join(pdf_text(files["pdf"]).split())
    assert "Bản đồ các xã theo số tiêu chí đạt năm 2021" in text
    assert "19 tiêu chí (1 xã)" in text and "15-18 tiêu chí (1 xã)" in text
    assert "Chưa có ranh giới: xã Năm, xã Sáu." in text
    # A printed map has no hover: its communes are named under it, band by band.
    named = [
        "Đạt 19 tiêu chí (01 xã): xã Một.",
        "Đạt 15-18 tiêu chí (01 xã): xã Hai.",
        "Đạt 10-14 tiêu chí (01 xã): xã Ba.",
    ]
    assert all(line in text for line in named), text
    # The DOCX shares the document: the map's title and caption around its picture.
    paragraphs = [paragraph.text for paragraph in docx.Document(io.BytesIO(files["docx"])).paragraphs]
    assert "Bản đồ các xã theo số tiêu chí đạt năm 2021" in paragraphs
    assert "Chưa có ranh giới: xã Năm, xã Sáu." in paragraphs
    assert {f"- {line}" for line in named} <= set(paragraphs)


def test_a_boundary_belongs_to_its_map(world):
    """Commune A of the world closed on 30/6/2025: drawn for 2021, absent from 2026's map of new communes."""
    staff = world.users["province_staff"]
    upload = boundary_upload_check(
        province=world.province, map_kind="before", content=squares([("01001", "Xã Hưng Đạo")]),
        file_name="cu.geojson", code_property="", actor=staff,
    )  # fmt: skip
    boundary_upload_apply(upload=upload, actor=staff)
    assert [commune.name for commune in report_figures(unit=world.province, year=2021).map.communes] == ["Xã Hưng Đạo"]
    new = AdministrativeUnit.objects.create(
        level="commune", kind="xa", code="01001", name="Xã Hưng Đạo Mới", short_name="Hưng Đạo Mới",
        parent=world.province, in_programme=True, valid_from="2025-07-01",
    )  # fmt: skip
    later = report_figures(unit=world.province, year=2026)
    assert later.map is None and new.boundaries.count() == 0


def square_ring(west: str) -> tuple[tuple[Decimal, Decimal], ...]:
    east = str(Decimal(west) + Decimal("0.1"))
    corners = ((west, "22.6"), (east, "22.6"), (east, "22.7"), (west, "22.7"), (west, "22.6"))
    return tuple((Decimal(lon), Decimal(lat)) for lon, lat in corners)


def test_the_projection_fills_the_width_with_north_up_and_longitudes_shortened():
    drawn = MapFigures(
        communes=(
            MapCommune(1, "Xã Tây", 3, (square_ring("106.0"),)),
            MapCommune(2, "Xã Đông", 9, (square_ring("106.1"),)),
        ),
        without_boundary=(),
    )
    svg = map_svg.communes_map_svg(drawn, bands=(), criteria=10)
    assert svg == map_svg.communes_map_svg(drawn, bands=(), criteria=10)  # deterministic, as issued reports need
    west, east = (path.get("d") for path in ET.fromstring(svg).iter(f"{SVG}path"))
    # 0,2° of longitude × cos(22,65°) fill the 780 units; 0,1° of latitude is 780 / 0,18457 × 0,1 ≈ 422,6 high.
    assert west == "M10,432.6 L400,432.6 400,10 10,10 10,432.6 Z"
    assert east == "M400,432.6 L790,432.6 790,10 400,10 400,432.6 Z"
    assert "Xã Tây: 3/10 tiêu chí" in svg
    counts = [(text.text, text.get("x"), text.get("y")) for text in ET.fromstring(svg).iter(f"{SVG}text")
              if text.get("class") == "commune-label"]  # fmt: skip
    assert counts == [("3", "205", "225.3"), ("9", "595", "225.3")]  # at each square's centre, for print
