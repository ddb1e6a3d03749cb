from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from communes.admin import FoldedNameSearchMixin
from funding import selectors
from funding.admin_formats import OfficeFundingTable, TextSafeCSV, TextSafeXLSX, UnreadableTable
from funding.models import FundingRecord, FundingSource, InKindContribution
from funding.resources import FundingRecordResource


def million_dong(amount_vnd: int | None) -> str:
    return "—" if amount_vnd is None else selectors.million_dong(amount_vnd)


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "position", "is_credit", "is_budget", "disabled_on"]
    list_filter = ["is_credit", "is_budget", ("disabled_on", admin.EmptyFieldListFilter), "parent"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(FundingRecord)
class FundingRecordAdmin(ImportExportMixin, FoldedNameSearchMixin, admin.ModelAdmin):
    resource_classes = [FundingRecordResource]
    list_display = ["unit", "source", "kind", "year_from", "year_to", "amount_million", "criterion", "project"]
    list_filter = ["source", "kind", "year_from"]
    list_select_related = ["unit", "source", "criterion"]
    search_fields = ["unit__name", "unit__code", "source__name", "project"]
    autocomplete_fields = ["unit", "source", "criterion"]
    readonly_fields = ["amount_million"]

    @admin.display(description=_("amount (million đồng)"), ordering="amount_vnd")
    def amount_million(self, record: FundingRecord) -> str:
        return million_dong(record.amount_vnd)

    def get_import_resource_kwargs(self, request, **kwargs):
        # The importing user's scope bounds the units, and the history names them.
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_formats(self):
        return [OfficeFundingTable]

    def get_export_formats(self):
        return [TextSafeXLSX, TextSafeCSV]

    def add_data_read_fail_error_to_form(self, form, error):
        if not isinstance(error, UnreadableTable):
            return super().add_data_read_fail_error_to_form(form, error)
        for message in error.errors:
            form.add_error("import_file", str(message))

    def get_import_data_kwargs(self, **kwargs):
        # A row refused at confirmation refuses the file: all rows or none, as everywhere else.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}


@admin.register(InKindContribution)
class InKindContributionAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["unit", "kind", "year_from", "year_to", "quantity", "value_million", "description"]
    list_filter = ["kind", "year_from"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code", "description"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["value_million"]

    @admin.display(description=_("value (million đồng)"), ordering="value_vnd")
    def value_million(self, contribution: InKindContribution) -> str:
        return million_dong(contribution.value_vnd)
