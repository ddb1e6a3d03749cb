"""The Cao Bằng demo history, as plain data. Pure and deterministic: the same input gives the same plan.

What is real and what is invented:
- Real (seeds 000-004): the recognitions of Hưng Đạo (2016), Quang Hán (2018), the five communes of 2019,
  Chu Trinh (2020); the 2020 target list; the 2021 province figures (17 communes meeting all 19 criteria,
  11 meeting 15-18, 64 meeting 10-14, 47 meeting 5-9, average 11,63); the 2019 shares of each criterion,
  used as how easy each criterion is.
- Invented to make a plausible history: which other communes sit in which band, the criteria each one
  meets, the years before and after 2021, the recognition in 2020 of the seven other 2020 targets, and
  one recognition in 2015 and one in 2021 (seed 002 says 15 communes were recognised in 2017-2021, 17 in
  all after the 2020 merger).
- Invented entirely: 2026, the first year of QĐ 51/2025 on the 53 xã of the two-tier map (`plan_new_map`):
  their commune groups and the criteria each one meets.
"""

import math
import random
from dataclasses import dataclass

FIRST_YEAR, LAST_YEAR = 2016, 2025
REFERENCE_YEAR = 2021
CRITERIA = tuple(range(1, 20))

# Seed 002 (2017-2021 phase report), over the 139 communes after the 2020 merger.
REFERENCE_BANDS = ((15, 18, 11), (10, 14, 64), (5, 9, 47))
REFERENCE_ALL_MET = 17
REFERENCE_TOTAL_MET = 1617  # 1617 / 139 = 11,633 → "11,63 tiêu chí/xã"

# Communes meeting each criterion in 2019 (seed 001, of 177): how easy each criterion is.
CRITERION_EASE = {
    1: 177, 2: 61, 3: 141, 4: 120, 5: 46, 6: 22, 7: 147, 8: 63, 9: 65, 10: 27,
    11: 26, 12: 173, 13: 78, 14: 118, 15: 115, 16: 134, 17: 34, 18: 165, 19: 168,
}  # fmt: skip

# Province-wide average criteria per commune that the invented years follow (2018, 2019 as in seed 001).
AVERAGE_BY_YEAR = {
    2016: 7.4, 2017: 8.4, 2018: 9.55, 2019: 10.62, 2020: 11.1,
    2021: 11.63, 2022: 12.3, 2023: 13.0, 2024: 13.8, 2025: 14.6,
}  # fmt: skip

# Better-connected districts sit higher in the invented bands.
DISTRICT_BONUS = {
    "Cao Bằng": 3.0, "Hoà An": 1.5, "Quảng Hòa": 1.5, "Trùng Khánh": 1.0, "Hà Quảng": 1.0,
    "Thạch An": 0.3, "Hạ Lang": 0.0, "Bảo Lạc": -1.0, "Nguyên Bình": -1.0, "Bảo Lâm": -1.5,
}  # fmt: skip


@dataclass(frozen=True)
class PlannedRecognition:
    district: str
    commune: str
    year: int
    decision_number: str
    decision_date: str  # ISO
    from_seeds: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.district, self.commune)


