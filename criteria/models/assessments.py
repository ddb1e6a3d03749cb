"""What was found: a commune's assessment for a year, its values and results, recognitions and targets."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.models import AdministrativeUnit
from criteria.models.catalogue import CriteriaSet, Criterion, Indicator, Tier

# The characters of Assessment.results_summary.
SUMMARY_MET, SUMMARY_NOT_MET, SUMMARY_NO_RESULT = "1", "0", "-"


class Assessment(models.Model):
    """One commune's results for one year against one criteria set."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified by district")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Written with the results by criteria.services.assessment_summaries_refresh, so that lists of thousands
    # of communes read one row each: a character per criterion of the set in number order ("1" met, "0" not
    # met, "-" no result) and the number of criteria met.
    results_summary = models.CharField(_("results"), max_length=40, blank=True, editable=False)
    criteria_met = models.PositiveSmallIntegerField(_("criteria met"), default=0, editable=False)
    # Written with the evidence by criteria.services.evidence: per criterion in the same order, "1" when it
    # has accepted evidence, and the number of accepted documents.
    evidence_summary = models.CharField(_("evidence"), max_length=40, blank=True, editable=False)
    evidence_accepted = models.PositiveIntegerField(_("accepted evidence"), default=0, editable=False)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "criteria_set"], name="assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"


class IndicatorValue(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(
        pgettext_lazy("indicator value", "number"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    flag = models.BooleanField(_("yes / no"), null=True, blank=True)
    parts = models.JSONField(_("conditions"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicator_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def value(self):
        if self.parts is not None:
            return self.parts
        if self.flag is not None:
            return self.flag
        return self.number


class CriterionResult(models.Model):
    class Method(models.TextChoices):
        COMPUTED = "computed", _("Computed from indicators")
        ENTERED = "entered", _("Entered directly")
        IMPORTED = "imported", _("Imported")
        OVERRIDDEN = "overridden", _("Overridden")

    # A national import writes 190,000 results at once: no index beside the unique one, whose first column
    # serves every lookup by assessment.
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="criterion_results",
        db_index=False,
    )
    # No database constraint either: criteria are catalogue rows that are never deleted (PROTECT keeps the
    # ORM from it), and checking 190,000 references at the commit of a national import took a second of seven.
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    is_met = models.BooleanField(_("met"), null=True, blank=True, help_text=_("Empty: cannot be decided."))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    computed_is_met = models.BooleanField(_("computed result"), null=True, blank=True)
    override_reason = models.TextField(_("reason for override"), blank=True)

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="criterion_result_unique"),
            models.CheckConstraint(
                condition=~Q(method="overridden") | ~Q(override_reason=""), name="override_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.is_met}"


class Recognition(models.Model):
    """A decision recognising a unit as having reached a tier (and, later, perhaps withdrawing it)."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="recognitions"
    )
    tier = models.CharField(_("tier"), max_length=15, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("recognised for year"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=120, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_decision = models.CharField(_("withdrawal decision"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The scanned decision, kept as evidence of the commune's year so that it joins the recognition dossier
    # and is checked like any other upload.
    decision_file = models.ForeignKey(
        "criteria.Evidence",
        verbose_name=_("decision file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-year", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "tier", "year"], name="recognition_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_tier_display()} · {self.year}"


class Target(models.Model):
    """A planned result for a unit and year: a tier to reach or a number of criteria to meet."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    tier = models.CharField(_("tier"), max_length=15, choices=Tier.choices, blank=True)
    # A province's or district's average per commune, as the plans write it ("16,44 tiêu chí/xã"); a whole number
    # for a commune.
    criteria_count = models.DecimalField(
        _("criteria to meet"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    source_decision = models.CharField(_("source decision"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "unit__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tier="") | Q(criteria_count__isnull=False), name="target_has_tier_or_count"
            ),
        ]

    def __str__(self) -> str:
        goal = self.get_tier_display() if self.tier else f"{self.criteria_count}"
        return f"{self.unit} · {self.year} · {goal}"
