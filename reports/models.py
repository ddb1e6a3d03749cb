"""Progress reports: drafts staff write in the browser, and issued reports frozen with their files."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from ntm_portal.models import Job


class Report(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual report and next year's direction")
        PHASE = "phase", _("Phase report")
        PLAN = "plan", _("Plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)

    # The administrative header (Decree 30/2020/NĐ-CP) and the signature block
    parent_body = models.CharField(_("governing body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=300)
    number = models.CharField(_("number"), max_length=20, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40)
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    subject = models.TextField(_("subject"))
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    signer_authority = models.CharField(
        _("signing authority"), max_length=200, blank=True, help_text=_("One line each: TM. …, KT. …")
    )
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)

    # The author's choice for sections without data: say what is missing and where to enter it (the default,
    # for a draft), or leave them out of the report (the one the leader signs)
    omit_empty_sections = models.BooleanField(
        _("leave out sections without data"),
        default=False,
        help_text=_("Otherwise each such section says what is missing and where to enter it."),
    )
    # The narrative sections written in the browser, by section key
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    # Issued reports: the figures as they were, so that the issued text never changes
    figures_snapshot = models.JSONField(_("figures when issued"), null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-year_to", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="report_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit.name} · {self.period_text}"

    @property
    def period_text(self) -> str:
        return str(self.year_to) if self.year_from == self.year_to else f"{self.year_from}-{self.year_to}"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class ReportFile(models.Model):
    """A generated file of an issued report: stored once, downloaded as it was issued."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"
        DOCX = "docx", "Word"

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="report_file_unique")]

    def __str__(self) -> str:
        return f"{self.report} · {self.format}"

    def save(self, *args, **kwargs):
        self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)


class RenderJob(Job):
    """A report file being produced by the job queue, with the progress the page shows."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="jobs")
    format = models.CharField(_("format"), max_length=4, choices=ReportFile.Format.choices, blank=True)
    # Issuing renders every format, stores them with the report and freezes it
    issue = models.BooleanField(_("issue the report"), default=False)
    report_version = models.PositiveIntegerField(_("report version"))

    class Meta(Job.Meta):
        verbose_name = _("render job")
        verbose_name_plural = _("render jobs")

    def __str__(self) -> str:
        return f"{self.report} · {self.format or 'issue'} · {self.status}"
