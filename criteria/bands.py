"""The report bands of communes by number of criteria met (seeds 001, 002, 003). Pure."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int
    high: int

    def contains(self, met: int) -> bool:
        return self.low <= met <= self.high


# For the 19-criteria sets of 2016-2025; "under 10" overlaps the last two and is reported beside them.
BANDS_19 = (
    Band("all", "19", 19, 19),
    Band("15_18", "15-18", 15, 18),
    Band("10_14", "10-14", 10, 14),
    Band("5_9", "5-9", 5, 9),
    Band("under_5", "<5", 0, 4),
)
UNDER_10 = Band("under_10", "<10", 0, 9)


@dataclass(frozen=True)
class BandSummary:
    communes: int
    criteria_met_total: int
    by_band: dict[str, int]
    under_10: int

    @property
    def average(self) -> Decimal:
        """Exact average criteria met per commune; round only for display."""
        if not self.communes:
            return Decimal(0)
        return Decimal(self.criteria_met_total) / Decimal(self.communes)

    def average_rounded(self, places: int = 2) -> Decimal:
        return self.average.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def summarise(met_counts: Iterable[int], bands: tuple[Band, ...] = BANDS_19) -> BandSummary:
    # Tally the values first: the national overview summarises 10,000 communes, of only 20 distinct values.
    communes_by_met = Counter(met_counts)
    tally: Counter[str] = Counter()
    for met, communes in communes_by_met.items():
        tally[next(band.key for band in bands if band.contains(met))] += communes
    return BandSummary(
        communes=communes_by_met.total(),
        criteria_met_total=sum(met * communes for met, communes in communes_by_met.items()),
        by_band={band.key: tally.get(band.key, 0) for band in bands},
        under_10=sum(communes for met, communes in communes_by_met.items() if UNDER_10.contains(met)),
    )
