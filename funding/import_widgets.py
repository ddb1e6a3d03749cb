"""The cells of a funding row as django-import-export widgets: written forgivingly, read exactly.

A widget refuses a cell by raising ValueError with a message for the office (translatable, naming what to
write instead): the resource turns it into a ValidationError of the row, so the row is reported as invalid
and no Python text reaches the user.
"""

import datetime
import difflib
import re
from decimal import Decimal

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import Widget

from communes import access
from communes.matching import DISTRICT_PREFIXES, MatchError, UnitMatcher, spelling, written_prefix
from communes.models import AdministrativeUnit
from funding.imports import CODE, DISTRICT, HEADINGS, YEAR, is_blank, printed_decimal
from funding.models import FundingRecord, FundingSource
from funding.selectors import Period
from ntm_portal.spreadsheets import cell_text
from ntm_portal.text import fold, nfc

Kind = FundingRecord.Kind
MILLION = Decimal(1_000_000)
LARGEST_VND = 2**63 - 1  # the amount column is a bigint
FIRST_YEAR, LAST_YEAR = 2000, 2100
SUGGESTIONS = 3
_PERIOD = re.compile(r"^(?:nam|giai doan|ky)?\s*(\d{4})(?:\s*[-–—]\s*(\d{4}))?$")
# Kinds as offices write them, besides the codes and the labels of both languages.
KIND_ALIASES = {
    "ke hoach": Kind.PLAN,
    "phan bo": Kind.ALLOCATED,
    "da phan bo": Kind.ALLOCATED,
    "giai ngan": Kind.DISBURSED,
    "da giai ngan": Kind.DISBURSED,
    "huy dong": Kind.MOBILISED,
    "da huy dong": Kind.MOBILISED,
}
# The full prefix of each district-level kind: "TP. Cao Bằng" is looked up as "Thành phố Cao Bằng".
_FULL_PREFIXES = {
    AdministrativeUnit.Kind.PROVINCIAL_CITY: "Thành phố",
    AdministrativeUnit.Kind.DISTRICT_TOWN: "Thị xã",
    AdministrativeUnit.Kind.RURAL_DISTRICT: "Huyện",
    AdministrativeUnit.Kind.URBAN_DISTRICT: "Quận",
}


class AmbiguousUnit(ValueError):
    """Several units fit the name: the row's period, the district or the code would choose."""


def read_period(value, *, year: int | None = None) -> Period:
    """ "2019", 2019, "2011-2020", "2011 - 2020"; with `year`, only that year is accepted."""
    text = cell_text(value)
    if not text:
        raise ValueError(_("The year is missing: write it as 2019, or a period as 2011-2020."))
    found = _PERIOD.match(fold(text))
    start, end = (int(found.group(1)), int(found.group(2) or found.group(1))) if found else (0, 0)
    if not (FIRST_YEAR <= start <= end <= LAST_YEAR):
        raise ValueError(_("“%(value)s” is not a year or a period: write 2019 or 2011-2020.") % {"value": text})
    period = Period(start, end)
    if year is not None and period != Period.year(year):
        message = _("The row is for %(period)s, not for %(year)s, the year of this import.")
        raise ValueError(message % {"period": period, "year": year})
    return period


def amount_vnd(value) -> int:
    """Whole đồng from million đồng as printed ("31.690,35", "46,0") or held by a number cell."""
    if is_blank(value):
        raise ValueError(_("The amount is missing: write it in million đồng, e.g. 31.690,35."))
    written = cell_text(value) if not isinstance(value, float) else repr(value)
    try:
        millions = printed_decimal(value)
    except ValueError:
        message = _("“%(value)s” is not an amount in million đồng: write it as 31.690,35 or 46,0.")
        raise ValueError(message % {"value": written}) from None
    if millions < 0:
        raise ValueError(_("The amount cannot be negative."))
    dong = millions * MILLION
    if dong != dong.to_integral_value():
        raise ValueError(_("%(value)s million đồng is more precise than one đồng.") % {"value": written})
    if dong > LARGEST_VND:
        raise ValueError(_("%(value)s million đồng is too large an amount.") % {"value": written})
    return int(dong)


