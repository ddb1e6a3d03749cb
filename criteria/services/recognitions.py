"""Writes of recognitions: decisions of the province recognising a commune as having reached a tier.

Each write checks through communes/access.py, refuses what cannot stand with a message for the user and
nothing written, and records who changed what from which value to which (ChangeRecord about the
recognition) in the same transaction. The decision file is stored as evidence of the commune's year, through
the evidence upload and its checks, so that it joins the recognition dossier.
"""

import datetime
from dataclasses import dataclass, fields

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.models import Recognition, Tier
from criteria.selectors import criteria_set_in_force, tiers_of_year
from criteria.services.assessments import AssessmentError, NotPermitted
from criteria.services.evidence import evidence_upload
from ntm_portal.models import ChangeRecord
from ntm_portal.text import nfc, nfc_lines

# The history's `target` of the rows that are not one field's change.
RECORDED, DECISION_FILE = "recorded", "decision_file"


class RecognitionRefused(AssessmentError):
    """`field` names the form field the message is about ("" for the whole form)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RecognitionData:
    """What staff type in for a recognition; the field names are the model's."""

    tier: str
    year: int
    decision_number: str
    decision_date: datetime.date
    signer: str = ""
    note: str = ""

    def cleaned(self) -> "RecognitionData":
        return RecognitionData(
            tier=self.tier,
            year=self.year,
            decision_number=nfc(self.decision_number),
            decision_date=self.decision_date,
            signer=nfc(self.signer),
            note=nfc_lines(self.note),
        )


FIELDS = tuple(field.name for field in fields(RecognitionData))


def recognition_record(
    *, user: AbstractUser, unit: AdministrativeUnit, data: RecognitionData, decision_file: UploadedFile | None = None
) -> Recognition:
    """Record a recognition decision of a programme commune, with the scanned decision if given."""
    if not access.can_record_recognitions(user, unit):
        raise NotPermitted(_("You may not record recognitions of this commune."))
    data = data.cleaned()
    _check(unit, data, excluding=None)
    with transaction.atomic():
        recognition = Recognition.objects.create(unit=unit, **{name: getattr(data, name) for name in FIELDS})
        changes = [ChangeRecord(target=RECORDED, new_value=_summary(recognition))]
        changes += _attach(user, recognition, decision_file)
        _record(recognition, user, changes)
    return recognition


def recognition_update(
    *, user: AbstractUser, recognition: Recognition, data: RecognitionData, decision_file: UploadedFile | None = None
) -> Recognition:
    """Correct a recognition; a new decision file is added to the dossier and becomes the recognition's."""
    if not access.can_record_recognitions(user, recognition.unit):
        raise NotPermitted(_("You may not record recognitions of this commune."))
    data = data.cleaned()
    _check(recognition.unit, data, excluding=recognition)
    with transaction.atomic():
        changes = []
        for name in FIELDS:
            old, new = getattr(recognition, name), getattr(data, name)
            if old != new:
                changes.append(ChangeRecord(target=name, old_value=_text(old), new_value=_text(new)))
                setattr(recognition, name, new)
        recognition.save()
        changes += _attach(user, recognition, decision_file)
        _record(recognition, user, changes)
    return recognition


