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
        RECOGNITION = "recognition", _("Recognition")
        TARGET = "target", _("Target")

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
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed: nothing was written")
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
    # The confirmation, run by the job queue: who confirmed, when it was queued, and why it failed
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    failure = models.CharField(_("reason of the failure"), max_length=300, blank=True)
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


class Job(models.Model):
    """Work the job queue does outside the request (`ntm_portal.queue`), with the progress its page polls."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DownloadJob(Job):
    """A large file made by the job queue (a results export of many communes), downloaded from its page."""

    kind = models.CharField(_("kind"), max_length=40)
    # What the task needs to make the file again: ids, year, format (JSON values only)
    params = models.JSONField(_("parameters"), default=dict)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    # Where the page sends the user back to (the page the file was asked for on)
    back_url = models.CharField(_("back to"), max_length=500, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("download job")
        verbose_name_plural = _("download jobs")

    def __str__(self) -> str:
        return f"{self.file_name or self.kind} · {self.status}"
