"""The evaluation engine: indicator values + the thresholds that apply → results. Pure: no database.

Rules that matter:
- A threshold is chosen by the commune's area key (its applied region, its region or its commune group)
  and the year. A year-specific row beats a row for a longer period. When a set gives no row at all for
  the area, the general ("national") row applies.
- An empty threshold, an unknown comparison or a missing value means "cannot decide", never "met".
- A criterion is met when all its indicators are met, not met as soon as one is not met, otherwise
  undecided. A result entered or imported at criterion level stands when the indicators cannot decide;
  contradicting a decided computation takes an override with a reason.
"""

import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext as _

NATIONAL = "national"

Value = bool | Decimal | int | str | Mapping[str, object] | None


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNDECIDED = "undecided"


class Reason(StrEnum):
    NO_VALUE = "no_value"
    NO_THRESHOLD = "no_threshold"
    UNKNOWN_THRESHOLD = "unknown_threshold"
    UNKNOWN_COMPARISON = "unknown_comparison"
    INVALID_VALUE = "invalid_value"
    NO_INDICATORS = "no_indicators"
    DIRECT_RESULT_CONFLICTS = "direct_result_conflicts"


class Method(StrEnum):
    COMPUTED = "computed"
    ENTERED = "entered"
    IMPORTED = "imported"
    OVERRIDDEN = "overridden"


