"""The administrative map as it was on every date, and who works on which part of it.

One table holds provinces, district-level and commune-level units. Units are never deleted: a unit that
was merged away gets `valid_to` and points to its successors, so results recorded under it stay readable.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ntm_portal.text import fold, nfc

# The day the two-tier map took effect (districts abolished, communes merged).
TWO_TIER_MAP_START = datetime.date(2025, 7, 1)


class Region(models.TextChoices):
    """Socio-economic regions whose thresholds QĐ 1980/2016 and QĐ 318/2022 set apart."""

    TDMNPB = "TDMNPB", _("Northern midlands and mountains")
    DBSH = "DBSH", _("Red River Delta")
    BTB = "BTB", _("North Central Coast")
    DHNTB = "DHNTB", _("South Central Coast")
    TN = "TN", _("Central Highlands")
    DNB = "DNB", _("South East")
    DBSCL = "DBSCL", _("Mekong River Delta")


class CommuneGroup(models.IntegerChoices):
    """Commune groups of QĐ 51/2025 (2026-2030); group 3 = communes of areas II and III."""

    GROUP_1 = 1, _("Group 1 (near urban areas)")
    GROUP_2 = 2, _("Group 2")
    GROUP_3 = 3, _("Group 3 (ethnic-minority and mountain areas II, III)")


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "UnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> "UnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def communes(self) -> "UnitQuerySet":
        return self.filter(level=AdministrativeUnit.Level.COMMUNE)

    def in_programme(self) -> "UnitQuerySet":
        return self.filter(level=AdministrativeUnit.Level.COMMUNE, in_programme=True)

    def within(self, unit: "AdministrativeUnit") -> "UnitQuerySet":
        """The unit and everything under it (the map is at most three levels deep)."""
        return self.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit))


class AdministrativeUnit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District level")
        COMMUNE = "commune", _("Commune level")

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CENTRAL_CITY = "thanh_pho_tw", _("Centrally governed city")
        RURAL_DISTRICT = "huyen", _("Rural district")
        DISTRICT_TOWN = "thi_xa", _("District-level town")
        PROVINCIAL_CITY = "thanh_pho", _("Provincial city")
        URBAN_DISTRICT = "quan", _("Urban district")
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        TOWNSHIP = "thi_tran", _("Township")
        SPECIAL_ZONE = "dac_khu", _("Special zone")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("official name"), max_length=120, help_text=_('For example "Xã Hưng Đạo".'))
    short_name = models.CharField(_("short name"), max_length=100, help_text=_('For example "Hưng Đạo".'))
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("Empty: since before records."))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: still exists."))
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successor units"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
    )
    region = models.CharField(_("socio-economic region"), max_length=8, choices=Region.choices, blank=True)
    applied_region = models.CharField(
        _("region applied for thresholds"),
        max_length=8,
        choices=Region.choices,
        blank=True,
        help_text=_(
            "Empty: the unit's own region. QĐ 318/QĐ-TTg judges especially difficult communes "
            "by the thresholds of the Northern midlands and mountains wherever they are."
        ),
    )
    commune_group = models.PositiveSmallIntegerField(
        _("commune group (2026-2030)"), choices=CommuneGroup.choices, null=True, blank=True
    )
    is_border = models.BooleanField(_("border commune"), default=False)
    is_especially_difficult = models.BooleanField(_("especially difficult commune"), default=False)
    in_programme = models.BooleanField(
        _("in the NTM programme"), default=False, help_text=_("Communes (xã) are; wards and townships are not.")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            # A code names one unit per map: the two-tier map of 1/7/2025 reuses numbers for other places.
            models.UniqueConstraint(
                fields=["level", "code"], condition=Q(valid_from__isnull=True), name="unit_code_unique_first_map"
            ),
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_unique_per_map"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def district(self) -> "AdministrativeUnit | None":
        if self.level == self.Level.COMMUNE and self.parent and self.parent.level == self.Level.DISTRICT:
            return self.parent
        return None

    def province(self) -> "AdministrativeUnit":
        unit = self
        while unit.parent_id is not None:
            unit = unit.parent
        return unit


class Membership(models.Model):
    """A person's role on a unit; their scope is that unit and everything under it."""

    class Role(models.TextChoices):
        PROVINCE_STAFF = "province_staff", _("Province coordination-office staff")
        DISTRICT_STAFF = "district_staff", _("District coordination-office staff")
        COMMUNE_OFFICIAL = "commune_official", _("Commune official")
        LEADER = "leader", _("Leader")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class MembershipProposal(models.Model):
    """A membership proposed on a unit of the two-tier map for a membership on a unit closed on 30/6/2025.

    Nothing changes until an administrator accepts the proposal: accepting creates the new membership and
    leaves the old one, whose unit is closed, as the record of where the person worked before the reform.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    membership = models.ForeignKey(
        Membership, verbose_name=_("old membership"), on_delete=models.CASCADE, related_name="proposals"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("proposed unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("proposed role"), max_length=20, choices=Membership.Role.choices)
    optional = models.BooleanField(
        _("optional"),
        default=False,
        help_text=_("One of the communes that replaced a district's communes: an administrator chooses among them."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership proposal")
        verbose_name_plural = _("membership proposals")
        ordering = ["membership__user__username", "optional", "unit__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "unit", "role"], name="membership_proposal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership} → {self.get_role_display()} · {self.unit}"


class SecurityEvent(models.Model):
    """A sign-in, a lockout, a change of someone's access or a download of evidence, for the administrators.

    `user` is the account the event is about (who signed in, whose access changed, who downloaded); `by` is who
    changed someone's access, when known. `username` keeps the name as typed or held, also after the account
    is deleted and for names that match no account.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign-in")
        SIGN_OUT = "sign_out", _("Sign-out")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Lockout")
        PERMISSION_CHANGE = "permission_change", _("Change of access")
        EVIDENCE_DOWNLOAD = "evidence_download", _("Evidence download")
        DOSSIER_DOWNLOAD = "dossier_download", _("Dossier download")
        PASSWORD_RESET_REQUEST = "password_reset_request", _("Password reset requested")
        PASSWORD_RESET_COMPLETE = "password_reset_complete", _("Password reset completed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username}"


class UnitBoundary(models.Model):
    """A unit's outline for the map, in lon/lat (a GeoJSON MultiPolygon, simplified: `communes.geojson`).

    A replaced outline is kept, with who replaced it and when: the current one is the row without
    `replaced_at`. Boundaries belong to a unit, so a year's map draws the units of its own map.
    """

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="boundaries"
    )
    geometry = models.JSONField(_("geometry"))
    source_file = models.CharField(_("source file"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unit boundary")
        verbose_name_plural = _("unit boundaries")
        ordering = ["unit__code", "-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(replaced_at__isnull=True), name="unit_boundary_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.source_file}"


class BoundaryUpload(models.Model):
    """A boundary file checked and waiting for confirmation: its features as read (nothing is on the map yet)."""

    class Map(models.TextChoices):
        BEFORE_REFORM = "before", _("Map before 1/7/2025 (with districts)")
        TWO_TIER = "two_tier", _("Map from 1/7/2025 (two tiers)")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        APPLIED = "applied", _("Applied")

    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    map = models.CharField(_("map"), max_length=10, choices=Map.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    code_property = models.CharField(_("code property"), max_length=60, blank=True)
    # [{"code", "name", "geometry"}, …] in file order, as `communes.geojson.boundary_features` read them
    features = models.JSONField(_("features"), default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("boundary upload")
        verbose_name_plural = _("boundary uploads")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.province}"

    @property
    def map_day(self) -> datetime.date:
        """The day whose units the features are matched to: the last of the old map, or the first of the new."""
        if self.map == self.Map.BEFORE_REFORM:
            return TWO_TIER_MAP_START - datetime.timedelta(days=1)
        return TWO_TIER_MAP_START
