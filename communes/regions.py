"""Which socio-economic region each province belongs to, in the map of each period.

The seven regions are those whose thresholds QĐ 1980/2016 and QĐ 318/2022 set apart (the GSO grouping with
the North Central and South Central Coasts kept apart; Quảng Ninh in the Red River Delta). Districts and
communes take their province's region. Keys are official province codes, which the two maps reuse for
different provinces (24 was Bắc Giang, is Bắc Ninh), hence one table per map.
"""

from communes.models import Region

# The 63 provinces of the three-tier map (until 30/6/2025).
THREE_TIER_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        ["02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25"], Region.TDMNPB
    ),
    **dict.fromkeys(["01", "22", "26", "27", "30", "31", "33", "34", "35", "36", "37"], Region.DBSH),
    **dict.fromkeys(["38", "40", "42", "44", "45", "46"], Region.BTB),
    **dict.fromkeys(["48", "49", "51", "52", "54", "56", "58", "60"], Region.DHNTB),
    **dict.fromkeys(["62", "64", "66", "67", "68"], Region.TN),
    **dict.fromkeys(["70", "72", "74", "75", "77", "79"], Region.DNB),
    **dict.fromkeys(["80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"], Region.DBSCL),
}

# The 34 provinces of the two-tier map (from 1/7/2025). Seven of them merged provinces of two regions; they
# are put where the adjusted national master plan puts them: Bắc Ninh (24) in the Red River Delta, Phú Thọ (25)
# in the northern mountains, Quảng Ngãi (51) on the South Central Coast, Gia Lai (52), Đắk Lắk (66) and
# Lâm Đồng (68) in the Central Highlands, Tây Ninh (80) in the South East.
TWO_TIER_REGIONS: dict[str, str] = {
    **dict.fromkeys(["04", "08", "11", "12", "14", "15", "19", "20", "25"], Region.TDMNPB),
    **dict.fromkeys(["01", "22", "24", "31", "33", "37"], Region.DBSH),
    **dict.fromkeys(["38", "40", "42", "44", "46"], Region.BTB),
    **dict.fromkeys(["48", "51", "56"], Region.DHNTB),
    **dict.fromkeys(["52", "66", "68"], Region.TN),
    **dict.fromkeys(["75", "79", "80"], Region.DNB),
    **dict.fromkeys(["82", "86", "91", "92", "96"], Region.DBSCL),
}
