"""Funding figures of a unit and everything under it: the one place they are computed.

Pages, the Excel appendix and the PDF report call these functions, so they always agree. Amounts stay in
whole đồng and shares are exact decimals; only the display helpers at the end round.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from funding import consistency
from funding.models import FundingRecord, FundingSource, InKindContribution
from ntm_portal.numbers import decimal_text

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
DEFAULT_KIND = FundingRecord.Kind.MOBILISED


@dataclass(frozen=True, order=True)
class Period:
    """Whole years from `start` to `end`; a record counts when its own period lies inside."""

    start: int
    end: int

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(year, year)

    @classmethod
    def parse(cls, text: str) -> "Period | None":
        """ "2019" or "2011-2020"; None for anything else."""
        first, dash, last = text.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            return None
        start, end = int(first), int(last or first)
        return cls(start, end) if start <= end else None

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


@dataclass(frozen=True)
class SourceLine:
    """One source of the catalogue with the money recorded on it and under it."""

    code: str
    name: str
    parent_code: str | None
    depth: int
    is_credit: bool  # the source or one of its ancestors is credit
    own_vnd: int  # records filed on this source itself
    amount_vnd: int  # own records plus every sub-source's
    share: Decimal | None  # % of the total; None when the total is 0
    share_without_credit: Decimal | None  # % of the total without credit; None for credit lines


@dataclass(frozen=True)
class InKindTotals:
    labour_days: Decimal
    land_m2: Decimal
    materials_vnd: int

    @property
    def is_empty(self) -> bool:
        return not (self.labour_days or self.land_m2 or self.materials_vnd)


@dataclass(frozen=True)
class FundingSummary:
    unit_name: str
    period: Period
    kind: str
    lines: tuple[SourceLine, ...]  # catalogue order, parents before their sub-sources
    total_vnd: int
    total_without_credit_vnd: int
    in_kind: InKindTotals
    record_count: int

    @property
    def credit_vnd(self) -> int:
        return self.total_vnd - self.total_without_credit_vnd

    @property
    def is_empty(self) -> bool:
        return self.record_count == 0 and self.in_kind.is_empty


@dataclass(frozen=True)
class RecordFinding:
    """A consistency finding over the records of one unit, period and kind."""

    unit_name: str
    period: Period
    finding: consistency.Finding
    kind: str = ""


@dataclass(frozen=True)
class PlannedRecord:
    """A funding record as an import will store it, with the share of its group's total the file states."""

    unit: AdministrativeUnit
    period: Period
    kind: str
    source: FundingSource
    amount_vnd: int
    project: str = ""
    share: Decimal | None = None  # in %

    @property
    def group(self) -> tuple[int, Period, str]:
        """The records that describe the same money: of one unit, period and kind."""
        return (self.unit.pk, self.period, self.kind)


def funding_summary(*, unit: AdministrativeUnit, period: Period, kind: str = DEFAULT_KIND) -> FundingSummary:
    """Money by source for `unit` and every unit under it, over records lying inside `period`."""
    sources = _catalogue()
    rows = _without_covered(
        list(
            _records(unit=unit, period=period, kind=kind).values_list(
                "unit_id", "source_id", "year_from", "year_to", "amount_vnd"
            )
        ),
        sources,
    )
    own: dict[int, int] = {}
    for _unit_id, source_id, _start, _end, amount in rows:
        own[source_id] = own.get(source_id, 0) + amount
    amounts = _subtree_amounts(sources, own)
    credit = _credit_ids(sources)
    total = sum(own.values())
    without_credit = sum(amount for source_id, amount in own.items() if source_id not in credit)
    lines = tuple(
        SourceLine(
            code=source.code,
            name=source.name,
            parent_code=sources[source.parent_id].code if source.parent_id else None,
            depth=depth,
            is_credit=source.pk in credit,
            own_vnd=own.get(source.pk, 0),
            amount_vnd=amounts[source.pk],
            share=share(amounts[source.pk], total),
            share_without_credit=None if source.pk in credit else share(amounts[source.pk], without_credit),
        )
        for source, depth in _tree_order(sources)
        if source.pk in amounts
    )
    return FundingSummary(
        unit_name=unit.name,
        period=period,
        kind=kind,
        lines=lines,
        total_vnd=total,
        total_without_credit_vnd=without_credit,
        in_kind=_in_kind(unit=unit, period=period),
        record_count=len(rows),
    )


