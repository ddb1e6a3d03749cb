"""Money and in-kind contributions that build NTM, by source, unit and year or period.

Amounts are stored exactly in đồng (integers); pages and reports show them in million đồng.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.models import AdministrativeUnit
from criteria.models import Criterion


class FundingSource(models.Model):
    """One node of the source catalogue (e.g. central budget → development investment)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_credit = models.BooleanField(_("credit"), default=False, help_text=_("Reports also show totals without credit."))
    is_budget = models.BooleanField(_("state budget"), default=False)
    disabled_on = models.DateField(_("disabled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class PeriodQuerySet(models.QuerySet):
    def within_period(self, start: int, end: int) -> "PeriodQuerySet":
        return self.filter(year_from__gte=start, year_to__lte=end)


class FundingRecord(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Planned")
        ALLOCATED = "allocated", _("Allocated")
        DISBURSED = "disbursed", _("Disbursed")
        MOBILISED = "mobilised", _("Mobilised")

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="funding_records"
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    source = models.ForeignKey(
        FundingSource, verbose_name=pgettext_lazy("funding", "source"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_vnd = models.BigIntegerField(_("amount (đồng)"))
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.CharField(_("project"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding record")
        verbose_name_plural = _("funding records")
        ordering = ["-year_from", "unit__name", "source__position"]
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="funding_period_ordered"),
            models.CheckConstraint(condition=Q(amount_vnd__gte=0), name="funding_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.source} · {self.year_from}-{self.year_to}"


class InKindContribution(models.Model):
    class Kind(models.TextChoices):
        LABOUR_DAYS = "labour_days", _("Labour days")
        LAND = "land_m2", _("Donated land (m²)")
        MATERIALS = "materials", _("Materials")

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="in_kind_contributions"
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=2, null=True, blank=True)
    value_vnd = models.BigIntegerField(_("value (đồng)"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("in-kind contribution")
        verbose_name_plural = _("in-kind contributions")
        ordering = ["-year_from", "unit__name"]
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="in_kind_period_ordered"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=False) | Q(value_vnd__isnull=False), name="in_kind_has_quantity_or_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"
