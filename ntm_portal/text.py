"""Vietnamese text at the edges of the system: normalise to NFC, fold for search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return): DOCX and XLSX refuse them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def nfc(value: str) -> str:
    """NFC with non-breaking spaces turned into plain ones and runs of spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value).replace("\u00a0", " ")).strip()


def nfc_lines(value: str) -> str:
    """`nfc` line by line, for notes and other text whose line breaks are part of it."""
    return "\n".join(nfc(line) for line in value.replace("\r\n", "\n").split("\n")).strip("\n")


def xml_text(value: str) -> str:
    """The text with every character XML cannot hold replaced by U+FFFD, so a typed control character shows
    as a mark in a DOCX or XLSX instead of breaking the file."""
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", value)


def fold(value: str) -> str:
    """Lower case without diacritics: "Hưng Đạo" and "hung  dao" fold to the same key."""
    decomposed = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()


# The common nouns official unit names start with, longest first ("Thị xã" before "Xã"). Decree 30/2020/NĐ-CP
# (Phụ lục II) writes them in lower case inside a sentence ("trên địa bàn tỉnh Cao Bằng", "huyện Hoà An"),
# except before a number or the name of a person ("Phường 1", "Thành phố Hồ Chí Minh").
ADMINISTRATIVE_NOUNS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
_NAMED_AFTER_PEOPLE = ("Hồ Chí Minh",)


def name_in_sentence(name: str) -> str:
    """An official unit name as a sentence writes it after its first word: "Tỉnh Cao Bằng" → "tỉnh Cao Bằng"."""
    for noun in ADMINISTRATIVE_NOUNS:
        rest = name[len(noun) :]
        if name.startswith(noun) and rest.startswith(" "):
            proper = rest.strip()
            if proper[:1].isdigit() or proper in _NAMED_AFTER_PEOPLE:
                return name
            return noun.lower() + rest
    return name
