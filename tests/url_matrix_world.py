"""The objects the URL matrix asks for, on each side of every boundary: on commune A, on its sibling commune B,
on their district or province, and in the other province (Bắc Kạn). Built once per test module on the
personas of tests/personas.py."""

import datetime
import io
import itertools
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from communes.models import Membership, MembershipProposal, UnitBoundary
from communes.services import boundary_upload_check
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
    Tier,
)
from criteria.services import assessment_save, evidence_delete, evidence_review, evidence_upload
from criteria.services.criteria_sets import criteria_set_copy, indicator_save
from funding.models import FundingRecord, FundingSource, InKindContribution
from ntm_portal import importing
from ntm_portal.models import DownloadJob, ImportBatch
from reports.models import RenderJob, Report, ReportFile
from reports.services import report_create
from tests.boundary_files import squares
from tests.personas import PASSWORD, World, build_world
from tests.test_import_page import ALL_MET, results_workbook

YEAR = 2021  # a year of the three-tier map, judged by the national set QĐ 318/2022
IMPORT_YEAR = 2024
NATIONAL_SET = "QD51-2025"


@dataclass
class MatrixWorld:
    world: World
    communes: dict  # "A", "B", "district" (not a commune), "foreign" → unit
    assessments: dict  # "A", "B", "foreign" → Assessment
    evidence: dict  # "A", "B", "foreign" (waiting), "A_deleted"…, "A_rejected"… → Evidence
    reports: dict  # "P", "D", "F" (drafts of province, district, Bắc Kạn), "PI", "FI" (issued) → Report
    jobs: dict  # "P", "D", "F" → the finished render job of that draft, by the draft's author
    batches: dict  # "P", "D", "F" → an upload of the province staff, district staff, Bắc Kạn staff
    sets: dict  # "national", "own" (Cao Bằng's), "foreign" (Bắc Kạn's) → CriteriaSet
    downloads: dict = dataclass_field(default_factory=dict)  # "P", "D", "F" → a finished export job of each author
    # "P", "F" → a boundary file waiting for confirmation, of the province staff and of Bắc Kạn staff
    boundary_uploads: dict = dataclass_field(default_factory=dict)
    recognitions: dict = dataclass_field(default_factory=dict)  # "A", "B", "foreign" → an NTM recognition of YEAR

    @property
    def users(self) -> dict:
        return self.world.users

    def user_province(self, username: str):
        """The province a persona writes for (Cao Bằng for everyone but Bắc Kạn's)."""
        return self.world.other_province if username.startswith("other_") else self.world.province


_colours = itertools.count(1)


