"""The personas' world with a row of every kind the API lists on each side of every boundary, and a token per
persona, built once per test module."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from criteria.models import Assessment, CriteriaSet, Recognition, Target, Tier
from criteria.services import assessment_save
from criteria.services.criteria_sets import criteria_set_copy
from funding.models import FundingRecord, FundingSource
from ntm_portal.api.services import api_token_create
from tests.personas import World

YEAR = 2021  # the three-tier map, judged by the national set QĐ 318/2022
NATIONAL_SET = "QD51-2025"


@dataclass
class ApiWorld:
    world: World
    tokens: dict  # persona → key
    sets: dict  # "own" (Cao Bằng's), "foreign" (Bắc Kạn's) → CriteriaSet

    def client(self, role: str) -> Client:
        """A client that sends the persona's token and nothing else (no session); none for "anonymous"."""
        if role == "anonymous":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")


@pytest.fixture(scope="module")
def api_world(world_for_module, django_db_blocker) -> ApiWorld:
    world = world_for_module
    admin = world.users["admin"]
    with django_db_blocker.unblock():
        source, _created = FundingSource.objects.get_or_create(
            code="ns_tw", defaults={"name": "Ngân sách trung ương", "is_budget": True}
        )
        for amount, commune in enumerate((world.commune_a, world.commune_b, world.other_commune), start=1):
            assessment_save(user=admin, unit=commune, year=YEAR, version=0, values={}, direct={})
            Recognition.objects.create(
                unit=commune, tier=Tier.NTM, year=YEAR, decision_number=f"{amount}/QĐ-UBND",
                decision_date=datetime.date(YEAR, 12, 20),
            )  # fmt: skip
            Target.objects.create(unit=commune, year=YEAR + 1, tier=Tier.ADVANCED)
            FundingRecord.objects.create(
                unit=commune, year_from=YEAR, year_to=YEAR, source=source, kind=FundingRecord.Kind.MOBILISED,
                amount_vnd=amount * 1_000_000_000,
            )  # fmt: skip
        Target.objects.create(unit=world.province, year=YEAR + 1, criteria_count=17)
        national = CriteriaSet.objects.get(code=NATIONAL_SET)
        sets = {
            key: criteria_set_copy(
                user=admin,
                source=national,
                province=province,
                data={
                    "code": f"{NATIONAL_SET}-{province.code}",
                    "name": f"Bộ tiêu chí {province.name}",
                    "decision_number": "12/QĐ-UBND",
                },
            )
            for key, province in (("own", world.province), ("foreign", world.other_province))
        }
        tokens = {role: api_token_create(actor=user).key for role, user in world.users.items()}
    assert Assessment.objects.filter(year=YEAR).count() == 3
    return ApiWorld(world, tokens, sets)
