"""Build fixtures/criteria_sets.json from the shared criteria reference (criteria-reference.json).

Usage, from anywhere: python scripts/build_criteria_fixtures.py [REFERENCE] [--output FIXTURE]
Relative paths are taken from the repository root. The app reads only the fixture; this script is the
one place that knows the reference's layout, so the mapping rules below live here and nowhere else.
The output is deterministic: running it twice on the same reference gives the same bytes.
"""

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = Path("../shared/reference/criteria-reference.json")
DEFAULT_OUTPUT = Path("fixtures/criteria_sets.json")

SOURCE_MAX_LENGTH = 500  # Indicator.source and Threshold.source

TIERS = {"NTM": "ntm", "NTM_nang_cao": "ntm_nang_cao"}
KINDS = {
    "boolean": "boolean",
    "percent": "percent",
    "amount": "amount",
    # Several numbers or conditions per cell: the model keeps them as `parts` of one threshold.
    "percent_pair": "composite",
    "percent_rule": "composite",
    "composite": "composite",
}
COMPARISONS = {">=", "<=", "=="}
# Sets that judge especially difficult communes by the TDMNPB levels wherever they are. The reference states
# this only in prose (QĐ 318 set notes, verified [B1]), so it is named here rather than parsed.
APPLIED_REGION_SETS = {"QD318-2022"}

