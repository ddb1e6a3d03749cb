"""Finding a commune from the name and district an office typed into a spreadsheet.

Offices write "Xã Hưng Đạo", "X. Hưng Đạo", "hưng đạo" or "Hung Dao", in NFC or NFD, with the district as
"Thành phố Cao Bằng", "TP. Cao Bằng" or "Cao Bằng". The exact spelling (case and spacing aside) is tried
first, then the spelling without diacritics, so that "Hoà An" finds "Hòa An" while a name that differs only
by its tone marks from another still finds its own unit.
"""

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from communes.models import AdministrativeUnit
from ntm_portal.text import fold, nfc

Kind = AdministrativeUnit.Kind

# Written prefixes, lower case, with the kind of unit they name. A prefix ending in a letter must be followed
# by a space; one ending in a dot may be followed directly by the name ("TP.Cao Bằng").
COMMUNE_PREFIXES = {
    "thị trấn": Kind.TOWNSHIP,
    "phường": Kind.WARD,
    "xã": Kind.COMMUNE,
    "tt.": Kind.TOWNSHIP,
    "p.": Kind.WARD,
    "x.": Kind.COMMUNE,
    "x": Kind.COMMUNE,
}
DISTRICT_PREFIXES = {
    "thành phố": Kind.PROVINCIAL_CITY,
    "thị xã": Kind.DISTRICT_TOWN,
    "huyện": Kind.RURAL_DISTRICT,
    "quận": Kind.URBAN_DISTRICT,
    "tp.": Kind.PROVINCIAL_CITY,
    "tp": Kind.PROVINCIAL_CITY,
    "tx.": Kind.DISTRICT_TOWN,
    "h.": Kind.RURAL_DISTRICT,
    "q.": Kind.URBAN_DISTRICT,
}
SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.75


class MatchError(StrEnum):
    UNKNOWN = "unknown"  # no such commune (in that district)
    AMBIGUOUS = "ambiguous"  # several communes of that name and no district to choose
    CODE_MISMATCH = "code_mismatch"  # the code names another commune than the name: rows shifted?


@dataclass(frozen=True)
class UnitMatch:
    unit: AdministrativeUnit | None = None
    error: MatchError | None = None
    # Labels such as "Xã Hưng Đạo (Thành phố Cao Bằng)": the candidates of an ambiguous name, or the close
    # names of an unknown one.
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Spelling:
    """A written name without its prefix: lower-case NFC, then folded; the kind the prefix named."""

    exact: str
    folded: str
    kind: str | None = None
    # Typed without diacritics, "Xa Hung Dao" loses its prefix only once folded; tried last, because
    # "Xa Luong" may also be "Xá Lượng" written without diacritics.
    folded_without_prefix: str = ""

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        return (("exact", self.exact), ("folded", self.folded))

    @property
    def lookups(self) -> tuple[tuple[str, str], ...]:
        return self.keys + ((("folded", self.folded_without_prefix),) if self.folded_without_prefix else ())


def spelling(value: str, prefixes: dict[str, str]) -> _Spelling:
    text = nfc(value).lower()
    for prefix, kind in prefixes.items():
        rest = _without_prefix(text, prefix)
        if rest:
            return _Spelling(rest, fold(rest), kind)
    folded = fold(text)
    for prefix, kind in prefixes.items():
        rest = _without_prefix(folded, _folded_prefix(prefix))
        if rest:
            return _Spelling(text, folded, kind, folded_without_prefix=rest)
    return _Spelling(text, folded)


def written_prefix(value: str, prefixes: dict[str, str]) -> str | None:
    """The kind of unit a name written with its prefix ("Huyện Bảo Lạc", "TP. Cao Bằng") names, else None."""
    text = nfc(value).lower()
    return next((kind for prefix, kind in prefixes.items() if _without_prefix(text, prefix)), None)


@functools.cache
def _folded_prefix(prefix: str) -> str:
    return fold(prefix)


def _without_prefix(text: str, prefix: str) -> str:
    if not text.startswith(prefix):
        return ""
    rest = text[len(prefix) :]
    if not prefix.endswith(".") and not rest.startswith(" "):
        return ""
    return rest.strip(" .")


@dataclass
class _Entry:
    unit: AdministrativeUnit
    district: AdministrativeUnit | None
    keys: set[tuple[str, str]] = field(default_factory=set)
    district_keys: set[tuple[str, str]] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.unit.name} ({self.district.name})" if self.district else self.unit.name


