"""How evaluation terms read to a person: thresholds, the reason a threshold applies, why a result is unknown."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, CommuneGroup, Region
from criteria.evaluation import NATIONAL, IndicatorOutcome, Reason, Status, ThresholdRule, part_comparison
from criteria.models import CriteriaSet, Indicator, Recognition, Tier

COMPARISON_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
# The conditions of the sets' composite indicators, named as the decisions name them (the sets key them only).
PART_LABELS = {
    "hop_ve_sinh": "nước hợp vệ sinh",
    "nuoc_sach": "nước sạch",
    "ty_le_tre_6_tuoi_vao_lop_1_pct_min": "tỷ lệ trẻ em 6 tuổi vào lớp 1",
    "pcgd_mam_non_5_tuoi": "phổ cập giáo dục mầm non cho trẻ em 5 tuổi",
    "pcgd_tieu_hoc": "phổ cập giáo dục tiểu học",
    "pcgd_thcs": "phổ cập giáo dục trung học cơ sở",
    "xoa_mu_chu": "xóa mù chữ",
}


def reason_text(reason: Reason | None) -> str:
    texts = {
        Reason.NO_VALUE: _("no value entered"),
        Reason.NO_THRESHOLD: _("no threshold for this region or year"),
        Reason.UNKNOWN_THRESHOLD: _("the threshold is not known yet"),
        Reason.UNKNOWN_COMPARISON: _("how to compare is not known yet"),
        Reason.INVALID_VALUE: _("the value cannot be compared"),
        Reason.NO_INDICATORS: _("no indicators listed: enter the criterion result directly"),
        Reason.DIRECT_RESULT_CONFLICTS: _("the entered result contradicts the indicators"),
    }
    return texts.get(reason, "") if reason else ""


def status_symbol(status: Status | bool | None) -> tuple[str, str]:
    """(symbol, css class): readable in grayscale, coloured on screen."""
    if status in (Status.MET, True):
        return "✓", "status-met"
    if status in (Status.NOT_MET, False):
        return "✗", "status-not-met"
    return "?", "status-undecided"


def number_text(value: Decimal | int | str) -> str:
    decimal = Decimal(str(value)).normalize()
    places = max(0, -decimal.as_tuple().exponent)
    return number_format(decimal, decimal_pos=places)


def ordered_parts(keys) -> list[str]:
    """The conditions in the decision's order (the database keeps a JSON object's keys in an order of its own)."""
    order = list(PART_LABELS)
    return sorted(keys, key=lambda key: (order.index(key) if key in order else len(order), key))


def part_label(key: str, position: int) -> str:
    """A condition of a composite indicator in words; one the table does not know by its position, never its key."""
    return PART_LABELS.get(key) or _("condition %(number)s") % {"number": position}


def part_unit(key: str, unit: str) -> str:
    return "%" if "_pct" in key else unit


def not_known_text() -> str:
    return _("not known yet: the province's coordination office enters it in the criteria set")


def value_range_text(kind: str, unit: str = "") -> str:
    """What a field of this kind takes, in words: shown beside the field and repeated when a value is refused."""
    if kind == Indicator.Kind.PERCENT:
        return _("a percentage from 0 to 100")
    if kind == Indicator.Kind.LEVEL:
        return _("a level from 1 to 5")
    if kind == Indicator.Kind.COUNT:
        return _("a whole number, 0 or more (%(unit)s)") % {"unit": unit} if unit else _("a whole number, 0 or more")
    if kind == Indicator.Kind.BOOLEAN:
        return _("Yes or No")
    return _("a number, 0 or more (%(unit)s)") % {"unit": unit} if unit else _("a number, 0 or more")


def _required_text(required: str, comparison: str, unit: str = "") -> str:
    try:
        amount = number_text(required)
    except ArithmeticError:
        return required  # "Đạt", "Không", "mức độ 2"
    symbol = COMPARISON_SYMBOLS.get(comparison, "?")
    return f"{symbol} {amount}{' ' + unit if unit else ''}".strip()


def threshold_text(indicator: Indicator, rule: ThresholdRule | None) -> str:
    if rule is None:
        return "—"
    if indicator.kind == Indicator.Kind.COMPOSITE:
        if not rule.parts:
            return not_known_text()
        return "; ".join(
            f"{part_label(key, position)}: {part_threshold_text(indicator, rule, key)}"
            for position, key in enumerate(ordered_parts(rule.parts), start=1)
        )
    if not rule.value:
        return not_known_text()
    return _required_text(rule.value, indicator.comparison, indicator.unit)


def part_threshold_text(indicator: Indicator, rule: ThresholdRule | None, key: str) -> str:
    required = (rule.parts or {}).get(key) if rule else None
    if not required:
        return not_known_text()
    return _required_text(required, part_comparison(key, indicator.comparison), part_unit(key, indicator.unit))


def basis_text(rule: ThresholdRule | None, *, unit: AdministrativeUnit, criteria_set: CriteriaSet) -> str:
    """Why this threshold applies: the region, group or general level, and the years."""
    if rule is None:
        return ""
    if rule.applies_to == NATIONAL:
        text = _("general level")
    elif rule.applies_to.startswith("nhom"):
        text = str(CommuneGroup(int(rule.applies_to[4:])).label)
    else:
        text = str(Region(rule.applies_to).label)
        if criteria_set.honours_applied_region and unit.applied_region == rule.applies_to != unit.region:
            text = _("%(region)s (applied to especially difficult communes)") % {"region": text}
    if rule.year_from and rule.year_from == rule.year_to:
        text = _("%(basis)s, year %(year)s") % {"basis": text, "year": rule.year_from}
    elif rule.year_from or rule.year_to:
        text = _("%(basis)s, %(start)s-%(end)s") % {
            "basis": text,
            "start": rule.year_from or "…",
            "end": rule.year_to or "…",
        }
    return text


def value_display(indicator: Indicator, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Mapping):
        return "; ".join(
            f"{part_label(key, position)}: {_stored_value_text(str(part).lower() if isinstance(part, bool) else part)}"
            for position, (key, part) in enumerate(((key, value[key]) for key in ordered_parts(value)), start=1)
        )
    unit = f" {indicator.unit}" if indicator.unit else ""
    return f"{number_text(value)}{unit}"


def outcome_line(outcome: IndicatorOutcome) -> str:
    return reason_text(outcome.reason) if outcome.status == Status.UNDECIDED else ""


def change_text(change) -> str:
    """One line of history in words: what changed from what to what."""
    results = {"met": _("met"), "not_met": _("not met"), "": _("no result")}
    if change.action == "created":
        return _("Results for %(year)s started.") % {"year": change.target}
    if change.action == "value":
        return _("Indicator %(code)s: %(old)s → %(new)s") % {
            "code": change.target,
            "old": _stored_value_text(change.old_value),
            "new": _stored_value_text(change.new_value),
        }
    if change.action == "recognition":
        return _recognition_change_text(change)
    if change.action == "target":
        return _target_change_text(change)
    if change.action == "result":
        return _("Criterion %(number)s: %(old)s → %(new)s") % {
            "number": change.target,
            "old": results.get(change.old_value, change.old_value),
            "new": results.get(change.new_value, change.new_value),
        }
    return step_text(change.target)


def _recognition_change_text(change) -> str:
    if change.target == "recorded":
        return _("Recognition recorded: %(recognition)s") % {"recognition": change.new_value}
    if change.target == "decision_file":
        return _("Decision file: %(name)s") % {"name": change.new_value}
    try:
        field = Recognition._meta.get_field(change.target)
    except FieldDoesNotExist:
        return change.target
    old, new = (_decision_value_text(change.target, value) for value in (change.old_value, change.new_value))
    return _("%(field)s: %(old)s → %(new)s") % {"field": capfirst(field.verbose_name), "old": old, "new": new}


def _decision_value_text(name: str, value: str) -> str:
    """Stored values read the way pages show them: tiers by name, dates as 25/11/2026, nothing as a dash."""
    if not value:
        return "—"
    if name == "tier" and value in Tier.values:
        return Tier(value).label
    if name in ("decision_date", "withdrawn_on"):
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return value


def _target_change_text(change) -> str:
    year, _sep, part = change.target.partition(":")
    values = {"year": year, "old": change.old_value or "—", "new": change.new_value or "—"}
    if part == "average":
        values |= {key: number_format(Decimal(values[key])) for key in ("old", "new") if values[key] != "—"}
        return _("Average criteria per commune to reach in %(year)s: %(old)s → %(new)s") % values
    if part == "source":
        return _("Source decision of the targets of %(year)s: %(old)s → %(new)s") % values
    tier = Tier(part).label if part in Tier.values else part
    return _("Communes planned for %(tier)s in %(year)s: %(old)s → %(new)s") % {**values, "tier": tier}


def step_text(step: str) -> str:
    return {
        "submit": _("Submitted for review"),
        "verify": _("Verified by the district"),
        "approve": _("Approved (locked)"),
        "return": _("Returned for changes"),
        "unlock": _("Unlocked for changes"),
    }.get(step, step)


def step_button_text(step: str) -> str:
    return {
        "submit": _("Submit for review"),
        "verify": _("Verify (district)"),
        "approve": _("Approve and lock"),
        "return": _("Return for changes"),
        "unlock": _("Unlock for changes"),
    }.get(step, step)


def step_consequence_text(step: str) -> str:
    """What a step locks or opens, said on the page that asks for its confirmation."""
    return {
        "submit": _(
            "The commune can no longer change these results: they go to review as they are saved now, and can be "
            "changed again only if they are returned."
        ),
        "verify": _("The district confirms these results as they are and sends them to the province for approval."),
        "approve": _(
            "These results are locked: nobody can change them until province staff unlock them, and the reports "
            "count them as approved."
        ),
        "return": _("These results go back to the commune as a draft to be corrected and submitted again."),
        "unlock": _(
            "These approved results become a draft again: they can be changed, and must be submitted and approved "
            "again."
        ),
    }.get(step, "")


def _stored_value_text(text) -> str:
    text = str(text)
    if text == "":
        return "—"
    if text in ("true", "false"):
        return _("Yes") if text == "true" else _("No")
    if text.startswith("{"):
        return text
    try:
        return number_text(text)
    except ArithmeticError:
        return text
