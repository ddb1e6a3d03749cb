"""The Cao Bằng demo with hostile text in it: units, sets, evidence and records renamed inside each test."""

import pytest
from django.core.files.storage import storages

from communes.models import AdministrativeUnit
from criteria.models import Assessment, Evidence
from tests.hostile.data import YEAR


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def province(demo, db):
    return AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)


@pytest.fixture
def city(province):
    return AdministrativeUnit.objects.get(parent=province, level="district", short_name="Cao Bằng")


@pytest.fixture
def commune(city):
    return AdministrativeUnit.objects.get(parent=city, level="commune", short_name="Hưng Đạo")


@pytest.fixture
def assessment(commune):
    return Assessment.objects.get(unit=commune, year=YEAR)


@pytest.fixture
def evidence_storage(settings, tmp_path, monkeypatch):
    # The FileField resolved its storage once at import: pointed at the test's own folder (as tests/criteria do).
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    storage = storages["evidence"]
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storage)
    return storage