def stated_share(value) -> Decimal | None:
    """A share in % as printed ("18,29", "18,29%") or held by a number cell (18.29); None when blank."""
    if is_blank(value):
        return None
    written = value.strip().removesuffix("%") if isinstance(value, str) else value
    try:
        share = printed_decimal(written)
    except ValueError:
        share = None
    if share is None or share < 0:
        message = _("“%(value)s” is not a share in %%: write it as 18,29.")
        raise ValueError(message % {"value": cell_text(value)})
    return share


def million_dong_exact(amount: int) -> str:
    """Million đồng with every decimal needed ("31690.35"), as a program writes a number: read back exactly."""
    return format((Decimal(amount) / MILLION).normalize(), "f")


class TextWidget(Widget):
    def __init__(self, *, max_length: int | None = None) -> None:
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if self.max_length is not None and len(text) > self.max_length:
            message = _("The text is %(length)s characters long; at most %(max)s fit.")
            raise ValueError(message % {"length": len(text), "max": self.max_length})
        return text


class PeriodWidget(Widget):
    """The "Năm" cell: a year or a period; `end` chooses which end of it the field holds."""

    def __init__(self, *, end: bool, year: int | None = None) -> None:
        super().__init__()
        self.end, self.year = end, year

    def clean(self, value, row=None, **kwargs) -> int:
        period = read_period(value, year=self.year)
        return period.end if self.end else period.start


class AmountWidget(Widget):
    def clean(self, value, row=None, **kwargs) -> int:
        return amount_vnd(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else million_dong_exact(value)


class KindWidget(Widget):
    """The code (mobilised) or the label, in Vietnamese or English, or a usual alias (huy động)."""

    def __init__(self) -> None:
        super().__init__()
        self._kinds: dict[str, str] | None = None

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        kinds = ", ".join(str(label) for label in Kind.labels)
        if not text:
            raise ValueError(_("The kind is missing: write one of %(kinds)s.") % {"kinds": kinds})
        kind = self._known().get(fold(text))
        if kind is None:
            raise ValueError(_("“%(value)s” is not a kind: write one of %(kinds)s.") % {"value": text, "kinds": kinds})
        return kind

    def _known(self) -> dict[str, str]:
        if self._kinds is None:
            self._kinds = {**KIND_ALIASES, **{fold(kind.value): kind.value for kind in Kind}}
            for language in ("vi", "en"):
                with translation.override(language):
                    self._kinds.update({fold(str(kind.label)): kind.value for kind in Kind})
        return self._kinds


class SourceWidget(Widget):
    """A source of the catalogue by its code (central.investment) or its name, case and diacritics aside."""

    def __init__(self) -> None:
        super().__init__()
        self._sources: dict[str, list[FundingSource]] | None = None

    def clean(self, value, row=None, **kwargs) -> FundingSource:
        text = cell_text(value)
        if not text:
            raise ValueError(_("The source is missing: write its name (Ngân sách Trung ương) or its code."))
        sources = self._catalogue()
        found = sources.get(fold(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(f"{source.name} ({source.code})" for source in found)
            message = _("Several sources are named “%(value)s”: %(sources)s. Write the code to say which.")
            raise ValueError(message % {"value": text, "sources": names})
        message = _("No funding source has the name or code “%(value)s”.") % {"value": text}
        close = difflib.get_close_matches(fold(text), list(sources), n=SUGGESTIONS, cutoff=0.6)
        names = sorted({source.name for key in close for source in sources[key]})
        if names:
            message = " ".join((message, _("Did you mean %(suggestions)s?") % {"suggestions": ", ".join(names)}))
        raise ValueError(message)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else value.name

    def _catalogue(self) -> dict[str, list[FundingSource]]:
        if self._sources is None:
            self._sources = {}
            for source in FundingSource.objects.all():
                for key in {fold(source.code), fold(source.name)}:
                    self._sources.setdefault(key, []).append(source)
        return self._sources


class UnitWidget(Widget):
    """The unit by name, with the district and code columns of the row if the file has them."""

    def __init__(self, lookup: "UnitLookup | None" = None) -> None:
        super().__init__()
        self.lookup = lookup or UnitLookup()

    def clean(self, value, row=None, **kwargs) -> AdministrativeUnit:
        row = row or {}
        try:
            period = read_period(row.get(HEADINGS[YEAR]))
        except ValueError:
            period = None  # the year's own error is reported on its column
        try:
            return self.lookup.find(
                cell_text(value),
                district=cell_text(row.get(HEADINGS[DISTRICT])),
                code=cell_text(row.get(HEADINGS[CODE])),
                period=period,
            )
        except AmbiguousUnit:
            if period is None:
                return None  # units of several maps share the name: the period would choose, once it is readable
            raise

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else value.name


class UnitLookup:
    """The units a row may name: provinces, districts and communes that existed during its period and, for a
    user, that they may import funding for (outside it a unit is "not found", as if it did not exist)."""

    def __init__(self, user=None) -> None:
        self.user = user
        self._units: dict[Period | None, _Units] = {}

    def find(self, name: str, *, district: str = "", code: str = "", period: Period | None = None):
        if not name and not code:
            raise ValueError(_("The unit is missing: write its name (Xã Hưng Đạo) or its code."))
        if period not in self._units:
            self._units[period] = _Units(self._candidates(period), scoped=self.scoped)
        units = self._units[period]
        return units.by_code(code, name=name, district=district) if code else units.by_name(name, district=district)

    def _candidates(self, period: Period | None) -> list[AdministrativeUnit]:
        units = AdministrativeUnit.objects.all()
        if period is not None:  # units that existed on at least one day of the period
            units = units.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(period.end, 12, 31)),
                Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(period.start, 1, 1)),
            )
        if self.user is None:
            return list(units.select_related("parent__parent"))
        return access.funding_import_units(self.user, units)

    @property
    def scoped(self) -> bool:
        return self.user is not None and not access.is_admin(self.user)


