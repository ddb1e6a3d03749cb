"""What is measured: criteria sets, criteria, indicators and their thresholds.

Thresholds are data, chosen by the year looked at and by the commune's region or group. A threshold
row without a value records that the level is unknown or left to the province: the engine then says
"cannot decide", never "met".
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.models import AdministrativeUnit
from criteria.bands import BandsError, scheme_for


class Tier(models.TextChoices):
    NTM = "ntm", _("New rural area (NTM)")
    ADVANCED = "ntm_nang_cao", _("Advanced NTM (nâng cao)")
    MODEL = "ntm_kieu_mau", _("Model NTM (kiểu mẫu)")
    MODERN = "ntm_hien_dai", _("Modern NTM commune (xã NTM hiện đại)")


class CriteriaSet(models.Model):
    class IssuingLevel(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

    class AssessedLevel(models.TextChoices):
        VILLAGE = "village", _("Village")
        COMMUNE = "commune", _("Commune")
        DISTRICT = "district", _("District")
        PROVINCE = "province", _("Province")

    class Dimension(models.TextChoices):
        REGION = "region", _("Socio-economic region")
        COMMUNE_GROUP = "commune_group", _("Commune group")
        NONE = "none", _("Same everywhere")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_citation = models.CharField(_("decision as cited"), max_length=300, blank=True)
    issuing_level = models.CharField(_("issuing level"), max_length=10, choices=IssuingLevel.choices)
    issuing_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("issuing province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("national set it specifies"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="specifications",
    )
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=15, choices=Tier.choices)
    assessed_level = models.CharField(_("assessed level"), max_length=10, choices=AssessedLevel.choices)
    threshold_dimension = models.CharField(_("thresholds vary by"), max_length=15, choices=Dimension.choices)
    honours_applied_region = models.BooleanField(
        _("judges by the applied region"),
        default=False,
        help_text=_(
            "QĐ 318/QĐ-TTg judges especially difficult communes by the thresholds of the Northern midlands "
            "and mountains wherever they are; other sets use the commune's own region."
        ),
    )
    criteria_count_declared = models.PositiveSmallIntegerField(_("criteria (declared)"), null=True, blank=True)
    indicator_count_declared = models.PositiveSmallIntegerField(_("indicators (declared)"), null=True, blank=True)
    report_bands = models.JSONField(
        _("report bands"),
        null=True,
        blank=True,
        help_text=_(
            'How reports group communes by criteria met, highest first, e.g. {"bands": [[19, 19], [15, 18], '
            '[10, 14], [5, 9], [0, 4]], "under": [10]}. Empty: the default for the number of criteria.'
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Counts the edits made in the browser editor: a form opened on an older version is refused as stale.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["period_start", "assessed_level", "tier", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="set_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.decision_number})"

    def covers(self, year: int) -> bool:
        return self.period_start <= year <= self.period_end

    def clean(self) -> None:
        if self.report_bands and self.pk:
            try:
                scheme_for(self.criteria.count(), self.report_bands)
            except (BandsError, TypeError, ValueError, AttributeError) as error:
                raise ValidationError({"report_bands": str(error)}) from error


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    group = models.CharField(_("group"), max_length=120, blank=True)
    group_alt = models.CharField(_("alternative group"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "number"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="criterion_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        BOOLEAN = "boolean", _("Yes / no")
        PERCENT = "percent", _("Percent")
        AMOUNT = "amount", _("Amount")
        COUNT = "count", _("Count")
        LEVEL = "level", _("Level")
        COMPOSITE = "composite", _("Several conditions")

    class Comparison(models.TextChoices):
        AT_LEAST = ">=", "≥"
        AT_MOST = "<=", "≤"
        MORE_THAN = ">", ">"
        LESS_THAN = "<", "<"
        EQUAL = "==", "="

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=12, help_text=_('For example "17.6".'))
    code_verified = models.BooleanField(_("numbering verified"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("indicator"))
    kind = models.CharField(_("kind of value"), max_length=10, choices=Kind.choices)
    unit = models.CharField(pgettext_lazy("unit of measure", "unit"), max_length=40, blank=True)
    comparison = models.CharField(
        _("comparison"), max_length=2, choices=Comparison.choices, blank=True, help_text=_("Empty: not known.")
    )
    verified = models.BooleanField(_("thresholds verified"), default=False)
    source = models.CharField(_("source"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["criterion", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["criterion", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"


class Threshold(models.Model):
    """The level an indicator must reach for one region or commune group, optionally for some years.

    `applies_to` is a region code, a commune group ("nhom1"…) or "national" (the general level, used where
    the set gives no row for the commune's region). `value` is empty when the level is unknown.
    Composite indicators keep one value per condition in `parts`.
    """

    NATIONAL = "national"

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="thresholds"
    )
    applies_to = models.CharField(_("region or group"), max_length=10)
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    value = models.CharField(_("value"), max_length=60, blank=True)
    parts = models.JSONField(_("conditions"), null=True, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["indicator", "applies_to", "year_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "applies_to", "year_from", "year_to"],
                name="threshold_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.applies_to}: {self.value or self.parts or '—'}"

    @property
    def is_known(self) -> bool:
        if self.parts:
            return all(value not in (None, "") for value in self.parts.values())
        return self.value != ""
