import unicodedata

from ntm_portal.text import fold, nfc


def test_nfc_composes_decomposed_vietnamese_and_cleans_spaces():
    decomposed = unicodedata.normalize("NFD", "Hưng Đạo")
    assert decomposed != "Hưng Đạo"
    assert nfc(f"  {decomposed}\u00a0 ") == "Hưng Đạo"


def test_fold_ignores_case_diacritics_and_spacing():
    assert fold("Xã  Hưng Đạo") == "xa hung dao"
    assert fold(unicodedata.normalize("NFD", "ĐỨC LONG")) == "duc long"
