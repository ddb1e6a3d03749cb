"""Recognition decisions and yearly targets through their services: what is checked, what is written with
its history, and that a refusal writes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from criteria.models import Evidence, Recognition, Target, Tier
from criteria.selectors import highest_tiers
from criteria.selectors.targets import YearTargets, year_targets_of
from criteria.services import AssessmentError, NotPermitted
from criteria.services.recognitions import (
    RecognitionData,
    RecognitionRefused,
    recognition_record,
    recognition_update,
    recognition_withdraw,
)
from criteria.services.targets import TargetsRefused, targets_set
from ntm_portal.models import ChangeRecord

pytestmark = pytest.mark.django_db

YEAR = 2021
DECISION = RecognitionData(
    tier=Tier.NTM,
    year=YEAR,
    decision_number="2850/QĐ-UBND",
    decision_date=datetime.date(YEAR, 12, 31),
    signer="Phó Chủ tịch UBND tỉnh",
)


def decision_pdf(name="quyet-dinh-2850.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def written() -> tuple[int, int, int, int]:
    return Recognition.objects.count(), Evidence.objects.count(), Target.objects.count(), ChangeRecord.objects.count()


def record(world, data=DECISION, **kwargs):
    kwargs.setdefault("user", world.users["province_staff"])
    return recognition_record(unit=world.commune_a, data=data, **kwargs)


def test_province_staff_record_a_recognition_with_its_decision_file_and_history(world):
    recognition = record(world, decision_file=decision_pdf())
    stored = Recognition.objects.select_related("decision_file__assessment").get()
    assert (stored.unit, stored.tier, stored.year, stored.decision_number) == (
        world.commune_a,
        "ntm",
        YEAR,
        "2850/QĐ-UBND",
    )
    evidence = stored.decision_file
    assert (evidence.assessment.unit, evidence.assessment.year) == (world.commune_a, YEAR)
    assert (evidence.document_number, evidence.document_date, evidence.issuer) == (
        "2850/QĐ-UBND",
        datetime.date(YEAR, 12, 31),
        "Phó Chủ tịch UBND tỉnh",
    )
    assert evidence.content_type == "application/pdf"
    history = ChangeRecord.objects.about(recognition).order_by("pk")
    assert [(change.action, change.target, change.user) for change in history] == [
        ("recognition", "recorded", world.users["province_staff"]),
        ("recognition", "decision_file", world.users["province_staff"]),
    ]
    assert highest_tiers(unit_ids=[world.commune_a.pk], year=YEAR) == {world.commune_a.pk: "ntm"}


def test_text_is_normalised_to_nfc(world):
    decomposed = "Phó Chủ tịch".replace("ó", "o\u0301")
    recognition = record(world, data=RecognitionData(**{**DECISION.__dict__, "signer": f"  {decomposed}  "}))
    assert recognition.signer == "Phó Chủ tịch"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"decision_number": "  "}, "decision_number"),
        ({"decision_date": timezone.localdate() + datetime.timedelta(days=1)}, "decision_date"),
        ({"decision_date": datetime.date(YEAR - 1, 12, 30)}, "decision_date"),
        ({"tier": Tier.MODERN}, "tier"),  # the tier of 2026-2030
        ({"year": 2012, "decision_date": datetime.date(2012, 12, 30)}, "year"),  # no criteria set in force
    ],
    ids=["no-number", "future", "before-the-year", "tier-of-another-period", "no-set"],
)
def test_a_refused_decision_writes_nothing(world, change, field):
    before = written()
    data = RecognitionData(**{**DECISION.__dict__, **change})
    with pytest.raises(RecognitionRefused) as refused:
        record(world, data=data, decision_file=decision_pdf())
    assert refused.value.field == field
    assert written() == before


def test_one_recognition_per_commune_tier_and_year(world):
    record(world)
    before = written()
    with pytest.raises(RecognitionRefused, match="2850/QĐ-UBND"):
        record(world, data=RecognitionData(**{**DECISION.__dict__, "decision_number": "1/QĐ-UBND"}))
    assert written() == before
    record(world, data=RecognitionData(**{**DECISION.__dict__, "tier": Tier.ADVANCED}))  # another tier stands


def test_a_refused_decision_file_writes_nothing(world):
    before = written()
    with pytest.raises(AssessmentError):
        record(world, decision_file=SimpleUploadedFile("quyet-dinh.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    assert written() == before


@pytest.mark.parametrize("who", ["district_staff", "official_a", "leader", "other_province_staff"])
def test_only_province_staff_record_recognitions(world, who):
    before = written()
    with pytest.raises(NotPermitted):
        record(world, user=world.users[who])
    assert written() == before


def test_a_correction_records_each_field_from_old_to_new(world):
    recognition = record(world)
    changed = RecognitionData(**{**DECISION.__dict__, "decision_number": "2851/QĐ-UBND", "signer": "Chủ tịch"})
    recognition_update(
        user=world.users["admin"], recognition=recognition, data=changed, decision_file=decision_pdf("qd.pdf")
    )
    recognition.refresh_from_db()
    assert (recognition.decision_number, recognition.signer) == ("2851/QĐ-UBND", "Chủ tịch")
    rows = ChangeRecord.objects.about(recognition).exclude(target="recorded").order_by("pk")
    assert [(row.target, row.old_value, row.new_value) for row in rows] == [
        ("decision_number", "2850/QĐ-UBND", "2851/QĐ-UBND"),
        ("signer", "Phó Chủ tịch UBND tỉnh", "Chủ tịch"),
        ("decision_file", "", "qd.pdf"),
    ]


def test_a_correction_cannot_collide_with_another_recognition(world):
    record(world)
    other = record(world, data=RecognitionData(**{**DECISION.__dict__, "tier": Tier.ADVANCED}))
    with pytest.raises(RecognitionRefused):
        recognition_update(user=world.users["province_staff"], recognition=other, data=DECISION)
    other.refresh_from_db()
    assert other.tier == Tier.ADVANCED


def test_a_withdrawal_ends_the_tier_from_its_year_and_is_recorded(world):
    recognition = record(world)
    recognition_withdraw(
        user=world.users["province_staff"],
        recognition=recognition,
        withdrawn_on=datetime.date(2023, 5, 4),
        withdrawal_decision="90/QĐ-UBND",
    )
    assert highest_tiers(unit_ids=[world.commune_a.pk], year=2022) == {world.commune_a.pk: "ntm"}
    assert highest_tiers(unit_ids=[world.commune_a.pk], year=2023) == {}
    rows = ChangeRecord.objects.about(recognition).filter(target__startswith="withdraw").order_by("pk")
    assert [(row.target, row.new_value) for row in rows] == [
        ("withdrawn_on", "2023-05-04"),
        ("withdrawal_decision", "90/QĐ-UBND"),
    ]


@pytest.mark.parametrize(
    ("withdrawn_on", "number"),
    [
        (timezone.localdate() + datetime.timedelta(days=1), "90/QĐ-UBND"),
        (datetime.date(YEAR, 12, 30), "90/QĐ-UBND"),  # before the decision it withdraws
        (datetime.date(2023, 5, 4), " "),
    ],
    ids=["future", "before-the-decision", "no-number"],
)
def test_a_refused_withdrawal_changes_nothing(world, withdrawn_on, number):
    recognition = record(world)
    before = written()
    with pytest.raises(RecognitionRefused):
        recognition_withdraw(
            user=world.users["province_staff"],
            recognition=recognition,
            withdrawn_on=withdrawn_on,
            withdrawal_decision=number,
        )
    recognition.refresh_from_db()
    assert (recognition.withdrawn_on, written()) == (None, before)


def targets_of(world, **kwargs):
    return YearTargets(
        average=kwargs.get("average", 15),
        communes={Tier.NTM: frozenset(kwargs.get("ntm", {world.commune_a.pk})), Tier.ADVANCED: frozenset()},
        source_decision=kwargs.get("source", "QĐ 867/QĐ-UBND"),
    )


def test_targets_are_set_for_the_year_with_their_history(world):
    staff = world.users["province_staff"]
    targets_set(user=staff, unit=world.province, year=2022, targets=targets_of(world))
    assert set(Target.objects.values_list("unit_id", "tier", "criteria_count", "source_decision")) == {
        (world.commune_a.pk, "ntm", None, "QĐ 867/QĐ-UBND"),
        (world.province.pk, "", 15, "QĐ 867/QĐ-UBND"),
    }
    changed = targets_of(world, average=16, ntm={world.commune_a.pk, world.commune_b.pk})
    targets_set(user=staff, unit=world.province, year=2022, targets=changed)
    assert year_targets_of(unit=world.province, year=2022).average == 16
    rows = ChangeRecord.objects.about(world.province).filter(action="target").order_by("pk")
    assert [(row.target, row.old_value, row.new_value) for row in rows] == [
        ("2022:average", "", "15"),
        ("2022:ntm", "", "Xã Hưng Đạo"),
        ("2022:source", "", "QĐ 867/QĐ-UBND"),
        ("2022:average", "15", "16"),
        ("2022:ntm", "Xã Hưng Đạo", "Xã Hưng Đạo, Xã Đức Long"),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"average": 20},  # the 2021-2025 set has 19 criteria
        {"average": -1},
        {"ntm": {"foreign"}},
    ],
    ids=["above-the-criteria", "negative", "commune-of-another-province"],
)
def test_refused_targets_write_nothing(world, change):
    if change.get("ntm") == {"foreign"}:
        change = {"ntm": {world.other_commune.pk}}
    before = written()
    with pytest.raises(TargetsRefused):
        targets_set(
            user=world.users["province_staff"], unit=world.province, year=2022, targets=targets_of(world, **change)
        )
    assert written() == before


def test_a_commune_is_planned_for_one_tier_a_year(world):
    targets = YearTargets(
        average=None,
        communes={Tier.NTM: frozenset({world.commune_a.pk}), Tier.ADVANCED: frozenset({world.commune_a.pk})},
    )
    with pytest.raises(TargetsRefused):
        targets_set(user=world.users["province_staff"], unit=world.province, year=2022, targets=targets)
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["district_staff", "leader", "official_a"])
def test_only_province_staff_set_targets(world, who):
    unit = world.district if who == "district_staff" else world.province
    with pytest.raises(NotPermitted):
        targets_set(user=world.users[who], unit=unit, year=2022, targets=targets_of(world))
    assert not Target.objects.exists()
