"""Checks that funding lines agree with each other, as printed in a report or as stored (no database).

Printed figures are rounded inconsistently: some reports round half up, others truncate ("18,29%" for
18,296%). A printed figure passes when the exact value, rounded or truncated to the decimals printed,
gives it. Stored amounts in whole đồng, passed as exact decimals, must agree exactly.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

HUNDRED = Decimal(100)
# Printed shares of all top-level sources may add up to 100 ± this many percentage points.
SHARES_SUM_TOLERANCE = Decimal("0.1")
# "46,0 triệu" printed where the share and the total show 46.000,0: the unit slipped by a thousand.
UNIT_SLIP = Decimal(1000)


class Code:
    CHILDREN_SUM = "children_sum_mismatch"
    TOTAL = "total_mismatch"
    SHARES_SUM = "shares_sum_mismatch"
    SHARE = "share_mismatch"
    UNIT_SLIP = "thousand_slip"


@dataclass(frozen=True)
class Line:
    """One funding line. Decimals keep the printed precision: "18,29" is Decimal("18.29")."""

    code: str
    amount: Decimal
    parent: str | None = None
    share: Decimal | None = None  # the stated share of the total, in %
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    source: str = ""  # the code of the line concerned, if one


def check_lines(lines: Sequence[Line], *, stated_total: Decimal | None = None) -> list[Finding]:
    """Every disagreement among the lines; the total is the stated one, else the top-level lines' sum."""
    codes = {line.code for line in lines}
    top = [line for line in lines if line.parent not in codes]
    top_sum = sum((line.amount for line in top), Decimal(0))
    total = stated_total if stated_total is not None else top_sum
    findings = _children_sums(lines)
    if stated_total is not None and not matches_printed(top_sum, stated_total):
        findings.append(
            Finding(
                Code.TOTAL,
                _("The sources add up to %(sum)s, but the stated total is %(total)s.")
                % {"sum": number_text(top_sum), "total": number_text(stated_total)},
            )
        )
    findings.extend(_shares_sum(top))
    if total:
        for line in lines:
            findings.extend(_share(line, total))
    return findings


def matches_printed(exact: Decimal, printed: Decimal) -> bool:
    """Whether `printed` is `exact` rounded half up or truncated to the decimals printed."""
    step = Decimal(1).scaleb(printed.as_tuple().exponent)
    return printed in (exact.quantize(step, rounding=ROUND_HALF_UP), exact.quantize(step, rounding=ROUND_DOWN))


def printed_number(text: str) -> Decimal:
    """A number as Vietnamese documents print it ("31.690,35", "46,0", "313.800"), decimals kept."""
    return Decimal(text.strip().replace(".", "").replace(",", "."))


def number_text(value: Decimal) -> str:
    """The value with the decimals it was given, trailing zeros beyond two dropped ("46,0", "31.690,35")."""
    given = max(0, -value.as_tuple().exponent)
    needed = max(2, -value.normalize().as_tuple().exponent)
    return number_format(value, decimal_pos=min(given, needed), use_l10n=True, force_grouping=True)


def _children_sums(lines: Sequence[Line]) -> list[Finding]:
    by_code = {line.code: line for line in lines}
    children: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.parent in by_code:
            children[line.parent].append(line)
    findings = []
    for parent_code, parts in children.items():
        parent = by_code[parent_code]
        parts_sum = sum((part.amount for part in parts), Decimal(0))
        if not matches_printed(parts_sum, parent.amount):
            findings.append(
                Finding(
                    Code.CHILDREN_SUM,
                    _("The sub-sources of %(source)s add up to %(sum)s, but %(source)s is %(amount)s.")
                    % {"source": parent.label, "sum": number_text(parts_sum), "amount": number_text(parent.amount)},
                    parent_code,
                )
            )
    return findings


def _shares_sum(top: Sequence[Line]) -> list[Finding]:
    # Only when every top-level source states its share: otherwise the printed shares cannot reach 100.
    if not top or any(line.share is None for line in top):
        return []
    shares_sum = sum((line.share for line in top), Decimal(0))
    if abs(shares_sum - HUNDRED) <= SHARES_SUM_TOLERANCE:
        return []
    return [
        Finding(
            Code.SHARES_SUM,
            _("The stated shares add up to %(sum)s%%, not 100%%.") % {"sum": number_text(shares_sum)},
        )
    ]


def _share(line: Line, total: Decimal) -> list[Finding]:
    if line.share is None:
        return []
    exact = line.amount * HUNDRED / total
    if matches_printed(exact, line.share):
        return []
    values = {"source": line.label, "amount": number_text(line.amount), "share": number_text(line.share)}
    findings = [
        Finding(
            Code.SHARE,
            _("%(source)s: %(amount)s is %(exact)s%% of the total, not the stated %(share)s%%.")
            % {**values, "exact": number_text(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))},
            line.code,
        )
    ]
    corrected = line.amount * UNIT_SLIP
    if matches_printed(corrected * HUNDRED / total, line.share):
        findings.append(
            Finding(
                Code.UNIT_SLIP,
                _("%(source)s: %(amount)s is probably %(corrected)s (a slip of a thousand), which gives %(share)s%%.")
                % {**values, "corrected": number_text(corrected)},
                line.code,
            )
        )
    return findings
