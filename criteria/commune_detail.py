"""Reads for one commune and year: every criterion, indicator, threshold and result, and what changed.

Whether a criterion is met, and how many are, come from the stored results, as on the grid and in the
reports (they follow every change of their inputs, criteria.services); the evaluation of the stored inputs
explains them indicator by indicator.
"""

from dataclasses import dataclass, field

from communes.models import AdministrativeUnit
from criteria import display
from criteria.evaluation import CriterionOutcome, Evaluation, IndicatorOutcome
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult, Indicator, IndicatorValue, Recognition
from criteria.selectors import EvidenceTally, direct_results, evaluate_inputs, evidence_tallies, recognitions_held
from ntm_portal.models import ChangeRecord

HISTORY_LIMIT = 200
NO_EVIDENCE = EvidenceTally(accepted=0, total=0)


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: object
    outcome: IndicatorOutcome
    value_text: str
    threshold_text: str
    basis_text: str
    reason_text: str
    symbol: str
    css: str


@dataclass
class CriterionRow:
    criterion: Criterion
    outcome: CriterionOutcome  # the evaluation of the stored inputs, for the explanation
    result: CriterionResult | None
    is_met: bool | None  # the stored result
    indicators: list[IndicatorRow]
    previous_met: bool | None
    symbol: str
    css: str
    reason_text: str
    evidence: EvidenceTally = NO_EVIDENCE

    @property
    def unproven(self) -> bool:
        """Marked met without any accepted evidence."""
        return self.is_met is True and not self.evidence.accepted

    @property
    def indicators_disagree(self) -> bool:
        """The stored result is not what the indicators give: a result entered or imported at criterion
        level that the values now contradict (re-evaluation keeps inputs), never a stale computed one."""
        return self.is_met != self.outcome.is_met

    @property
    def change(self) -> str:
        if self.previous_met is True and self.is_met is not True:
            return "lost"
        if self.previous_met is not True and self.is_met is True:
            return "gained"
        return ""


@dataclass
class CommuneYear:
    unit: AdministrativeUnit
    year: int
    criteria_set: CriteriaSet
    assessment: Assessment | None
    evaluation: Evaluation
    rows: list[CriterionRow]
    previous: Assessment | None
    recognition: Recognition | None
    timeline: list[ChangeRecord] = field(default_factory=list)
    history: list[ChangeRecord] = field(default_factory=list)

    @property
    def gained(self) -> list[CriterionRow]:
        return [row for row in self.rows if row.change == "gained"]

    @property
    def lost(self) -> list[CriterionRow]:
        return [row for row in self.rows if row.change == "lost"]

    @property
    def unproven(self) -> list[CriterionRow]:
        return [row for row in self.rows if row.unproven]

    @property
    def recognised_but_lost(self) -> bool:
        return self.recognition is not None and bool(self.lost)

    @property
    def met_count(self) -> int:
        """Criteria met, as stored with the results and counted on the grid and in the reports."""
        return self.assessment.criteria_met if self.assessment else 0

    @property
    def criteria_total(self) -> int:
        return len(self.rows)

    @property
    def all_met(self) -> bool:
        return bool(self.rows) and self.met_count == len(self.rows)

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else ""

    @property
    def version(self) -> int:
        return self.assessment.version if self.assessment else 0


def assessment_for(*, unit: AdministrativeUnit, year: int, criteria_set: CriteriaSet) -> Assessment | None:
    return (
        Assessment.objects.filter(unit=unit, year=year, criteria_set=criteria_set)
        .select_related("updated_by", "criteria_set")
        .first()
    )


def stored_values(assessment: Assessment | None) -> dict[int, object]:
    """Indicator values by indicator id."""
    if assessment is None:
        return {}
    return {row.indicator_id: row.value for row in IndicatorValue.objects.filter(assessment=assessment)}


def stored_results(assessment: Assessment | None) -> dict[int, CriterionResult]:
    if assessment is None:
        return {}
    return {row.criterion_id: row for row in CriterionResult.objects.filter(assessment=assessment)}


