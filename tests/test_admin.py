"""The admin a data officer works in: every model reachable, searchable without diacritics, lists that stay cheap."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse

from communes.models import (
    AdministrativeUnit,
    BoundaryUpload,
    Membership,
    MembershipProposal,
    SecurityEvent,
    UnitBoundary,
)
from criteria.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evidence,
    Indicator,
    IndicatorValue,
    Recognition,
    Target,
    Threshold,
    Tier,
)
from funding.admin import million_dong
from funding.models import FundingRecord, FundingSource, InKindContribution

Unit = AdministrativeUnit
UNIT_CHANGELIST = reverse("admin:communes_administrativeunit_changelist")

ADMIN_MODELS = [
    AdministrativeUnit,
    Membership,
    MembershipProposal,
    SecurityEvent,
    UnitBoundary,
    BoundaryUpload,
    CriteriaSet,
    Criterion,
    Indicator,
    Threshold,
    Assessment,
    IndicatorValue,
    CriterionResult,
    Recognition,
    Target,
    FundingSource,
    FundingRecord,
    InKindContribution,
    Evidence,
]
# Changed only through the portal (proposals: through the admin's accept and reject actions; security events: by
# what they record; boundaries: on the boundaries page); read-only here.
RESULT_MODELS = (
    Assessment,
    IndicatorValue,
    CriterionResult,
    Evidence,
    MembershipProposal,
    SecurityEvent,
    UnitBoundary,
    BoundaryUpload,
)


def _admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def province():
    return Unit.objects.create(level=Unit.Level.PROVINCE, kind=Unit.Kind.PROVINCE, code="34", name="Tỉnh Thái Bình")


@pytest.fixture
def district(province):
    return Unit.objects.create(
        level=Unit.Level.DISTRICT,
        kind=Unit.Kind.RURAL_DISTRICT,
        code="344",
        name="Huyện Hưng Hà",
        parent=province,
        valid_to=datetime.date(2025, 6, 30),
    )


@pytest.fixture
def old_commune(district):
    """A commune of the three-tier map, merged away on 1/7/2025."""
    return Unit.objects.create(
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.COMMUNE,
        code="12345",
        name="Xã Hưng Đạo",
        short_name="Hưng Đạo",
        parent=district,
        valid_to=datetime.date(2025, 6, 30),
        region="DBSH",
        in_programme=True,
    )


@pytest.fixture
def new_commune(province, old_commune):
    commune = Unit.objects.create(
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.COMMUNE,
        code="12345",
        name="Xã Tiên La",
        short_name="Tiên La",
        parent=province,
        valid_from=datetime.date(2025, 7, 1),
        region="DBSH",
        in_programme=True,
    )
    old_commune.successors.add(commune)
    return commune


@pytest.fixture
def objects(django_user_model, province, district, old_commune, new_commune) -> dict:
    """One object of every model the admin shows, keyed by model."""
    officer = django_user_model.objects.create_user(username="officer", password="x")
    criteria_set = CriteriaSet.objects.create(
        code="QD318-2022-XA",
        name="Bộ tiêu chí quốc gia về xã nông thôn mới",
        decision_number="318/QĐ-TTg",
        issuing_level=CriteriaSet.IssuingLevel.NATIONAL,
        period_start=2021,
        period_end=2025,
        tier=Tier.NTM,
        assessed_level=CriteriaSet.AssessedLevel.COMMUNE,
        threshold_dimension=CriteriaSet.Dimension.REGION,
    )
    criterion = Criterion.objects.create(criteria_set=criteria_set, number=17, name="Môi trường")
    indicator = Indicator.objects.create(
        criterion=criterion, code="17.1", text="Tỷ lệ hộ được sử dụng nước sạch", kind=Indicator.Kind.PERCENT
    )
    threshold = Threshold.objects.create(indicator=indicator, applies_to="DBSH", value="60")
    assessment = Assessment.objects.create(unit=old_commune, year=2024, criteria_set=criteria_set)
    indicator_value = IndicatorValue.objects.create(assessment=assessment, indicator=indicator, number=72)
    criterion_result = CriterionResult.objects.create(
        assessment=assessment, criterion=criterion, is_met=True, method=CriterionResult.Method.COMPUTED
    )
    recognition = Recognition.objects.create(
        unit=old_commune,
        tier=Tier.NTM,
        year=2024,
        decision_number="1234/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 20),
    )
    target = Target.objects.create(unit=new_commune, year=2026, tier=Tier.ADVANCED)
    central = FundingSource.objects.create(code="ns_tw", name="Ngân sách trung ương", is_budget=True)
    investment = FundingSource.objects.create(code="ns_tw_dtpt", name="Vốn đầu tư phát triển", parent=central)
    record = FundingRecord.objects.create(
        unit=old_commune,
        year_from=2024,
        year_to=2024,
        source=investment,
        kind=FundingRecord.Kind.DISBURSED,
        amount_vnd=31_690_350_000,
        criterion=criterion,
    )
    contribution = InKindContribution.objects.create(
        unit=old_commune, year_from=2024, year_to=2024, kind=InKindContribution.Kind.LAND, quantity=1200
    )
    membership = Membership.objects.create(user=officer, unit=district, role=Membership.Role.DISTRICT_STAFF)
    proposal = MembershipProposal.objects.create(membership=membership, unit=province, role=Membership.Role.LEADER)
    evidence = Evidence(
        assessment=assessment,
        criterion=criterion,
        title="Biên bản họp dân",
        original_name="bien-ban.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, user=officer, address="192.0.2.1")
    square = {"type": "MultiPolygon", "coordinates": [[[[106, 22], [106.1, 22], [106.1, 22.1], [106, 22]]]]}
    boundary = UnitBoundary.objects.create(
        unit=old_commune, geometry=square, source_file="ranh-gioi.geojson", uploaded_by=officer
    )
    upload = BoundaryUpload.objects.create(
        province=province, map=BoundaryUpload.Map.choices[0][0], file_name="ranh-gioi.geojson", user=officer
    )
    return {
        UnitBoundary: boundary,
        BoundaryUpload: upload,
        AdministrativeUnit: old_commune,
        Evidence: evidence,
        Membership: membership,
        MembershipProposal: proposal,
        SecurityEvent: event,
        CriteriaSet: criteria_set,
        Criterion: criterion,
        Indicator: indicator,
        Threshold: threshold,
        Assessment: assessment,
        IndicatorValue: indicator_value,
        CriterionResult: criterion_result,
        Recognition: recognition,
        Target: target,
        FundingSource: investment,
        FundingRecord: record,
        InKindContribution: contribution,
    }


def test_every_model_of_the_three_apps_is_in_the_admin():
    app_models = {
        model for label in ("communes", "criteria", "funding") for model in apps.get_app_config(label).get_models()
    }
    assert app_models == set(ADMIN_MODELS)
    assert all(admin.site.is_registered(model) for model in ADMIN_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_changelist_change_and_add_pages_open(admin_client, objects, model):
    obj = objects[model]
    changelist = admin_client.get(_admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert obj in changelist.context["cl"].result_list
    assert admin_client.get(_admin_url(model, "change", obj.pk)).status_code == 200
    expected_add = 403 if model in RESULT_MODELS else 200
    assert admin_client.get(_admin_url(model, "add")).status_code == expected_add


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["hung dao", "HƯNG ĐẠO", "Hưng Đạo", "dao hung", "12345"])
def test_unit_search_ignores_diacritics_and_case(admin_client, old_commune, new_commune, term):
    response = admin_client.get(UNIT_CHANGELIST, {"q": term})
    found = set(response.context["cl"].result_list)
    assert old_commune in found
    if term != "12345":
        assert new_commune not in found


@pytest.mark.django_db
def test_unit_search_respects_the_other_filters(admin_client, old_commune, new_commune):
    response = admin_client.get(UNIT_CHANGELIST, {"q": "hung dao", "valid_on": "two_tier"})
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_assessment_search_by_commune_name_without_diacritics(admin_client, objects):
    response = admin_client.get(_admin_url(Assessment, "changelist"), {"q": "xa hung dao"})
    assert list(response.context["cl"].result_list) == [objects[Assessment]]


@pytest.mark.django_db
def test_unit_autocomplete_ignores_diacritics(admin_client, old_commune, new_commune):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "hung dao", "app_label": "criteria", "model_name": "assessment", "field_name": "unit"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Xã Hưng Đạo"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("valid_on", "expected"),
    [
        ("current", {"Tỉnh Thái Bình", "Xã Tiên La"}),
        ("three_tier", {"Tỉnh Thái Bình", "Huyện Hưng Hà", "Xã Hưng Đạo"}),
        ("two_tier", {"Tỉnh Thái Bình", "Xã Tiên La"}),
        (None, {"Tỉnh Thái Bình", "Huyện Hưng Hà", "Xã Hưng Đạo", "Xã Tiên La"}),
    ],
)
def test_valid_on_filter_shows_one_map(admin_client, new_commune, valid_on, expected):
    response = admin_client.get(UNIT_CHANGELIST, {"valid_on": valid_on} if valid_on else {})
    assert {unit.name for unit in response.context["cl"].result_list} == expected


@pytest.mark.django_db
def test_unit_page_shows_successors_and_predecessors(admin_client, old_commune, new_commune):
    old_page = admin_client.get(_admin_url(Unit, "change", old_commune.pk)).content.decode()
    new_page = admin_client.get(_admin_url(Unit, "change", new_commune.pk)).content.decode()
    assert "Xã Tiên La" in old_page
    assert f'href="{_admin_url(Unit, "change", old_commune.pk)}">Xã Hưng Đạo</a>' in new_page


@pytest.mark.django_db
@pytest.mark.parametrize("commune_count", [3, 30])
def test_unit_changelist_queries_do_not_grow_with_units(
    admin_client, district, commune_count, django_assert_max_num_queries
):
    Unit.objects.bulk_create(
        Unit(
            level=Unit.Level.COMMUNE,
            kind=Unit.Kind.COMMUNE,
            code=f"9{number:04}",
            name=f"Xã Số {number}",
            search_name=f"xa so {number}",
            parent=district,
        )
        for number in range(commune_count)
    )
    # Three of them save the session's pushed-on idle expiry (SESSION_SAVE_EVERY_REQUEST).
    with django_assert_max_num_queries(9):
        response = admin_client.get(UNIT_CHANGELIST)
    assert len(response.context["cl"].result_list) == commune_count + 2


@pytest.mark.django_db
def test_funding_record_amount_in_million_dong(admin_client, objects):
    response = admin_client.get(_admin_url(FundingRecord, "changelist"), headers={"accept-language": "vi"})
    assert "31.690,35" in response.content.decode()


@pytest.mark.parametrize(
    ("amount_vnd", "shown"),
    [(31_690_350_000, "31.690,35"), (1_234_565_000, "1.234,57"), (4_000, "0,00"), (0, "0,00"), (None, "—")],
)
def test_million_dong_rounds_to_two_places_with_vietnamese_separators(amount_vnd, shown):
    assert million_dong(amount_vnd) == shown


@pytest.mark.django_db
@pytest.mark.parametrize(("withdrawn", "expected_count"), [("yes", 1), ("no", 1), (None, 2)])
def test_recognition_withdrawn_filter(admin_client, objects, new_commune, withdrawn, expected_count):
    Recognition.objects.create(
        unit=new_commune,
        tier=Tier.NTM,
        year=2025,
        decision_number="99/QĐ-UBND",
        decision_date=datetime.date(2025, 12, 1),
        withdrawn_on=datetime.date(2026, 3, 1),
    )
    response = admin_client.get(_admin_url(Recognition, "changelist"), {"withdrawn": withdrawn} if withdrawn else {})
    assert response.context["cl"].result_count == expected_count


@pytest.mark.django_db
@pytest.mark.parametrize("model", RESULT_MODELS, ids=lambda model: model.__name__)
def test_results_are_read_only_in_the_admin(admin_client, objects, model):
    # They change through the portal, which checks scope, refuses stale edits and records history.
    obj = objects[model]
    page = admin_client.get(_admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(_admin_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(_admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_adding_an_import_batch_opens_the_import_page(admin_client):
    response = admin_client.get(reverse("admin:ntm_portal_importbatch_add"))
    assert response.status_code == 302 and response["Location"] == reverse("import_start")