class UnitMatcher:
    """Matches written commune names (and optionally districts or codes) against the given units.

    `units` are commune-level units with their parent loaded (`select_related("parent")`); on the two-tier
    map, where communes hang directly from the province, a written district is ignored.
    """

    def __init__(self, units: Iterable[AdministrativeUnit]) -> None:
        self._entries: list[_Entry] = []
        self._by_key: dict[tuple[str, str], list[_Entry]] = {}
        self._by_code: dict[str, _Entry] = {}
        self._written_districts: dict[str, _Spelling] = {}
        # Spelt out once per district and shared by its communes (never changed once made)
        district_keys: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for unit in units:
            entry = _Entry(unit, unit.district())
            written = spelling(unit.name, COMMUNE_PREFIXES)
            entry.keys.update(written.keys)
            # The short name is most often the name without its prefix: the same keys, not folded again.
            if unit.short_name and nfc(unit.short_name).lower() != written.exact:
                entry.keys.update(spelling(unit.short_name, COMMUNE_PREFIXES).keys)
            if entry.district:
                names = (entry.district.name, entry.district.short_name)
                if names not in district_keys:
                    district_keys[names] = {key for name in names for key in spelling(name, DISTRICT_PREFIXES).keys}
                entry.district_keys = district_keys[names]
            for key in entry.keys:
                self._by_key.setdefault(key, []).append(entry)
            self._by_code[unit.code] = entry
            self._entries.append(entry)
        self._folded_names = sorted({key for kind, key in self._by_key if kind == "folded"})

    def match(self, name: str, district: str = "", code: str = "") -> UnitMatch:
        written = spelling(name, COMMUNE_PREFIXES)
        by_code = self._by_code.get(_code(code)) if code.strip() else None
        if by_code is not None:
            if written.folded and not any(key in by_code.keys for key in written.lookups):
                return UnitMatch(error=MatchError.CODE_MISMATCH, suggestions=(by_code.label,))
            return UnitMatch(unit=by_code.unit)
        candidates = self._candidates(written)
        if not candidates:
            close = self._close_to(written.folded_without_prefix or written.folded)
            if district.strip():
                close = self._in_district(close, self._district_spelling(district)) or close
            return UnitMatch(error=MatchError.UNKNOWN, suggestions=_labels(close)[: SUGGESTIONS * 2])
        if district.strip() and any(entry.district for entry in candidates):
            in_district = self._in_district(candidates, self._district_spelling(district))
            if not in_district:
                return UnitMatch(error=MatchError.UNKNOWN, suggestions=_labels(candidates))
            candidates = in_district
        if len(candidates) > 1:
            return UnitMatch(error=MatchError.AMBIGUOUS, suggestions=_labels(candidates))
        return UnitMatch(unit=candidates[0].unit)

    def _district_spelling(self, district: str) -> _Spelling:
        """A file writes the same few districts on thousands of rows: each is spelt out once."""
        if district not in self._written_districts:
            self._written_districts[district] = spelling(district, DISTRICT_PREFIXES)
        return self._written_districts[district]

    def _candidates(self, written: _Spelling) -> list[_Entry]:
        for key in written.lookups:
            found = self._by_key.get(key, [])
            if written.kind and len(found) > 1:
                # "Thị trấn Nước Hai" and "Xã Nước Hai" may share a district: the written kind chooses.
                found = [entry for entry in found if entry.unit.kind == written.kind] or found
            if found:
                return found
        return []

    @staticmethod
    def _in_district(candidates: list[_Entry], written: _Spelling) -> list[_Entry]:
        for key in written.lookups:
            found = [entry for entry in candidates if key in entry.district_keys]
            if found:
                return found
        return []

    def _close_to(self, folded: str) -> list[_Entry]:
        close = difflib.get_close_matches(folded, self._folded_names, n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
        return list({id(entry): entry for key in close for entry in self._by_key[("folded", key)]}.values())


def _labels(entries: list[_Entry]) -> tuple[str, ...]:
    return tuple(sorted({entry.label for entry in entries}))


_CODE_DIGITS = re.compile(r"^\d+$")


def _code(value: str) -> str:
    """Commune codes have five digits; a spreadsheet that stored them as numbers lost the leading zeros."""
    value = value.strip()
    return value.zfill(5) if _CODE_DIGITS.match(value) else value