PROVINCE_SIGNER = "Chủ tịch UBND tỉnh Cao Bằng"
RECOGNITIONS = (
    PlannedRecognition("Hoà An", "Nam Tuấn", 2015, "Minh họa", "2015-12-30", from_seeds=False),
    PlannedRecognition("Cao Bằng", "Hưng Đạo", 2016, "2482/QĐ-UBND", "2016-12-28", from_seeds=True),
    PlannedRecognition("Trùng Khánh", "Quang Hán", 2018, "46/QĐ-UBND", "2019-01-14", from_seeds=True),
    *(
        PlannedRecognition(district, commune, 2019, "46/QĐ-UBND", "2020-01-20", from_seeds=True)
        for district, commune in (
            ("Cao Bằng", "Vĩnh Quang"),
            ("Hà Quảng", "Sóc Hà"),
            ("Hoà An", "Hoàng Tung"),
            ("Quảng Hòa", "Đại Sơn"),
            ("Thạch An", "Lê Lai"),
        )
    ),
    PlannedRecognition("Cao Bằng", "Chu Trinh", 2020, "2850/QĐ-UBND", "2020-12-31", from_seeds=True),
    *(
        PlannedRecognition(district, commune, 2020, "2850/QĐ-UBND", "2020-12-31", from_seeds=False)
        for district, commune in (
            ("Quảng Hòa", "Quảng Hưng"),
            ("Hoà An", "Đức Long"),
            ("Hà Quảng", "Lương Can"),
            ("Hạ Lang", "Thị Hoa"),
            ("Trùng Khánh", "Ngọc Côn"),
            ("Bảo Lâm", "Yên Thổ"),
            ("Bảo Lạc", "Huy Giáp"),
        )
    ),
    PlannedRecognition("Quảng Hòa", "Độc Lập", 2021, "Minh họa", "2021-12-30", from_seeds=False),
)

# The 2020 targets of seed 001 (III.1): eight communes to reach NTM in 2020.
TARGETS_2020 = (
    ("Cao Bằng", "Chu Trinh"),
    ("Quảng Hòa", "Quảng Hưng"),
    ("Hoà An", "Đức Long"),
    ("Hà Quảng", "Lương Can"),
    ("Hạ Lang", "Thị Hoa"),
    ("Trùng Khánh", "Ngọc Côn"),
    ("Bảo Lâm", "Yên Thổ"),
    ("Bảo Lạc", "Huy Giáp"),
)

# A recognised commune that lost a criterion after the merger (seed 002: schools, criterion 5) and won it back.
LOST_CRITERION = (("Cao Bằng", "Vĩnh Quang"), 5, (2022, 2023))


@dataclass(frozen=True)
class DemoCommune:
    key: tuple[str, str]  # (district short name, commune short name): names repeat across districts
    code: str


def plan_history(communes: list[DemoCommune]) -> dict[tuple[str, int], frozenset[int]]:
    """Criteria met by every commune (by code) in every year 2016-2025."""
    rng = random.Random(20211231)
    communes = sorted(communes, key=lambda commune: commune.code)
    recognised = {rec.key: rec.year for rec in RECOGNITIONS}
    missing = set(recognised) - {commune.key for commune in communes}
    if missing:
        raise ValueError(f"demo communes not on the map: {sorted(missing)}")

    counts_2021 = _reference_year_counts(communes, recognised, rng)
    history: dict[tuple[str, int], frozenset[int]] = {}
    for commune in communes:
        ranking = sorted(CRITERIA, key=lambda number: -CRITERION_EASE[number] * rng.uniform(0.6, 1.4))
        year_counts = _trajectory(counts_2021[commune.code], recognised.get(commune.key), rng)
        for year, count in year_counts.items():
            met = set(ranking[:count])
            lost_key, lost_criterion, lost_years = LOST_CRITERION
            if commune.key == lost_key and year in lost_years:
                met.discard(lost_criterion)
            history[(commune.code, year)] = frozenset(met)
    return history