@dataclass(frozen=True)
class ThresholdRule:
    applies_to: str
    value: str = ""
    parts: Mapping[str, str | None] | None = None
    year_from: int | None = None
    year_to: int | None = None

    def covers(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (self.year_to is None or year <= self.year_to)

    @property
    def span(self) -> int:
        """How many years the row covers; open ends count as very long so specific rows win."""
        return (self.year_to or 9999) - (self.year_from or 0)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    kind: str
    comparison: str
    thresholds: tuple[ThresholdRule, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    number: int
    indicators: tuple[IndicatorSpec, ...] = ()


@dataclass(frozen=True)
class SetSpec:
    tier: str
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class DirectResult:
    """A criterion result known without (or against) indicator detail."""

    is_met: bool | None
    method: Method = Method.ENTERED
    reason: str = ""


@dataclass(frozen=True)
class IndicatorOutcome:
    code: str
    status: Status
    threshold: ThresholdRule | None = None
    reason: Reason | None = None


@dataclass(frozen=True)
class CriterionOutcome:
    number: int
    is_met: bool | None
    method: Method
    computed: Status
    indicators: tuple[IndicatorOutcome, ...] = ()
    reason: Reason | None = None


@dataclass(frozen=True)
class Evaluation:
    criteria: tuple[CriterionOutcome, ...]
    criteria_total: int
    met_count: int = field(init=False)
    tier_reached: str | None = field(init=False)
    tier: str = ""

    def __post_init__(self) -> None:
        met = sum(1 for outcome in self.criteria if outcome.is_met)
        object.__setattr__(self, "met_count", met)
        all_met = self.criteria_total > 0 and met == self.criteria_total
        object.__setattr__(self, "tier_reached", self.tier if all_met else None)


class OverrideWithoutReason(ValueError):
    pass


_COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}
_YES = {"đạt", "có", "yes", "true", "1"}
_NO = {"không", "không đạt", "chưa đạt", "no", "false", "0"}
_LEVEL = re.compile(r"(\d+)")


def select_threshold(thresholds: tuple[ThresholdRule, ...], *, area: str, year: int) -> ThresholdRule | None:
    """The row for the area (or, when the set has none for it, the national row) covering the year."""
    for key in (area, NATIONAL):
        rows = [rule for rule in thresholds if rule.applies_to == key]
        if rows:
            covering = [rule for rule in rows if rule.covers(year)]
            return min(covering, key=lambda rule: rule.span) if covering else None
    return None


def evaluate_indicator(spec: IndicatorSpec, value: Value, *, area: str, year: int) -> IndicatorOutcome:
    rule = select_threshold(spec.thresholds, area=area, year=year)
    if rule is None:
        return IndicatorOutcome(spec.code, Status.UNDECIDED, None, Reason.NO_THRESHOLD)
    if spec.kind == "composite":
        status, reason = _compare_parts(rule.parts, value, spec.comparison)
    else:
        status, reason = _compare_one(spec.kind, rule.value, value, spec.comparison)
    return IndicatorOutcome(spec.code, status, rule, reason)


def evaluate(
    spec: SetSpec,
    *,
    area: str,
    year: int,
    values: Mapping[str, Value],
    direct: Mapping[int, DirectResult] | None = None,
) -> Evaluation:
    """Evaluate one commune-year: `values` by indicator code, `direct` results by criterion number."""
    direct = direct or {}
    outcomes = []
    for criterion in spec.criteria:
        indicator_outcomes = tuple(
            evaluate_indicator(indicator, values.get(indicator.code), area=area, year=year)
            for indicator in criterion.indicators
        )
        outcomes.append(_criterion_outcome(criterion, indicator_outcomes, direct.get(criterion.number)))
    return Evaluation(criteria=tuple(outcomes), criteria_total=len(spec.criteria), tier=spec.tier)


def _criterion_outcome(
    criterion: CriterionSpec, indicators: tuple[IndicatorOutcome, ...], direct: DirectResult | None
) -> CriterionOutcome:
    computed = _combine([outcome.status for outcome in indicators])
    computed_met = {Status.MET: True, Status.NOT_MET: False}.get(computed)
    reason = None if indicators else Reason.NO_INDICATORS

    if direct is not None and direct.method == Method.OVERRIDDEN:
        if not direct.reason.strip():
            raise OverrideWithoutReason(
                _("Criterion %(number)s: an override needs a reason.") % {"number": criterion.number}
            )
        return CriterionOutcome(criterion.number, direct.is_met, Method.OVERRIDDEN, computed, indicators, reason)
    if direct is not None and direct.is_met is not None:
        if computed_met is not None and computed_met != direct.is_met:
            return CriterionOutcome(
                criterion.number, computed_met, Method.COMPUTED, computed, indicators, Reason.DIRECT_RESULT_CONFLICTS
            )
        return CriterionOutcome(criterion.number, direct.is_met, direct.method, computed, indicators, reason)
    return CriterionOutcome(criterion.number, computed_met, Method.COMPUTED, computed, indicators, reason)


def _combine(statuses: list[Status]) -> Status:
    if not statuses:
        return Status.UNDECIDED
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if all(status == Status.MET for status in statuses):
        return Status.MET
    return Status.UNDECIDED


def part_comparison(key: str, comparison: str) -> str:
    """How one condition of a composite indicator compares: its key says when it is a minimum or a maximum."""
    return ">=" if key.endswith("_min") else "<=" if key.endswith("_max") else comparison


def _compare_parts(
    parts: Mapping[str, str | None] | None, value: Value, comparison: str
) -> tuple[Status, Reason | None]:
    if not parts:
        return Status.UNDECIDED, Reason.UNKNOWN_THRESHOLD
    if value is None:
        return Status.UNDECIDED, Reason.NO_VALUE
    if not isinstance(value, Mapping):
        return Status.UNDECIDED, Reason.INVALID_VALUE
    results = []
    for key, required in parts.items():
        results.append(_compare_text_or_number(required or "", value.get(key), part_comparison(key, comparison)))
    statuses = [status for status, _ in results]
    combined = _combine(statuses)
    reason = None if combined != Status.UNDECIDED else next(reason for status, reason in results if reason)
    return combined, reason


def _compare_text_or_number(required: str, actual: object, comparison: str) -> tuple[Status, Reason | None]:
    lowered = required.strip().lower()
    if lowered in _YES or lowered in _NO:
        return _compare_one("boolean", required, actual, comparison)
    if lowered.startswith("mức độ") or lowered.startswith("muc do"):
        return _compare_one("level", required, actual, comparison)
    return _compare_one("percent", required, actual, comparison or ">=")


def _compare_one(kind: str, required: str, actual: object, comparison: str) -> tuple[Status, Reason | None]:
    if not required.strip():
        return Status.UNDECIDED, Reason.UNKNOWN_THRESHOLD
    if actual is None or actual == "":
        return Status.UNDECIDED, Reason.NO_VALUE
    if kind == "boolean":
        expected = _as_bool(required)
        got = _as_bool(actual)
        if expected is None:
            return Status.UNDECIDED, Reason.UNKNOWN_THRESHOLD
        if got is None:
            return Status.UNDECIDED, Reason.INVALID_VALUE
        return (Status.MET if got == expected else Status.NOT_MET), None
    if kind == "level":
        expected_level, got_level = _as_level(required), _as_level(actual)
        if expected_level is None:
            return Status.UNDECIDED, Reason.UNKNOWN_THRESHOLD
        if got_level is None:
            return Status.UNDECIDED, Reason.INVALID_VALUE
        # A level is reached from below: "mức độ 2" is met by level 2 or 3.
        compare = operator.le if comparison in ("<=", "<") else operator.ge
        return (Status.MET if compare(got_level, expected_level) else Status.NOT_MET), None
    if comparison not in _COMPARE:
        return Status.UNDECIDED, Reason.UNKNOWN_COMPARISON
    expected_number, got_number = _as_decimal(required), _as_decimal(actual)
    if expected_number is None:
        return Status.UNDECIDED, Reason.UNKNOWN_THRESHOLD
    if got_number is None:
        return Status.UNDECIDED, Reason.INVALID_VALUE
    return (Status.MET if _COMPARE[comparison](got_number, expected_number) else Status.NOT_MET), None


def threshold_readable(kind: str, required: str) -> bool:
    """Whether the engine can judge by this threshold value for an indicator of this kind (composite and
    unknown kinds: their conditions are read elsewhere)."""
    if kind == "boolean":
        return _as_bool(required) is not None
    if kind == "level":
        return _as_level(required) is not None
    if kind in ("percent", "amount", "count"):
        return _as_decimal(required) is not None
    return True


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _as_level(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return int(value)
    match = _LEVEL.search(str(value))
    return int(match.group(1)) if match else None


def _as_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


def area_key(
    *,
    dimension: str,
    region: str,
    applied_region: str = "",
    commune_group: int | None = None,
    honours_applied_region: bool = False,
) -> str:
    """The threshold key a commune is judged by under a set: a region code, "nhomN" or "national"."""
    if dimension == "commune_group":
        return f"nhom{commune_group}" if commune_group else ""
    if dimension == "region":
        if honours_applied_region and applied_region:
            return applied_region
        return region or NATIONAL
    return NATIONAL
