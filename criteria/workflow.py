"""The review workflow of a commune-year, as a pure table. Who may take a step is decided in communes/access.py.

    draft ──submit──> submitted ──verify──> verified ──approve──> approved (locked)
      ^                   │  (years with districts)    │               │
      └──── return ───────┴───────── return ───────────┘     unlock ───┘

Without a district step (since July 2025 there are no districts) province staff approve what was submitted.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    SUBMIT = "submit"
    VERIFY = "verify"
    APPROVE = "approve"
    RETURN = "return"
    UNLOCK = "unlock"


DRAFT, SUBMITTED, VERIFIED, APPROVED = "draft", "submitted", "verified", "approved"
EDITABLE_STATUSES = frozenset({DRAFT})


@dataclass(frozen=True)
class StepRule:
    sources: frozenset[str]
    target: str
    needs_comment: bool = False


def rules(*, district_step: bool) -> dict[Step, StepRule]:
    return {
        Step.SUBMIT: StepRule(frozenset({DRAFT}), SUBMITTED),
        Step.VERIFY: StepRule(frozenset({SUBMITTED}) if district_step else frozenset(), VERIFIED),
        Step.APPROVE: StepRule(frozenset({VERIFIED}) if district_step else frozenset({SUBMITTED}), APPROVED),
        Step.RETURN: StepRule(frozenset({SUBMITTED, VERIFIED}), DRAFT, needs_comment=True),
        Step.UNLOCK: StepRule(frozenset({APPROVED}), DRAFT, needs_comment=True),
    }


def target_of(step: Step, *, status: str, district_step: bool) -> str | None:
    """The status the step leads to from `status`, or None when the step is not possible there."""
    rule = rules(district_step=district_step)[step]
    return rule.target if status in rule.sources else None


def possible_steps(*, status: str, district_step: bool) -> list[Step]:
    return [step for step, rule in rules(district_step=district_step).items() if status in rule.sources]


def has_district_step(*, district_valid_to: datetime.date | None, has_district: bool, year: int) -> bool:
    """District offices verify a year's results while the district still exists at the end of that year."""
    if not has_district:
        return False
    return district_valid_to is None or district_valid_to >= datetime.date(year, 12, 31)
