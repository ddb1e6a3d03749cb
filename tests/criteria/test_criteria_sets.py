"""The criteria-set editor's writes: copy a national set into a province's, edit it, preview and apply a
threshold change that judges stored results again, with its history."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from criteria.models import Assessment, CriteriaSet, Criterion, Indicator, Threshold
from criteria.selectors import criteria_set_in_force
from criteria.services import assessment_save
from criteria.services.criteria_sets import (
    CriteriaSetError,
    StaleCriteriaSet,
    ThresholdRow,
    criteria_set_copy,
    criterion_delete,
    indicator_delete,
    indicator_save,
    indicator_thresholds_save,
)
from criteria.set_workbook import WorkbookInvalid, criteria_set_workbook, criteria_set_workbook_import
from ntm_portal.models import ChangeRecord
from tests.personas import unit

pytestmark = pytest.mark.django_db

YEAR = 2026
SOURCE = "QĐ 12/2026/QĐ-UBND tỉnh Cao Bằng, Phụ lục, mục 1.1"
REASON = "Điều chỉnh ngưỡng theo QĐ 15/2026/QĐ-UBND"


def cao_bang_set(world, source_code: str = "QD51-2025") -> CriteriaSet:
    return criteria_set_copy(
        user=world.users["province_staff"],
        source=CriteriaSet.objects.get(code=source_code),
        province=world.province,
        data={"code": f"{source_code}-CB", "name": "Bộ tiêu chí xã NTM tỉnh Cao Bằng", "decision_number": "12/QĐ-UBND"},
    )


def planning_indicator(world, criteria_set: CriteriaSet, *, group3: str = "80") -> Indicator:
    criterion = criteria_set.criteria.get(number=1)
    data = {"code": "1.1", "position": 1, "text": "Tỷ lệ quy hoạch", "kind": "percent", "unit": "%", "comparison": ">="}
    staff = world.users["province_staff"]
    indicator_save(user=staff, criterion=criterion, indicator=None, version=criteria_set.version, data=data)
    indicator = Indicator.objects.get(criterion=criterion, code="1.1")
    criteria_set.refresh_from_db()
    indicator_thresholds_save(
        user=staff,
        indicator=indicator,
        rows=[ThresholdRow("nhom3", group3, SOURCE), ThresholdRow("nhom1", "")],
        version=criteria_set.version,
    )
    criteria_set.refresh_from_db()
    return indicator


def group3_commune(world):
    return unit("commune", "xa", "01090", "Xã Hòa An", world.province, in_programme=True, commune_group=3)


def assess(world, commune, indicator: Indicator, value: str) -> Assessment:
    return assessment_save(
        user=world.users["province_staff"], unit=commune, year=YEAR, version=0,
        values={indicator.pk: Decimal(value)}, direct={},
    )  # fmt: skip


def test_a_copy_has_the_source_criteria_indicators_thresholds_and_bands_and_wins_for_the_province(world):
    source = CriteriaSet.objects.get(code="QD318-2022")
    copy = cao_bang_set(world, "QD318-2022")

    assert (copy.issuing_level, copy.issuing_unit, copy.parent) == ("provincial", world.province, source)
    assert copy.report_bands == source.report_bands and copy.tier == source.tier
    rows = ("indicator__criterion__number", "indicator__code", "applies_to", "year_from", "value", "source")
    assert list(Threshold.objects.filter(indicator__criterion__criteria_set=copy).order_by(*rows).values_list(*rows))
    assert list(
        Threshold.objects.filter(indicator__criterion__criteria_set=copy).order_by(*rows).values_list(*rows)
    ) == list(Threshold.objects.filter(indicator__criterion__criteria_set=source).order_by(*rows).values_list(*rows))
    assert copy.criteria.count() == source.criteria.count()
    assert criteria_set_in_force(year=2023, province=world.province) == copy
    assert criteria_set_in_force(year=2023, province=world.other_province) == source
    assert ChangeRecord.objects.about(copy).get().new_value == copy.code


@pytest.mark.parametrize("username", ["official_a", "leader", "district_staff"])
def test_only_province_staff_copy_sets_for_their_province(world, username):
    with pytest.raises(CriteriaSetError):
        criteria_set_copy(
            user=world.users[username], source=CriteriaSet.objects.get(code="QD51-2025"),
            province=world.province, data={"code": "X"},
        )  # fmt: skip
    with pytest.raises(CriteriaSetError):
        criteria_set_copy(
            user=world.users["province_staff"], source=CriteriaSet.objects.get(code="QD51-2025"),
            province=world.other_province, data={"code": "X"},
        )  # fmt: skip


def test_a_threshold_needs_its_source_and_a_value_the_kind_reads(world):
    criteria_set = cao_bang_set(world)
    indicator = planning_indicator(world, criteria_set)
    staff = world.users["province_staff"]
    for row in (ThresholdRow("nhom2", "75", ""), ThresholdRow("nhom2", "nhiều", SOURCE)):
        with pytest.raises(CriteriaSetError):
            indicator_thresholds_save(user=staff, indicator=indicator, rows=[row], version=criteria_set.version)
    assert Threshold.objects.get(indicator=indicator, applies_to="nhom3").value == "80"
    assert Threshold.objects.get(indicator=indicator, applies_to="nhom1").value == ""  # not known: cannot decide


def test_preview_lists_what_would_flip_and_writes_nothing_then_apply_judges_again_with_history(world):
    criteria_set = cao_bang_set(world)
    indicator = planning_indicator(world, criteria_set)
    commune = group3_commune(world)
    assessment = assess(world, commune, indicator, "85")
    assert assessment.criteria_set == criteria_set
    met_before = assessment.criteria_met
    assert assessment.results_summary[0] == "1"
    staff = world.users["province_staff"]
    version = criteria_set.version
    rows = [ThresholdRow("nhom3", "90", SOURCE), ThresholdRow("nhom1", "")]

    preview = indicator_thresholds_save(user=staff, indicator=indicator, rows=rows, version=version, apply=False)

    assert [(c.assessment_id, c.criterion_number, c.old, c.new) for c in preview.reevaluation.changes] == [
        (assessment.pk, 1, True, False)
    ]
    assert [(c.target, c.old, c.new) for c in preview.changes] == [("1.1 · nhom3", f"80 [{SOURCE}]", f"90 [{SOURCE}]")]
    assert not preview.applied
    assert Threshold.objects.get(indicator=indicator, applies_to="nhom3").value == "80"
    assessment.refresh_from_db()
    assert (assessment.criteria_met, CriteriaSet.objects.get(pk=criteria_set.pk).version) == (met_before, version)

    with pytest.raises(CriteriaSetError):  # results are judged by the set: the change needs a reason
        indicator_thresholds_save(user=staff, indicator=indicator, rows=rows, version=version)
    applied = indicator_thresholds_save(user=staff, indicator=indicator, rows=rows, version=version, reason=REASON)

    assert applied.applied and applied.reevaluation.changes == preview.reevaluation.changes
    assert Threshold.objects.get(indicator=indicator, applies_to="nhom3").value == "90"
    assessment.refresh_from_db()
    assert (assessment.results_summary[0], assessment.criteria_met) == ("0", met_before - 1)
    criteria_set.refresh_from_db()
    assert criteria_set.version == version + 1
    record = ChangeRecord.objects.about(criteria_set).first()
    assert (record.user, record.target, record.old_value, record.new_value, record.comment, record.subject_version) == (
        staff, "1.1 · nhom3", f"80 [{SOURCE}]", f"90 [{SOURCE}]", REASON, version + 1,
    )  # fmt: skip
    result = ChangeRecord.objects.about(assessment).filter(action=ChangeRecord.Action.RESULT).first()
    assert (result.target, result.old_value, result.new_value, result.comment) == ("1", "met", "not_met", REASON)

    with pytest.raises(StaleCriteriaSet):  # a form opened before the change
        indicator_thresholds_save(user=staff, indicator=indicator, rows=rows, version=version, reason=REASON)


def test_criteria_and_indicators_of_a_set_with_assessments_are_not_deleted(world):
    criteria_set = cao_bang_set(world)
    indicator = planning_indicator(world, criteria_set)
    staff = world.users["province_staff"]
    assess(world, group3_commune(world), indicator, "85")
    with pytest.raises(CriteriaSetError):
        indicator_delete(user=staff, indicator=indicator, version=criteria_set.version)
    with pytest.raises(CriteriaSetError):
        criterion_delete(user=staff, criterion=indicator.criterion, version=criteria_set.version)
    assert Indicator.objects.filter(pk=indicator.pk).exists()

    Assessment.objects.filter(criteria_set=criteria_set).delete()
    indicator_delete(user=staff, indicator=indicator, version=criteria_set.version)
    criteria_set.refresh_from_db()
    criterion_delete(
        user=staff, criterion=Criterion.objects.get(pk=indicator.criterion_id), version=criteria_set.version
    )
    assert criteria_set.criteria.count() == 9


SET_COLUMNS = [f.name for f in CriteriaSet._meta.concrete_fields if f.name != "id"]


def everything(criteria_set: CriteriaSet) -> dict:
    """Every stored field of the set, its criteria, indicators and thresholds, without database ids."""

    def fields(model, exclude):
        return [f.name for f in model._meta.concrete_fields if f.name not in ("id", *exclude)]

    criteria = Criterion.objects.filter(criteria_set=criteria_set)
    indicators = Indicator.objects.filter(criterion__criteria_set=criteria_set)
    thresholds = Threshold.objects.filter(indicator__criterion__criteria_set=criteria_set)
    return {
        "set": [getattr(criteria_set, name) for name in SET_COLUMNS],
        "criteria": sorted(criteria.values_list(*fields(Criterion, ("criteria_set",)))),
        "indicators": sorted(indicators.values_list("criterion__number", *fields(Indicator, ("criterion",))), key=str),
        "thresholds": sorted(
            thresholds.values_list(
                "indicator__criterion__number", "indicator__code", *fields(Threshold, ("indicator",))
            ),
            key=str,
        ),
    }


def delete_set(criteria_set: CriteriaSet) -> None:
    ChangeRecord.objects.about(criteria_set).delete()
    criteria_set.delete()


@pytest.mark.parametrize(("code", "username"), [("QD318-2022", "admin"), ("provincial", "province_staff")])
def test_a_set_exported_and_imported_into_a_portal_without_it_is_the_same_set(world, code, username):
    if code == "provincial":
        criteria_set = cao_bang_set(world)
        planning_indicator(world, criteria_set)
        criteria_set.refresh_from_db()
    else:
        criteria_set = CriteriaSet.objects.get(code=code)
    before = everything(criteria_set)
    content = criteria_set_workbook(criteria_set)
    delete_set(criteria_set)

    imported = criteria_set_workbook_import(user=world.users[username], content=content)

    assert everything(imported) == before


def broken(content: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    workbook[sheet][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.usefixtures("english_messages")
def test_an_import_with_any_error_writes_nothing_and_says_where(world):
    criteria_set = cao_bang_set(world)
    planning_indicator(world, criteria_set)
    criteria_set.refresh_from_db()
    content = criteria_set_workbook(criteria_set)
    delete_set(criteria_set)
    content = broken(content, "Nguong", "F2", "nhiều")  # the first threshold: not a percentage
    content = broken(content, "Chi tieu", "F2", "guess")  # the indicator's kind
    sets_before = CriteriaSet.objects.count()

    with pytest.raises(WorkbookInvalid) as refused:
        criteria_set_workbook_import(user=world.users["province_staff"], content=content)

    places = [place for place, _message in refused.value.errors]
    assert "sheet Chi tieu, row 2, column F" in places
    assert CriteriaSet.objects.count() == sets_before


def test_an_import_of_a_set_whose_code_exists_or_of_another_province_is_refused(world):
    content = criteria_set_workbook(cao_bang_set(world))
    with pytest.raises(WorkbookInvalid):
        criteria_set_workbook_import(user=world.users["province_staff"], content=content)
    with pytest.raises(WorkbookInvalid):
        criteria_set_workbook_import(user=world.users["official_a"], content=content)