def commune_year(*, unit: AdministrativeUnit, year: int, criteria_set: CriteriaSet) -> CommuneYear:
    assessment = assessment_for(unit=unit, year=year, criteria_set=criteria_set)
    values = stored_values(assessment)
    results = stored_results(assessment)
    criteria = list(criteria_set.criteria.prefetch_related("indicators").order_by("number"))
    evaluation = _evaluation(unit, year, criteria_set, criteria, values, results)
    previous = _previous_assessment(unit, year)
    previous_met = _met_by_number(previous)
    evidence = evidence_tallies(assessment=assessment)

    rows = []
    for criterion, outcome in zip(criteria, evaluation.criteria, strict=True):
        result = results.get(criterion.pk)
        is_met = result.is_met if result else None
        symbol, css = display.status_symbol(is_met)
        indicator_rows = [
            _indicator_row(unit, criteria_set, indicator, values.get(indicator.pk), indicator_outcome)
            for indicator, indicator_outcome in zip(
                sorted(criterion.indicators.all(), key=lambda i: (i.position, i.code)), outcome.indicators, strict=True
            )
        ]
        rows.append(
            CriterionRow(
                criterion=criterion,
                outcome=outcome,
                result=result,
                is_met=is_met,
                indicators=indicator_rows,
                previous_met=previous_met.get(criterion.number) if previous else None,
                symbol=symbol,
                css=css,
                reason_text=display.reason_text(outcome.reason) if is_met is None else "",
                evidence=evidence.get(criterion.number, NO_EVIDENCE),
            )
        )
    page = CommuneYear(
        unit=unit,
        year=year,
        criteria_set=criteria_set,
        assessment=assessment,
        evaluation=evaluation,
        rows=rows,
        previous=previous,
        recognition=active_recognition(unit, year),
    )
    if assessment is not None:
        history = list(ChangeRecord.objects.about(assessment).select_related("user")[:HISTORY_LIMIT])
        page.history = history
        page.timeline = [change for change in reversed(history) if change.action == ChangeRecord.Action.TRANSITION]
    return page


def _evaluation(unit, year, criteria_set, criteria, values, results) -> Evaluation:
    """The evaluation of the stored inputs, which explains the stored results indicator by indicator."""
    codes = {indicator.pk: indicator.code for criterion in criteria for indicator in criterion.indicators.all()}
    return evaluate_inputs(
        unit=unit,
        year=year,
        criteria_set=criteria_set,
        values={codes[pk]: value for pk, value in values.items() if pk in codes},
        direct=direct_results(results.values(), number_of={criterion.pk: criterion.number for criterion in criteria}),
    )


def _indicator_row(unit, criteria_set, indicator, value, outcome) -> IndicatorRow:
    symbol, css = display.status_symbol(outcome.status)
    return IndicatorRow(
        indicator=indicator,
        value=value,
        outcome=outcome,
        value_text=display.value_display(indicator, value),
        threshold_text=display.threshold_text(indicator, outcome.threshold),
        basis_text=display.basis_text(outcome.threshold, unit=unit, criteria_set=criteria_set),
        reason_text=display.outcome_line(outcome),
        symbol=symbol,
        css=css,
    )


def _previous_assessment(unit: AdministrativeUnit, year: int) -> Assessment | None:
    return Assessment.objects.filter(unit=unit, year=year - 1).order_by("-criteria_set__period_start").first()


def _met_by_number(assessment: Assessment | None) -> dict[int, bool | None]:
    if assessment is None:
        return {}
    return dict(CriterionResult.objects.filter(assessment=assessment).values_list("criterion__number", "is_met"))


def active_recognition(unit: AdministrativeUnit, year: int) -> Recognition | None:
    """The highest recognition the unit held during `year`."""
    return recognitions_held(year=year).filter(unit=unit).first()


def years_for(unit: AdministrativeUnit, *, last_year: int) -> list[int]:
    """The years this commune can be looked at: a commune set covers them and the commune existed."""
    periods = CriteriaSet.objects.filter(assessed_level=CriteriaSet.AssessedLevel.COMMUNE).values_list(
        "period_start", "period_end"
    )
    covered = {year for start, end in periods for year in range(start, end + 1)}
    first = unit.valid_from.year if unit.valid_from else min(covered, default=last_year)
    last = min(unit.valid_to.year if unit.valid_to else last_year, last_year)
    return [year for year in range(first, last + 1) if year in covered]
