"""Load the funding source catalogue from fixtures/funding_sources.json, safely and repeatably.

Sources are found by their stable code and updated in place: funding records point at them, so a reload
must keep their ids. Sources the fixture no longer lists stay (retire one with `disabled_on`).
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from funding.models import FundingSource
from ntm_portal.bulk import LoadReport, UpsertCount
from ntm_portal.text import nfc

FUNDING_SOURCES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "funding_sources.json"


def funding_sources_load(*, path: Path = FUNDING_SOURCES_FIXTURE) -> LoadReport:
    fixture = json.loads(path.read_text(encoding="utf-8"))
    report = LoadReport(tables={FundingSource: UpsertCount()})
    with transaction.atomic():
        existing = {source.code: source for source in FundingSource.objects.all()}
        _load_nodes(fixture, parent=None, existing=existing, report=report)
    return report


def _load_nodes(
    nodes: list[dict[str, Any]],
    *,
    parent: FundingSource | None,
    existing: dict[str, FundingSource],
    report: LoadReport,
) -> None:
    for node in nodes:
        code = nfc(node["code"])
        source = report.save_row(
            model=FundingSource,
            found=existing.get(code),
            key={"code": code},
            values={
                "name": nfc(node["name"]),
                "parent_id": parent.pk if parent else None,
                "position": node["position"],
                "is_budget": node["is_budget"],
                "is_credit": node["is_credit"],
            },
        )
        _load_nodes(node.get("children", []), parent=source, existing=existing, report=report)
