"""Hostile numbers — 1e309, NaN, inf, -0, both locales' thousands separators, years outside the sets — in the
entry form, the import cells, funding amounts, the years of addresses and the query strings of the list pages.
Never a 500; a form or an import says what is wrong, in Vietnamese."""

from decimal import Decimal

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from criteria.forms import indicator_field_name, indicator_number_field
from criteria.models import Indicator, IndicatorValue
from criteria.selectors import criteria_set_in_force
from ntm_portal.importing import KINDS
from tests.hostile_inputs import HOSTILE_NUMBERS, is_vietnamese, xlsx
from tests.personas import PASSWORD

YEAR = 2024
# What the entry form and an import cell must refuse for a percentage (0-100, 4 decimals) and a count.
REFUSED_NUMBERS = ("1e309", "-1e309", "NaN", "nan", "inf", "-inf", "Infinity", "99999999999999999999",
                   "1e20", "0x10", "½", "-5", "1,2,3", "abc")  # fmt: skip
HOSTILE_YEARS = ("abc", "99999999999999999999", "99999", "1800", "-1", "0", "2024.5", "１２３", "")
HOSTILE_QUERIES = [
    {"year": year} for year in HOSTILE_YEARS
] + [{"unit": "abc"}, {"unit": "99999999999999999999"}, {"unit": "-1"}, {"page": "-1"}, {"page": "abc"},
     {"page": "99999999999999999999"}, {"district": "99999999999999999999"}, {"band": "x" * 5000},
     {"period": "9999-99999"}, {"period": "2020-1800"}, {"kind": "\x00"}, {"set": "'; DROP TABLE x; --"}]  # fmt: skip
LIST_PAGES = ("criteria:grid", "criteria:overview", "criteria:results_export", "reports:dashboard", "reports:list",
              "funding:summary")  # fmt: skip


@pytest.fixture(scope="module")
def world(world_for_module):
    return world_for_module


@pytest.fixture
def staff(client, world, db):
    assert client.login(username="province_staff", password=PASSWORD)
    return client


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda query: repr(query)[:40])
def test_list_pages_survive_hostile_query_strings(staff, name, query):
    response = staff.get(reverse(name), query)
    assert response.status_code in (200, 302, 400, 404), response.status_code


@pytest.mark.parametrize("year", ["99999", "1800", "0", "99999999999999999999"])
@pytest.mark.parametrize("page", ["commune", "entry", "evidence", "dossier"])
def test_commune_pages_of_a_year_outside_the_sets_are_not_found(staff, world, page, year):
    path = reverse(f"criteria:{page}", kwargs={"unit_id": world.commune_a.pk, "year": 2024})
    response = staff.get(path.replace("/2024/", f"/{year}/"))
    assert response.status_code == 404


def test_a_unit_id_beyond_the_database_range_is_not_found(staff):
    path = reverse("criteria:commune", kwargs={"unit_id": 1, "year": YEAR}).replace("/1/", "/99999999999999999999/")
    assert staff.get(path).status_code == 404


def number_indicators(kind: str, year: int = YEAR) -> list[Indicator]:
    return list(Indicator.objects.filter(criterion__criteria_set=criteria_set_in_force(year=year), kind=kind))


@pytest.mark.parametrize("kind", [Indicator.Kind.PERCENT, Indicator.Kind.AMOUNT])
@pytest.mark.parametrize("written", REFUSED_NUMBERS)
def test_the_entry_form_refuses_hostile_numbers_in_vietnamese(staff, world, kind, written):
    [indicator, *_] = number_indicators(kind)
    path = reverse("criteria:entry", kwargs={"unit_id": world.commune_a.pk, "year": YEAR})
    response = staff.post(path, {"version": "0", indicator_field_name(indicator): written})
    assert response.status_code == 400
    errors = response.context["form"].errors[indicator_field_name(indicator)]
    assert errors and all(is_vietnamese(error) for error in errors), errors
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("written", ["99999999999999999999", "1e20", "1000000000000"])
def test_a_count_too_large_for_the_value_column_is_refused(written):
    """No national set has a count indicator yet: the field every count is entered with, on its own."""
    field = indicator_number_field(Indicator.Kind.COUNT, "1.1")
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(written)
    assert all(is_vietnamese(message) for message in refused.value.messages)