def recognition_withdraw(
    *, user: AbstractUser, recognition: Recognition, withdrawn_on: datetime.date, withdrawal_decision: str
) -> Recognition:
    """Record the decision withdrawing a recognition: the commune no longer holds the tier after that day."""
    if not access.can_record_recognitions(user, recognition.unit):
        raise NotPermitted(_("You may not record recognitions of this commune."))
    withdrawal_decision = nfc(withdrawal_decision)
    if recognition.withdrawn_on is not None:
        raise RecognitionRefused(_("This recognition was withdrawn already."))
    if not withdrawal_decision:
        raise RecognitionRefused(_("Enter the number of the withdrawal decision."), field="withdrawal_decision")
    if withdrawn_on > timezone.localdate():
        raise RecognitionRefused(_("The withdrawal date cannot be in the future."), field="withdrawn_on")
    if withdrawn_on < recognition.decision_date:
        raise RecognitionRefused(
            _("The withdrawal cannot be dated before the recognition decision."), field="withdrawn_on"
        )
    with transaction.atomic():
        recognition.withdrawn_on, recognition.withdrawal_decision = withdrawn_on, withdrawal_decision
        recognition.save(update_fields=["withdrawn_on", "withdrawal_decision"])
        _record(
            recognition,
            user,
            [
                ChangeRecord(target="withdrawn_on", new_value=_text(withdrawn_on)),
                ChangeRecord(target="withdrawal_decision", new_value=withdrawal_decision),
            ],
        )
    return recognition


def _check(unit: AdministrativeUnit, data: RecognitionData, *, excluding: Recognition | None) -> None:
    if unit.level != AdministrativeUnit.Level.COMMUNE or not unit.in_programme:
        raise RecognitionRefused(_("Only communes in the programme are recognised here."))
    if not data.decision_number:
        raise RecognitionRefused(_("Enter the number of the recognition decision."), field="decision_number")
    if data.decision_date > timezone.localdate():
        raise RecognitionRefused(_("The decision date cannot be in the future."), field="decision_date")
    if data.decision_date.year < data.year:
        raise RecognitionRefused(
            _("A decision recognising a commune for %(year)s cannot be dated before that year.") % {"year": data.year},
            field="decision_date",
        )
    if criteria_set_in_force(year=data.year, province=unit.province()) is None:
        raise RecognitionRefused(_("No criteria set covers the year %(year)s.") % {"year": data.year}, field="year")
    if data.tier not in tiers_of_year(data.year):
        raise RecognitionRefused(
            _("%(tier)s is not a tier of the criteria sets of %(year)s.")
            % {"tier": Tier(data.tier).label if data.tier in Tier.values else data.tier, "year": data.year},
            field="tier",
        )
    same = Recognition.objects.filter(unit=unit, tier=data.tier, year=data.year)
    existing = same.exclude(pk=excluding.pk).first() if excluding else same.first()
    if existing is not None:
        raise RecognitionRefused(
            _("This commune already has a recognition as %(tier)s for %(year)s (decision %(number)s).")
            % {"tier": existing.get_tier_display(), "year": data.year, "number": existing.decision_number},
            field="tier",
        )


def _attach(user: AbstractUser, recognition: Recognition, upload: UploadedFile | None) -> list[ChangeRecord]:
    """Store the decision file as evidence of the commune's year (refused files stop the whole write)."""
    if upload is None:
        return []
    evidence = evidence_upload(
        user=user,
        unit=recognition.unit,
        year=recognition.year,
        upload=upload,
        title=_("Recognition decision %(number)s") % {"number": recognition.decision_number},
        document_number=recognition.decision_number,
        document_date=recognition.decision_date,
        issuer=recognition.signer,
    )
    old = recognition.decision_file.original_name if recognition.decision_file_id else ""
    recognition.decision_file = evidence
    recognition.save(update_fields=["decision_file"])
    return [ChangeRecord(target=DECISION_FILE, old_value=old, new_value=evidence.original_name)]


def _summary(recognition: Recognition) -> str:
    return f"{recognition.get_tier_display()} · {recognition.year} · {recognition.decision_number}"


def _text(value) -> str:
    """Dates as ISO (the history shows them the Vietnamese way), anything else as typed."""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _record(recognition: Recognition, user: AbstractUser, changes: list[ChangeRecord]) -> None:
    subject_type = ContentType.objects.get_for_model(Recognition)
    for change in changes:
        change.user, change.subject_type, change.subject_id = user, subject_type, recognition.pk
        change.action = ChangeRecord.Action.RECOGNITION
    ChangeRecord.objects.bulk_create(changes)
