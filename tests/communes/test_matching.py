"""Forgiving commune matching: the spellings offices use for communes and districts, on a piece of Cao Bằng."""

import unicodedata

import pytest

from communes.matching import DISTRICT_PREFIXES, UnitMatcher, written_prefix
from communes.models import AdministrativeUnit

DISTRICTS = {
    "city": ("040", "thanh_pho", "Thành phố Cao Bằng"),
    "bao_lac": ("042", "huyen", "Huyện Bảo Lạc"),
    "bao_lam": ("043", "huyen", "Huyện Bảo Lâm"),
    "nguyen_binh": ("044", "huyen", "Huyện Nguyên Bình"),
    "hoa_an": ("045", "huyen", "Huyện Hoà An"),
    "ha_quang": ("046", "huyen", "Huyện Hà Quảng"),
}
COMMUNES = [
    ("01705", "xa", "Xã Hưng Đạo", "city"),
    ("01351", "xa", "Xã Hưng Đạo", "bao_lac"),
    ("01783", "xa", "Xã Hưng Đạo", "nguyen_binh"),
    ("01300", "xa", "Xã Vĩnh Quang", "bao_lam"),
    ("01693", "xa", "Xã Vĩnh Quang", "city"),
    ("01669", "xa", "Xã Đức Long", "hoa_an"),
    ("01390", "xa", "Xã Tổng Cọt", "ha_quang"),
    ("01290", "thi_tran", "Thị trấn Pác Miầu", "bao_lam"),
    ("01297", "xa", "Xã Mông Ân", "bao_lam"),
    ("01699", "phuong", "Phường Sông Bằng", "city"),
    ("01330", "thi_tran", "Thị trấn Bảo Lạc", "bao_lac"),
    ("01333", "xa", "Xã Bảo Lạc", "bao_lac"),  # invented: a commune sharing its township's name
]


def unit(code, kind, name, parent=None, level="commune"):
    short_name = name
    for prefix in ("Thành phố ", "Huyện ", "Thị trấn ", "Phường ", "Xã "):
        short_name = short_name.removeprefix(prefix)
    return AdministrativeUnit(level=level, kind=kind, code=code, name=name, short_name=short_name, parent=parent)


@pytest.fixture(scope="module")
def matcher():
    province = unit("04", "tinh", "Tỉnh Cao Bằng", level="province")
    districts = {key: unit(code, kind, name, province, "district") for key, (code, kind, name) in DISTRICTS.items()}
    return UnitMatcher([unit(code, kind, name, districts[key]) for code, kind, name, key in COMMUNES])


def found(match):
    assert match.error is None, match
    return (match.unit.code, match.unit.name)


@pytest.mark.parametrize(
    "written",
    [
        "Xã Đức Long",
        "xã Đức Long",
        "X. Đức Long",
        "X.Đức Long",
        "X Đức Long",
        "Đức Long",
        "đức long",
        "ĐỨC LONG",
        "  Đức   Long ",
        "Đức\u00a0Long",
        unicodedata.normalize("NFD", "Xã Đức Long"),
        "Duc Long",
        "Xa Duc Long",
    ],
)
def test_commune_spellings(matcher, written):
    assert found(matcher.match(written)) == ("01669", "Xã Đức Long")


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Phường Sông Bằng", "01699"),
        ("P. Sông Bằng", "01699"),
        ("Thị trấn Pác Miầu", "01290"),
        ("TT. Pác Miầu", "01290"),
        ("Thị trấn Bảo Lạc", "01330"),  # the written kind chooses between a township and a commune
        ("TT. Bảo Lạc", "01330"),
        ("Xã Bảo Lạc", "01333"),
        ("Tổng Cọt", "01390"),  # a real name starting with "Tổng", as total rows do
    ],
)
def test_prefixes_of_wards_townships_and_communes(matcher, written, code):
    assert found(matcher.match(written))[0] == code


