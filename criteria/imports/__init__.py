"""Reading the results spreadsheets offices send: what a read row is and why a commune was not found.

Readers (`results_wide`) turn a file into `ResultRow`s and `RowError`s without writing anything;
`criteria.services.results_import` compares the rows with what is stored and writes them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communes.matching import MatchError, UnitMatch
from communes.models import AdministrativeUnit
from ntm_portal.import_rows import Place


@dataclass(frozen=True)
class ResultRow:
    """One commune's criterion results as read: met or not met for every criterion number of the set."""

    unit: AdministrativeUnit
    marks: Mapping[int, bool]
    place: Place = field(default_factory=Place)


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
