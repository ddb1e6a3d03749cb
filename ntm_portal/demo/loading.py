"""Writes the Cao Bằng demo: units, criteria, ten years of results, recognitions, targets, funding, users.

Every write is an upsert on natural keys, so loading twice changes nothing.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from criteria.models import (
    Assessment,
    CriteriaSet,
    CriterionResult,
    Indicator,
    IndicatorValue,
    Recognition,
    Target,
    Tier,
)
from criteria.selectors import assessment_evaluation, criteria_set_in_force
from criteria.services import assessment_summaries_refresh
from funding.models import FundingRecord, FundingSource, InKindContribution
from ntm_portal.bulk import UpsertCount, bulk_upsert
from ntm_portal.demo import accounts, money
from ntm_portal.demo.plan import (
    FIRST_YEAR,
    LAST_YEAR,
    NEW_CRITERIA,
    NEW_MAP_YEAR,
    PROVINCE_SIGNER,
    RECOGNITIONS,
    TARGETS_2020,
    DemoCommune,
    plan_history,
    plan_new_map,
)

PROVINCE_NAME = "Cao Bằng"
PROVINCE_CODE = "04"
DEMO_NOTE = "Dữ liệu minh họa (demo)"


@dataclass
class DemoReport:
    counts: dict[type[Model], UpsertCount] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{model._meta.verbose_name_plural}: {count}" for model, count in self.counts.items()]


def demo_load(*, stdout=None) -> DemoReport:
    call_command("load_units", province=PROVINCE_NAME, stdout=stdout)
    call_command("load_criteria", stdout=stdout)
    with transaction.atomic():
        report = DemoReport()
        province = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code=PROVINCE_CODE)
        communes = _demo_communes(province)
        new_map = _new_map_communes(province)
        assessments, results = _load_history(communes)
        new_assessments, new_results = _load_new_map(new_map)
        report.counts[Assessment], report.counts[CriterionResult] = assessments + new_assessments, results + new_results
        report.counts[IndicatorValue] = _load_indicator_values(communes)
        report.counts[Recognition] = _load_recognitions(communes)
        report.counts[Target] = _load_targets(communes)
        report.counts[FundingRecord], report.counts[InKindContribution] = _load_funding(province)
        report.counts[get_user_model()] = accounts.demo_accounts_load(
            province=province, communes=communes, new_map=new_map
        )
    return report


def demo_is_loaded() -> bool:
    return Assessment.objects.exists()


def _demo_communes(province: AdministrativeUnit) -> dict[tuple[str, str], AdministrativeUnit]:
    """Programme communes of the three-tier map, keyed by (district, commune) short names."""
    units = (
        AdministrativeUnit.objects.in_programme()
        .valid_on(datetime.date(2021, 1, 1))
        .filter(parent__parent=province)
        .select_related("parent")
    )
    return {(unit.parent.short_name, unit.short_name): unit for unit in units}


def _new_map_communes(province: AdministrativeUnit) -> dict[str, AdministrativeUnit]:
    """Programme communes of the two-tier map, directly under the province, keyed by code."""
    units = (
        AdministrativeUnit.objects.in_programme().valid_on(datetime.date(NEW_MAP_YEAR, 1, 1)).filter(parent=province)
    )
    return {unit.code: unit for unit in units}


def _sets_by_year(years: Iterable[int]) -> dict[int, CriteriaSet]:
    sets = {}
    for year in years:
        criteria_set = criteria_set_in_force(year=year)
        if criteria_set is None:
            raise LookupError(
                _("No national criteria set for communes covers %(year)s: run load_criteria first.") % {"year": year}
            )
        sets[year] = criteria_set
    return sets


def _load_history(communes: dict[tuple[str, str], AdministrativeUnit]) -> tuple[UpsertCount, UpsertCount]:
    plan = plan_history([DemoCommune(key=key, code=unit.code) for key, unit in communes.items()])
    return _write_results(
        units={unit.code: unit for unit in communes.values()},
        plan=plan,
        sets=_sets_by_year(range(FIRST_YEAR, LAST_YEAR + 1)),
        status_for=_status_for,
        method=CriterionResult.Method.IMPORTED,
    )


def _load_new_map(communes: dict[str, AdministrativeUnit]) -> tuple[UpsertCount, UpsertCount]:
    """2026 on the two-tier map: each xã's commune group, then its QĐ 51 results as staff recorded them (the
    set's indicators are not loaded, so results are entered per criterion)."""
    planned = plan_new_map({code: unit.short_name for code, unit in communes.items()})
    for commune in planned:
        communes[commune.code].commune_group = commune.group
    AdministrativeUnit.objects.bulk_update(communes.values(), ["commune_group"])
    return _write_results(
        units=communes,
        plan={(commune.code, NEW_MAP_YEAR): commune.met for commune in planned},
        sets=_sets_by_year([NEW_MAP_YEAR]),
        status_for=_new_map_status_for,
        method=CriterionResult.Method.ENTERED,
    )


