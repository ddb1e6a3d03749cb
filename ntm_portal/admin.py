from django.contrib import admin

from ntm_portal.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """History is written by the services in the same transaction as each change; nobody edits it."""

    list_display = ["at", "user", "subject_type", "subject_id", "action", "target", "old_value", "new_value"]
    list_filter = ["action", "subject_type"]
    list_select_related = ["user", "subject_type"]
    search_fields = ["target", "comment", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
