"""Writes of evidence: upload (and replacement of a rejected file), review, soft delete and restore.

Every action checks through communes/access.py and is recorded in the assessment's history in the same
transaction. Files are stored under generated keys with their SHA-256, which every download checks.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.evidence_files import FileRefused, inspect_upload, sha256_hex
from criteria.models import Assessment, Criterion, Evidence, Indicator
from criteria.services.assessments import AssessmentError, NotPermitted, assessment_save, criteria_set_for
from ntm_portal.models import ChangeRecord

logger = logging.getLogger(__name__)


class EvidenceRefused(AssessmentError):
    pass


class EvidenceFileChanged(AssessmentError):
    """The stored file no longer matches the checksum taken at upload: it must not be served."""


def assessment_evidence_refresh(assessment: Assessment) -> None:
    """Recompute the assessment's `evidence_summary` and `evidence_accepted` from its evidence."""
    accepted = Evidence.objects.visible().filter(assessment=assessment, status=Evidence.Status.ACCEPTED)
    numbers = set(accepted.values_list("criterion__number", flat=True))
    criteria = assessment.criteria_set.criteria.order_by("number").values_list("number", flat=True)
    assessment.evidence_summary = "".join("1" if number in numbers else "0" for number in criteria)
    assessment.evidence_accepted = accepted.count()
    assessment.save(update_fields=["evidence_summary", "evidence_accepted"])


def _record(evidence: Evidence, user: AbstractUser, *, action: str, comment: str = "") -> None:
    """History, and the assessment's evidence summary, in the transaction of the change."""
    assessment = evidence.assessment
    assessment_evidence_refresh(assessment)
    ChangeRecord.objects.create(
        user=user,
        subject_type=ContentType.objects.get_for_model(Assessment),
        subject_id=assessment.pk,
        subject_version=assessment.version,
        action=ChangeRecord.Action.EVIDENCE,
        target=evidence.title[:120],
        new_value=action,
        comment=comment,
    )


def _assessment(*, user: AbstractUser, unit: AdministrativeUnit, year: int) -> Assessment:
    criteria_set = criteria_set_for(unit=unit, year=year)
    existing = Assessment.objects.filter(unit=unit, year=year, criteria_set=criteria_set).first()
    return existing or assessment_save(user=user, unit=unit, year=year, version=0, values={}, direct={})


def evidence_upload(
    *,
    user: AbstractUser,
    unit: AdministrativeUnit,
    year: int,
    upload: UploadedFile,
    title: str = "",
    document_number: str = "",
    document_date: datetime.date | None = None,
    issuer: str = "",
    criterion: Criterion | None = None,
    indicator: Indicator | None = None,
    replaces: Evidence | None = None,
) -> Evidence:
    """Store one uploaded file as evidence of the commune-year; refuse it whole or not at all."""
    if not access.can_upload_evidence(user, unit):
        raise NotPermitted(_("You may not upload evidence for this commune."))
    try:
        inspected = inspect_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except FileRefused as refused:
        raise EvidenceRefused(refused.message) from None
    if replaces is not None:
        criterion, indicator = replaces.criterion, replaces.indicator
        title = title or replaces.title
    if indicator is not None:
        criterion = indicator.criterion
    stored = ""
    try:
        with transaction.atomic():
            assessment = _assessment(user=user, unit=unit, year=year)
            _check_links(assessment, criterion, replaces)
            duplicate = Evidence.objects.visible().filter(assessment=assessment, sha256=inspected.sha256).first()
            if duplicate is not None:
                raise EvidenceRefused(_("This file was already uploaded as “%(title)s”.") % {"title": duplicate.title})
            evidence = Evidence(
                assessment=assessment,
                criterion=criterion,
                indicator=indicator,
                title=(title or inspected.name).strip()[:255],
                document_number=document_number.strip(),
                document_date=document_date,
                issuer=issuer.strip(),
                original_name=inspected.name,
                content_type=inspected.content_type,
                size=inspected.size,
                sha256=inspected.sha256,
                uploaded_by=user,
                replaces=replaces,
            )
            evidence.file = stored = _file_store(evidence, upload)
            evidence.save()
            _record(evidence, user, action="replaced" if replaces else "uploaded")
    except Exception:
        # Whatever stops the upload once the file is stored, the COMMIT included, leaves no file without its row.
        if stored:
            _file_remove(stored)
        raise
    return evidence