def _write_results(
    *,
    units: dict[str, AdministrativeUnit],
    plan: dict[tuple[str, int], frozenset[int]],
    sets: dict[int, CriteriaSet],
    status_for: Callable[[str, int, int], str],
    method: str,
) -> tuple[UpsertCount, UpsertCount]:
    """An assessment per planned commune-year (by code) with a result for every criterion of its set."""
    assessments = [
        Assessment(
            unit=units[code],
            year=year,
            criteria_set=sets[year],
            status=status_for(code, year, len(plan[(code, year)])),
            note=DEMO_NOTE,
        )
        for code, year in sorted(plan)
    ]
    assessment_count = bulk_upsert(
        scope=Assessment.objects.filter(unit__in=units.values(), year__in=sets),
        rows=assessments,
        key=("unit_id", "year", "criteria_set_id"),
        fields=("status", "note"),
    )
    criteria_by_set = {
        criteria_set.pk: list(criteria_set.criteria.order_by("number")) for criteria_set in set(sets.values())
    }
    results = [
        CriterionResult(
            assessment=assessment,
            criterion=criterion,
            is_met=criterion.number in plan[(assessment.unit.code, assessment.year)],
            method=method,
        )
        for assessment in assessments
        for criterion in criteria_by_set[assessment.criteria_set_id]
    ]
    result_count = bulk_upsert(
        scope=CriterionResult.objects.filter(assessment__unit__in=units.values(), assessment__year__in=sets),
        rows=results,
        key=("assessment_id", "criterion_id"),
        fields=("is_met", "method"),
    )
    if result_count.created or result_count.updated:
        assessment_summaries_refresh(assessment.pk for assessment in assessments)
    return assessment_count, result_count


def _status_for(code: str, year: int, met: int) -> str:
    if year < LAST_YEAR:
        return Assessment.Status.APPROVED
    return Assessment.Status.SUBMITTED if int(code) % 2 else Assessment.Status.DRAFT


def _new_map_status_for(code: str, year: int, met: int) -> str:
    """The communes meeting all ten and a quarter of the others approved, a quarter submitted, the rest in draft."""
    if met == len(NEW_CRITERIA) or int(code) % 4 == 1:
        return Assessment.Status.APPROVED
    return Assessment.Status.SUBMITTED if int(code) % 4 == 0 else Assessment.Status.DRAFT


# Xã Hưng Đạo in 2019, with the city's indicator figures of seed 000 (IV.2.6) where the commune had none.
HUNG_DAO_2019_VALUES = {
    "14.2": Decimal("99.5"),
    "14.3": Decimal("85.5"),
    "15.1": Decimal("87.6"),
    "15.3": Decimal("13.0"),
    "16": Decimal("90.24"),
    "17.1": {"hop_ve_sinh": "98.9", "nuoc_sach": "51.5"},
}


def _load_indicator_values(communes: dict[tuple[str, str], AdministrativeUnit]) -> UpsertCount:
    assessment = Assessment.objects.select_related("unit", "criteria_set").get(
        unit=communes[("Cao Bằng", "Hưng Đạo")], year=2019
    )
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            criterion__criteria_set=assessment.criteria_set, code__in=HUNG_DAO_2019_VALUES
        )
    }
    rows = []
    for code, value in HUNG_DAO_2019_VALUES.items():
        row = IndicatorValue(assessment=assessment, indicator=indicators[code], note=DEMO_NOTE)
        if isinstance(value, dict):
            row.parts = value
        else:
            row.number = value
        rows.append(row)
    count = bulk_upsert(
        scope=IndicatorValue.objects.filter(assessment=assessment),
        rows=rows,
        key=("assessment_id", "indicator_id"),
        fields=("number", "parts", "note"),
    )
    _store_computed_results(assessment)
    return count


