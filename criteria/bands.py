"""The report bands of communes by number of criteria met (seeds 001, 002, 003). Pure.

Bands are data of a criteria set (`CriteriaSet.report_bands`): a partition of 0 … N, the number of the
set's criteria, into ranges ("19", "15-18", …, "<5"), and optional overlapping lines reported beside
them ("under 10"). A set that declares none gets the default of its size.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ntm_portal.numbers import half_up


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int
    high: int

    def contains(self, met: int) -> bool:
        return self.low <= met <= self.high


class BandsError(ValueError):
    """Bands that do not partition 0 … N; the message says why (shown to whoever edits the set)."""


@dataclass(frozen=True)
class BandScheme:
    """How a set of `criteria` criteria groups communes: `bands` partition 0 … N, highest first; `extras`
    (communes under some number) overlap them and are reported after."""

    criteria: int
    bands: tuple[Band, ...]
    extras: tuple[Band, ...] = ()

    @property
    def all_bands(self) -> tuple[Band, ...]:
        return (*self.bands, *self.extras)

    @property
    def top(self) -> Band:
        return self.bands[0]

    @property
    def lower(self) -> tuple[Band, ...]:
        """Every line below "all N": the partition's other bands, then the extras."""
        return (*self.bands[1:], *self.extras)

    def band(self, key: str) -> Band | None:
        return next((band for band in self.all_bands if band.key == key), None)

    def band_of(self, met: int) -> Band:
        return next(band for band in self.bands if band.contains(met))

    def as_json(self) -> dict:
        return {
            "bands": [[band.low, band.high] for band in self.bands],
            "under": [extra.high + 1 for extra in self.extras],
        }


# The key of every scheme's first band: all N criteria met.
ALL_MET = "all"


def band(low: int, high: int, *, criteria: int) -> Band:
    """A band with the key and label the grid's filters and the reports use ("all", "15_18", "under_5")."""
    if low == high == criteria:
        return Band(ALL_MET, str(criteria), low, high)
    if low == 0:
        return Band(f"under_{high + 1}", f"<{high + 1}", 0, high)
    if low == high:
        return Band(str(low), str(low), low, high)
    return Band(f"{low}_{high}", f"{low}-{high}", low, high)


def scheme(ranges: Iterable[tuple[int, int]], *, criteria: int, under: Iterable[int] = ()) -> BandScheme:
    """A scheme from its ranges, checked: highest first, from N down to 0, without gaps or overlaps."""
    ranges = [(int(low), int(high)) for low, high in ranges]
    expected_high = criteria
    for low, high in ranges:
        if high != expected_high or low > high:
            raise BandsError(
                f"Khoảng {low}-{high} không liền với khoảng trước: các khoảng phải đi từ {criteria} xuống 0, "
                "không chồng lên nhau, không bỏ sót."
            )
        expected_high = low - 1
    if not ranges or ranges[0] != (criteria, criteria) or expected_high != -1:
        raise BandsError(f"Các khoảng phải bắt đầu bằng {criteria} (đạt đủ tiêu chí) và kết thúc ở 0.")
    extras = []
    for limit in under:
        if not 0 < int(limit) <= criteria:
            raise BandsError(f"Dòng «dưới {limit} tiêu chí» phải nằm trong 1 … {criteria}.")
        extras.append(Band(f"under_{limit}", f"<{limit}", 0, int(limit) - 1))
    return BandScheme(
        criteria=criteria,
        bands=tuple(band(low, high, criteria=criteria) for low, high in ranges),
        extras=tuple(extras),
    )


# The seeds' bands for the 19-criteria sets of 2016-2025; "under 10" overlaps the last two.
SEED_RANGES_19 = ((19, 19), (15, 18), (10, 14), (5, 9), (0, 4))
SEED_UNDER_19 = (10,)


def default_scheme(criteria: int) -> BandScheme:
    """The bands of a set that declares none: the seeds' for 19 criteria; otherwise all N, then about
    four fifths and up, half and up, and the rest (10 criteria: 10 / 8-9 / 5-7 / <5)."""
    if criteria == 19:
        return scheme(SEED_RANGES_19, criteria=19, under=SEED_UNDER_19)
    fractions = (half_up(criteria * Decimal("0.8"), 0), half_up(criteria * Decimal("0.5"), 0))
    cuts = sorted({int(c) for c in fractions if 0 < c < criteria}, reverse=True)
    highs = [criteria - 1, *(cut - 1 for cut in cuts)]
    lows = [*cuts, 0]
    ranges = [(criteria, criteria), *((low, high) for low, high in zip(lows, highs, strict=True) if low <= high)]
    return scheme(ranges, criteria=criteria)


def scheme_for(criteria: int, declared: Mapping | None) -> BandScheme:
    """A set's scheme: what it declares (`{"bands": [[low, high], …], "under": [10]}`), else the default."""
    if not declared:
        return default_scheme(criteria)
    return scheme(declared.get("bands", ()), criteria=criteria, under=declared.get("under", ()))


@dataclass(frozen=True)
class BandSummary:
    communes: int
    criteria_met_total: int
    by_band: dict[str, int]  # every band of the scheme, extras included

    @property
    def average(self) -> Decimal:
        """Exact average criteria met per commune; round only for display."""
        if not self.communes:
            return Decimal(0)
        return Decimal(self.criteria_met_total) / Decimal(self.communes)

    def average_rounded(self, places: int = 2) -> Decimal:
        return half_up(self.average, places)


def summarise(met_counts: Iterable[int], bands: BandScheme) -> BandSummary:
    # Tally the values first: the national overview summarises 10,000 communes, of only 20 distinct values.
    communes_by_met = Counter(met_counts)
    tally: Counter[str] = Counter()
    for met, communes in communes_by_met.items():
        tally[bands.band_of(met).key] += communes
        for extra in bands.extras:
            if extra.contains(met):
                tally[extra.key] += communes
    return BandSummary(
        communes=communes_by_met.total(),
        criteria_met_total=sum(met * communes for met, communes in communes_by_met.items()),
        by_band={band.key: tally.get(band.key, 0) for band in bands.all_bands},
    )
