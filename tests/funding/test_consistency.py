"""The consistency checks on the funding lines of seed 000 as printed, and on small made-up cases."""

from decimal import Decimal

import pytest
from django.utils import translation

from funding.consistency import Code, Line, check_lines, matches_printed, printed_number

P = printed_number


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def city_lines(credit: str = "46,0") -> list[Line]:
    """Seed 000, section III.3.1, exactly as printed (credit "46,0 triệu đồng, chiếm 26,56%")."""
    return [
        Line("central", P("31.690,35"), share=P("18,29"), name="Ngân sách Trung ương"),
        Line("local", P("32.825,76"), share=P("18,95"), name="Ngân sách địa phương"),
        Line("local.province", P("500,0"), parent="local"),
        Line("local.district", P("31.675,79"), parent="local"),
        Line("local.commune", P("649,97"), parent="local"),
        Line("credit", P(credit), share=P("26,56"), name="Vốn tín dụng"),
        Line("community", P("30.921,42"), share=P("17,85")),
        Line("enterprises", P("12.095,47"), share=P("6,98")),
        Line("other", P("19.677,97"), share=P("11,36")),
    ]


CITY_TOTAL = P("173.210,97")


def codes(findings):
    return sorted((finding.code, finding.source) for finding in findings)


def test_printed_numbers_keep_their_decimals():
    assert P("31.690,35") == Decimal("31690.35")
    assert P("46,0").as_tuple().exponent == -1
    assert P("313.800") == Decimal(313800)


def test_the_printed_credit_line_of_seed_000_is_flagged_with_the_thousand_slip():
    findings = check_lines(city_lines(), stated_total=CITY_TOTAL)

    # 46,0 / 173.210,97 = 0,03 %, not 26,56 %; 46.000,0 gives 26,5572 % → 26,56. The printed lines add up
    # to 127.256,97 (173.210,97 − 46.000,0 + 46,0), not the printed total.
    assert codes(findings) == [
        (Code.SHARE, "credit"),
        (Code.UNIT_SLIP, "credit"),
        (Code.TOTAL, ""),
    ]
    messages = {finding.code: finding.message for finding in findings}
    assert "46.000,0" in messages[Code.UNIT_SLIP]
    assert "Vốn tín dụng" in messages[Code.SHARE]
    assert "127.256,97" in messages[Code.TOTAL] and "173.210,97" in messages[Code.TOTAL]


def test_the_corrected_seed_000_lines_pass_including_the_truncated_central_share():
    # 31.690,35 / 173.210,97 = 18,2958 %: printed 18,29 (truncated), which the check accepts.
    assert check_lines(city_lines(credit="46.000,0"), stated_total=CITY_TOTAL) == []


def test_without_a_stated_total_the_lines_own_sum_is_the_total():
    assert check_lines(city_lines(credit="46.000,0")) == []


def test_rounding_and_truncation_to_the_printed_decimals_both_pass_anything_else_fails():
    exact = Decimal("31690.35") * 100 / Decimal("173210.97")  # 18,29581…
    assert matches_printed(exact, Decimal("18.29"))  # truncated
    assert matches_printed(exact, Decimal("18.30"))  # rounded
    assert matches_printed(exact, Decimal("18.3"))
    assert not matches_printed(exact, Decimal("18.28"))
    assert not matches_printed(exact, Decimal("18.31"))
    assert matches_printed(Decimal(86) * 100 / 177, Decimal("48.5"))  # 48,587 printed 48,5 (seed 003)


def test_sub_sources_that_do_not_add_up_to_their_parent():
    lines = city_lines(credit="46.000,0")
    lines[3] = Line("local.district", P("31.675,00"), parent="local")  # 0,79 missing

    findings = check_lines(lines, stated_total=CITY_TOTAL)

    assert codes(findings) == [(Code.CHILDREN_SUM, "local")]
    assert "32.824,97" in findings[0].message and "32.825,76" in findings[0].message


def test_sub_sources_adding_up_exactly_pass():
    # Seed 001: NSTW 2019 = ĐTPT 313.800 + sự nghiệp 108.400.
    lines = [
        Line("central", P("422.200")),
        Line("central.investment", P("313.800"), parent="central"),
        Line("central.recurrent", P("108.400"), parent="central"),
    ]
    assert check_lines(lines) == []


def test_stored_amounts_must_agree_to_the_dong():
    # Million đồng with six decimals (as the selectors pass stored records): one đồng apart is a finding.
    lines = [
        Line("central", Decimal("1.000000")),
        Line("central.investment", Decimal("0.999999"), parent="central"),
    ]
    assert codes(check_lines(lines)) == [(Code.CHILDREN_SUM, "central")]


def test_shares_that_do_not_add_up_to_100():
    # The printed shares of seed 000 add up to 99,99: within 0,1 point. 99,89 is not.
    lines = city_lines(credit="46.000,0")
    assert sum(line.share for line in lines if line.share) == Decimal("99.99")
    lines[-1] = Line("other", P("19.677,97"), share=P("11,26"))

    findings = check_lines(lines, stated_total=CITY_TOTAL)

    assert codes(findings) == [(Code.SHARE, "other"), (Code.SHARES_SUM, "")]
    assert "99,89" in next(f for f in findings if f.code == Code.SHARES_SUM).message


def test_shares_are_not_summed_when_a_top_level_source_states_none():
    lines = [Line("central", Decimal(60), share=Decimal(60)), Line("credit", Decimal(40))]
    assert check_lines(lines) == []


def test_seed_002_total_printed_one_tenth_above_its_components_is_flagged():
    # 2.397,3 + 314,7 + 65,15 + 8.098,32 + 175 + 81,75 = 11.132,22, printed 11.132,3 (a known mismatch).
    amounts = ["2.397,3", "314,7", "65,15", "8.098,32", "175", "81,75"]
    lines = [Line(f"source{index}", P(amount)) for index, amount in enumerate(amounts)]

    assert codes(check_lines(lines, stated_total=P("11.132,3"))) == [(Code.TOTAL, "")]
    assert check_lines(lines, stated_total=P("11.132,2")) == []
