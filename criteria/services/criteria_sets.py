"""Writes of the criteria-set editor: create or copy a set, edit its fields, criteria, indicators and thresholds.

Every write takes the acting user, checks through communes/access.py, refuses a form opened on an older
version of the set and records history (ChangeRecord about the set) in the same transaction. An edit of a set
that already judges assessments judges them again in that transaction (criteria.services.reevaluation); with
`apply=False` the same edit runs and is rolled back, and the result says what it would change: the preview.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.evaluation import threshold_readable
from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, Threshold
from criteria.services.assessments import AssessmentError
from criteria.services.reevaluation import ReevaluationResult, assessments_reevaluate
from ntm_portal.models import ChangeRecord
from ntm_portal.text import nfc, nfc_lines

# Fields of a set the editor changes; what identifies the thresholds' meaning (tier, level, dimension) stays
# as it is once assessments are judged by the set: copy it into a new set instead.
SET_FIELDS = (
    "code", "name", "decision_number", "decision_date", "decision_citation", "period_start", "period_end",
    "effective_from", "tier", "assessed_level", "threshold_dimension", "honours_applied_region", "report_bands",
    "notes",
)  # fmt: skip
FIXED_ONCE_ASSESSED = ("tier", "assessed_level", "threshold_dimension", "honours_applied_region")
CRITERION_FIELDS = ("number", "name", "name_en", "group", "notes")
INDICATOR_FIELDS = ("code", "position", "text", "kind", "unit", "comparison", "source", "notes")


class CriteriaSetError(AssessmentError):
    """A refused edit, with a message for the user."""


class StaleCriteriaSet(CriteriaSetError):
    pass


@dataclass(frozen=True)
class ThresholdRow:
    """One threshold of an indicator as the editor gives it: empty `value` = not known (cannot decide)."""

    applies_to: str
    value: str = ""
    source: str = ""
    year_from: int | None = None
    year_to: int | None = None

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (self.applies_to, self.year_from, self.year_to)


@dataclass(frozen=True)
class Change:
    target: str
    old: str
    new: str


@dataclass
class SetEdit:
    """What an edit changed (or, in a preview, would change) in the set and in the results it judges."""

    criteria_set: CriteriaSet
    changes: list[Change] = field(default_factory=list)
    reevaluation: ReevaluationResult | None = None
    applied: bool = False

    @property
    def judges_assessments(self) -> bool:
        return self.reevaluation is not None and self.reevaluation.assessments > 0


def has_assessments(criteria_set: CriteriaSet) -> bool:
    return Assessment.objects.filter(criteria_set=criteria_set).exists()


def threshold_value_error(kind: str, value: str) -> str | None:
    """Why a threshold value cannot be read for an indicator of this kind (None: it can, or it is empty)."""
    if not value.strip() or threshold_readable(kind, value):
        return None
    if kind == Indicator.Kind.BOOLEAN:
        return _('A yes / no threshold is "đạt", "có", "không" or "chưa đạt".')
    if kind == Indicator.Kind.LEVEL:
        return _('A level threshold names its level, e.g. "mức độ 2".')
    return _("This indicator's threshold is a number, e.g. 95 or 92,5.")


def _check_may_edit(user, criteria_set: CriteriaSet) -> None:
    if not access.can_edit_criteria_set(user, criteria_set.issuing_unit):
        raise CriteriaSetError(_("You may not change this criteria set."))


def _text(value) -> str:
    return "" if value is None else str(value)


def _record(criteria_set: CriteriaSet, user, changes: list[Change], reason: str) -> None:
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            user=user,
            subject_type=ContentType.objects.get_for_model(CriteriaSet),
            subject_id=criteria_set.pk,
            subject_version=criteria_set.version,
            action=ChangeRecord.Action.CATALOGUE,
            target=change.target[:120],
            old_value=change.old,
            new_value=change.new,
            comment=reason,
        )
        for change in changes
    )


def _edit(
    criteria_set: CriteriaSet, *, user, version: int, reason: str, apply: bool, change: Callable[[CriteriaSet], list]
) -> SetEdit:
    """Run `change` on the locked set, judge its assessments again, bump its version and record the changes;
    with `apply=False` all of it is rolled back and the result is the preview."""
    _check_may_edit(user, criteria_set)
    reason = nfc(reason).strip()
    with transaction.atomic():
        locked = CriteriaSet.objects.select_for_update(of=("self",)).select_related("issuing_unit")
        locked = locked.get(pk=criteria_set.pk)
        if locked.version != version:
            raise StaleCriteriaSet(
                _("Someone changed this criteria set after you opened the form. Nothing was saved; open it again.")
            )
        edit = SetEdit(criteria_set=locked, changes=change(locked))
        if not edit.changes:
            transaction.set_rollback(True)
            return edit
        if has_assessments(locked):
            if apply and not reason:
                raise CriteriaSetError(_("Results are judged by this set: say why it changes."))
            edit.reevaluation = assessments_reevaluate(criteria_sets=[locked], user=user, reason=reason, apply=apply)
        if not apply:
            transaction.set_rollback(True)
            return edit
        locked.version += 1
        locked.save(update_fields=["version"])
        _record(locked, user, edit.changes, reason)
        edit.applied = True
    criteria_set.version = locked.version
    return edit


def _assign(obj, fields: tuple[str, ...], data: dict, *, prefix: str) -> list[Change]:
    changes = []
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = nfc_lines(value) if name in ("notes", "text", "decision_citation", "source") else nfc(value)
        old = getattr(obj, name)
        if old != value:
            changes.append(Change(f"{prefix}{name}", _text(old), _text(value)))
            setattr(obj, name, value)
    return changes


def _saved(obj, message: str) -> None:
    try:
        with transaction.atomic():
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
    except IntegrityError as error:
        raise CriteriaSetError(message) from error
    except ValidationError as error:
        raise CriteriaSetError(" ".join(error.messages)) from error


def criteria_set_create(*, user, province: AdministrativeUnit | None, data: dict) -> CriteriaSet:
    """A new empty set: national (administrators) or of `province`."""
    if not access.can_edit_criteria_set(user, province):
        raise CriteriaSetError(_("You may not create criteria sets here."))
    level = CriteriaSet.IssuingLevel.PROVINCIAL if province else CriteriaSet.IssuingLevel.NATIONAL
    with transaction.atomic():
        criteria_set = CriteriaSet(issuing_level=level, issuing_unit=province)
        changes = _assign(criteria_set, SET_FIELDS, data, prefix="")
        _saved(criteria_set, _("A criteria set with this code exists already."))
        _record(criteria_set, user, [Change("created", "", criteria_set.code), *changes], "")
    return criteria_set


def criteria_set_copy(*, user, source: CriteriaSet, province: AdministrativeUnit, data: dict) -> CriteriaSet:
    """A provincial set for `province` with the criteria, indicators, thresholds (with their sources) and bands
    of `source`, then `data` (code, name, decision…) over its fields. It wins over the national set for the
    province's communes in the years it covers (criteria.selectors.criteria_set_in_force)."""
    if not access.can_edit_criteria_set(user, province):
        raise CriteriaSetError(_("You may not create criteria sets for this province."))
    national = source if source.issuing_level == CriteriaSet.IssuingLevel.NATIONAL else source.parent
    with transaction.atomic():
        copy = CriteriaSet(
            **{name: getattr(source, name) for name in SET_FIELDS},
            criteria_count_declared=source.criteria_count_declared,
            indicator_count_declared=source.indicator_count_declared,
            issuing_level=CriteriaSet.IssuingLevel.PROVINCIAL,
            issuing_unit=province,
            parent=national,
        )
        _assign(copy, SET_FIELDS, data, prefix="")
        _saved(copy, _("A criteria set with this code exists already."))
        _copy_contents(source, copy)
        _record(copy, user, [Change("copied from", source.code, copy.code)], "")
    return copy


