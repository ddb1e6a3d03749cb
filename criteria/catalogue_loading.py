"""Load the national criteria sets from fixtures/criteria_sets.json, safely and repeatably.

Rows are found by their natural keys and updated in place, so their ids (and the assessments that point at
them) survive a reload. Rows that the fixture no longer lists are left alone: results may already use them.
The assessments of a set the load changed are judged again in the same transaction, so stored results and
summaries follow the corrected thresholds.
The fixture is written by scripts/build_criteria_fixtures.py; this module reads nothing outside fixtures/.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, Criterion, Indicator, Threshold
from criteria.services import assessments_reevaluate
from ntm_portal.bulk import LoadReport, UpsertCount
from ntm_portal.text import nfc

CRITERIA_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "criteria_sets.json"


def criteria_catalogue_load(*, path: Path = CRITERIA_FIXTURE) -> LoadReport:
    fixture = json.loads(path.read_text(encoding="utf-8"))
    report = LoadReport(tables={model: UpsertCount() for model in (CriteriaSet, Criterion, Indicator, Threshold)})
    with transaction.atomic():
        # The catalogue is small: one query per table finds every existing row by its natural key.
        existing = _Existing(
            sets={row.code: row for row in CriteriaSet.objects.all()},
            criteria={(row.criteria_set_id, row.number): row for row in Criterion.objects.all()},
            indicators={(row.criterion_id, row.code): row for row in Indicator.objects.all()},
            thresholds={
                (row.indicator_id, row.applies_to, row.year_from, row.year_to): row for row in Threshold.objects.all()
            },
        )
        changed_sets = []
        for raw_set in fixture:
            written_before = report.rows_written()
            criteria_set = _load_set(raw_set, existing=existing, report=report)
            # Any row of the set written (a renamed criterion too, which then changes no result): the
            # set's thresholds, indicators or how it picks a threshold may have changed.
            if report.rows_written() != written_before:
                changed_sets.append(criteria_set)
        report.reevaluation = assessments_reevaluate(
            criteria_sets=changed_sets, reason=_("Judged again after the criteria catalogue was reloaded with changes.")
        )
    return report


@dataclass
class _Existing:
    sets: dict[str, CriteriaSet]
    criteria: dict[tuple[int, int], Criterion]
    indicators: dict[tuple[int, str], Indicator]
    thresholds: dict[tuple[int, str, int | None, int | None], Threshold]


def _load_set(raw: dict[str, Any], *, existing: _Existing, report: LoadReport) -> CriteriaSet:
    code = nfc(raw["code"])
    criteria_set = report.save_row(
        model=CriteriaSet,
        found=existing.sets.get(code),
        key={"code": code},
        values={
            "name": nfc(raw["name"]),
            "decision_number": nfc(raw["decision_number"]),
            "decision_date": _date(raw["decision_date"]),
            "decision_citation": nfc(raw["decision_citation"]),
            "issuing_level": raw["issuing_level"],
            "period_start": raw["period_start"],
            "period_end": raw["period_end"],
            "effective_from": _date(raw["effective_from"]),
            "tier": raw["tier"],
            "assessed_level": raw["assessed_level"],
            "threshold_dimension": raw["threshold_dimension"],
            "honours_applied_region": raw["honours_applied_region"],
            "criteria_count_declared": raw["criteria_count_declared"],
            "indicator_count_declared": raw["indicator_count_declared"],
            "report_bands": raw.get("report_bands"),
            "notes": _notes(raw["notes"]),
        },
    )
    for raw_criterion in raw["criteria"]:
        number = raw_criterion["number"]
        criterion = report.save_row(
            model=Criterion,
            found=existing.criteria.get((criteria_set.pk, number)),
            key={"criteria_set": criteria_set, "number": number},
            values={
                "name": nfc(raw_criterion["name_vi"]),
                "name_en": nfc(raw_criterion["name_en"]),
                "group": nfc(raw_criterion["group"]),
                "group_alt": nfc(raw_criterion["group_alt"]),
                "notes": _notes(raw_criterion["notes"]),
            },
        )
        for raw_indicator in raw_criterion["indicators"]:
            _load_indicator(raw_indicator, criterion=criterion, existing=existing, report=report)
    return criteria_set


def _load_indicator(raw: dict[str, Any], *, criterion: Criterion, existing: _Existing, report: LoadReport) -> None:
    code = nfc(raw["code"])
    indicator = report.save_row(
        model=Indicator,
        found=existing.indicators.get((criterion.pk, code)),
        key={"criterion": criterion, "code": code},
        values={
            "code_verified": raw["code_verified"],
            "position": raw["position"],
            "text": nfc(raw["text"]),
            "kind": raw["kind"],
            "unit": nfc(raw["unit"]),
            "comparison": raw["comparison"],
            "verified": raw["verified"],
            "source": nfc(raw["source"]),
            "notes": _notes(raw["notes"]),
        },
    )
    for row in raw["thresholds"]:
        applies_to, year_from, year_to = nfc(row["applies_to"]), row["year_from"], row["year_to"]
        report.save_row(
            model=Threshold,
            found=existing.thresholds.get((indicator.pk, applies_to, year_from, year_to)),
            key={"indicator": indicator, "applies_to": applies_to, "year_from": year_from, "year_to": year_to},
            values={
                "value": nfc(row["value"]),
                "parts": _parts(row["parts"]),
                "verified": row["verified"],
                "source": nfc(row["source"]),
            },
        )


def _notes(lines: list[str]) -> str:
    return "\n".join(nfc(line) for line in lines)


def _parts(parts: dict[str, str | None] | None) -> dict[str, str | None] | None:
    if parts is None:
        return None
    return {nfc(name): None if value is None else nfc(value) for name, value in parts.items()}


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
