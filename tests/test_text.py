import unicodedata

from ntm_portal.text import fold, name_in_sentence, nfc, official_spelling, tone_key


def test_nfc_composes_decomposed_vietnamese_and_cleans_spaces():
    decomposed = unicodedata.normalize("NFD", "Hưng Đạo")
    assert decomposed != "Hưng Đạo"
    assert nfc(f"  {decomposed}\u00a0 ") == "Hưng Đạo"


def test_fold_ignores_case_diacritics_and_spacing():
    assert fold("Xã  Hưng Đạo") == "xa hung dao"
    assert fold(unicodedata.normalize("NFD", "ĐỨC LONG")) == "duc long"


def test_administrative_words_are_lower_case_inside_a_sentence():
    assert name_in_sentence("Tỉnh Cao Bằng") == "tỉnh Cao Bằng"
    assert name_in_sentence("Thành phố Cao Bằng") == "thành phố Cao Bằng"
    assert name_in_sentence("Thị xã Quảng Yên") == "thị xã Quảng Yên"
    assert name_in_sentence("Xã Hưng Đạo") == "xã Hưng Đạo"
    # Before a number or a person's name the noun keeps its capital (Decree 30/2020/NĐ-CP, Phụ lục II)
    assert name_in_sentence("Phường 1") == "Phường 1"
    assert name_in_sentence("Thành phố Hồ Chí Minh") == "Thành phố Hồ Chí Minh"
    assert name_in_sentence("Xãhội") == "Xãhội"


def test_official_spelling_moves_a_tone_mark_back_where_the_code_list_places_it():
    names = ["Hoà An", "Quảng Hòa", "Hòa Thuận"]
    assert tone_key("Hoà") == tone_key("Hòa") != tone_key("Hóa")
    assert official_spelling("huyện Hòa An, huyện Quảng Hoà; Hoà Thuận", names) == (
        "huyện Hoà An, huyện Quảng Hòa; Hòa Thuận"
    )
    # Other tones, other words, and a spelling two names share are left as written
    assert official_spelling("Hóa An, Hòa Anh, HÒA AN", names) == "Hóa An, Hòa Anh, HÒA AN"
    assert official_spelling("xã Hòa An", ["Hoà An", "Hòa An"]) == "xã Hòa An"
