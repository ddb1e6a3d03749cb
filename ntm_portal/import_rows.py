"""What every import of an office file shares, whatever it reads: where in the file a problem was found,
the refused row with its reason, the counts an import reports, and where a table's header and end are.

Ground floor: it knows no app, so the results, indicator values and funding readers all build on it.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The header is looked for among the first rows only: below them, a table's text is data.
HEADER_SEARCH_ROWS = 30

# Rows below the table: totals, signatures. Not "starts with Tổng/Cộng": Xã Tổng Cọt and Xã Cộng Hòa exist.
_STOP_WORDS = re.compile(
    r"^(?:(?:tong|cong)\W*$|tong (?:cong|so|hop)|cong toan|toan (?:tinh|huyen)|nguoi lap|lap bieu|thu truong|"
    r"xac nhan|ghi chu|lanh dao|chu tich|pho chu tich|giam doc|ky ten|truong phong|t/m|tm\.|kt\.|noi nhan|ke toan)"
)
SIGNING_DATE = re.compile(r"ngay\b.*\bthang\b.*\bnam\b")


def is_footer(folded: str) -> bool:
    """A folded cell text that ends a table: a total ("Tổng cộng"), a signature, a place and date."""
    return bool(_STOP_WORDS.match(folded) or SIGNING_DATE.search(folded))


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


@dataclass
class ImportSummary:
    """What an import does (or would do, or did): rows by outcome and the refused rows with their reasons."""

    new: int = 0  # rows without a stored counterpart yet
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    # Things worth a look that do not stop the import (e.g. funding lines that do not add up)
    warnings: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({(error.place.sheet, error.place.row) for error in self.errors if error.place.row is not None})