# "Quyết định 1980/QĐ-TTg ngày 17/10/2016", "Quyết định 51/2025/QĐ-TTg ngày 29/12/2025"
DECISION = re.compile(r"(?P<number>\d+(?:/\d{4})?/QĐ-TTg)\s+ngày\s+(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    reference = json.loads((REPO_ROOT / args.reference).read_text(encoding="utf-8"))
    output = REPO_ROOT / args.output
    output.write_text(render(build_sets(reference=reference)), encoding="utf-8")
    print(f"Wrote {output}")
    return 0


def render(sets: list[dict[str, Any]]) -> str:
    return _dump(sets, depth=0) + "\n"


def _dump(value: Any, *, depth: int) -> str:
    """Indented JSON, except that each threshold sits on one line: a changed level is a one-line diff."""
    if not isinstance(value, dict | list) or not value:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return _block("[]", [_dump(item, depth=depth + 1) for item in value], depth=depth)
    members = [
        json.dumps(key, ensure_ascii=False)
        + ": "
        + (
            _dump_rows(item, depth=depth + 1)
            if key == "thresholds"
            else json.dumps(item, ensure_ascii=False)
            if key == "report_bands"
            else _dump(item, depth=depth + 1)
        )
        for key, item in value.items()
    ]
    return _block("{}", members, depth=depth)


def _dump_rows(rows: list[Any], *, depth: int) -> str:
    if not rows:
        return "[]"
    return _block("[]", [json.dumps(row, ensure_ascii=False) for row in rows], depth=depth)


def _block(brackets: str, lines: list[str], *, depth: int) -> str:
    inner = "  " * (depth + 1)
    return brackets[0] + "\n" + ",\n".join(inner + line for line in lines) + "\n" + "  " * depth + brackets[1]


# How the reports group communes by criteria met: the seeds' bands for the 19-criteria sets, a shorter scale
# for the 10 criteria of QĐ 51/2025 (no source gives one; offices edit it with the set). Other sets take the
# default of their size.
REPORT_BANDS = {
    "QD1980-2016": {"bands": [[19, 19], [15, 18], [10, 14], [5, 9], [0, 4]], "under": [10]},
    "QD318-2022": {"bands": [[19, 19], [15, 18], [10, 14], [5, 9], [0, 4]], "under": [10]},
    "QD51-2025": {"bands": [[10, 10], [8, 9], [5, 7], [0, 4]], "under": []},
}


def build_sets(*, reference: dict[str, Any]) -> list[dict[str, Any]]:
    return [_criteria_set(raw) for raw in reference["sets"]]


def _criteria_set(raw: dict[str, Any]) -> dict[str, Any]:
    number, decided_on = _parse_decision(raw["decision"])
    start, end = raw["period"]
    return {
        "code": raw["code"],
        "name": raw.get("title_vi") or _title_from_decision(raw["decision"]),
        "decision_number": number,
        "decision_date": decided_on.isoformat(),
        "decision_citation": raw["decision"],
        "issuing_level": "national",
        "period_start": start,
        "period_end": end,
        "effective_from": raw.get("effective_from"),
        "tier": TIERS[raw["tier"]],
        "assessed_level": raw["level"],
        "threshold_dimension": raw["dimension"],
        "honours_applied_region": raw["code"] in APPLIED_REGION_SETS,
        "criteria_count_declared": raw.get("criteria_count_declared"),
        "indicator_count_declared": raw.get("indicator_count_declared"),
        "report_bands": REPORT_BANDS.get(raw["code"]),
        "notes": _set_notes(raw),
        "criteria": _criteria(raw),
    }


def _parse_decision(text: str) -> tuple[str, date]:
    match = DECISION.search(text)
    if match is None:
        raise ValueError(f"No decision number and date in {text!r}")
    return match["number"], date(int(match["year"]), int(match["month"]), int(match["day"]))


def _title_from_decision(text: str) -> str:
    # The district set has no title of its own; its decision text ends with " - <title>".
    _, separator, title = text.partition(" - ")
    if not separator:
        raise ValueError(f"No title in {text!r}")
    return title.strip()


def _set_notes(raw: dict[str, Any]) -> list[str]:
    notes = list(raw.get("notes", []))
    if raw.get("decision_number_verified") is False:
        notes.append("Decision number inferred from the sources, not verified.")
    groups = raw.get("commune_groups") or {}
    for key, label in raw["threshold_keys"].items():
        if key in groups:
            notes.append(f"{label} ({key}): {groups[key]}")
    if groups.get("source"):
        notes.append("Commune groups source: " + ", ".join(groups["source"]))
    annexes = raw.get("annexes") or {}
    notes.extend(f"Phụ lục {number}: {title}" for number, title in annexes.items() if number != "source")
    if annexes.get("source"):
        notes.append(f"Annexes source: {annexes['source']}")
    if raw.get("effective_from_source"):
        notes.append(f"Effective date source: {raw['effective_from_source']}")
    count_sources = raw.get("indicator_count_declared_source") or raw.get("indicator_count_source")
    if count_sources:
        count_sources = [count_sources] if isinstance(count_sources, str) else count_sources
        notes.append("Declared indicator count source: " + ", ".join(count_sources))
    return notes


def _criteria(raw_set: dict[str, Any]) -> list[dict[str, Any]]:
    known = [raw["number"] for raw in raw_set["criteria"] if raw["number"] is not None]
    next_free = max(known, default=0) + 1
    criteria = []
    for raw in raw_set["criteria"]:
        number = raw["number"]
        notes = []
        if number is None:
            # The model needs a number; one after the known numbers cannot collide with a real one.
            number, next_free = next_free, next_free + 1
            notes.append("Number not verified: assigned after the known criteria.")
        criteria.append(_criterion(raw, number=number, threshold_keys=list(raw_set["threshold_keys"]), notes=notes))
    return criteria


def _criterion(raw: dict[str, Any], *, number: int, threshold_keys: list[str], notes: list[str]) -> dict[str, Any]:
    if raw.get("notes"):
        notes.append(raw["notes"])
    if not raw.get("name_verified", True):
        notes.append(f"Name not verified (source: {raw['name_source']}).")
    context = raw.get("context") or {}
    notes.extend(text for key, text in context.items() if key != "sources")
    if context.get("sources"):
        notes.append("Context sources: " + ", ".join(context["sources"]))

    indicators = []
    unnumbered = 0
    for position, indicator in enumerate(raw["indicators"], start=1):
        code = indicator["code"]
        if code is None:
            unnumbered += 1
            code = f"{number}.u{unnumbered}"
        indicators.append(_indicator(indicator, code=code, position=position, threshold_keys=threshold_keys))
    return {
        "number": number,
        "name_vi": raw["name_vi"],
        "name_en": raw.get("name_en") or "",
        "group": raw.get("group_vi") or "",
        "group_alt": raw.get("group_alt_vi") or "",
        "notes": notes,
        "indicators": indicators,
    }


def _indicator(raw: dict[str, Any], *, code: str, position: int, threshold_keys: list[str]) -> dict[str, Any]:
    comparison = raw["comparison"] or ""
    if comparison and comparison not in COMPARISONS:
        raise ValueError(f"Unknown comparison {comparison!r} for indicator {code}")
    return {
        "code": code,
        "code_verified": raw["code"] is not None and raw["code_verified"],
        "position": position,
        "text": raw["text_vi"],
        "kind": KINDS[raw["kind"]],
        "unit": raw["unit"] or "",
        "comparison": comparison,
        "verified": raw["verified"],
        "source": _clip(raw["source"] or ""),
        "notes": _indicator_notes(raw, threshold_keys=threshold_keys),
        "thresholds": _thresholds(raw, threshold_keys=threshold_keys),
    }


def _indicator_notes(raw: dict[str, Any], *, threshold_keys: list[str]) -> list[str]:
    notes = [raw["notes"]] if raw["notes"] else []
    if raw["code"] is None:
        notes.append("Code not given in the sources: assigned here, not verified.")
    if not raw["text_verified"]:
        notes.append("Wording not verified.")
    level_b_only = [key for key in threshold_keys if _evidence_levels(raw, key=key) == {"B"}]
    if level_b_only:
        notes.append(
            "Backed only by provincial or local statements of the rule (evidence level B, may include provincial "
            "tightening): " + ", ".join(level_b_only) + "."
        )
    year_dependent = raw.get("year_dependent") or {}
    notes.extend(year_dependent[key] for key in ("note", "intermediate_years", "by_year_note") if key in year_dependent)
    if raw["kind"] == "percent_rule":
        notes.append(
            "Conditional rule that cannot be evaluated generically: thresholds are stored without a value "
            "and each threshold's source keeps the rule."
        )
    return notes


def _evidence_levels(raw: dict[str, Any], *, key: str) -> set[str]:
    return {evidence["level"] for evidence in raw["evidence"] if key in evidence["keys"]}


def _thresholds(raw: dict[str, Any], *, threshold_keys: list[str]) -> list[dict[str, Any]]:
    year_dependent = raw.get("year_dependent") or {}
    if "by_year" in year_dependent:
        # One row per year and key; a row without years would wrongly apply to every year of the period.
        return [
            _threshold(raw, key=key, cell=cells.get(key), year=int(year))
            for year, cells in sorted(year_dependent["by_year"].items())
            for key in threshold_keys
        ]
    year = year_dependent.get("applies_to_year")
    return [_threshold(raw, key=key, cell=raw["thresholds"].get(key), year=year) for key in threshold_keys]


def _threshold(raw: dict[str, Any], *, key: str, cell: Any, year: int | None) -> dict[str, Any]:
    source = _evidence_url(raw, key=key) or raw["source"] or ""
    value, parts = "", None
    if isinstance(cell, dict) and raw["kind"] == "percent_rule":
        rule = ", ".join(f"{name}={_canonical(part)}" for name, part in cell.items())
        source = f"{source} — rule, not evaluated: {rule}" if source else f"Rule, not evaluated: {rule}"
    elif isinstance(cell, dict):
        parts = {name: _canonical(part) for name, part in cell.items()}
    elif cell is not None:
        value = _canonical(cell)
    return {
        "applies_to": key,
        "year_from": year,
        "year_to": year,
        "value": value,
        "parts": parts,
        "verified": key in raw["verified_keys"],
        "source": _clip(source),
    }


def _evidence_url(raw: dict[str, Any], *, key: str) -> str:
    return next((evidence["url"] for evidence in raw["evidence"] if key in evidence["keys"]), "")


def _canonical(value: Any) -> str | None:
    """Numbers as plain decimals ("36", "26.7"), text unchanged, unknown stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"Unexpected boolean threshold {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clip(text: str) -> str:
    return text[:SOURCE_MAX_LENGTH]


if __name__ == "__main__":
    sys.exit(main())