def _copy_contents(source: CriteriaSet, copy: CriteriaSet) -> None:
    criteria = list(source.criteria.prefetch_related("indicators__thresholds"))
    new_criteria = Criterion.objects.bulk_create(
        Criterion(criteria_set=copy, **{name: getattr(c, name) for name in (*CRITERION_FIELDS, "group_alt")})
        for c in criteria
    )
    pairs = [(old, new) for criterion, copied in zip(criteria, new_criteria, strict=True)
             for old, new in _indicator_copies(criterion, copied)]  # fmt: skip
    Indicator.objects.bulk_create(new for _old, new in pairs)
    Threshold.objects.bulk_create(
        Threshold(
            indicator=new,
            **{
                name: getattr(row, name)
                for name in ("applies_to", "year_from", "year_to", "value", "parts", "verified", "source")
            },
        )
        for old, new in pairs
        for row in old.thresholds.all()
    )


def _indicator_copies(criterion: Criterion, copied: Criterion):
    for indicator in criterion.indicators.all():
        fields = {name: getattr(indicator, name) for name in (*INDICATOR_FIELDS, "code_verified", "verified")}
        yield indicator, Indicator(criterion=copied, **fields)


def criteria_set_update(
    *, user, criteria_set: CriteriaSet, version: int, data: dict, reason: str = "", apply: bool = True
) -> SetEdit:
    def change(locked: CriteriaSet) -> list[Change]:
        changes = _assign(locked, SET_FIELDS, data, prefix="")
        fixed = [c for c in changes if c.target in FIXED_ONCE_ASSESSED]
        if fixed and has_assessments(locked):
            raise CriteriaSetError(
                _("Results are judged by this set: its tier, level and threshold dimension stay; copy it instead.")
            )
        if changes:
            _saved(locked, _("A criteria set with this code exists already."))
        return changes

    return _edit(criteria_set, user=user, version=version, reason=reason, apply=apply, change=change)