@pytest.mark.parametrize(
    ("district", "code"),
    [
        ("Thành phố Cao Bằng", "01705"),
        ("TP. Cao Bằng", "01705"),
        ("TP.Cao Bằng", "01705"),
        ("TP Cao Bằng", "01705"),
        ("tp cao bang", "01705"),
        ("Cao Bằng", "01705"),
        ("Huyện Bảo Lạc", "01351"),
        ("H. Bảo Lạc", "01351"),
        ("Bảo Lạc", "01351"),
        ("huyện bảo lạc", "01351"),
        (unicodedata.normalize("NFD", "Huyện Nguyên Bình"), "01783"),
        ("Nguyên Bình", "01783"),
    ],
)
def test_district_spellings_choose_among_same_named_communes(matcher, district, code):
    assert found(matcher.match("Hưng Đạo", district=district))[0] == code


@pytest.mark.parametrize(
    ("district", "code"),
    [("Huyện Bảo Lâm", "01300"), ("H. Bảo Lâm", "01300"), ("Bảo Lâm", "01300"), ("Thị xã Cao Bằng", "01693")],
)
def test_bao_lam_is_not_bao_lac(matcher, district, code):
    assert found(matcher.match("Vĩnh Quang", district=district))[0] == code


def test_tone_mark_placement_old_and_new(matcher):
    # "Hoà An" (old placement, as stored) and "Hòa An" (new) are the same district.
    assert found(matcher.match("Đức Long", district="Huyện Hòa An"))[0] == "01669"


def test_same_name_without_district_is_ambiguous_with_the_candidates(matcher):
    match = matcher.match("Xã Hưng Đạo")
    assert match.unit is None
    assert match.error == "ambiguous"
    assert match.suggestions == (
        "Xã Hưng Đạo (Huyện Bảo Lạc)",
        "Xã Hưng Đạo (Huyện Nguyên Bình)",
        "Xã Hưng Đạo (Thành phố Cao Bằng)",
    )


def test_unknown_name_suggests_close_names(matcher):
    match = matcher.match("Hưng Đạp")  # a typo
    assert match.error == "unknown"
    assert "Xã Hưng Đạo (Thành phố Cao Bằng)" in match.suggestions
    match = matcher.match("Mông An")
    assert match.error is None  # without diacritics "Mông Ân" and "Mông An" are one name
    assert matcher.match("Nà Sác").error == "unknown"
    assert matcher.match("Nà Sác").suggestions == ()


def test_a_name_in_the_wrong_district_is_unknown_and_names_where_it_is(matcher):
    match = matcher.match("Đức Long", district="Huyện Bảo Lạc")
    assert match.error == "unknown"
    assert match.suggestions == ("Xã Đức Long (Huyện Hoà An)",)


def test_code_wins_over_a_shared_name_and_must_agree_with_it(matcher):
    assert found(matcher.match("Hưng Đạo", code="01783"))[0] == "01783"
    assert found(matcher.match("Hưng Đạo", code="1705"))[0] == "01705"  # stored as a number by Excel
    mismatch = matcher.match("Đức Long", code="01705")
    assert mismatch.error == "code_mismatch"
    assert mismatch.suggestions == ("Xã Hưng Đạo (Thành phố Cao Bằng)",)
    assert found(matcher.match("Hưng Đạo", district="Bảo Lạc", code="99999"))[0] == "01351"  # unknown code: by name


def test_communes_of_the_two_tier_map_ignore_a_written_district():
    province = unit("04", "tinh", "Tỉnh Cao Bằng", level="province")
    matcher = UnitMatcher([unit("01700", "xa", "Xã Hưng Đạo", province)])
    assert found(matcher.match("Hưng Đạo", district="Thành phố Cao Bằng"))[0] == "01700"


@pytest.mark.parametrize(
    ("written", "is_district"),
    [
        ("Huyện Bảo Lạc", True),
        ("TP. Cao Bằng", True),
        ("Thị xã Quảng Yên", True),
        ("Quan Hoa", False),
        ("Hưng Đạo", False),
    ],
)
def test_written_district_prefix(written, is_district):
    assert (written_prefix(written, DISTRICT_PREFIXES) is not None) is is_district
