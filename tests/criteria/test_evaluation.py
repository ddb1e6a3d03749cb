"""The pure evaluation engine: no database, every rule on small hand-built sets."""

from decimal import Decimal

import pytest

from criteria.evaluation import (
    CriterionSpec,
    DirectResult,
    IndicatorSpec,
    Method,
    OverrideWithoutReason,
    Reason,
    SetSpec,
    Status,
    ThresholdRule,
    area_key,
    evaluate,
    evaluate_indicator,
    select_threshold,
)


def percent(code="15.1", comparison=">=", **values_by_area):
    rules = tuple(ThresholdRule(applies_to=area, value=value) for area, value in values_by_area.items())
    return IndicatorSpec(code=code, kind="percent", comparison=comparison, thresholds=rules)


def outcome(spec, value, area="TDMNPB", year=2019):
    return evaluate_indicator(spec, value, area=area, year=year)


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        (">=", "85", Status.MET),  # boundary: equal meets "at least"
        (">=", "84.99", Status.NOT_MET),
        (">=", "85.01", Status.MET),
        ("<=", "85", Status.MET),  # boundary: equal meets "at most"
        ("<=", "85.01", Status.NOT_MET),
        ("<=", "84", Status.MET),
        (">", "85", Status.NOT_MET),
        (">", "85.0001", Status.MET),
        ("<", "85", Status.NOT_MET),
        ("<", "84.9", Status.MET),
        ("==", "85", Status.MET),
        ("==", "86", Status.NOT_MET),
    ],
)
def test_every_numeric_comparison_with_boundaries(comparison, value, expected):
    spec = percent(comparison=comparison, TDMNPB="85")
    assert outcome(spec, Decimal(value)).status == expected


def test_values_are_compared_exactly_not_as_floats():
    spec = percent(comparison="<=", TDMNPB="26.7")
    assert outcome(spec, Decimal("26.7")).status == Status.MET
    assert outcome(spec, Decimal("26.70001")).status == Status.NOT_MET


def test_missing_value_cannot_be_decided():
    result = outcome(percent(TDMNPB="85"), None)
    assert (result.status, result.reason) == (Status.UNDECIDED, Reason.NO_VALUE)


def test_text_in_a_number_cannot_be_decided():
    result = outcome(percent(TDMNPB="85"), "tám mươi")
    assert (result.status, result.reason) == (Status.UNDECIDED, Reason.INVALID_VALUE)


def test_unknown_threshold_is_never_met():
    result = outcome(percent(TDMNPB="", national="85"), Decimal("100"))
    # The region has a row, but its level is unknown: the national level must not stand in for it.
    assert (result.status, result.reason) == (Status.UNDECIDED, Reason.UNKNOWN_THRESHOLD)


def test_unknown_comparison_is_never_met():
    result = outcome(percent(comparison="", TDMNPB="85"), Decimal("100"))
    assert (result.status, result.reason) == (Status.UNDECIDED, Reason.UNKNOWN_COMPARISON)


def test_national_row_applies_when_the_set_has_no_row_for_the_region():
    spec = percent(national="60")
    assert outcome(spec, Decimal("60"), area="TDMNPB").status == Status.MET
    assert outcome(spec, Decimal("59"), area="TDMNPB").status == Status.NOT_MET


def test_no_row_at_all_cannot_be_decided():
    result = outcome(percent(DBSH="98"), Decimal("99"), area="TDMNPB")
    assert (result.status, result.reason) == (Status.UNDECIDED, Reason.NO_THRESHOLD)


def test_region_dependent_thresholds():
    income = IndicatorSpec(
        code="10",
        kind="amount",
        comparison=">=",
        thresholds=(ThresholdRule("TDMNPB", "36"), ThresholdRule("DNB", "59"), ThresholdRule("national", "45")),
    )
    assert outcome(income, Decimal("40"), area="TDMNPB").status == Status.MET
    assert outcome(income, Decimal("40"), area="DNB").status == Status.NOT_MET
    assert outcome(income, Decimal("40"), area="TDMNPB").threshold.value == "36"