SEPARATORS = [
    ("-0", 0),
    ("1,234.5", "1234.5"),
    ("1 234", "1234"),
    ("1.234,5", "1234.5"),
    ("1.234", "1234"),
    ("87,6", "87.6"),
    ("1.2.3", None),
    ("1,2,3", None),
]


@pytest.mark.parametrize(("written", "meant"), SEPARATORS)
def test_the_entry_form_stores_the_number_meant_or_refuses_it_in_vietnamese(staff, world, written, meant):
    """Meant: the number a Vietnamese reader sees; None: the form may refuse it, but never store another."""
    [indicator, *_] = number_indicators(Indicator.Kind.AMOUNT)
    path = reverse("criteria:entry", kwargs={"unit_id": world.commune_a.pk, "year": YEAR})
    response = staff.post(path, {"version": "0", indicator_field_name(indicator): written})
    if response.status_code == 302:
        assert meant is not None and IndicatorValue.objects.get(indicator=indicator).number == Decimal(meant)
    else:
        assert meant is None
        [error] = response.context["form"].errors[indicator_field_name(indicator)]
        assert is_vietnamese(error)


def import_errors(world, code: str, rows: list[list]) -> list:
    with transaction.atomic():
        year = YEAR if KINDS[code].year_required else None
        summary = KINDS[code].run(
            content=xlsx(rows), file_name="a.xlsx", user=world.users["province_staff"], year=year, dry_run=False
        )
        transaction.set_rollback(True)
    return summary.errors


@pytest.mark.django_db
# A number cell cannot hold infinity or NaN (openpyxl writes them as empty cells): the texts are tried instead.
@pytest.mark.parametrize("written", [*REFUSED_NUMBERS, 1e308, -1e308, 10**30, -0.5])
def test_an_indicator_value_cell_with_a_hostile_number_is_an_error_of_its_cell(world, written):
    [indicator, *_] = number_indicators(Indicator.Kind.PERCENT)
    header = ["Mã xã", "Tên xã", "Năm", "Mã chỉ tiêu", "Giá trị"]
    rows = [("Số liệu", [header, ["01001", "Xã Hưng Đạo", YEAR, indicator.code, written]])]
    [error] = import_errors(world, "values", rows)
    assert (error.place.sheet, error.place.row, error.place.column) == ("Số liệu", 2, "E")
    assert is_vietnamese(error.message), error.message


@pytest.mark.django_db
@pytest.mark.parametrize("written", [*HOSTILE_NUMBERS, 1e308, 10**30, 2.5])
def test_a_wide_results_cell_with_a_hostile_number_is_an_error_of_its_cell(world, written):
    header = ["STT", "Tên xã", "Huyện", *[f"TC{number}" for number in range(1, 20)]]
    rows = [("Kết quả", [header, [1, "Xã Hưng Đạo", "Hoà An", written, *["x"] * 18]])]
    [error] = import_errors(world, "results", rows)
    assert (error.place.sheet, error.place.row, error.place.column) == ("Kết quả", 2, "D")
    assert is_vietnamese(error.message), error.message


@pytest.mark.django_db
@pytest.mark.parametrize("written", [*REFUSED_NUMBERS, 1e308, 10**30, "-0,5"])
def test_a_funding_amount_with_a_hostile_number_is_an_error_of_its_cell(world, written):
    header = ["Đơn vị", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)"]
    rows = [("Nguồn vốn", [header, ["Huyện Hoà An", YEAR, "Ngân sách Trung ương", "Huy động", written]])]
    [error] = import_errors(world, "funding", rows)
    assert (error.place.sheet, error.place.row, error.place.column) == ("Nguồn vốn", 2, "E")
    assert is_vietnamese(error.message), error.message


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["99999", "1800", "1e309", "99999999999999999999", "2020-1800", -1, 2024.5])
def test_years_outside_the_sets_in_import_cells_are_errors(world, written):
    [indicator, *_] = number_indicators(Indicator.Kind.PERCENT)
    values = [("Số liệu", [["Mã xã", "Năm", "Mã chỉ tiêu", "Giá trị"], ["01001", written, indicator.code, "50"]])]
    funding = [("Nguồn vốn", [["Đơn vị", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)"],
                              ["Huyện Hoà An", written, "Ngân sách Trung ương", "Huy động", "5"]])]  # fmt: skip
    for code, rows in (("values", values), ("funding", funding)):
        errors = import_errors(world, code, rows)
        assert errors and all(is_vietnamese(error.message) for error in errors), (code, errors)
        assert any(error.place.column == "B" for error in errors), (code, errors)
