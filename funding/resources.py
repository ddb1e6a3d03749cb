"""Funding records in and out of spreadsheets with django-import-export: the admin's import and export, and
the import of the files offices send (`funding.services.funding_file_import`, which reads them first with
`funding.imports`).

A record is known by its unit, period, source, kind and project: importing the same file twice changes
nothing. Every refusal is a translated message on the row; created and changed records get a history row.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from funding.import_widgets import (
    AmountWidget,
    KindWidget,
    PeriodWidget,
    SourceWidget,
    TextWidget,
    UnitLookup,
    UnitWidget,
    million_dong_exact,
    stated_share,
)
from funding.imports import (
    AMOUNT,
    CODE,
    DISTRICT,
    HEADINGS,
    KIND,
    NOTE,
    PROJECT,
    ROW,
    SHARE,
    SHEET,
    SOURCE,
    UNIT,
    YEAR,
    header_roles,
    is_blank,
)
from funding.models import FundingRecord
from funding.selectors import Period, PlannedRecord
from ntm_portal.models import ChangeRecord

# The comment of the history rows an import writes.
IMPORT_COMMENT = "import"
# The role (column) of each resource field, to say where a refused value is.
FIELD_ROLES = {
    "unit": UNIT,
    "year_from": YEAR,
    "year_to": YEAR,
    "source": SOURCE,
    "kind": KIND,
    "amount_vnd": AMOUNT,
    "project": PROJECT,
    "note": NOTE,
    "share": SHARE,
}
# Fields an update may change (the others identify the record); their history rows name them.
CHANGEABLE = ("amount_vnd", "note")


class FundingRecordResource(resources.ModelResource):
    unit = Field(attribute="unit", column_name=HEADINGS[UNIT], widget=UnitWidget())
    year_from = Field(attribute="year_from", column_name=HEADINGS[YEAR], widget=PeriodWidget(end=False))
    year_to = Field(attribute="year_to", column_name=HEADINGS[YEAR], widget=PeriodWidget(end=True))
    source = Field(attribute="source", column_name=HEADINGS[SOURCE], widget=SourceWidget())
    kind = Field(attribute="kind", column_name=HEADINGS[KIND], widget=KindWidget())
    amount_vnd = Field(attribute="amount_vnd", column_name=HEADINGS[AMOUNT], widget=AmountWidget())
    project = Field(
        attribute="project",
        column_name=HEADINGS[PROJECT],
        widget=TextWidget(max_length=FundingRecord._meta.get_field("project").max_length),
    )
    note = Field(attribute="note", column_name=HEADINGS[NOTE], widget=TextWidget())

    class Meta:
        model = FundingRecord
        fields = ("unit", "year_from", "year_to", "source", "kind", "amount_vnd", "project", "note")
        import_id_fields = ("unit", "year_from", "year_to", "source", "kind", "project")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, *, user=None, year: int | None = None, **kwargs) -> None:
        """`user` bounds the units rows may name (None: the system, any unit); `year` is the only year accepted."""
        super().__init__(**kwargs)
        self.user, self.year = user, year
        self.fields["unit"].widget = UnitWidget(UnitLookup(user))
        self.fields["year_from"].widget = PeriodWidget(end=False, year=year)
        self.fields["year_to"].widget = PeriodWidget(end=True, year=year)
        # The records as they will be stored, by row number (1-based, in the dataset): the consistency checks'
        self.planned: dict[int, PlannedRecord] = {}
        self._first_place: dict[tuple, tuple] = {}  # record key → (sheet, row) of the row that first gave it
        self._stored: dict[int, dict] = {}  # row number → changeable values before the import
        self._history: list[ChangeRecord] = []

    # ── the dataset: the reader's canonical columns, or a file uploaded in the admin ──

    def before_import(self, dataset, **kwargs) -> None:
        """Name the columns by their canonical headings and add the ones a row is read with."""
        headers = list(dataset.headers or [])
        for role, column in header_roles(headers).items():
            if HEADINGS[role] not in headers:
                headers[column] = HEADINGS[role]
        dataset.headers = headers
        year = str(self.year) if self.year is not None else ""
        missing = {SHEET: "", ROW: None, UNIT: "", CODE: "", DISTRICT: "", YEAR: year, PROJECT: ""}
        for name, value in missing.items():
            header = HEADINGS.get(name, name)
            if header not in dataset.headers:
                values = [index + 2 for index in range(len(dataset))] if name == ROW else [value] * len(dataset)
                _add_column(dataset, header, values)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # the row is invalid: import_instance says why, column by column
        except FundingRecord.MultipleObjectsReturned:
            raise ValidationError(
                _("Several stored records have this row's unit, year, source, kind and project: ask an administrator.")
            ) from None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs) -> None:
        if field.attribute == "note" and is_blank(row.get(field.column_name)):
            return  # no note written (or no note column): the stored note, often the report cited, stays
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as refused:
            errors = refused.update_error_dict(errors)
        try:
            share = stated_share(row.get(HEADINGS[SHARE]))
        except ValueError as refused:
            errors.setdefault("share", []).append(ValidationError(str(refused)))
        if not errors:
            self._check_repeated(instance, row, errors)
        if errors:
            raise ValidationError(errors)
        self.planned[kwargs["row_number"]] = PlannedRecord(
            unit=instance.unit,
            period=Period(instance.year_from, instance.year_to),
            kind=instance.kind,
            source=instance.source,
            amount_vnd=instance.amount_vnd,
            project=instance.project,
            share=share,
        )

    def _check_repeated(self, instance: FundingRecord, row, errors: dict) -> None:
        key = tuple(getattr(instance, name) for name in ("unit_id", "year_from", "year_to", "source_id", "kind"))
        key += (instance.project,)
        place = (row.get(SHEET) or "", row.get(ROW))
        first = self._first_place.setdefault(key, place)
        if first != place:
            message = _(
                "This row repeats sheet “%(sheet)s”, row %(row)s: the same unit, year, source, kind and project."
            ) % {"sheet": first[0], "row": first[1]}
            errors.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(message))

    # ── history: who imported what, in the import's transaction ──

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if not new:
            self._stored[kwargs["row_number"]] = {name: getattr(instance, name) for name in CHANGEABLE}

    def after_save_instance(self, instance, row, **kwargs) -> None:
        if kwargs.get("dry_run"):
            return
        stored = self._stored.get(kwargs["row_number"])
        if stored is None:
            self._record(instance, ChangeRecord.Action.CREATED, new=million_dong_exact(instance.amount_vnd))
            return
        for name in CHANGEABLE:
            old, new = stored[name], getattr(instance, name)
            if old != new:
                if name == "amount_vnd":
                    old, new = million_dong_exact(old), million_dong_exact(new)
                self._record(instance, ChangeRecord.Action.VALUE, target=name, old=old, new=new)

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and self._history:
            ChangeRecord.objects.bulk_create(self._history)
        self._history = []

    def _record(self, instance: FundingRecord, action: str, *, target: str = "", old="", new="") -> None:
        self._history.append(
            ChangeRecord(
                user=self.user if getattr(self.user, "is_authenticated", False) else None,
                subject_type=ContentType.objects.get_for_model(FundingRecord),
                subject_id=instance.pk,
                action=action,
                target=target or str(Period(instance.year_from, instance.year_to)),
                old_value=str(old),
                new_value=str(new),
                comment=IMPORT_COMMENT,
            )
        )

    # ── export: the same columns, readable back ──

    def get_user_visible_fields(self):
        return [field for field in super().get_user_visible_fields() if field.attribute != "year_to"]

    def get_export_fields(self, selected_fields=None):
        return [field for field in super().get_export_fields(selected_fields) if field.attribute != "year_to"]

    def dehydrate_year_from(self, record: FundingRecord) -> str:
        return str(Period(record.year_from, record.year_to))


def _add_column(dataset, header: str, values: list) -> None:
    if dataset.width:
        dataset.append_col(values, header=header)
    else:
        dataset.headers = [*(dataset.headers or []), header]