def test_year_dependent_thresholds_pick_the_most_specific_row():
    income = IndicatorSpec(
        code="10",
        kind="amount",
        comparison=">=",
        thresholds=(
            ThresholdRule("TDMNPB", "30", year_from=2016, year_to=2020),
            ThresholdRule("TDMNPB", "36", year_from=2020, year_to=2020),
        ),
    )
    assert outcome(income, Decimal("33"), year=2018).status == Status.MET
    assert outcome(income, Decimal("33"), year=2020).status == Status.NOT_MET
    assert outcome(income, Decimal("36"), year=2020).status == Status.MET


def test_a_year_no_row_covers_cannot_be_decided():
    income = IndicatorSpec("10", "amount", ">=", (ThresholdRule("TDMNPB", "36", year_from=2020, year_to=2020),))
    result = outcome(income, Decimal("50"), year=2017)
    assert (result.status, result.reason) == (Status.UNDECIDED, Reason.NO_THRESHOLD)
    assert select_threshold(income.thresholds, area="TDMNPB", year=2017) is None


@pytest.mark.parametrize(
    ("required", "value", "expected"),
    [
        ("Đạt", True, Status.MET),
        ("Đạt", False, Status.NOT_MET),
        ("Không", False, Status.MET),  # e.g. "Nhà tạm, dột nát: Không" — none left
        ("Không", True, Status.NOT_MET),
        ("Đạt", "đạt", Status.MET),
    ],
)
def test_yes_no_indicators(required, value, expected):
    spec = IndicatorSpec("9.1", "boolean", "==", (ThresholdRule("TDMNPB", required),))
    assert outcome(spec, value).status == expected


@pytest.mark.parametrize(("value", "expected"), [(1, Status.NOT_MET), (2, Status.MET), ("mức độ 3", Status.MET)])
def test_levels_are_reached_from_below(value, expected):
    spec = IndicatorSpec("14.1", "level", "==", (ThresholdRule("TDMNPB", "mức độ 2"),))
    assert outcome(spec, value).status == expected


def test_composite_indicator_needs_every_condition():
    water = IndicatorSpec(
        "17.1", "composite", ">=", (ThresholdRule("TDMNPB", parts={"hop_ve_sinh": "90", "nuoc_sach": "50"}),)
    )
    assert outcome(water, {"hop_ve_sinh": Decimal("98.9"), "nuoc_sach": Decimal("51.5")}).status == Status.MET
    assert outcome(water, {"hop_ve_sinh": Decimal("98.9"), "nuoc_sach": Decimal("49")}).status == Status.NOT_MET
    missing = outcome(water, {"hop_ve_sinh": Decimal("98.9")})
    assert (missing.status, missing.reason) == (Status.UNDECIDED, Reason.NO_VALUE)


def test_composite_with_an_unknown_part_is_not_met_only_when_a_known_part_fails():
    water = IndicatorSpec(
        "17.1", "composite", ">=", (ThresholdRule("national", parts={"hop_ve_sinh": "95", "nuoc_sach": None}),)
    )
    assert outcome(water, {"hop_ve_sinh": 99, "nuoc_sach": 70}, area="national").status == Status.UNDECIDED
    assert outcome(water, {"hop_ve_sinh": 90, "nuoc_sach": 70}, area="national").status == Status.NOT_MET


def _set_of(count: int, tier="ntm") -> SetSpec:
    criteria = tuple(
        CriterionSpec(number, (IndicatorSpec(f"{number}.1", "boolean", "==", (ThresholdRule("national", "Đạt"),)),))
        for number in range(1, count + 1)
    )
    return SetSpec(tier=tier, criteria=criteria)


def test_all_nineteen_met_reaches_the_tier():
    spec = _set_of(19)
    result = evaluate(spec, area="TDMNPB", year=2019, values={f"{n}.1": True for n in range(1, 20)})
    assert result.met_count == 19
    assert result.tier_reached == "ntm"