def criterion_save(
    *,
    user,
    criteria_set: CriteriaSet,
    criterion: Criterion | None,
    version: int,
    data: dict,
    reason: str = "",
    apply: bool = True,
) -> SetEdit:
    """Add a criterion to the set (None) or change one of its criteria."""

    def change(locked: CriteriaSet) -> list[Change]:
        target = criterion or Criterion(criteria_set=locked)
        prefix = _("criterion %(number)s · ") % {"number": target.number or data.get("number")}
        changes = _assign(target, CRITERION_FIELDS, data, prefix=prefix)
        if criterion is None:
            changes.insert(0, Change(prefix + "created", "", target.name))
        if changes:
            _saved(target, _("The set has a criterion with this number already."))
        return changes

    return _edit(criteria_set, user=user, version=version, reason=reason, apply=apply, change=change)


def indicator_save(
    *,
    user,
    criterion: Criterion,
    indicator: Indicator | None,
    version: int,
    data: dict,
    reason: str = "",
    apply: bool = True,
) -> SetEdit:
    """Add an indicator to a criterion (None) or change one; its thresholds must still read for its kind."""

    def change(_locked: CriteriaSet) -> list[Change]:
        target = indicator or Indicator(criterion=criterion)
        changes = _assign(target, INDICATOR_FIELDS, data, prefix=f"{data.get('code') or target.code} · ")
        if indicator is None:
            changes.insert(0, Change(f"{target.code} · created", "", target.text[:200]))
        elif any(threshold_value_error(target.kind, row.value) for row in indicator.thresholds.all()):
            raise CriteriaSetError(_("The thresholds already entered do not read for this kind: change them first."))
        if changes:
            _saved(target, _("The criterion has an indicator with this code already."))
        return changes

    return _edit(criterion.criteria_set, user=user, version=version, reason=reason, apply=apply, change=change)


def indicator_thresholds_save(
    *, user, indicator: Indicator, rows: list[ThresholdRow], version: int, reason: str = "", apply: bool = True
) -> SetEdit:
    """Make the indicator's thresholds these rows (by region or group and years): each old → new is recorded.

    A value needs its provenance (document and article or page); an empty value stays as "not known"."""
    for row in rows:
        error = threshold_value_error(indicator.kind, row.value)
        if error:
            raise CriteriaSetError(f"{row.applies_to}: {error}")
        if row.value.strip() and not row.source.strip():
            raise CriteriaSetError(
                _("%(area)s: a threshold needs its source (document and article or page).") % {"area": row.applies_to}
            )

    def change(_locked: CriteriaSet) -> list[Change]:
        existing = {(t.applies_to, t.year_from, t.year_to): t for t in indicator.thresholds.all()}
        wanted = {row.key: row for row in rows}
        changes = []
        for key, threshold in existing.items():
            if key not in wanted:
                changes.append(Change(_threshold_target(indicator, key), _threshold_text(threshold), ""))
                threshold.delete()
        for key, row in wanted.items():
            threshold = existing.get(key) or Threshold(indicator=indicator, applies_to=row.applies_to,
                                                       year_from=row.year_from, year_to=row.year_to)  # fmt: skip
            old = _threshold_text(threshold) if threshold.pk else ""
            threshold.value, threshold.source = nfc(row.value).strip(), nfc(row.source).strip()
            if threshold.pk and old == _threshold_text(threshold):
                continue
            changes.append(Change(_threshold_target(indicator, key), old, _threshold_text(threshold)))
            threshold.save()
        return changes

    return _edit(
        indicator.criterion.criteria_set, user=user, version=version, reason=reason, apply=apply, change=change
    )


def _threshold_target(indicator: Indicator, key: tuple[str, int | None, int | None]) -> str:
    applies_to, year_from, year_to = key
    years = f" ({year_from or ''}-{year_to or ''})" if year_from or year_to else ""
    return f"{indicator.code} · {applies_to}{years}"


def _threshold_text(threshold: Threshold) -> str:
    value = threshold.value or "—"
    return f"{value} [{threshold.source}]" if threshold.source else value


def criterion_delete(*, user, criterion: Criterion, version: int) -> SetEdit:
    return _delete(user, criterion.criteria_set, criterion, version, f"criterion {criterion.number}")


def indicator_delete(*, user, indicator: Indicator, version: int) -> SetEdit:
    return _delete(user, indicator.criterion.criteria_set, indicator, version, indicator.code)


def _delete(user, criteria_set: CriteriaSet, obj, version: int, target: str) -> SetEdit:
    """Deleting is refused once assessments are judged by the set: their values and results would go with it."""

    def change(locked: CriteriaSet) -> list[Change]:
        if has_assessments(locked):
            raise CriteriaSetError(
                _("Results are judged by this set: its criteria and indicators cannot be deleted; copy the set.")
            )
        old = str(obj)
        obj.delete()
        return [Change(f"{target} · deleted", old, "")]

    return _edit(criteria_set, user=user, version=version, reason="", apply=True, change=change)
