"""Reading the spreadsheets offices send: what a read row is and where a problem was found.

Readers (`results_wide`) turn a file into `ResultRow`s and `RowError`s without writing anything;
`criteria.services.results_import` compares the rows with what is stored and writes them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communes.matching import MatchError, UnitMatch
from communes.models import AdministrativeUnit


@dataclass(frozen=True)
class Place:
    """Where something is in the file, as Excel shows it: sheet name, row number, column letter and heading."""

    sheet: str = ""
    row: int | None = None
    column: str = ""
    heading: str = ""

    def __str__(self) -> str:
        names = {"sheet": self.sheet, "row": self.row, "column": self.column, "heading": self.heading}
        if self.row is None:
            return _("sheet “%(sheet)s”") % names if self.sheet else ""
        if not self.column:
            return _("sheet “%(sheet)s”, row %(row)s") % names
        if not self.heading:
            return _("sheet “%(sheet)s”, row %(row)s, column %(column)s") % names
        return _("sheet “%(sheet)s”, row %(row)s, column %(column)s (%(heading)s)") % names


@dataclass(frozen=True)
class RowError:
    place: Place
    message: str

    def __str__(self) -> str:
        place = str(self.place)
        return _("%(place)s: %(message)s") % {"place": place, "message": self.message} if place else self.message


@dataclass(frozen=True)
class ResultRow:
    """One commune's criterion results as read: met or not met for every criterion number of the set."""

    unit: AdministrativeUnit
    marks: Mapping[int, bool]
    place: Place = Place()


@dataclass
class ImportSummary:
    """What an import does (or would do, or did): rows by outcome and the refused rows with their reasons."""

    new: int = 0  # communes without an assessment for the year and set yet
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    # Things worth a look that do not stop the import (e.g. funding lines that do not add up)
    warnings: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({(error.place.sheet, error.place.row) for error in self.errors if error.place.row is not None})


def unit_match_message(match: UnitMatch, *, name: str, district: str, code: str) -> str:
    """Why a written commune was not found, in the words every reader of office files uses."""
    names = {"name": name, "district": district, "code": code, "suggestions": ", ".join(match.suggestions)}
    if match.error == MatchError.AMBIGUOUS:
        message = _(
            "Several communes are named “%(name)s”: %(suggestions)s. Give the district (a “Huyện” column) to say which."
        )
    elif match.error == MatchError.CODE_MISMATCH:
        message = _("The code %(code)s is %(suggestions)s, not “%(name)s”.")
    elif not name:
        message = _("No commune has the code %(code)s.")
    elif district and match.suggestions:
        message = _("No commune named “%(name)s” was found in “%(district)s”. Did you mean %(suggestions)s?")
    elif district:
        message = _("No commune named “%(name)s” was found in “%(district)s”.")
    elif match.suggestions:
        message = _("No commune named “%(name)s” was found. Did you mean %(suggestions)s?")
    else:
        message = _("No commune named “%(name)s” was found.")
    return message % names