def test_eighteen_of_nineteen_reaches_no_tier():
    spec = _set_of(19)
    values = {f"{n}.1": True for n in range(1, 20)} | {"17.1": False}
    result = evaluate(spec, area="TDMNPB", year=2019, values=values)
    assert result.met_count == 18
    assert result.tier_reached is None
    assert result.criteria[16].is_met is False


def test_criterion_not_met_as_soon_as_one_indicator_fails_even_if_others_are_unknown():
    criterion = CriterionSpec(
        17,
        (
            IndicatorSpec("17.1", "percent", ">=", (ThresholdRule("TDMNPB", "90"),)),
            IndicatorSpec("17.2", "percent", ">=", (ThresholdRule("TDMNPB", ""),)),
        ),
    )
    spec = SetSpec("ntm", (criterion,))
    assert evaluate(spec, area="TDMNPB", year=2019, values={"17.1": 80}).criteria[0].is_met is False
    undecided = evaluate(spec, area="TDMNPB", year=2019, values={"17.1": 95}).criteria[0]
    assert undecided.is_met is None
    assert undecided.computed == Status.UNDECIDED


def test_criterion_level_results_without_indicator_values():
    spec = SetSpec("ntm", (CriterionSpec(1), CriterionSpec(2)))  # offices often know only criterion results
    direct = {1: DirectResult(True, Method.IMPORTED), 2: DirectResult(False, Method.ENTERED)}
    result = evaluate(spec, area="TDMNPB", year=2021, values={}, direct=direct)
    assert [(c.is_met, c.method) for c in result.criteria] == [(True, Method.IMPORTED), (False, Method.ENTERED)]
    assert result.criteria[0].reason == Reason.NO_INDICATORS
    assert result.met_count == 1


def test_entered_result_contradicting_a_decided_computation_does_not_stand():
    spec = _set_of(1)
    result = evaluate(spec, area="TDMNPB", year=2019, values={"1.1": False}, direct={1: DirectResult(True)})
    assert result.criteria[0].is_met is False
    assert result.criteria[0].reason == Reason.DIRECT_RESULT_CONFLICTS


def test_override_with_reason_wins_and_keeps_the_computed_result():
    spec = _set_of(1)
    override = DirectResult(True, Method.OVERRIDDEN, "Sở Xây dựng xác nhận quy hoạch đã được phê duyệt lại")
    result = evaluate(spec, area="TDMNPB", year=2019, values={"1.1": False}, direct={1: override})
    criterion = result.criteria[0]
    assert (criterion.is_met, criterion.method, criterion.computed) == (True, Method.OVERRIDDEN, Status.NOT_MET)


def test_override_without_reason_is_refused():
    with pytest.raises(OverrideWithoutReason):
        evaluate(_set_of(1), area="national", year=2019, values={}, direct={1: DirectResult(True, Method.OVERRIDDEN)})


def test_applied_region_override_only_where_the_set_honours_it():
    # An especially difficult commune of the Mekong delta judged under QĐ 318 by the TDMNPB levels.
    assert (
        area_key(dimension="region", region="DBSCL", applied_region="TDMNPB", honours_applied_region=True) == "TDMNPB"
    )
    assert area_key(dimension="region", region="DBSCL", applied_region="TDMNPB") == "DBSCL"
    assert area_key(dimension="region", region="") == "national"
    assert area_key(dimension="commune_group", region="TDMNPB", commune_group=3) == "nhom3"
    assert area_key(dimension="commune_group", region="TDMNPB", commune_group=None) == ""
    assert area_key(dimension="none", region="TDMNPB") == "national"


def test_applied_region_changes_the_outcome():
    stunting = percent(code="15.3", comparison="<=", TDMNPB="24", DBSCL="19")
    area = area_key(dimension="region", region="DBSCL", applied_region="TDMNPB", honours_applied_region=True)
    assert outcome(stunting, Decimal("22"), area=area).status == Status.MET
    assert outcome(stunting, Decimal("22"), area="DBSCL").status == Status.NOT_MET
