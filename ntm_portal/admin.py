from django.contrib import admin
from django.shortcuts import redirect
from rest_framework.authtoken.models import TokenProxy

from communes import access
from ntm_portal.models import ChangeRecord, ImportBatch

# DRF's token admin lists every key in clear. Users make and revoke their own on the profile page; an account
# made inactive in the admin is refused by the API whatever its token.
admin.site.unregister(TokenProxy)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    """History is written by the services in the same transaction as each change; nobody edits it."""

    list_display = ["at", "user", "subject_type", "subject_id", "action", "target", "old_value", "new_value"]
    list_filter = ["action", "subject_type"]
    list_select_related = ["user", "subject_type"]
    search_fields = ["target", "comment", "user__username"]
    date_hierarchy = "at"


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Every uploaded file and what became of it. "Add" opens the import page, which checks before writing."""

    list_display = [
        "created_at",
        "file_name",
        "kind",
        "year",
        "user",
        "status",
        "new_rows",
        "updated_rows",
        "error_rows",
    ]
    list_filter = ["status", "kind", "year"]
    list_select_related = ["user"]
    search_fields = ["file_name", "user__username"]
    date_hierarchy = "created_at"
    exclude = ["content"]

    def has_add_permission(self, request):
        return access.can_import(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("import_start")