def funding_findings(
    *, unit: AdministrativeUnit, period: Period, kind: str = DEFAULT_KIND
) -> tuple[RecordFinding, ...]:
    """Sub-sources that do not add up to their parent, per unit and recorded period.

    Only records of the same unit, period and kind describe the same money; shares are computed here, so
    the parent/child sums are the only thing that can disagree.
    """
    records = _records(unit=unit, period=period, kind=kind)
    rows = records.values("unit_id", "unit__name", "year_from", "year_to", "source_id").annotate(
        amount=Sum("amount_vnd")
    )
    groups: dict[tuple, dict[int, int]] = defaultdict(dict)
    for row in rows:
        groups[(row["unit__name"], row["unit_id"], row["year_from"], row["year_to"])][row["source_id"]] = row["amount"]
    if not groups:
        return ()
    sources = _catalogue()
    found = []
    for (unit_name, _unit_id, year_from, year_to), own in sorted(groups.items()):
        found.extend(
            RecordFinding(unit_name, Period(year_from, year_to), finding, kind)
            for finding in _group_findings(own, sources)
        )
    return tuple(found)


def funding_findings_planned(
    *, records: Sequence[PlannedRecord], stated_totals: Mapping[tuple[int, Period, str], Decimal] | None = None
) -> tuple[RecordFinding, ...]:
    """The findings of each unit, period and kind the records touch, as they will be once the records are stored.

    A group is its stored records, each replaced by the planned record with the same source and project, plus
    the planned records. Shares the file states are checked against the group's total, which is the stated
    total (of a total row) when given.
    """
    if not records:
        return ()
    groups = {record.group: record.unit for record in records}
    planned_keys = {(*record.group, record.source.pk, record.project) for record in records}
    stored = FundingRecord.objects.filter(
        unit_id__in={unit_id for unit_id, _period, _kind in groups},
        kind__in={kind for _unit_id, _period, kind in groups},
        year_from__in={period.start for _unit_id, period, _kind in groups},
    ).values_list("unit_id", "year_from", "year_to", "kind", "source_id", "project", "amount_vnd")
    own: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, year_from, year_to, kind, source_id, project, amount in stored:
        group = (unit_id, Period(year_from, year_to), kind)
        if group in groups and (*group, source_id, project) not in planned_keys:
            own[group][source_id] += amount
    for record in records:
        own[record.group][record.source.pk] += record.amount_vnd
    # A stated share belongs to a source's line only when one record makes that line.
    lines_per_source = Counter((record.group, record.source.pk) for record in records)
    shares: dict[tuple, dict[int, Decimal]] = defaultdict(dict)
    for record in records:
        if record.share is not None and lines_per_source[(record.group, record.source.pk)] == 1:
            shares[record.group][record.source.pk] = record.share
    sources = _catalogue()
    stated_totals = stated_totals or {}
    found = []
    for group in sorted(groups, key=lambda group: (groups[group].name, group[1], group[2])):
        findings = _group_findings(own[group], sources, shares=shares[group], stated_total=stated_totals.get(group))
        found.extend(RecordFinding(groups[group].name, group[1], finding, group[2]) for finding in findings)
    return tuple(found)


def _group_findings(
    own: Mapping[int, int],
    sources: dict[int, FundingSource],
    *,
    shares: Mapping[int, Decimal] | None = None,
    stated_total: Decimal | None = None,
) -> list[consistency.Finding]:
    """The consistency findings of one group's amounts in đồng by source id."""
    shares = shares or {}
    lines = [
        consistency.Line(
            code=sources[source_id].code,
            parent=sources[sources[source_id].parent_id].code if sources[source_id].parent_id else None,
            # Million đồng with all six decimals: the check then compares to the đồng.
            amount=Decimal(amount).scaleb(-6),
            share=shares.get(source_id),
            name=sources[source_id].name,
        )
        for source_id, amount in own.items()
    ]
    return consistency.check_lines(lines, stated_total=stated_total)


def funding_periods(*, unit: AdministrativeUnit, kind: str = DEFAULT_KIND) -> list[Period]:
    """The periods records of the unit's subtree were filed for, latest end first, longest first."""
    pairs = (
        FundingRecord.objects.filter(unit__in=AdministrativeUnit.objects.within(unit), kind=kind)
        .order_by()  # the model's ordering would join units and sources into the DISTINCT
        .values_list("year_from", "year_to")
        .distinct()
    )
    return sorted((Period(start, end) for start, end in pairs), key=lambda period: (-period.end, period.start))


