"""Funding figures of the demo, copied from the seeds (amounts as printed, converted exactly to đồng)."""

from dataclasses import dataclass
from decimal import Decimal

MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)


@dataclass(frozen=True)
class FundingLine:
    unit: str  # "province" or "city"
    year_from: int
    year_to: int
    source: str
    kind: str
    amount: Decimal
    scale: Decimal = MILLION
    note: str = ""

    @property
    def amount_vnd(self) -> int:
        return int(self.amount * self.scale)


@dataclass(frozen=True)
class InKindLine:
    unit: str
    year_from: int
    year_to: int
    kind: str
    quantity: Decimal
    description: str


_P2019 = "Báo cáo năm 2019 của BCĐ tỉnh (mục I.7)"
_CITY = "Báo cáo giai đoạn 2010-2020 của UBND thành phố Cao Bằng (mục III.3.1)"
_P1721 = "Báo cáo giai đoạn 2017-2021 của Sở NN&PTNT (mục I.8)"

FUNDING_LINES = (
    FundingLine("province", 2019, 2019, "central.investment", "allocated", Decimal("313800"),
                note=f"{_P2019}; gồm 46.400 triệu vốn dự phòng 2016-2020"),
    FundingLine("province", 2019, 2019, "central.investment", "disbursed", Decimal("262336"), note=_P2019),
    FundingLine("province", 2019, 2019, "central.recurrent", "allocated", Decimal("108400"), note=_P2019),
    FundingLine("province", 2019, 2019, "central.recurrent", "disbursed", Decimal("104516"), note=_P2019),
    FundingLine("province", 2019, 2019, "local.province", "allocated", Decimal("56456"), note=_P2019),
    FundingLine("province", 2019, 2019, "credit", "mobilised", Decimal("2421000"), note=_P2019),
    FundingLine("province", 2019, 2019, "enterprises", "mobilised", Decimal("18469"), note=_P2019),
    FundingLine("province", 2019, 2019, "community", "mobilised", Decimal("40264"), note=_P2019),
    FundingLine("province", 2019, 2019, "ntm_fund", "mobilised", Decimal("2267.55"), note=_P2019),
    FundingLine("province", 2019, 2019, "sponsors", "mobilised", Decimal("44360.7"), note=_P2019),
    FundingLine("city", 2011, 2020, "central", "mobilised", Decimal("31690.35"), note=_CITY),
    FundingLine("city", 2011, 2020, "local.province", "mobilised", Decimal("500.0"), note=_CITY),
    FundingLine("city", 2011, 2020, "local.district", "mobilised", Decimal("31675.79"), note=_CITY),
    FundingLine("city", 2011, 2020, "local.commune", "mobilised", Decimal("649.97"), note=_CITY),
    FundingLine("city", 2011, 2020, "credit", "mobilised", Decimal("46000.0"),
                note=f"{_CITY}; báo cáo in \"46,0 triệu\", tỷ lệ 26,56% và tổng 173.210,97 cho thấy là 46.000,0"),
    FundingLine("city", 2011, 2020, "community", "mobilised", Decimal("30921.42"), note=_CITY),
    FundingLine("city", 2011, 2020, "enterprises", "mobilised", Decimal("12095.47"), note=_CITY),
    FundingLine("city", 2011, 2020, "other", "mobilised", Decimal("19677.97"), note=_CITY),
    FundingLine("province", 2017, 2021, "central", "mobilised", Decimal("2397.3"), BILLION, _P1721),
    FundingLine("province", 2017, 2021, "local.province", "mobilised", Decimal("314.7"), BILLION, _P1721),
    FundingLine("province", 2017, 2021, "integrated", "mobilised", Decimal("65.15"), BILLION, _P1721),
    FundingLine("province", 2017, 2021, "credit", "mobilised", Decimal("8098.32"), BILLION, _P1721),
    FundingLine("province", 2017, 2021, "community", "mobilised", Decimal("175"), BILLION, _P1721),
    FundingLine("province", 2017, 2021, "other", "mobilised", Decimal("81.75"), BILLION, _P1721),
)  # fmt: skip

IN_KIND_LINES = (
    InKindLine("city", 2011, 2020, "labour_days", Decimal("40457.5"), "Ngày công nhân dân đóng góp"),
    InKindLine("city", 2011, 2020, "land_m2", Decimal("20630"), "Đất nhân dân hiến"),
)