def png(name="anh.png") -> SimpleUploadedFile:
    """An image none uploaded before: the portal refuses a file it holds already."""
    shade = next(_colours)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (shade % 256, shade // 256 % 256, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def results_file(commune: str = "Xã Hưng Đạo", district: str = "Hoà An") -> bytes:
    return results_workbook([(commune, ALL_MET, district)])


def build_matrix_world() -> MatrixWorld:
    world = build_world()
    users, admin = world.users, world.users["admin"]
    communes = {"A": world.commune_a, "B": world.commune_b, "district": world.district, "foreign": world.other_commune}
    assessments = {}
    evidence = {}
    for key in ("A", "B", "foreign"):
        unit = communes[key]
        assessment_save(user=admin, unit=unit, year=YEAR, version=0, values={}, direct={})
        assessments[key] = Assessment.objects.get(unit=unit, year=YEAR)
        evidence[key] = evidence_upload(user=admin, unit=unit, year=YEAR, upload=png(), title=f"Ảnh {key}")
        deleted = evidence_upload(user=admin, unit=unit, year=YEAR, upload=png(), title=f"Đã xoá {key}")
        evidence_delete(user=admin, evidence=deleted)
        evidence[f"{key}_deleted"] = Evidence.objects.get(pk=deleted.pk)
        rejected = evidence_upload(user=admin, unit=unit, year=YEAR, upload=png(), title=f"Bị trả lại {key}")
        evidence_review(user=admin, evidence=rejected, accept=False, comment="Ảnh mờ")
        evidence[f"{key}_rejected"] = Evidence.objects.get(pk=rejected.pk)

    authors = {"P": ("province_staff", world.province), "D": ("district_staff", world.district),
               "F": ("other_province_staff", world.other_province)}  # fmt: skip
    reports, jobs = {}, {}
    for key, (author, unit) in authors.items():
        draft = report_create(user=users[author], unit=unit, kind="annual", year_from=YEAR, year_to=YEAR)
        # Numbered and dated, so that issuing it is a valid request.
        Report.objects.filter(pk=draft.pk).update(number="12", issued_on=datetime.date(YEAR, 12, 20))
        reports[key] = Report.objects.get(pk=draft.pk)
        jobs[key] = RenderJob.objects.create(
            report=draft, format="pdf", report_version=draft.version, requested_by=users[author],
            status=RenderJob.Status.DONE, progress=100, content=b"%PDF-1.7 draft",
        )  # fmt: skip
    for key, (author, unit) in (("PI", authors["P"]), ("FI", authors["F"])):
        issued = report_create(user=users[author], unit=unit, kind="annual", year_from=YEAR, year_to=YEAR)
        # Issuing renders three documents for seconds; the matrix needs only an issued report with a file.
        Report.objects.filter(pk=issued.pk).update(
            status=Report.Status.ISSUED, number="7", issued_by=users[author], issued_at=timezone.now()
        )
        ReportFile.objects.create(report=issued, format="pdf", content=b"%PDF-1.7 issued", sha256="0" * 64)
        reports[key] = Report.objects.get(pk=issued.pk)

    batches = {}
    uploads = {"P": ("province_staff", "Xã Hưng Đạo", "Hoà An"), "D": ("district_staff", "Xã Đức Long", "Hoà An"),
               "F": ("other_province_staff", "Xã Nam Mẫu", "Ba Bể")}  # fmt: skip
    for key, (uploader, commune, district) in uploads.items():
        batch = importing.import_check(
            user=users[uploader], kind=importing.KINDS["results"], content=results_file(commune, district),
            file_name="ket-qua.xlsx", year=IMPORT_YEAR,
        )  # fmt: skip
        batches[key] = ImportBatch.objects.get(pk=batch.pk)

    national = CriteriaSet.objects.get(code=NATIONAL_SET)
    sets = {"national": national}
    for key, province in (("own", world.province), ("foreign", world.other_province)):
        sets[key] = criteria_set_copy(
            user=admin, source=national, province=province,
            data={"code": f"{NATIONAL_SET}-{province.code}", "name": f"Bộ tiêu chí {province.name}",
                  "decision_number": "12/QĐ-UBND"},
        )  # fmt: skip
    for criteria_set in sets.values():
        criterion = criteria_set.criteria.order_by("number").first()
        if not Indicator.objects.filter(criterion=criterion).exists():
            indicator_save(
                user=admin, criterion=criterion, indicator=None, version=criteria_set.version,
                data={"code": "1.1", "position": 1, "text": "Tỷ lệ quy hoạch", "kind": "percent", "unit": "%",
                      "comparison": ">="},
            )  # fmt: skip
        criteria_set.refresh_from_db()
    _rows_for_the_admin(world, assessments["A"])
    downloads = {
        key: DownloadJob.objects.create(
            kind="results_export", requested_by=users[author], status=DownloadJob.Status.DONE, progress=100,
            content=b"PK export", file_name="ket-qua.xlsx", content_type="application/vnd.ms-excel",
        )
        for key, (author, _unit) in authors.items()
    }  # fmt: skip
    recognitions = {"A": Recognition.objects.get(unit=world.commune_a)}  # the admin's row, below
    for key in ("B", "foreign"):
        recognitions[key] = Recognition.objects.create(
            unit=communes[key], tier=Tier.NTM, year=YEAR, decision_number=f"12{key}/QĐ-UBND",
            decision_date=datetime.date(YEAR, 12, 28),
        )  # fmt: skip
    boundary_uploads = {
        key: boundary_upload_check(
            province=province, map_kind="before", content=squares([(unit.code, unit.name)]),
            file_name="ranh-gioi.geojson", code_property="", actor=users[author],
        )
        for key, author, province, unit in (
            ("P", "province_staff", world.province, world.commune_a),
            ("F", "other_province_staff", world.other_province, world.other_commune),
        )
    }  # fmt: skip
    square = {"type": "MultiPolygon", "coordinates": [[[[106, 22], [106.1, 22], [106.1, 22.1], [106, 22]]]]}
    UnitBoundary.objects.create(  # an outline in force, for the admin's pages of boundaries
        unit=world.commune_b, geometry=square, source_file="ranh-gioi.geojson", uploaded_by=users["province_staff"],
    )  # fmt: skip
    return MatrixWorld(
        world, communes, assessments, evidence, reports, jobs, batches, sets, downloads, boundary_uploads, recognitions
    )


def first_criterion(criteria_set: CriteriaSet) -> Criterion:
    return criteria_set.criteria.order_by("number").first()


def last_criterion(criteria_set: CriteriaSet) -> Criterion:
    return criteria_set.criteria.order_by("number").last()


def number_indicator(criteria_set: CriteriaSet) -> Indicator:
    return Indicator.objects.filter(criterion__criteria_set=criteria_set).exclude(kind="composite").order_by("pk")[0]


def _rows_for_the_admin(world: World, assessment: Assessment) -> None:
    """A row of each model the Django admin shows that the portal's objects above do not make."""
    unit = assessment.unit
    Group.objects.create(name="Cán bộ nhập liệu")
    criterion = assessment.criteria_set.criteria.order_by("number").first()
    indicator = Indicator.objects.filter(criterion__criteria_set=assessment.criteria_set).order_by("pk").first()
    # Saving the assessment judged its criteria already; a value is the admin's alone to add.
    IndicatorValue.objects.get_or_create(assessment=assessment, indicator=indicator, defaults={"number": 72})
    CriterionResult.objects.get_or_create(
        assessment=assessment, criterion=criterion, defaults={"method": CriterionResult.Method.COMPUTED}
    )
    Recognition.objects.create(
        unit=unit, tier=Tier.NTM, year=YEAR, decision_number="1234/QĐ-UBND", decision_date=datetime.date(YEAR, 12, 20)
    )
    Target.objects.create(unit=unit, year=YEAR + 1, tier=Tier.ADVANCED)
    source, _created = FundingSource.objects.get_or_create(
        code="ns_tw", defaults={"name": "Ngân sách trung ương", "is_budget": True}
    )
    FundingRecord.objects.create(
        unit=unit, year_from=YEAR, year_to=YEAR, source=source, kind=FundingRecord.Kind.DISBURSED,
        amount_vnd=31_690_350_000,
    )  # fmt: skip
    InKindContribution.objects.create(
        unit=unit, year_from=YEAR, year_to=YEAR, kind=InKindContribution.Kind.LAND, quantity=1200
    )
    membership = Membership.objects.get(user=world.users["district_staff"])
    MembershipProposal.objects.create(membership=membership, unit=world.province, role=Membership.Role.LEADER)
    # A wrong password for a name no persona signs in as (a sign-in clears its own attempts) and a sign-in:
    # django-axes' attempt, failure and access logs, and security events.
    login = reverse("login")
    Client().post(login, {"username": "khong.co.ai", "password": "sai-mat-khau"}, REMOTE_ADDR="192.0.2.7")
    Client().post(login, {"username": "official_a", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8")
