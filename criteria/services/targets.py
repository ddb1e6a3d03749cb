"""Writes of a year's targets: the communes a province or district plans to bring to each tier, and the
average number of criteria per commune it aims at.

The reports read them as Target rows (criteria.selectors.recognitions): one row per commune and tier, and a
row of the unit itself holding the average. The year's targets are set as a whole, checked before anything
is written, and every change is recorded (ChangeRecord about the unit) in the same transaction.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.models import Target, Tier
from criteria.selectors import programme_communes, tiers_of_year
from criteria.selectors.targets import YearTargets, commune_targets, targets_criteria_count, year_targets_of
from criteria.services.assessments import AssessmentError, NotPermitted
from ntm_portal.models import ChangeRecord
from ntm_portal.text import nfc

AVERAGE, SOURCE = "average", "source"  # the history's `target` beside the tiers: "2025:average", "2025:ntm"


class TargetsRefused(AssessmentError):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def targets_set(*, user: AbstractUser, unit: AdministrativeUnit, year: int, targets: YearTargets) -> int:
    """Replace the year's targets of the unit and its programme communes; returns the changes recorded."""
    if unit.level == AdministrativeUnit.Level.COMMUNE or not access.can_set_targets(user, unit):
        raise NotPermitted(_("You may not set the targets of this unit."))
    communes = set(programme_communes(within=unit, year=year).values_list("pk", flat=True))
    _check(unit, year, targets, communes)
    source = nfc(targets.source_decision)
    before = year_targets_of(unit=unit, year=year)
    with transaction.atomic():
        Target.objects.filter(unit=unit, year=year, tier="").delete()
        commune_targets(unit=unit, year=year).delete()
        rows = [
            Target(unit_id=commune_id, year=year, tier=tier, source_decision=source)
            for tier, ids in targets.communes.items()
            for commune_id in sorted(ids)
        ]
        if targets.average is not None:
            rows.append(Target(unit=unit, year=year, criteria_count=targets.average, source_decision=source))
        Target.objects.bulk_create(rows)
        changes = _changes(unit, year, before, YearTargets(targets.average, targets.communes, source))
        _record(unit, user, changes)
    return len(changes)


def _check(unit: AdministrativeUnit, year: int, targets: YearTargets, communes: set[int]) -> None:
    criteria = targets_criteria_count(unit=unit, year=year)
    if criteria is None:
        raise TargetsRefused(_("No criteria set covers the year %(year)s.") % {"year": year})
    if targets.average is not None and not 0 <= targets.average <= criteria:
        raise TargetsRefused(
            _("The average to reach must be between 0 and %(criteria)s criteria.") % {"criteria": criteria},
            field="average",
        )
    allowed = tiers_of_year(year)
    for tier, ids in targets.communes.items():
        if tier not in allowed:
            raise TargetsRefused(
                _("%(tier)s is not a tier of %(year)s.")
                % {"tier": Tier(tier).label if tier in Tier.values else tier, "year": year}
            )
        if not ids <= communes:
            raise TargetsRefused(
                _("Only programme communes of %(unit)s in %(year)s can be planned.")
                % {"unit": unit.name, "year": year},
                field=tier,
            )
    seen: set[int] = set()
    for tier, ids in targets.communes.items():
        if ids & seen:
            raise TargetsRefused(_("A commune can be planned for one tier only in a year."), field=tier)
        seen |= ids


def _changes(unit: AdministrativeUnit, year: int, before: YearTargets, after: YearTargets) -> list[ChangeRecord]:
    names = dict(
        programme_communes(within=unit, year=year)
        .filter(pk__in=set().union(*before.communes.values(), *after.communes.values()))
        .values_list("pk", "name")
    )

    def listed(ids: frozenset[int]) -> str:
        return ", ".join(sorted(names.get(pk, str(pk)) for pk in ids))

    changes = []
    if before.average != after.average:
        old, new = (_average_text(value) for value in (before.average, after.average))
        changes.append(ChangeRecord(target=f"{year}:{AVERAGE}", old_value=old, new_value=new))
    for tier in tiers_of_year(year):
        old_ids, new_ids = before.communes.get(tier, frozenset()), after.communes.get(tier, frozenset())
        if old_ids != new_ids:
            changes.append(ChangeRecord(target=f"{year}:{tier}", old_value=listed(old_ids), new_value=listed(new_ids)))
    if before.source_decision != after.source_decision:
        changes.append(
            ChangeRecord(target=f"{year}:{SOURCE}", old_value=before.source_decision, new_value=after.source_decision)
        )
    return changes


def _average_text(average: Decimal | int | None) -> str:
    """The average as the history keeps it: its digits without trailing zeros ("16", "16.44")."""
    return "" if average is None else format(Decimal(average).normalize(), "f")


def _record(unit: AdministrativeUnit, user: AbstractUser, changes: list[ChangeRecord]) -> None:
    subject_type = ContentType.objects.get_for_model(AdministrativeUnit)
    for change in changes:
        change.user, change.subject_type, change.subject_id = user, subject_type, unit.pk
        change.action = ChangeRecord.Action.TARGET
    ChangeRecord.objects.bulk_create(changes)