def _file_store(evidence: Evidence, upload: UploadedFile) -> str:
    """Put the upload on the evidence storage under a generated key and return the key. A storage error (disk
    full, object storage unreachable) is refused with a message, and whatever part of the file was written
    is removed."""
    field = evidence.file.field
    key = field.generate_filename(evidence, evidence.original_name)
    try:
        return field.storage.save(key, upload, max_length=field.max_length)
    except Exception:
        logger.exception("Evidence file %s could not be stored", key)
        _file_remove(key)
        raise EvidenceRefused(
            _("The server's file storage failed, so nothing was saved. Please try again later; if it happens "
              "again, tell the coordination office.")
        ) from None  # fmt: skip


def _file_remove(key: str) -> None:
    storage = Evidence._meta.get_field("file").storage
    try:
        storage.delete(key)
    except Exception:
        logger.exception("Evidence file %s could not be removed after a failed upload", key)


def _check_links(assessment: Assessment, criterion: Criterion | None, replaces: Evidence | None) -> None:
    if criterion is not None and criterion.criteria_set_id != assessment.criteria_set_id:
        raise EvidenceRefused(_("The criterion does not belong to this year's criteria set."))
    if replaces is None:
        return
    if replaces.assessment_id != assessment.pk or replaces.deleted_at is not None:
        raise EvidenceRefused(_("Only evidence of this commune and year can be replaced."))
    if replaces.status != Evidence.Status.REJECTED or Evidence.objects.filter(replaces=replaces).exists():
        raise EvidenceRefused(_("Only rejected evidence can be replaced, and only once."))


def evidence_review(*, user: AbstractUser, evidence: Evidence, accept: bool, comment: str = "") -> Evidence:
    unit = evidence.assessment.unit
    if not access.can_review_evidence(user, unit):
        raise NotPermitted(_("You may not review evidence of this commune."))
    if evidence.deleted_at is not None:
        raise EvidenceRefused(_("Deleted evidence cannot be reviewed; restore it first."))
    if not accept and not comment.strip():
        raise EvidenceRefused(_("Say why the evidence is rejected, so the commune can fix it."))
    with transaction.atomic():
        evidence.status = Evidence.Status.ACCEPTED if accept else Evidence.Status.REJECTED
        evidence.review_comment = comment.strip()
        evidence.reviewed_by = user
        evidence.reviewed_at = timezone.now()
        evidence.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
        _record(evidence, user, action=evidence.status, comment=evidence.review_comment)
    return evidence


def evidence_delete(*, user: AbstractUser, evidence: Evidence) -> Evidence:
    """Hide the evidence; the file and the row stay, and reviewers can restore it."""
    if not access.can_upload_evidence(user, evidence.assessment.unit):
        raise NotPermitted(_("You may not delete evidence of this commune."))
    with transaction.atomic():
        evidence.deleted_at, evidence.deleted_by = timezone.now(), user
        evidence.save(update_fields=["deleted_at", "deleted_by"])
        _record(evidence, user, action="deleted")
    return evidence


def evidence_restore(*, user: AbstractUser, evidence: Evidence) -> Evidence:
    if not access.can_review_evidence(user, evidence.assessment.unit):
        raise NotPermitted(_("You may not restore evidence of this commune."))
    with transaction.atomic():
        evidence.deleted_at, evidence.deleted_by = None, None
        evidence.save(update_fields=["deleted_at", "deleted_by"])
        _record(evidence, user, action="restored")
    return evidence


def evidence_verified_file(evidence: Evidence):
    """The stored file, open and rewound, after checking it still has the checksum taken at upload."""
    handle = evidence.file.open("rb")
    if sha256_hex(handle) != evidence.sha256:
        handle.close()
        logger.error(
            "Evidence %s (%s) changed on storage after upload: checksum mismatch, download refused",
            evidence.pk,
            evidence.file.name,
        )
        raise EvidenceFileChanged(
            _("This file was changed on the server after it was uploaded, so it is not served. Please tell "
              "the coordination office.")
        )  # fmt: skip
    handle.seek(0)
    return handle
