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


# The five tone marks, as combining characters. "Hoà" and "Hòa" carry the same tone on different vowels (the
# old and the new placement): both are NFC, neither matches the other as a string.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"\w+")


def tone_key(word: str) -> tuple[str, str]:
    """The word without its tone mark, and the mark: equal for two placements of one tone ("Hoà", "Hòa")."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(sorted(ch for ch in decomposed if ch in _TONE_MARKS))
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return base, tones


def official_spelling(text: str, names) -> str:
    """`text` with every name of `names` written as `names` write it, where the text places a tone mark on
    another vowel ("huyện Hòa An" → "huyện Hoà An" when the code list writes "Hoà An"). A spelling two names
    share only up to the placement is left as written: it cannot say which one it means."""
    spellings: dict[tuple, str | None] = {}
    for name in names:
        key = tuple(tone_key(word) for word in _WORD.findall(name))
        if key:
            spellings[key] = name if spellings.get(key, name) == name else None
    lengths = sorted({len(key) for key in spellings}, reverse=True)
    words = list(_WORD.finditer(text))
    pieces, done, index = [], 0, 0
    while index < len(words):
        for length in lengths:
            run = words[index : index + length]
            if len(run) < length:
                continue
            official = spellings.get(tuple(tone_key(word.group()) for word in run))
            written = text[run[0].start() : run[-1].end()]
            # A name is its words one space apart; a word boundary inside a run ("Hòa-An") is another text
            if official and written != official and written == " ".join(word.group() for word in run):
                pieces += [text[done : run[0].start()], official]
                done, index = run[-1].end(), index + length
                break
        else:
            index += 1
    return "".join(pieces) + text[done:]
