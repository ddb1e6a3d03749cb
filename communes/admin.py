import datetime

from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.audit import membership_changed_record, membership_created_record, membership_deleted_record
from communes.models import (
    TWO_TIER_MAP_START,
    AdministrativeUnit,
    BoundaryUpload,
    Membership,
    MembershipProposal,
    SecurityEvent,
    UnitBoundary,
)
from communes.selectors import membership_proposals
from communes.services import AlreadyDecided, membership_proposal_accept, membership_proposal_reject
from ntm_portal.text import fold

LAST_DAY_OF_THREE_TIER_MAP = TWO_TIER_MAP_START - datetime.timedelta(days=1)


class FoldedNameSearchMixin:
    """Also match unit names typed without diacritics: "hung dao" finds "Xã Hưng Đạo".

    Every word of the term must occur in the folded name, as Django's own search requires of each word.
    """

    folded_name_field = "unit__search_name"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        if words:
            lookup = f"{self.folded_name_field}__icontains"
            results |= queryset.filter(*(Q(**{lookup: word}) for word in words))
        return results, may_have_duplicates


class ValidOnFilter(admin.SimpleListFilter):
    title = _("valid on")
    parameter_name = "valid_on"

    def lookups(self, request, model_admin):
        return [
            ("current", _("Current (still exists)")),
            ("three_tier", _("Three-tier map (until 30/6/2025)")),
            ("two_tier", _("Two-tier map (from 1/7/2025)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "three_tier":
            return queryset.valid_on(LAST_DAY_OF_THREE_TIER_MAP)
        if self.value() == "two_tier":
            return queryset.valid_on(TWO_TIER_MAP_START)
        return queryset


class AdministratorsOnlyReadOnlyMixin:
    """Seen by administrators alone; nobody adds, changes or deletes through the admin."""

    def has_module_permission(self, request) -> bool:
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _memberships_before(memberships) -> dict[int, str]:
    """str() of the stored rows, read before a save overwrites them."""
    pks = [membership.pk for membership in memberships if membership.pk]
    return {m.pk: str(m) for m in Membership.objects.filter(pk__in=pks).select_related("user", "unit")}


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    folded_name_field = "search_name"
    list_display = ["name", "code", "level", "kind", "parent", "valid_from", "valid_to", "region", "in_programme"]
    list_filter = [
        "level",
        "kind",
        "in_programme",
        "region",
        "commune_group",
        "is_border",
        "is_especially_difficult",
        ValidOnFilter,
    ]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "successors"]
    readonly_fields = ["predecessor_links"]
    fieldsets = [
        (None, {"fields": ["level", "kind", "code", "name", "short_name", "parent"]}),
        (_("Validity"), {"fields": ["valid_from", "valid_to", "successors", "predecessor_links"]}),
        (
            _("Programme"),
            {
                "fields": [
                    "in_programme",
                    "region",
                    "applied_region",
                    "commune_group",
                    "is_border",
                    "is_especially_difficult",
                ]
            },
        ),
    ]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        before = _memberships_before(inline_form.instance for inline_form in formset.initial_forms)
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            membership_created_record(by=request.user, request=request, membership=membership)
        for membership, _fields in formset.changed_objects:
            membership_changed_record(
                by=request.user, request=request, membership=membership, before=before[membership.pk]
            )
        for membership in formset.deleted_objects:
            membership_deleted_record(by=request.user, request=request, membership=membership)

    @admin.display(description=_("predecessor units"))
    def predecessor_links(self, unit: AdministrativeUnit) -> str:
        predecessors = unit.predecessors.order_by("level", "code")
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:communes_administrativeunit_change", args=[p.pk]), p.name) for p in predecessors),
            )
            or "—"
        )