def _without_covered(rows: list[tuple], sources: dict[int, FundingSource]) -> list[tuple]:
    """Leave out a record that a longer record of the same unit already covers.

    Offices file both an annual report (2019) and a phase report (2017-2021) for the same money: summing
    2017-2021 must not count 2019 twice. A record is covered when the same unit has a record over a longer
    period containing its years, for the same source or one of its parents (a phase report often gives only
    the central-budget total where the annual report split it).
    """

    def lineage(source_id: int) -> set[int]:
        ids = set()
        while source_id is not None:
            ids.add(source_id)
            source_id = sources[source_id].parent_id
        return ids

    def covered(row) -> bool:
        unit_id, source_id, start, end, _amount = row
        own_lineage = lineage(source_id)
        return any(
            other[0] == unit_id
            and other[1] in own_lineage
            and other[2] <= start
            and end <= other[3]
            and (other[3] - other[2]) > (end - start)
            for other in rows
        )

    return [row for row in rows if not covered(row)]


def funding_kinds(*, unit: AdministrativeUnit, period: Period) -> tuple[str, ...]:
    """The kinds (plan, allocated, …) with records of the unit or under it inside the period."""
    units = AdministrativeUnit.objects.within(unit)
    kinds = set(
        FundingRecord.objects.filter(unit__in=units)
        .within_period(period.start, period.end)
        .values_list("kind", flat=True)
    )
    return tuple(kind for kind in FundingRecord.Kind.values if kind in kinds)


def _records(*, unit: AdministrativeUnit, period: Period, kind: str):
    return FundingRecord.objects.within_period(period.start, period.end).filter(
        unit__in=AdministrativeUnit.objects.within(unit), kind=kind
    )


def _catalogue() -> dict[int, FundingSource]:
    # Disabled sources stay: records filed before a source was retired still count.
    return {source.pk: source for source in FundingSource.objects.all()}


def _children(sources: dict[int, FundingSource]) -> dict[int | None, list[FundingSource]]:
    children: dict[int | None, list[FundingSource]] = defaultdict(list)
    for source in sorted(sources.values(), key=lambda source: (source.position, source.code)):
        children[source.parent_id].append(source)
    return children


def _tree_order(sources: dict[int, FundingSource]) -> list[tuple[FundingSource, int]]:
    children = _children(sources)
    ordered = []

    def visit(parent_id: int | None, depth: int) -> None:
        for source in children[parent_id]:
            ordered.append((source, depth))
            visit(source.pk, depth + 1)

    visit(None, 0)
    return ordered


def _subtree_amounts(sources: dict[int, FundingSource], own: dict[int, int]) -> dict[int, int]:
    """Each source with money on it or under it → its own records plus its sub-sources' amounts."""
    amounts: dict[int, int] = defaultdict(int)
    for source_id, amount in own.items():
        node = sources[source_id]
        while True:
            amounts[node.pk] += amount
            if node.parent_id is None:
                break
            node = sources[node.parent_id]
    return dict(amounts)


def _credit_ids(sources: dict[int, FundingSource]) -> set[int]:
    credit = set()
    for source, _depth in _tree_order(sources):
        if source.is_credit or source.parent_id in credit:
            credit.add(source.pk)
    return credit


def share(amount: int, total: int) -> Decimal | None:
    """Exact share of `amount` in `total`, in per cent; None when the total is 0. Every funding share."""
    return Decimal(amount) * HUNDRED / Decimal(total) if total else None


def _in_kind(*, unit: AdministrativeUnit, period: Period) -> InKindTotals:
    rows = (
        InKindContribution.objects.within_period(period.start, period.end)
        .filter(unit__in=AdministrativeUnit.objects.within(unit))
        .values("kind")
        .annotate(quantity=Sum("quantity"), value=Sum("value_vnd"))
    )
    by_kind = {row["kind"]: row for row in rows}

    def total(kind: str, field: str):
        return by_kind.get(kind, {}).get(field) or 0

    return InKindTotals(
        labour_days=Decimal(total(InKindContribution.Kind.LABOUR_DAYS, "quantity")),
        land_m2=Decimal(total(InKindContribution.Kind.LAND, "quantity")),
        materials_vnd=total(InKindContribution.Kind.MATERIALS, "value"),
    )


def million_dong(amount_vnd: int) -> str:
    """ "31.690,35": million đồng, two decimals rounded half up, grouped as the active language writes it."""
    return decimal_text(Decimal(amount_vnd) / Decimal(1_000_000), 2)


def million_dong_text(amount_vnd: int) -> str:
    """ "31.690,35 triệu đồng"."""
    return _("%(amount)s million đồng") % {"amount": million_dong(amount_vnd)}


def percent(share: Decimal | None, places: int = 2) -> str:
    """A share rounded half up for display ("18,30"); reports that print truncated shares differ by design."""
    return decimal_text(share, places)


def quantity_text(quantity: Decimal) -> str:
    """A quantity with the decimals it needs ("40.457,5", "20.630")."""
    places = max(0, -quantity.normalize().as_tuple().exponent)
    return number_format(quantity, decimal_pos=places, use_l10n=True, force_grouping=True)
