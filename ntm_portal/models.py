"""The project's one history mechanism: a row per change, written in the same transaction as the change."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeRecordQuerySet(models.QuerySet):
    def about(self, subject: models.Model) -> "ChangeRecordQuerySet":
        return self.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


class ChangeRecord(models.Model):
    """Who changed what on which object, when, from which value to which.

    `subject` is the object whose history this belongs to (an assessment for its indicator values and
    criterion results); `target` names the part that changed ("15.3", "criterion 5", "status").
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        VALUE = "value", _("Indicator value changed")
        RESULT = "result", _("Criterion result changed")
        TRANSITION = "transition", _("Workflow step")
        EVIDENCE = "evidence", _("Evidence")
        CATALOGUE = "catalogue", _("Criteria set changed")
        ACCESS = "access", _("Access changed")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject_version = models.PositiveIntegerField(_("version"), default=0)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    target = models.CharField(_("what"), max_length=120, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} · {self.target}: {self.old_value} → {self.new_value}"


class ImportBatch(models.Model):
    """A file uploaded for import: kept from the dry run to the confirmation, then as the record of who imported what.

    The file itself is kept so that the confirmation imports exactly the file that was previewed.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("Refused: the file has errors")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="import_batches"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    new_rows = models.PositiveIntegerField(_("new"), default=0)
    updated_rows = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [[place, message], …] as shown to the user, in file order
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.created_at:%d/%m/%Y %H:%M}"
