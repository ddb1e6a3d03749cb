from django.contrib import admin

from reports.models import RenderJob, Report, ReportFile


class ReportFileInline(admin.TabularInline):
    model = ReportFile
    fields = ["format", "sha256", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are written on the portal's pages; the admin shows them and their issued files read-only."""

    list_display = ["__str__", "number", "symbol", "status", "issued_on", "updated_at", "created_by"]
    list_filter = ["status", "kind", "year_to"]
    list_select_related = ["unit", "created_by"]
    search_fields = ["unit__name", "subject", "number"]
    inlines = [ReportFileInline]
    exclude = ["figures_snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "step", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "format", "issue"]
    list_select_related = ["report__unit", "requested_by"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