@admin.register(Membership)
class MembershipAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "unit_level"]
    list_filter = ["role", "unit__level"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]

    @admin.display(description=_("unit level"), ordering="unit__level")
    def unit_level(self, membership: Membership) -> str:
        return membership.unit.get_level_display()

    def save_model(self, request, obj, form, change):
        before = _memberships_before([obj]) if change else {}
        super().save_model(request, obj, form, change)
        if change:
            membership_changed_record(by=request.user, request=request, membership=obj, before=before[obj.pk])
        else:
            membership_created_record(by=request.user, request=request, membership=obj)

    def delete_model(self, request, obj):
        membership_deleted_record(by=request.user, request=request, membership=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "unit"):
            membership_deleted_record(by=request.user, request=request, membership=membership)
        super().delete_queryset(request, queryset)


@admin.register(MembershipProposal)
class MembershipProposalAdmin(AdministratorsOnlyReadOnlyMixin, admin.ModelAdmin):
    """Proposals of `manage.py propose_memberships`: administrators alone see them and accept or reject each.

    Decided only through the actions below, which create the membership and record the history."""

    list_display = ["person", "old_membership", "role", "unit", "optional", "status", "decided_by", "decided_at"]
    list_filter = ["status", "optional", "role"]
    search_fields = ["membership__user__username", "membership__user__first_name", "unit__name"]
    actions = ["accept", "reject"]
    fields = ["membership", "unit", "role", "optional", "status", "created_at", "decided_by", "decided_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return membership_proposals()

    @admin.display(description=_("person"), ordering="membership__user__username")
    def person(self, proposal: MembershipProposal) -> str:
        user = proposal.membership.user
        return user.get_full_name() or user.get_username()

    @admin.display(description=_("old membership"))
    def old_membership(self, proposal: MembershipProposal) -> str:
        return f"{proposal.membership.get_role_display()} · {proposal.membership.unit}"

    def _decide(self, request, queryset, decide, done_message) -> None:
        done = skipped = 0
        for proposal in queryset:
            try:
                decide(user=request.user, proposal=proposal)
            except AlreadyDecided:
                skipped += 1
            else:
                done += 1
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request, _("%(count)d proposals were already decided.") % {"count": skipped}, messages.WARNING
            )

    @admin.action(description=_("Accept the selected proposals (create the memberships)"))
    def accept(self, request, queryset) -> None:
        self._decide(request, queryset, membership_proposal_accept, _("%(count)d proposals accepted."))

    @admin.action(description=_("Reject the selected proposals"))
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, membership_proposal_reject, _("%(count)d proposals rejected."))


@admin.register(SecurityEvent)
class SecurityEventAdmin(AdministratorsOnlyReadOnlyMixin, admin.ModelAdmin):
    """Sign-ins, lockouts, changes of access and downloads, recorded by communes/audit.py."""

    list_display = ["at", "kind", "username", "user", "address", "by", "detail"]
    list_filter = ["kind", "at", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "by"]
    search_fields = ["username", "address", "user__username", "detail"]
    date_hierarchy = "at"
    fields = list_display
    readonly_fields = list_display


@admin.register(UnitBoundary)
class UnitBoundaryAdmin(AdministratorsOnlyReadOnlyMixin, FoldedNameSearchMixin, admin.ModelAdmin):
    """The communes' outlines, uploaded and replaced on the boundaries page (which keeps the replaced ones)."""

    list_display = ["unit", "source_file", "uploaded_by", "at", "replaced_at"]
    list_filter = [("replaced_at", admin.EmptyFieldListFilter), "at"]
    list_select_related = ["unit", "uploaded_by"]
    search_fields = ["unit__name", "unit__code", "source_file"]
    fields = [*list_display, "replaced_by"]
    readonly_fields = fields


@admin.register(BoundaryUpload)
class BoundaryUploadAdmin(AdministratorsOnlyReadOnlyMixin, admin.ModelAdmin):
    """Boundary files checked on the boundaries page, applied or waiting for their uploader's confirmation."""

    list_display = ["file_name", "province", "map", "status", "user", "created_at", "applied_at"]
    list_filter = ["status", "map"]
    list_select_related = ["province", "user"]
    fields = [*list_display, "code_property"]
    readonly_fields = fields
