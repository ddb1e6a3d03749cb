"""The figures of a report as plain frozen data: what the text, the charts, the appendices, the dashboard,
the XLSX and the DOCX print, and what an issued report stores (`reports.figures.snapshot`).

Conventions of the seeds (see shared/reference/report-reproduction.md §0):
- the denominator N is the programme communes (xã) of the unit as the year began; wards and towns are out;
- a commune's criteria are those of the commune NTM set in force for its province that year (a commune
  without an assessment meets none); the bands are the set's;
- "tăng 10,17%" for a criterion is the change of its share in percentage points:
  (n_k(y) − n_k(y−1)) / N(y) × 100; a year judged on another set has no change to report;
- "% of plan" for the average is computed from the displayed (rounded) average, as the seeds print it.
Values are exact (`Decimal`, integers); `ntm_portal.numbers.half_up` rounds them for display only.
"""

from dataclasses import dataclass
from decimal import Decimal

from criteria.selectors.results import percent
from funding.selectors import FundingSummary, Period
from ntm_portal.numbers import half_up


def average(total: int, communes: int) -> Decimal:
    """Criteria met per commune, exact; 0 without communes. The one formula of every average printed."""
    return Decimal(total) / Decimal(communes) if communes else Decimal(0)


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    level: str  # province, district or commune


@dataclass(frozen=True)
class SetRef:
    """The criteria set a year was judged on, as the report names it."""

    code: str
    name: str
    decision_number: str
    decision_citation: str
    criteria: int  # how many criteria it has: the N of "đạt đủ N tiêu chí"


@dataclass(frozen=True)
class TierFigures:
    """Communes recognised for one tier: held at the end of the period, and new within it."""

    tier: str
    label: str
    held: int
    share: Decimal | None  # of N
    new: tuple[str, ...]  # names of communes newly recognised in the period, in decision order
    planned: tuple[str, ...]  # communes with a target of this tier in the period
    missed: tuple[str, ...]  # planned but not recognised by the end of the period

    @property
    def new_count(self) -> int:
        return len(self.new)

    @property
    def of_plan(self) -> Decimal | None:
        """New recognitions as % of those planned ("bằng 83,33% so với kế hoạch")."""
        return percent(len(self.new), len(self.planned))


@dataclass(frozen=True)
class BandFigures:
    key: str
    label: str  # "19", "15-18", …, "<10"
    low: int
    high: int
    communes: int
    share: Decimal | None
    extra: bool = False  # a line beside the partition ("under 10"), overlapping its bands


@dataclass(frozen=True)
class CriterionFigures:
    number: int
    name: str
    group: str
    met: int
    share: Decimal | None
    previous_met: int | None  # None when the previous year has no results on the same set
    change_points: Decimal | None  # percentage points of N(y)


@dataclass(frozen=True)
class DistrictFigures:
    name: str
    communes: int
    average: Decimal
    previous_average: Decimal | None
    recognised: int  # communes holding the NTM tier (or higher)

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_average is None else self.average - self.previous_average


@dataclass(frozen=True)
class LostCriteria:
    """A commune recognised NTM that no longer meets some criteria."""

    name: str
    district: str
    criteria: tuple[int, ...]


@dataclass(frozen=True)
class YearFigures:
    """One year of the history charts, judged on its own set."""

    year: int
    set_code: str
    criteria: int  # the number of that set's criteria
    communes: int
    average: Decimal
    recognised: int
    by_band: dict[str, int]


@dataclass(frozen=True)
class SetSegment:
    """The years of a report's period judged on one set, with the figures of its last year: a period across
    the 2025 reform reports each set apart, never one average over 19 and 10 criteria."""

    criteria_set: SetRef
    first_year: int
    last_year: int
    communes: int  # programme communes of the last year, on its map
    criteria_met_total: int
    met_all: int  # communes meeting every criterion of the set
    recognised: int  # communes holding a recognition during the last year (on the old map: the old communes)

    @property
    def average(self) -> Decimal:
        return average(self.criteria_met_total, self.communes)


@dataclass(frozen=True)
class EvidenceFigures:
    accepted: int
    pending: int
    rejected: int
    met_without_evidence: int  # criteria marked met with no accepted evidence


@dataclass(frozen=True)
class PlanFigures:
    """What the targets of a year add up to for a unit: the "KH" column."""

    year: int
    communes: int  # programme communes of the year
    average: Decimal | None  # the unit's own target of criteria per commune
    holding: dict[str, int]  # communes holding each tier (or a higher one) once every target is reached
    new: dict[str, int]  # communes with a target of each tier
    new_names: dict[str, tuple[str, ...]]  # their names, by name


@dataclass(frozen=True)
class MatrixColumn:
    number: int
    met: int
    share: Decimal | None


@dataclass(frozen=True)
class MatrixRow:
    name: str
    district_name: str
    results: tuple[bool | None, ...]
    met: int
    tier: str


@dataclass(frozen=True)
class MatrixGroup:
    district_name: str
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class MatrixFigures:
    """Biểu 01: the communes × the criteria of the year, grouped by district where there are districts."""

    unit_name: str
    year: int
    columns: tuple[MatrixColumn, ...]
    groups: tuple[MatrixGroup, ...]
    grouped: bool
    average: Decimal | None  # rounded as printed; None without communes

    @property
    def rows(self) -> tuple[MatrixRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)