class _Units:
    def __init__(self, units: list[AdministrativeUnit], *, scoped: bool) -> None:
        self.scoped = scoped  # outside the user's scope, a unit is not found
        self.matcher = UnitMatcher(units)
        self.codes: dict[str, list[AdministrativeUnit]] = {}
        for unit in units:
            self.codes.setdefault(unit.code, []).append(unit)

    def by_name(self, name: str, *, district: str) -> AdministrativeUnit:
        match = self.matcher.match(full_name(name), district=district)
        if match.unit is not None:
            return match.unit
        names = {"name": name, "district": district, "suggestions": ", ".join(match.suggestions)}
        if match.error == MatchError.AMBIGUOUS:
            message = _(
                "Several units are named “%(name)s”: %(suggestions)s. Write the full name (Tỉnh …, Thành phố …, "
                "Xã …), the district or the unit's code to say which."
            )
            raise AmbiguousUnit(message % names)
        if district:
            message = _("No unit named “%(name)s” was found in “%(district)s”.") % names
        elif self.scoped:
            message = _("No unit named “%(name)s” was found among the units you may enter funding for.") % names
        else:
            message = _("No unit named “%(name)s” was found.") % names
        if match.suggestions:
            message = " ".join((message, _("Did you mean %(suggestions)s?") % names))
        raise ValueError(message)

    def by_code(self, code: str, *, name: str, district: str) -> AdministrativeUnit:
        found = self.codes.get(code, [])
        if not found and code.isdigit():  # a number cell loses the leading zeros: 4 is province 04
            found = [unit for width in (2, 3, 5) for unit in self.codes.get(code.zfill(width), [])]
        names = {"code": code, "name": name}
        if not found and self.scoped:
            message = _("No unit with the code %(code)s was found among the units you may enter funding for.")
            raise ValueError(message % names)
        if not found:
            raise ValueError(_("No unit has the code %(code)s.") % names)
        if name:
            named = [unit for unit in found if UnitMatcher([unit]).match(full_name(name), district=district).unit]
            if not named:
                names["units"] = ", ".join(unit.name for unit in found)
                raise ValueError(_("The code %(code)s is %(units)s, not “%(name)s”.") % names)
            found = named
        if len(found) > 1:
            names["units"] = ", ".join(unit.name for unit in found)
            raise AmbiguousUnit(_("Several units have the code %(code)s: %(units)s. Write the name too.") % names)
        return found[0]


def full_name(name: str) -> str:
    """The name with an abbreviated district-level prefix written out: "TP. Cao Bằng" → "Thành phố cao bằng"."""
    kind = written_prefix(name, DISTRICT_PREFIXES)
    if kind not in _FULL_PREFIXES:
        return nfc(name)
    return f"{_FULL_PREFIXES[kind]} {spelling(name, DISTRICT_PREFIXES).exact}"
