"""A small province whose report figures were computed by hand (see EXPECTED), shared by the report tests.

Tỉnh Thử Nghiệm (code 99, no provincial criteria set, so the national sets apply):
- Huyện Một: xã Một (19 criteria met in 2021, 18 in 2020), xã Hai (17; 15), xã Ba (12; 10), and
  phường Bốn, a ward outside the programme whose 19 must not count;
- Huyện Hai: xã Năm (7; 7), xã Sáu (3; no assessment in 2020, so 0).
Each commune meets criteria 1 … n. Recognitions: xã Hai NTM for 2019, xã Một NTM for 2021. Targets for
2021: xã Một and xã Ba NTM; the province 12 criteria per commune. Funding 2021 of the province: central
budget 300 million đồng, credit 700 million.
"""

import datetime
from decimal import Decimal

from django.core.management import call_command

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriterionResult, Recognition, Target, Tier
from criteria.selectors import criteria_set_in_force
from criteria.services import assessment_summaries_refresh
from funding.models import FundingRecord, FundingSource

YEAR = 2021
MET = {  # commune → (criteria met in 2021, in 2020 or None for no assessment)
    "Xã Một": (19, 18),
    "Xã Hai": (17, 15),
    "Xã Ba": (12, 10),
    "Xã Năm": (7, 7),
    "Xã Sáu": (3, None),
}

# Hand-computed answers for 2021
EXPECTED = {
    "communes": 5,
    "criteria_met_total": 19 + 17 + 12 + 7 + 3,  # 58
    "average": Decimal("11.6"),
    "previous_average": Decimal("10"),  # (18 + 15 + 10 + 7 + 0) / 5
    "bands": {"all": 1, "15_18": 1, "10_14": 1, "5_9": 1, "under_5": 1, "under_10": 2},
    "held": 2,
    "held_share": Decimal(40),
    "new": ("Xã Một",),
    "of_plan": Decimal(50),
    "missed": ("Xã Ba",),
    "planned_average": Decimal(12),
    "average_of_plan": Decimal("11.60") * 100 / 12,  # 96,666…: from the rounded average, as the seeds do
    # criterion number → (communes meeting it in 2021, in 2020)
    "criteria": {1: (5, 4), 8: (3, 3), 12: (3, 2), 16: (2, 1), 18: (1, 1), 19: (1, 0)},
    "districts": [("Huyện Một", 3, Decimal(16), Decimal(43) / 3, 2), ("Huyện Hai", 2, Decimal(5), Decimal("3.5"), 0)],
    "lost": [("Xã Hai", (18, 19))],
    "funding_total_vnd": 1_000_000_000,
    "funding_without_credit_vnd": 300_000_000,
}


def unit(level, kind, code, name, parent=None, **extra) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        level=level, kind=kind, code=code, name=name, short_name=name.split(" ", 1)[1], parent=parent,
        region="TDMNPB", **extra,
    )  # fmt: skip


def build_province() -> AdministrativeUnit:
    call_command("load_criteria", verbosity=0)
    province = unit("province", "tinh", "99", "Tỉnh Thử Nghiệm")
    districts = {"Huyện Một": unit("district", "huyen", "991", "Huyện Một", province)}
    districts["Huyện Hai"] = unit("district", "huyen", "992", "Huyện Hai", province)
    parents = {"Xã Một": "Huyện Một", "Xã Hai": "Huyện Một", "Xã Ba": "Huyện Một"}
    communes = {
        name: unit(
            "commune", "xa", f"99{index:03d}", name, districts[parents.get(name, "Huyện Hai")], in_programme=True
        )
        for index, name in enumerate(MET, 1)
    }
    ward = unit("commune", "phuong", "99100", "Phường Bốn", districts["Huyện Một"])
    for year, position in ((YEAR, 0), (YEAR - 1, 1)):
        criteria_set = criteria_set_in_force(year=year, province=province)
        criteria = {criterion.number: criterion for criterion in criteria_set.criteria.all()}
        meeting = {name: counts[position] for name, counts in MET.items()} | {"Phường Bốn": 19}
        ids = []
        for name, met in meeting.items():
            if met is None:
                continue
            commune = communes.get(name, ward)
            assessment = Assessment.objects.create(unit=commune, year=year, criteria_set=criteria_set)
            CriterionResult.objects.bulk_create(
                CriterionResult(assessment=assessment, criterion=criterion, is_met=number <= met, method="direct")
                for number, criterion in criteria.items()
            )
            ids.append(assessment.pk)
        assessment_summaries_refresh(ids)
    for name, year in (("Xã Hai", 2019), ("Xã Một", YEAR)):
        Recognition.objects.create(
            unit=communes[name], tier=Tier.NTM, year=year, decision_number=f"{year}/QĐ-UBND",
            decision_date=datetime.date(year + 1, 1, 15),
        )  # fmt: skip
    for name in ("Xã Một", "Xã Ba"):
        Target.objects.create(unit=communes[name], year=YEAR, tier=Tier.NTM)
    Target.objects.create(unit=province, year=YEAR, criteria_count=12)
    for code, amount in (("central", 300_000_000), ("credit", 700_000_000)):
        FundingRecord.objects.create(
            unit=province, year_from=YEAR, year_to=YEAR, source=FundingSource.objects.get(code=code),
            kind=FundingRecord.Kind.MOBILISED, amount_vnd=amount,
        )  # fmt: skip
    return province