@dataclass(frozen=True)
class YearSummary:
    """A year's headline figures, for the "TH" columns of Biểu 03 beside the report's own year."""

    year: int
    communes: int
    criteria_met_total: int
    distribution: dict[int, int]
    criteria: tuple[CriterionFigures, ...]
    bands: tuple[BandFigures, ...]
    tiers: tuple[TierFigures, ...]

    @property
    def average(self) -> Decimal:
        return average(self.criteria_met_total, self.communes)

    @property
    def average_rounded(self) -> Decimal:
        return half_up(self.average)

    def tier(self, tier: str) -> TierFigures:
        """The figures of a tier; none held in a year whose tiers do not include it (nâng cao from 2026)."""
        found = next((figures for figures in self.tiers if figures.tier == tier), None)
        return found or TierFigures(tier=tier, label="", held=0, share=None, new=(), planned=(), missed=())

    def band(self, key: str) -> BandFigures | None:
        return next((band for band in self.bands if band.key == key), None)

    def band_of(self, met: int) -> BandFigures | None:
        """The band of the partition (not an extra line) a commune meeting `met` criteria falls in."""
        return next((band for band in self.bands if not band.extra and band.low <= met <= band.high), None)


@dataclass(frozen=True)
class MapCommune:
    """A programme commune on the map: its outline in lon/lat (every ring of every polygon) and its count."""

    unit_id: int
    name: str
    met: int
    rings: tuple[tuple[tuple[Decimal, Decimal], ...], ...]


@dataclass(frozen=True)
class MapFigures:
    """The communes of the year that have a boundary, with the criteria each meets as the report counts them."""

    communes: tuple[MapCommune, ...]  # in the order of the year's communes
    without_boundary: tuple[str, ...]  # names of the year's programme communes that have none


@dataclass(frozen=True)
class ReportFigures(YearSummary):
    """Every figure of a report for `unit` over `start` … `year`; the commune figures are as of `year`."""

    unit: UnitRef
    start: int
    criteria_set: SetRef | None
    previous_year: int
    previous_communes: int
    previous_criteria_met_total: int | None  # None when the previous year has no results on the same set
    previous_set: SetRef | None
    planned_average: Decimal | None
    districts: tuple[DistrictFigures, ...]
    lost: tuple[LostCriteria, ...]
    history: tuple[YearFigures, ...]
    funding: FundingSummary
    funding_kinds: tuple[str, ...]  # kinds with records in the period (plan, allocated, …)
    evidence: EvidenceFigures
    plan: PlanFigures | None  # the targets of the year after
    matrix: MatrixFigures | None  # Biểu 01, when the appendix was asked for
    earlier: tuple[YearSummary, ...]  # earlier years for Biểu 03's TH columns, oldest first
    segments: tuple[SetSegment, ...] = ()  # the period's runs of years on one set, oldest first
    map: MapFigures | None = None  # None when no commune of the year has a boundary
    # Communes meeting every criterion that hold a recognition decision as of the year: the others meet the
    # standard on paper only, and a report must say so rather than leave them to a chart.
    met_all_recognised: int = 0
    # The code list's spelling of the unit and the units under it: text typed by staff is printed with these
    unit_names: tuple[str, ...] = ()
    # Communes with results for the year; None in a snapshot stored before it was counted
    assessed: int | None = None

    @property
    def crosses_scales(self) -> bool:
        """The period has years judged on sets of different sizes (19 criteria, then 10)."""
        return len({segment.criteria_set.criteria for segment in self.segments}) > 1

    @property
    def criteria_count(self) -> int:
        return self.criteria_set.criteria if self.criteria_set else 0

    @property
    def is_period(self) -> bool:
        return self.start != self.year

    @property
    def period(self) -> Period:
        return Period(self.start, self.year)

    @property
    def previous_average(self) -> Decimal | None:
        if self.previous_criteria_met_total is None:
            return None
        return average(self.previous_criteria_met_total, self.previous_communes)

    @property
    def average_change(self) -> Decimal | None:
        previous = self.previous_average
        return None if previous is None else self.average - previous

    @property
    def average_of_plan(self) -> Decimal | None:
        """The rounded average as % of the planned one (10,62 / 11 → 96,55)."""
        if not self.planned_average:
            return None
        return self.average_rounded * 100 / self.planned_average

    @property
    def partition(self) -> tuple[BandFigures, ...]:
        """The bands that partition the communes (without the extra lines), highest first."""
        return tuple(band for band in self.bands if not band.extra)

    @property
    def met_all(self) -> int:
        """Communes meeting every criterion of the set."""
        return self.partition[0].communes if self.partition else 0

    @property
    def met_all_unrecognised(self) -> int:
        """Communes meeting every criterion without a recognition decision yet."""
        return self.met_all - self.met_all_recognised

    def history_by_scale(self) -> tuple[tuple[YearFigures, ...], ...]:
        """The history in runs of years judged on sets of as many criteria (QĐ 1980 then QĐ 318: 19 each):
        charts never draw 19 and 10 criteria on one axis."""
        runs: list[list[YearFigures]] = []
        for point in self.history:
            if not runs or runs[-1][-1].criteria != point.criteria:
                runs.append([])
            runs[-1].append(point)
        return tuple(tuple(run) for run in runs)