def _store_computed_results(assessment: Assessment) -> None:
    """Keep beside each imported result what the indicators say, where they can decide."""
    evaluation = assessment_evaluation(assessment)
    computed = {outcome.number: outcome.computed for outcome in evaluation.criteria}
    results = list(assessment.criterion_results.select_related("criterion"))
    for result in results:
        status = computed[result.criterion.number]
        result.computed_is_met = {"met": True, "not_met": False}.get(status)
    CriterionResult.objects.bulk_update(results, ["computed_is_met"])


def _load_recognitions(communes: dict[tuple[str, str], AdministrativeUnit]) -> UpsertCount:
    rows = [
        Recognition(
            unit=communes[planned.key],
            tier=Tier.NTM,
            year=planned.year,
            decision_number=planned.decision_number,
            decision_date=datetime.date.fromisoformat(planned.decision_date),
            signer=PROVINCE_SIGNER,
            note="" if planned.from_seeds else DEMO_NOTE,
        )
        for planned in RECOGNITIONS
    ]
    return bulk_upsert(
        scope=Recognition.objects.filter(unit__in=communes.values()),
        rows=rows,
        key=("unit_id", "tier", "year"),
        fields=("decision_number", "decision_date", "signer", "note"),
    )


def _load_targets(communes: dict[tuple[str, str], AdministrativeUnit]) -> UpsertCount:
    city_plan = "KH thi đua 2021-2025 của UBND thành phố Cao Bằng (sau KH 2452/KH-UBND ngày 26/9/2022)"
    rows = [
        Target(
            unit=communes[key], year=2020, tier=Tier.NTM, source_decision="Báo cáo năm 2019 (III.1); QĐ 2017/QĐ-UBND"
        )
        for key in TARGETS_2020
    ]
    rows += [
        Target(unit=communes[("Cao Bằng", "Hưng Đạo")], year=2024, tier=Tier.ADVANCED, source_decision=city_plan),
        Target(unit=communes[("Cao Bằng", "Hưng Đạo")], year=2025, tier=Tier.MODEL, source_decision=city_plan),
        Target(unit=communes[("Cao Bằng", "Vĩnh Quang")], year=2025, tier=Tier.ADVANCED, source_decision=city_plan),
    ]
    return bulk_upsert(
        scope=Target.objects.filter(unit__in=communes.values()),
        rows=rows,
        key=("unit_id", "year", "tier"),
        fields=("criteria_count", "source_decision"),
    )


def _load_funding(province: AdministrativeUnit) -> tuple[UpsertCount, UpsertCount]:
    sources = {source.code: source for source in FundingSource.objects.all()}
    city = AdministrativeUnit.objects.get(
        parent=province, level=AdministrativeUnit.Level.DISTRICT, short_name="Cao Bằng"
    )
    units = {"province": province, "city": city}
    rows = [
        FundingRecord(
            unit=units[line.unit],
            year_from=line.year_from,
            year_to=line.year_to,
            source=sources[line.source],
            kind=line.kind,
            amount_vnd=line.amount_vnd,
            note=line.note,
        )
        for line in money.FUNDING_LINES
    ]
    records = bulk_upsert(
        scope=FundingRecord.objects.filter(unit__in=units.values()),
        rows=rows,
        key=("unit_id", "year_from", "year_to", "source_id", "kind"),
        fields=("amount_vnd", "note"),
    )
    in_kind_rows = [
        InKindContribution(
            unit=units[line.unit],
            year_from=line.year_from,
            year_to=line.year_to,
            kind=line.kind,
            quantity=line.quantity,
            description=line.description,
        )
        for line in money.IN_KIND_LINES
    ]
    in_kind = bulk_upsert(
        scope=InKindContribution.objects.filter(unit__in=units.values()),
        rows=in_kind_rows,
        key=("unit_id", "year_from", "year_to", "kind"),
        fields=("quantity", "description"),
    )
    return records, in_kind