def _reference_year_counts(
    communes: list[DemoCommune], recognised: dict[tuple[str, str], int], rng: random.Random
) -> dict[str, int]:
    """2021: recognised communes meet all 19; the others fill seed 002's bands with its exact total."""
    all_met = [c for c in communes if recognised.get(c.key, 9999) <= REFERENCE_YEAR]
    others = [c for c in communes if c not in all_met]
    band_sizes = sum(size for _, _, size in REFERENCE_BANDS)
    if len(all_met) != REFERENCE_ALL_MET or len(others) != band_sizes:
        raise ValueError(f"expected {REFERENCE_ALL_MET} + {band_sizes} communes, got {len(all_met)} + {len(others)}")

    ranked = sorted(others, key=lambda c: -(DISTRICT_BONUS.get(c.key[0], 0.0) + rng.uniform(0, 4)))
    counts = {c.code: 19 for c in all_met}
    bounds: dict[str, tuple[int, int]] = {}
    start = 0
    for low, high, size in REFERENCE_BANDS:
        for commune in ranked[start : start + size]:
            counts[commune.code] = rng.randint(low, high)
            bounds[commune.code] = (low, high)
        start += size

    # Nudge within the bands until the total is exactly the published one.
    order = [c.code for c in ranked]
    step = 1 if sum(counts.values()) < REFERENCE_TOTAL_MET else -1
    position = 0
    while sum(counts.values()) != REFERENCE_TOTAL_MET:
        code = order[position % len(order)]
        low, high = bounds[code]
        if low <= counts[code] + step <= high:
            counts[code] += step
        position += 1
    return counts


def _trajectory(count_2021: int, recognised_in: int | None, rng: random.Random) -> dict[int, int]:
    """Criteria met per year: never falling, 19 from the recognition year, at most 18 before it."""
    if recognised_in is not None:
        return {
            year: 19 if year >= recognised_in else max(5, 19 - math.ceil((recognised_in - year) * 1.5))
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
        }
    pace = rng.uniform(0.7, 1.3)

    def guess(year: int) -> int:
        drift = (AVERAGE_BY_YEAR[year] - AVERAGE_BY_YEAR[REFERENCE_YEAR]) * pace
        return round(count_2021 + drift + rng.choice((-1, 0, 0, 1)))

    counts = {REFERENCE_YEAR: count_2021}
    for year in range(REFERENCE_YEAR - 1, FIRST_YEAR - 1, -1):
        # Seed 002: by the end of 2018 no commune met fewer than 5 criteria.
        floor = 5 if year >= 2018 else 2
        counts[year] = max(floor, min(counts[year + 1], guess(year)))
    for year in range(REFERENCE_YEAR + 1, LAST_YEAR + 1):
        counts[year] = min(18, max(counts[year - 1], guess(year)))
    return dict(sorted(counts.items()))


NEW_MAP_YEAR = 2026
NEW_CRITERIA = tuple(range(1, 11))  # QĐ 51/2025
# Cao Bằng's xã are nearly all of areas II and III (group 3); group 1 borders the provincial city.
COMMUNE_GROUPS = {"Hòa An": 1, "Bạch Đằng": 2, "Nguyễn Huệ": 2, "Phục Hòa": 2, "Quảng Uyên": 2, "Trùng Khánh": 2}
OTHER_GROUP = 3
# Communes meeting all ten in 2026, on the ground of former communes recognised under QĐ 318.
ALL_MET_NEW_MAP = ("Độc Lập", "Nam Tuấn", "Quang Hán", "Quảng Uyên")


@dataclass(frozen=True)
class NewMapCommune:
    code: str
    name: str  # short name: unique in the province on the two-tier map
    group: int
    met: frozenset[int]


def plan_new_map(names_by_code: dict[str, str]) -> list[NewMapCommune]:
    """The commune group and the QĐ 51 criteria met in 2026 of every xã of the two-tier map (by code)."""
    missing = set(ALL_MET_NEW_MAP) - set(names_by_code.values())
    if missing:
        raise ValueError(f"demo communes not on the two-tier map: {sorted(missing)}")
    rng = random.Random(20261231)
    planned = []
    for code, name in sorted(names_by_code.items()):
        group = COMMUNE_GROUPS.get(name, OTHER_GROUP)
        if name in ALL_MET_NEW_MAP:
            count = len(NEW_CRITERIA)
        else:
            count = max(1, min(9, round(rng.gauss(6.5 if group < OTHER_GROUP else 5.5, 2))))
        planned.append(NewMapCommune(code, name, group, frozenset(rng.sample(NEW_CRITERIA, count))))
    return planned
